"""Charts to PNG or SVG (matplotlib, Agg backend): claims over reported time, tallies over occurrence time.

- claims: one cell (incident x victim status x outcome); each claimant a stepped line of its best
  figure over reported time (a figure holds until the claimant's next), its low-high bounds as a
  band; withdrawn figures are crosses. Vague words are read through the policy's table.
- tallies: an incident subtree; for each victim status, the tally of people who had been killed
  (or injured...) by each date, cumulative over occurrence time, best as a line and low-high as
  a band. A claim counts from the start of its period, so a campaign-wide claim counts from day one.

Every chart carries its policy, event-log position and view in a footnote.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import attrs

from ledger.domain.quantity import parse_quantity
from ledger.domain.vocabulary import Outcome, parse_enum, parse_victim_status
from ledger.errors import InvalidInput
from ledger.readmodel import queries
from ledger.readmodel.queries import NOW
from ledger.readmodel.view import View

CHART_FORMATS = ("png", "svg")
MAX_POINTS = 60  # dates sampled along the occurrence axis


@attrs.frozen
class ChartResult:
    output: Path
    series: int  # lines drawn
    points: int  # data points drawn


def chart_format(output: Path, fmt: str | None) -> str:
    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in CHART_FORMATS:
        raise InvalidInput(f"chart {output}: format {chosen or '(none)'!r} unknown; name the file .png or .svg, or give --format")
    return chosen


def claims_chart(
    ledger: Any,
    incident: str,
    victim_status: str,
    outcome: str,
    output: Path,
    policy: str | None = None,
    view: View = NOW,
    fmt: str | None = None,
) -> ChartResult:
    fmt = chart_format(output, fmt)
    status = parse_victim_status(victim_status)
    outcome = parse_enum(Outcome, outcome, "outcome").value
    chosen = ledger.policy(policy)
    with ledger.reading() as con:
        rows = queries.figure_rows(con, incident, view)
        position = queries.view_position(con, view)
        names = dict(con.execute("SELECT key, name FROM claimants").fetchall())
        title = _incident_name(con, incident)
    rows = [r for r in rows if r["victim_status"] == status and r["outcome"] == outcome and r["state"] != "struck"]
    by_claimant: dict[str, list[tuple[dt.datetime, int, int, int | None, bool]]] = {}
    for row in rows:
        quantity = parse_quantity(row.get("current_quantity") or row["quantity_text"]).under(chosen.vague_table)
        if quantity.is_quantified:
            assert quantity.low is not None and quantity.best is not None
            point = (row["reported_at"], quantity.low, quantity.best, quantity.high, row["state"] == "withdrawn")
            by_claimant.setdefault(names.get(row["claimant"], row["claimant"]), []).append(point)
    if not by_claimant:
        raise InvalidInput(
            f"chart claims: no quantified figures for {incident} / {status} / {outcome} in this view; "
            f"list them with `ledger figures --incident {incident}`"
        )
    fig, ax, colors = _figure()
    top = 1.15 * max(p[3] if p[3] is not None else p[2] for points in by_claimant.values() for p in points) or 1
    end = max(p[0] for points in by_claimant.values() for p in points)
    end = end + max(dt.timedelta(days=1), (end - min(p[0] for ps in by_claimant.values() for p in ps)) * 0.1)
    drawn = 0
    for i, (name, points) in enumerate(sorted(by_claimant.items())):
        points.sort(key=lambda p: p[0])
        live = [p for p in points if not p[4]]
        color = colors[i % len(colors)]
        if live:
            xs = [p[0] for p in live] + [end]
            bests = [p[2] for p in live] + [live[-1][2]]
            ax.step(xs, bests, where="post", color=color, marker="o", markevery=list(range(len(live))), label=name)
            lows = [p[1] for p in live] + [live[-1][1]]
            highs = [top if p[3] is None else p[3] for p in live] + [top if live[-1][3] is None else live[-1][3]]
            ax.fill_between(xs, lows, highs, step="post", color=color, alpha=0.15, linewidth=0)
        withdrawn = [p for p in points if p[4]]
        if withdrawn:
            ax.scatter([p[0] for p in withdrawn], [p[2] for p in withdrawn], marker="x", color=color, label=f"{name} (withdrawn)")
        drawn += len(points)
    ax.set_ylim(0, top)
    ax.set_title(_title(f"Claims over reported time: {title}", f"{status}, {outcome}"))
    ax.set_xlabel("Reported time")
    ax.set_ylabel(f"People {outcome} (as claimed)")
    note = f"Bands: low-high bounds (open upper bounds reach the top); vague words read with {chosen.vague_table.label}."
    _finish(fig, ax, output, fmt, chosen.label, position, view, note)
    return ChartResult(output, len(by_claimant), drawn)


def tallies_chart(
    ledger: Any,
    incident: str,
    output: Path,
    outcome: str = "killed",
    policy: str | None = None,
    view: View = NOW,
    fmt: str | None = None,
) -> ChartResult:
    fmt = chart_format(output, fmt)
    outcome = parse_enum(Outcome, outcome, "outcome").value
    chosen = ledger.policy(policy)
    series: dict[str, list[tuple[dt.date, int, int, int | None]]] = {}
    with ledger.reading() as con:
        key = incident.strip().lower()
        root = queries.incident_id(con, key)
        first, last = con.execute(
            "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT incident_id FROM incidents JOIN sub ON parent_id = sub.id) "
            "SELECT min(occurred_start), max(occurred_end) FROM incidents WHERE incident_id IN (SELECT id FROM sub)",
            [root],
        ).fetchone()
        first, last = max(first, view.occurred_from or first), min(last, view.occurred_to or last)
        if first > last:
            raise InvalidInput(f"chart tallies: {incident} did not occur within --occurred-from/--occurred-to; widen them")
        dates = _dates(first, last)
        position = queries.view_position(con, view)
        title = _incident_name(con, key)
        for when in dates:
            _, rows = queries.tally_rows(con, chosen, key, attrs.evolve(view, occurred_to=when))
            for row in rows:
                # One line per category: sub-statuses are in them, and the total is their sum.
                cell = row["incident"] == key and row["outcome"] == outcome and row["status_level"] == 1
                if cell and row["low"] is not None:
                    high = None if row["high_open"] else row["high"]
                    series.setdefault(row["victim_status"], []).append((when, row["low"], row["best"], high))
    if not series:
        hint = f"see `ledger tally --incident {incident}`"
        raise InvalidInput(f"chart tallies: nothing {outcome} in {incident} in this view; {hint}")
    fig, ax, colors = _figure()
    top = 1.15 * max(p[3] if p[3] is not None else p[2] for points in series.values() for p in points) or 1
    for i, (status, points) in enumerate(sorted(series.items())):
        color = colors[i % len(colors)]
        xs = [p[0] for p in points]
        ax.plot(xs, [p[2] for p in points], color=color, marker="." if len(points) < 40 else None, label=status)
        highs = [top if p[3] is None else p[3] for p in points]
        ax.fill_between(xs, [p[1] for p in points], highs, color=color, alpha=0.15, linewidth=0)
    ax.set_ylim(0, top)
    ax.set_title(_title(f"Tallies by victim status over occurrence time: {title}", f"{outcome}, cumulative"))
    ax.set_xlabel("Occurred on or before")
    ax.set_ylabel(f"People {outcome} (tally best; band low-high)")
    note = "A claim counts from the start of its period; open upper bounds reach the top."
    _finish(fig, ax, output, fmt, chosen.label, position, view, note)
    return ChartResult(output, len(series), sum(len(p) for p in series.values()))


def _title(main: str, sub: str) -> str:
    return "\n".join([*textwrap.wrap(main, 90, max_lines=2, placeholder="…"), sub])


def _dates(first: dt.date, last: dt.date) -> list[dt.date]:
    """At most MAX_POINTS dates from first to last, last included."""
    span = max((last - first).days, 0)
    step = max(1, -(-span // (MAX_POINTS - 1)))
    dates = [first + dt.timedelta(days=d) for d in range(0, span + 1, step)]
    return dates if dates[-1] == last else [*dates, last]


def _incident_name(con: Any, key: str) -> str:
    row = con.execute("SELECT name FROM incidents WHERE key = ?", [key.strip().lower()]).fetchone()
    if row is None:
        raise InvalidInput(f"incident {key!r}: not in the ledger; list incidents with `ledger incident list`")
    return f"{row[0]} ({key})"


def _figure() -> tuple[Any, Any, list[str]]:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.5), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.85, bottom=0.16)
    return fig, fig.subplots(), list(matplotlib.rcParams["axes.prop_cycle"].by_key()["color"])


def _finish(fig: Any, ax: Any, output: Path, fmt: str, policy: str, position: int, view: View, note: str) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    footnote = f"Policy {policy} · event-log position {position} · {view.describe()}.\n{note}"
    fig.text(0.01, 0.01, footnote, fontsize=7, color="#444")
    partial = output.with_name(output.name + ".partial")
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    try:
        fig.savefig(partial, format=fmt, metadata=metadata)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
