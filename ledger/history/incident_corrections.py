"""The incident corrections between two event-log positions: which incident, what moved (dates, place,
location precision, name, parent, description) from what to what, and why (the reason, who, via which
path, and the document a release's import read).

A correction changes no tally cell by itself, so `diff` lists these beside the cells that changed. They are
read from `registry_facts` (migration 010), which keeps each registration as made and each correction's
fields, so the state before a correction is the registration with the earlier corrections applied.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import duckdb

# Each correction of an incident and, before it, the registration and earlier corrections it applies to.
# An import's facts carry `import:<sha256>`; a release's document has that SHA-256.
CORRECTIONS_SQL = """
SELECT r.position, r.aggregate_id, r.fact, r.fields, r.reason, r.recorded_at, r.analyst, r.via,
       (SELECT min(d.key) FROM documents d WHERE r.via = 'import:' || d.sha256) AS document
FROM registry_facts r
WHERE r.kind = 'incident' AND r.fact IN ('registered', 'corrected') AND r.position <= $end
  AND r.aggregate_id IN (SELECT aggregate_id FROM registry_facts
                         WHERE kind = 'incident' AND fact = 'corrected' AND position > $start AND position <= $end)
ORDER BY r.aggregate_id, r.position
"""


@attrs.frozen
class FieldChange:
    field: str  # dates, place, location precision, name, parent, description
    before: str | None
    after: str | None

    @property
    def text(self) -> str:
        return f"{self.field} {self.before or '(none)'} -> {self.after or '(none)'}"


@attrs.frozen
class IncidentCorrection:
    position: int
    incident: str
    recorded_at: dt.datetime
    changes: tuple[FieldChange, ...]
    reason: str
    analyst: str | None
    via: str | None
    document: str | None  # the release (or other file) an import's correction came from
    periods: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]  # the incident's dates before and after

    @property
    def text(self) -> str:
        return "; ".join(c.text for c in self.changes) or "no field changed"

    @property
    def cause(self) -> str:
        # An import's path is its file's SHA-256: the document of that file names it more readably.
        path = f"the import of {self.document}" if self.document else self.via
        who = f"by {self.analyst or 'an analyst'}" + (f" via {path}" if path else "")
        return f"{who}: {self.reason}"


def between(con: duckdb.DuckDBPyConnection, start: int, end: int, names: dict[str, str]) -> tuple[IncidentCorrection, ...]:
    """Each incident correction recorded after log position `start` up to `end`, in log order."""
    found: list[IncidentCorrection] = []
    state: dict[str, Any] = {}
    current = None
    for position, incident_id, fact, fields, reason, recorded_at, analyst, via, document in con.execute(
        CORRECTIONS_SQL, {"start": start, "end": end}
    ).fetchall():
        given = json.loads(fields) if isinstance(fields, str) else (fields or {})
        if incident_id != current or fact == "registered":
            current, state = incident_id, dict(given)
            continue
        before = dict(state)
        state.update({k: v for k, v in given.items() if v is not None})
        if position > start:
            changes = tuple(_changes(before, state, names))
            periods = (_dates(before), _dates(state))
            key = names.get(incident_id, incident_id)
            found.append(IncidentCorrection(position, key, recorded_at, changes, reason or "", analyst, via, document, periods))
    return tuple(sorted(found, key=lambda c: c.position))


def _changes(before: dict[str, Any], after: dict[str, Any], names: dict[str, str]) -> list[FieldChange]:
    changes = []
    old_period, new_period = before.get("period") or {}, after.get("period") or {}
    if _period(old_period) != _period(new_period):
        changes.append(FieldChange("dates", _period(old_period), _period(new_period)))
    old_place, new_place = before.get("location") or {}, after.get("location") or {}
    if _place(old_place) != _place(new_place):
        changes.append(FieldChange("place", _place(old_place), _place(new_place)))
    if old_place.get("precision") != new_place.get("precision"):
        changes.append(FieldChange("location precision", old_place.get("precision"), new_place.get("precision")))
    if before.get("name") != after.get("name"):
        changes.append(FieldChange("name", before.get("name"), after.get("name")))
    if before.get("parent_id") != after.get("parent_id"):
        parent = [names.get(p, p) if p else None for p in (before.get("parent_id"), after.get("parent_id"))]
        changes.append(FieldChange("parent", parent[0], parent[1]))
    if before.get("description") != after.get("description"):
        changes.append(FieldChange("description", before.get("description"), after.get("description")))
    return changes


def _period(period: dict[str, Any]) -> str | None:
    if not period:
        return None
    start, end = str(period.get("start")), str(period.get("end"))
    span = start if start == end else f"{start}..{end}"
    estimated = ", estimated" if period.get("estimated") else ""
    return f"{span} ({period.get('precision')}{estimated})"


def _place(location: dict[str, Any]) -> str | None:
    parts = [location.get(k) for k in ("place", "adm2", "adm1", "country")]
    return ", ".join(str(p) for p in parts if p) or None


def _dates(state: dict[str, Any]) -> tuple[dt.date, dt.date]:
    period = state.get("period") or {}
    return dt.date.fromisoformat(str(period["start"])[:10]), dt.date.fromisoformat(str(period["end"])[:10])
