"""Where every figure and every later fact about it came from: log position, document, quoted words.

The lookups the history functions share, limited to what a view can see.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import attrs
import duckdb

from ledger.readmodel.queries import describe_time
from ledger.readmodel.view import View


@attrs.frozen
class FigureSource:
    """A figure as it was reported and recorded, before any correction."""

    figure_id: str
    series_id: str
    position: int
    recorded_at: dt.datetime
    reported_at: dt.datetime
    reported: str  # as precisely as it is known, e.g. "2026-02 (estimated)"
    quantity: str  # the words as first recorded
    incident: str  # keys, not ids
    claimant: str
    claimant_name: str
    victim_status: str
    outcome: str
    role: str
    publisher: str | None
    document: str | None
    quote: str | None
    analyst: str | None


@attrs.frozen
class FigureEvent:
    """A withdrawal, correction or strike of one figure."""

    position: int
    kind: str  # withdrawn, corrected, struck
    figure_id: str
    series_id: str
    reason: str
    recorded_at: dt.datetime
    reported_at: dt.datetime | None  # for withdrawals: when the claimant withdrew
    document: str | None
    quote: str | None
    correction: dict[str, Any] | None
    analyst: str | None


def figure_sources(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, FigureSource]:
    """Every figure recorded by the view's instant (all of them on the reported axis), by id."""
    rows = con.execute(
        "SELECT f.figure_id, f.series_id, f.position, f.recorded_at, f.reported_at, f.reported_precision, "
        "f.reported_estimated, f.quantity_text, i.key, c.key, c.name, f.victim_status, f.outcome, f.role, "
        "p.key, d.key, f.quote, f.analyst "
        "FROM figures f JOIN incidents i USING (incident_id) JOIN claimants c USING (claimant_id) "
        "LEFT JOIN publishers p ON p.publisher_id = f.publisher_id "
        "LEFT JOIN documents d ON d.document_id = f.document_id "
        "WHERE $recorded IS NULL OR f.recorded_at <= $recorded ORDER BY f.position",
        {"recorded": view.recorded_by},
    ).fetchall()
    return {
        r[0]: FigureSource(
            figure_id=r[0],
            series_id=r[1],
            position=r[2],
            recorded_at=r[3],
            reported_at=r[4],
            reported=describe_time(r[4], r[5], r[6]) or "",
            quantity=r[7],
            incident=r[8],
            claimant=r[9],
            claimant_name=r[10],
            victim_status=r[11],
            outcome=r[12],
            role=r[13],
            publisher=r[14],
            document=r[15],
            quote=r[16],
            analyst=r[17],
        )
        for r in rows
    }


def figure_events(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, list[FigureEvent]]:
    """Withdrawals, corrections and strikes recorded by the view's instant, per figure, in log order."""
    rows = con.execute(
        "SELECT e.position, e.kind, e.figure_id, e.series_id, e.reason, e.recorded_at, e.reported_at, d.key, e.quote, "
        "e.correction, e.analyst FROM figure_events e LEFT JOIN documents d ON d.document_id = e.document_id "
        "WHERE $recorded IS NULL OR e.recorded_at <= $recorded ORDER BY e.position",
        {"recorded": view.recorded_by},
    ).fetchall()
    events: dict[str, list[FigureEvent]] = defaultdict(list)
    for r in rows:
        events[r[2]].append(
            FigureEvent(
                position=r[0],
                kind=r[1],
                figure_id=r[2],
                series_id=r[3],
                reason=r[4],
                recorded_at=r[5],
                reported_at=r[6],
                document=r[7],
                quote=r[8],
                correction=json.loads(r[9]) if r[9] else None,
                analyst=r[10],
            )
        )
    return dict(events)


def claimant_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Claimant id -> (key, name)."""
    return {r[0]: (r[1], r[2]) for r in con.execute("SELECT claimant_id, key, name FROM claimants").fetchall()}


def incident_keys(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Incident id -> key."""
    return dict(con.execute("SELECT incident_id, key FROM incidents").fetchall())
