"""What changed between two instants on one time axis: which tally cells, from what to what, and why.

The causes of a change are the facts between the two instants (new claims, revisions, withdrawals,
corrections, strikes, claimant regrades) about figures that stood in the cell's scope before or after.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import attrs
import duckdb

from ledger.domain.claims import standing
from ledger.domain.policy import Policy
from ledger.domain.tally import Cell, CellKey, status_chain
from ledger.domain.values import parse_instant
from ledger.errors import InvalidInput
from ledger.history import incident_corrections, sources
from ledger.history.incident_corrections import IncidentCorrection
from ledger.history.snapshot import Snapshot, same_axis, take
from ledger.readmodel import queries
from ledger.readmodel.queries import describe_time
from ledger.readmodel.view import View

AXES = ("recorded", "reported")


@attrs.frozen
class CellState:
    low: int | None
    best: int | None
    high: int | None
    high_open: bool
    grade: str
    basis: str
    claims: tuple[str, ...]  # the figure ids counted in the cell itself

    @classmethod
    def of(cls, cell: Cell) -> CellState:
        b = cell.bounds
        return cls(
            b.low if b else None,
            b.best if b else None,
            b.high if b else None,
            bool(b and b.high is None),
            cell.grade.value,
            cell.basis,
            tuple(sorted(c.figure_id for c in cell.claims)),
        )

    @property
    def text(self) -> str:
        if self.low is None:
            return f"no number, {self.grade}"
        return f"{self.low} / {self.best} / {'open' if self.high_open else self.high}, {self.grade}"


@attrs.frozen
class Cause:
    position: int
    kind: str  # new claim, revision, carrier, withdrawal, correction, strike, regrade
    recorded_at: dt.datetime
    reported_at: dt.datetime | None
    claimant: str | None
    figure_id: str | None
    text: str
    document: str | None = None
    quote: str | None = None


@attrs.frozen
class Change:
    incident: str
    victim_status: str
    outcome: str
    change: str  # added, removed, changed
    before: CellState | None
    after: CellState | None
    causes: tuple[Cause, ...]

    @property
    def text(self) -> str:
        before = self.before.text if self.before else "(no cell)"
        after = self.after.text if self.after else "(no cell)"
        return f"{before} -> {after}"


@attrs.frozen
class Diff:
    policy: str
    axis: str
    before: str  # each view described
    after: str
    before_position: int
    after_position: int
    changes: tuple[Change, ...]
    corrections: tuple[IncidentCorrection, ...] = ()  # incidents corrected in the window: they move no cell by themselves

    @property
    def title(self) -> str:
        count = f"{len(self.changes)} {'cell' if len(self.changes) == 1 else 'cells'} changed"
        if self.corrections:
            count += f", {len(self.corrections)} {'incident' if len(self.corrections) == 1 else 'incidents'} corrected"
        return (
            f"Tally changes under policy {self.policy}, from {self.before} (event-log position {self.before_position}) "
            f"to {self.after} (position {self.after_position}): {count}"
        )


def views(
    start: str, end: str = "now", axis: str = "recorded", occurred_from: str | None = None, occurred_to: str | None = None
) -> tuple[View, View]:
    """Two views on one axis from instants as typed ('now' for the latest); a reversed pair is an error."""
    if axis not in AXES:
        raise InvalidInput(f"axis {axis!r}: unknown; use 'recorded' (what the ledger knew) or 'reported' (what had been claimed)")
    if start.strip().lower() == "now" and end.strip().lower() != "now":
        raise InvalidInput(f"diff now..{end}: the range is reversed; give the earlier instant first")
    made = []
    for text, label in ((start, "START"), (end, "END")):
        if text.strip().lower() == "now":
            made.append(View.parse(None, None, occurred_from, occurred_to))
            continue
        parse_instant(text, f"diff {label}")  # names the argument in the error, not an option
        as_of, reported = (text, None) if axis == "recorded" else (None, text)
        made.append(View.parse(as_of, reported, occurred_from, occurred_to))
    before, after = made
    first, last = _instant(before), _instant(after)
    if first is not None and last is not None and first > last:
        raise InvalidInput(f"diff {start}..{end}: the range is reversed; give the earlier instant first")
    return before, after


def _instant(view: View) -> dt.datetime | None:
    return view.recorded_by or view.reported_by


def diff(con: duckdb.DuckDBPyConnection, policy: Policy, before: View, after: View, incident: str | None = None) -> Diff:
    axis = same_axis(before, after)
    a, b = take(con, policy, before), take(con, policy, after)
    keys = sorted(set(a.cells) | set(b.cells))
    names = sources.incident_keys(con)
    # Corrections are the analyst's (or a release import's) facts: on the recorded axis only, like a figure's.
    corrections = incident_corrections.between(con, a.position, b.position, names) if axis == "recorded" else ()
    corrections = tuple(c for c in corrections if _occurs(c, after))
    if incident is not None:
        scope = _subtree(queries.incident_id(con, incident), {**a.facts.parents, **b.facts.parents})
        keys = [k for k in keys if k[0] in scope]
        in_scope = {names.get(i, i) for i in scope}
        corrections = tuple(c for c in corrections if c.incident in in_scope)
    causes = _Causes(con, axis, a, b)
    changes = []
    for key in keys:
        old = CellState.of(a.cells[key]) if key in a.cells else None
        new = CellState.of(b.cells[key]) if key in b.cells else None
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        changes.append(Change(names.get(key[0], key[0]), key[1], key[2], kind, old, new, causes.of(key)))
    changes.sort(key=lambda c: (c.incident, c.victim_status, c.outcome))
    return Diff(policy.label, axis, before.describe(), after.describe(), a.position, b.position, tuple(changes), corrections)


def _occurs(correction: IncidentCorrection, view: View) -> bool:
    """Inside the view's occurred range before or after the correction (a moved date may leave or enter it)."""
    return any(
        (view.occurred_from is None or end >= view.occurred_from) and (view.occurred_to is None or start <= view.occurred_to)
        for start, end in correction.periods
    )


