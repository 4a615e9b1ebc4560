"""A claim series through reported time: every figure one claimant gave for one cell, with its bounds
and its state then, as rows (CSV, JSON) and as a text chart for the terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import duckdb

from ledger.domain.policy import Policy
from ledger.domain.vocabulary import Outcome, parse_enum, parse_victim_status
from ledger.errors import InvalidInput, NotFound
from ledger.readmodel import queries
from ledger.readmodel.queries import describe_time, load_facts
from ledger.readmodel.view import View


@attrs.frozen
class Point:
    figure_id: str
    position: int  # where the report sits in the event log
    reported_at: dt.datetime  # corrected, when a correction moved it
    reported: str
    recorded_at: dt.datetime
    quantity: str  # the words as they stand (after corrections)
    first_quantity: str  # the words as first recorded
    low: int | None
    best: int | None
    high: int | None
    high_open: bool
    state: str  # standing, superseded, withdrawn, struck
    corrected: bool
    document: str | None
    quote: str | None
    stance: str = "stated"
    carried_by: str | None = None  # every source that carried it, earliest first: "dawn; dunya; mehr via dawn"


COLUMNS = [f.name for f in attrs.fields(Point)]


@attrs.frozen
class Timeline:
    series_id: str
    claimant: str
    incident: str
    victim_status: str
    outcome: str
    policy: str
    view: str
    position: int
    points: tuple[Point, ...]

    @property
    def title(self) -> str:
        return (
            f"Claim series of {self.claimant} on {self.incident} / {self.victim_status} / {self.outcome}, "
            f"{self.view}, event-log position {self.position} (vague words read by policy {self.policy})"
        )

    def rows(self) -> list[dict[str, Any]]:
        return [attrs.asdict(p) for p in self.points]


def find_series(
    con: duckdb.DuckDBPyConnection,
    figure: str | None = None,
    incident: str | None = None,
    claimant: str | None = None,
    victim_status: str | None = None,
    outcome: str | None = None,
) -> str:
    """A claim series by any of its figures, or by incident, claimant, victim status and outcome."""
    if figure is not None:
        return str(queries.resolve_figure(con, figure)["series_id"])
    if None in (incident, claimant, victim_status, outcome):
        raise InvalidInput(
            "timeline: say which claim series; give --figure ID, or all of --incident, --claimant, --victim-status, --outcome"
        )
    assert incident and claimant and victim_status and outcome
    status, result = parse_victim_status(victim_status), parse_enum(Outcome, outcome, "outcome").value
    found = con.execute(
        "SELECT s.series_id FROM series s JOIN incidents i USING (incident_id) JOIN claimants c USING (claimant_id) "
        "WHERE i.key = ? AND c.key = ? AND s.victim_status = ? AND s.outcome = ?",
        [incident.strip().lower(), claimant.strip().lower(), status, result],
    ).fetchone()
    if found is None:
        raise NotFound(
            f"claim series {incident} / {claimant} / {status} / {result}: nothing recorded; "
            "list the figures with `ledger figures --incident KEY`"
        )
    return str(found[0])


def timeline(con: duckdb.DuckDBPyConnection, series_id: str, policy: Policy, view: View) -> Timeline:
    rows = [r for r in queries.figure_rows(con, None, view) if r["series_id"] == series_id]
    claims = {c.figure_id: c for c in load_facts(con, view).claims if c.series_id == series_id}
    points = []
    for row in rows:
        claim = claims.get(row["figure_id"])
        quantity = claim.quantity.under(policy.vague_table) if claim else None
        reported_at = claim.reported_at if claim else row["reported_at"]
        moved = claim is not None and claim.reported_at != row["reported_at"]
        points.append(
            Point(
                figure_id=row["figure_id"],
                position=row["position"],
                reported_at=reported_at,
                reported=describe_time(reported_at, None if moved else row["reported_precision"], row["reported_estimated"])
                or "",
                recorded_at=row["recorded_at"],
                quantity=quantity.text if quantity else row["quantity_text"],
                first_quantity=row["quantity_text"],
                low=quantity.low if quantity else None,
                best=quantity.best if quantity else None,
                high=quantity.high if quantity else None,
                high_open=bool(quantity and quantity.is_open),
                state=row["state"],
                corrected=row["corrected"],
                document=row["document"],
                quote=row["quote"],
                stance=row.get("stance") or "stated",
                carried_by=row.get("carried_by"),
            )
        )
    points.sort(key=lambda p: (p.reported_at, p.position))
    identity = con.execute(
        "SELECT c.name, i.key, s.victim_status, s.outcome FROM series s JOIN incidents i USING (incident_id) "
        "JOIN claimants c USING (claimant_id) WHERE s.series_id = ?",
        [series_id],
    ).fetchone()
    assert identity is not None  # find_series found it
    return Timeline(series_id, *identity, policy.label, view.describe(), queries.view_position(con, view), tuple(points))


# --- the text chart ---------------------------------------------------------------------------------

MARKS = {"standing": "O", "superseded": "o", "withdrawn": "x", "struck": "x"}


def chart(line: Timeline, width: int = 40) -> str:
    """Reported time down the page, value across: |---o---| from low to high, best marked, '>' an open high.

    O marks the standing figure's best, o a superseded one, x a withdrawn one (drawn with dots).
    """
    if not line.points:
        return f"{line.title}\n(no figures in this view)\n"
    top = max((p.high if p.high is not None else p.best) or 0 for p in line.points)
    scale = max(1, round(top * 1.1))  # headroom, so the largest bound is not on the edge

    def col(value: int) -> int:
        return min(width - 1, round(value / scale * (width - 1)))

    widths = (max(8, *(len(p.reported) for p in line.points)), min(24, max(8, *(len(p.quantity) for p in line.points))), 10)

    def row(*texts: str) -> str:
        return "  ".join(t[:w].ljust(w) for t, w in zip(texts, widths, strict=False)) + "  "

    axis = [" "] * width
    for at, text in ((0, "0"), (col(scale // 2), str(scale // 2)), (width - len(str(scale)), str(scale))):
        axis[at : at + len(text)] = text
    out = [line.title, row("reported", "quantity", "state") + "".join(axis).rstrip()]
    out.append(" " * len(row("", "", "")) + "+" + "-" * (width - 1))
    out += [row(p.reported, p.quantity, p.state) + _bar(p, col, width) for p in line.points]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _bar(p: Point, col: Callable[[int], int], width: int) -> str:
    if p.low is None or p.best is None:
        return "x (struck)" if p.state == "struck" else "? (no number)"
    cells = [" "] * width
    end = width - 1 if p.high is None else col(p.high)
    for i in range(col(p.low), end + 1):
        cells[i] = "." if p.state == "withdrawn" else "-"
    cells[col(p.low)] = "|"
    cells[end] = ">" if p.high is None else "|"
    cells[col(p.best)] = MARKS[p.state]
    return "".join(cells)
