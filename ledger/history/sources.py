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

from ledger.readmodel.queries import describe_time, scoped
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
    stance: str = "stated"
    stance_source: str = "none"
    derived: str | None = None
    part_of: str | None = None  # the id of the total this figure is a named part of
    quote_part: str = "body"
    reported_precision: str | None = None
    reported_estimated: bool = False


@attrs.frozen
class CarrierSource:
    """One source that carried a figure's statement: its first, or one more (a republication)."""

    figure_id: str
    position: int
    is_first: bool
    publisher: str | None  # key
    publisher_name: str | None
    document: str | None
    quote: str | None
    quote_part: str
    words: str  # the number as this carrier wrote it
    reported_at: dt.datetime
    reported: str
    reported_precision: str
    reported_estimated: bool
    stance: str
    via: tuple[str, ...]  # publisher names it cites, nearest first
    recorded_at: dt.datetime
    fingerprint: str

    @property
    def label(self) -> str:
        """'Dawn', 'Mehr News via Dawn', or 'no publisher'."""
        return " via ".join([self.publisher_name or self.publisher or "no publisher", *self.via])


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


def keys_of(table: str, key: str, scope: str | None = None) -> str:
    """The keys of the rows of `table` the found rows (CTE `f`) name: joined to the whole of a large table,
    such as documents, a few rows found would wait on a hash table of all of it. With a scope, the
    keys `keep_keys` kept for all its reads."""
    if scope is not None:
        return f"{scope}_{table}_keys"
    return f"(SELECT {key}, key FROM {table} WHERE {key} IN (SELECT {key} FROM f))"


def keep_keys(con: duckdb.DuckDBPyConnection, scope: str, incidents: str) -> None:
    """For a narrowed scope, the keys of its incidents (`incidents`: a table the caller has, of incident_id
    and key, read through a view) and of the documents its rows cite, in `{scope}_incidents_keys` and
    `{scope}_documents_keys`: the documents are scanned once for every read of the scope, not once per read."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {scope}_incidents_keys AS SELECT incident_id, key FROM {incidents}")
    cited = " UNION ALL ".join(f"SELECT document_id FROM {scope}_{t}" for t in ("figures", "figure_events", "later_carriers"))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {scope}_documents_keys AS "
        f"SELECT document_id, key FROM documents WHERE document_id IN ({cited})"
    )


def figure_sources(con: duckdb.DuckDBPyConnection, view: View, scope: str | None = None) -> dict[str, FigureSource]:
    """Every figure recorded by the view's instant (all of them on the reported axis), by id; with a
    scope (a table of series_id), those series' figures only."""
    rows = con.execute(
        f"WITH f AS MATERIALIZED (SELECT * FROM {scoped(scope, 'figures')} f "
        "WHERE $recorded IS NULL OR f.recorded_at <= $recorded) "
        "SELECT f.figure_id, f.series_id, f.position, f.recorded_at, f.reported_at, f.reported_precision, "
        "f.reported_estimated, f.quantity_text, i.key, c.key, c.name, f.victim_status, f.outcome, f.role, "
        "p.key, d.key, f.quote, f.analyst, coalesce(f.stance, 'stated'), coalesce(f.stance_source, 'none'), "
        "f.derived, f.part_of, coalesce(f.quote_part, 'body') "
        f"FROM f JOIN {keys_of('incidents', 'incident_id', scope)} i USING (incident_id) JOIN claimants c USING (claimant_id) "
        "LEFT JOIN publishers p ON p.publisher_id = f.publisher_id "
        f"LEFT JOIN {keys_of('documents', 'document_id', scope)} d ON d.document_id = f.document_id ORDER BY f.position",
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
            stance=r[18],
            stance_source=r[19],
            derived=r[20],
            part_of=r[21],
            quote_part=r[22],
            reported_precision=r[5],
            reported_estimated=bool(r[6]),
        )
        for r in rows
    }


# The view `carriers` (migrations/160_carriers_view_and_tally_cache.sql) taken apart, so that each half
# reads its own rows (`first` and `later`: figures and later_carriers, or a scope's rows of them): a
# figure's first carrier is the figure itself, the rest are later_carriers.
CARRIERS = (
    "SELECT figure_id, position, true AS is_first, publisher_id, document_id, quote, coalesce(quote_part, 'body') AS quote_part, "
    "quantity_text AS words, reported_at, reported_precision, reported_estimated, coalesce(stance, 'stated') AS stance, "
    "coalesce(carried_via, '[]') AS carried_via, recorded_at, fingerprint FROM {first} k "
    "WHERE $recorded IS NULL OR k.recorded_at <= $recorded "
    "UNION ALL "
    "SELECT figure_id, position, false, publisher_id, document_id, quote, quote_part, words, reported_at, reported_precision, "
    "reported_estimated, stance, carried_via, recorded_at, fingerprint FROM {later} k "
    "WHERE $recorded IS NULL OR k.recorded_at <= $recorded"
)


def carrier_sources(con: duckdb.DuckDBPyConnection, view: View, scope: str | None = None) -> dict[str, list[CarrierSource]]:
    """Every figure's carriers recorded by the view's instant, earliest first (the primary one first)."""
    names = dict(con.execute("SELECT publisher_id, name FROM publishers").fetchall())
    carriers = CARRIERS.format(first=scoped(scope, "figures"), later=scoped(scope, "later_carriers"))
    rows = con.execute(
        f"WITH f AS MATERIALIZED ({carriers}) "
        "SELECT f.figure_id, f.position, f.is_first, p.key, p.name, d.key, f.quote, f.quote_part, f.words, f.reported_at, "
        "f.reported_precision, f.reported_estimated, f.stance, f.carried_via, f.recorded_at, f.fingerprint "
        "FROM f LEFT JOIN publishers p ON p.publisher_id = f.publisher_id "
        f"LEFT JOIN {keys_of('documents', 'document_id', scope)} d ON d.document_id = f.document_id "
        "ORDER BY f.figure_id, f.reported_at, f.fingerprint",
        {"recorded": view.recorded_by},
    ).fetchall()
    found: dict[str, list[CarrierSource]] = defaultdict(list)
    for r in rows:
        via = tuple(names.get(p, p) for p in json.loads(r[13] or "[]"))
        found[r[0]].append(
            CarrierSource(
                figure_id=r[0],
                position=r[1],
                is_first=bool(r[2]),
                publisher=r[3],
                publisher_name=r[4],
                document=r[5],
                quote=r[6],
                quote_part=r[7],
                words=r[8],
                reported_at=r[9],
                reported=describe_time(r[9], r[10], r[11]) or "",
                reported_precision=r[10],
                reported_estimated=bool(r[11]),
                stance=r[12],
                via=via,
                recorded_at=r[14],
                fingerprint=r[15],
            )
        )
    return dict(found)


def figure_events(con: duckdb.DuckDBPyConnection, view: View, scope: str | None = None) -> dict[str, list[FigureEvent]]:
    """Withdrawals, corrections and strikes recorded by the view's instant, per figure, in log order."""
    rows = con.execute(
        f"WITH f AS MATERIALIZED (SELECT * FROM {scoped(scope, 'figure_events')} e "
        "WHERE $recorded IS NULL OR e.recorded_at <= $recorded) "
        "SELECT f.position, f.kind, f.figure_id, f.series_id, f.reason, f.recorded_at, f.reported_at, d.key, f.quote, "
        f"f.correction, f.analyst FROM f LEFT JOIN {keys_of('documents', 'document_id', scope)} d "
        "ON d.document_id = f.document_id "
        "ORDER BY f.position",
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