def _subtree(root: str, parents: dict[str, str | None]) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in parents.items():
        if parent is not None:
            children[parent].append(child)
    found, todo = set(), [root]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += children.get(node, [])
    return found


class _Causes:
    """The facts between two snapshots, sorted into the cells they touch."""

    def __init__(self, con: duckdb.DuckDBPyConnection, axis: str, a: Snapshot, b: Snapshot) -> None:
        self.a, self.b, self.axis = a, b, axis
        self.parents = {**a.facts.parents, **b.facts.parents}
        self.figures = sources.figure_sources(con, View())  # all: a fact may concern a figure of either side
        self.carriers = sources.carrier_sources(con, View())
        self.events = [e for events in sources.figure_events(con, View()).values() for e in events]
        self.struck = {e.figure_id for e in self.events if e.kind == "struck"}  # entry errors revise nothing
        self.grades = con.execute(
            "SELECT g.position, g.claimant_id, c.name, g.reliability, g.reason, g.recorded_at FROM claimant_grades g "
            "JOIN claimants c USING (claimant_id) WHERE g.position <> c.position ORDER BY g.position"
        ).fetchall()
        self.claims = {c.figure_id: c for c in [*a.facts.claims, *b.facts.claims]}
        # Only facts about figures that stood, before or after, can move a cell.
        self.stood = {c.figure_id for snap in (a, b) for c in standing(snap.facts.claims).values() if c is not None}

    def within(self, recorded_at: dt.datetime, reported_at: dt.datetime | None) -> bool:
        at = recorded_at if self.axis == "recorded" else reported_at
        start = _instant(self.a.view)
        end = _instant(self.b.view)
        if at is None:
            return False
        return (start is None or at > start) and (end is None or at <= end)

    def of(self, key: CellKey) -> tuple[Cause, ...]:
        """The facts in the window about figures of the cell's scope: its incident subtree and sub-statuses."""
        found: list[Cause] = []
        claimants: set[str] = set()
        incidents = _subtree(key[0], self.parents)
        for figure in self.figures.values():
            claim = self.claims.get(figure.figure_id)
            status = figure.victim_status
            if claim is None or claim.incident_id not in incidents or figure.outcome != key[2]:
                continue
            if key[1] not in status_chain(status):  # the cell's own status, or one below it
                continue
            claimants.add(claim.claimant_id)
            if figure.figure_id not in self.stood:
                continue
            if self.within(figure.recorded_at, claim.reported_at):
                found.append(self.reported(figure))
            for carrier in self.carriers.get(figure.figure_id, []):
                if not carrier.is_first and self.within(carrier.recorded_at, carrier.reported_at):
                    found.append(self.carried(figure, carrier))
            for event in self.events:
                if event.figure_id == figure.figure_id and self.within(event.recorded_at, self.event_time(event)):
                    found.append(self.later_fact(figure, event))
        if self.axis == "recorded":
            for position, claimant_id, name, grade, reason, recorded_at in self.grades:
                if claimant_id in claimants and self.within(recorded_at, None):
                    text = f"claimant {name} regraded {grade}: {reason}"
                    found.append(Cause(position, "regrade", recorded_at, None, name, None, text))
        return tuple(sorted(found, key=lambda c: c.position))

    def event_time(self, event: sources.FigureEvent) -> dt.datetime | None:
        if event.kind == "withdrawn":
            return event.reported_at or event.recorded_at
        return None  # corrections and strikes are the analyst's, placed on the recorded axis only

    def reported(self, figure: sources.FigureSource) -> Cause:
        """A new claim, or a revision when the series already had a figure on this axis."""
        claim = self.claims[figure.figure_id]
        series = [
            f
            for f in self.figures.values()
            if f.series_id == figure.series_id and f.figure_id != figure.figure_id and f.figure_id not in self.struck
        ]
        said = (self.reported_at(figure), figure.position)
        if self.axis == "recorded":
            prior = [f for f in series if f.position < figure.position]
        else:
            prior = [f for f in series if (self.reported_at(f), f.position) < said]
        kind = "revision" if prior else "new claim"
        text = f"{figure.claimant_name} said {claim.quantity.text!r}, reported {figure.reported}"
        earlier = [f for f in series if (self.reported_at(f), f.position) < said]
        if earlier:
            text += f" (revises {max(earlier, key=lambda f: (self.reported_at(f), f.position)).quantity!r})"
        elif prior:
            first = min(series, key=lambda f: (self.reported_at(f), f.position))
            text += f" (back-filled: said before {first.quantity!r})"
        return Cause(
            figure.position, kind, figure.recorded_at, claim.reported_at, figure.claimant_name, figure.figure_id, text,
            figure.document, figure.quote,
        )  # fmt: skip

    def carried(self, figure: sources.FigureSource, carrier: sources.CarrierSource) -> Cause:
        """One more source carrying a statement already recorded: a republication, never a revision."""
        text = (
            f"{carrier.words!r} of {figure.claimant_name} carried by {carrier.label}, reported {carrier.reported} "
            f"(the same statement as {figure.quantity!r}, one more carrier)"
        )
        return Cause(
            carrier.position, "carrier", carrier.recorded_at, carrier.reported_at, figure.claimant_name, figure.figure_id,
            text, carrier.document, carrier.quote,
        )  # fmt: skip

    def reported_at(self, figure: sources.FigureSource) -> dt.datetime:
        claim = self.claims.get(figure.figure_id)
        return claim.reported_at if claim else figure.reported_at

    def later_fact(self, figure: sources.FigureSource, event: sources.FigureEvent) -> Cause:
        kind = {"withdrawn": "withdrawal", "corrected": "correction", "struck": "strike"}[event.kind]
        what = f"{figure.quantity!r} of {figure.claimant_name}"
        if event.kind == "withdrawn":
            when = describe_time(event.reported_at or event.recorded_at, None, None)
            text = f"withdrawal of {what} by the claimant on {when}: {event.reason}"
        elif event.kind == "corrected":
            changed = ", ".join(f"{k} -> {_shown(v)!r}" for k, v in (event.correction or {}).items() if v is not None)
            text = f"correction of {what} by {event.analyst or 'an analyst'} ({changed}): {event.reason}"
        else:
            text = f"strike of {what} as an entry error by {event.analyst or 'an analyst'}: {event.reason}"
        return Cause(
            event.position, kind, event.recorded_at, event.reported_at, figure.claimant_name, figure.figure_id, text,
            event.document or figure.document, event.quote or figure.quote,
        )  # fmt: skip


def _shown(value: object) -> object:
    if isinstance(value, dict):
        return value.get("text") or value.get("at") or value.get("start") or value
    return value


def rows(result: Diff) -> Iterable[dict[str, object]]:
    """One flat row per change and cause (a change with no cause found gets one row), then one per field of
    each incident correction (change 'incident corrected', the field in `corrected`), for CSV."""
    for change in result.changes:
        base = {
            "incident": change.incident,
            "victim_status": change.victim_status,
            "outcome": change.outcome,
            "change": change.change,
            "corrected": None,
            "before": change.before.text if change.before else None,
            "after": change.after.text if change.after else None,
            "policy": result.policy,
            "axis": result.axis,
            "from_view": result.before,
            "to_view": result.after,
        }
        for cause in change.causes or (None,):
            yield {
                **base,
                "cause_position": cause.position if cause else None,
                "cause": cause.kind if cause else None,
                "cause_text": cause.text if cause else None,
                "figure_id": cause.figure_id if cause else None,
                "document": cause.document if cause else None,
                "quote": cause.quote if cause else None,
            }

    for correction in result.corrections:
        for field in correction.changes:
            yield {
                "incident": correction.incident,
                "victim_status": None,
                "outcome": None,
                "change": "incident corrected",
                "corrected": field.field,
                "before": field.before,
                "after": field.after,
                "policy": result.policy,
                "axis": result.axis,
                "from_view": result.before,
                "to_view": result.after,
                "cause_position": correction.position,
                "cause": "incident correction",
                "cause_text": correction.cause,
                "figure_id": None,
                "document": correction.document,
                "quote": None,
            }
