"""The catch-up loop: one page of notifications per DuckDB transaction, position written with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import pyarrow as pa
from eventsourcing.application import Application

from ledger.readmodel.projector import Page, Row, project

PAGE_SIZE = 1000

Progress = Callable[[int, int], None]


class _SeriesIdentities(dict[str, Row]):
    """Series identities seen in this run, falling back to the read model for older ones."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        super().__init__()
        self.con = con

    def __missing__(self, series_id: str) -> Row:
        found = self.con.execute(
            "SELECT incident_id, claimant_id, victim_status, outcome FROM series WHERE series_id = ?", [series_id]
        ).fetchone()
        if found is None:
            raise LookupError(f"series {series_id}: figure arrived before its series was opened")
        identity = dict(zip(("incident_id", "claimant_id", "victim_status", "outcome"), found, strict=True))
        self[series_id] = identity
        return identity


def position(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT position FROM tracking WHERE name = 'events'").fetchone()
    return int(row[0]) if row else 0


def tracked_source(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT source FROM tracking WHERE name = 'events'").fetchone()
    return str(row[0]) if row else None


def catch_up(
    con: duckdb.DuckDBPyConnection,
    app: Application[Any],
    source: str,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> int:
    """Apply every event after the tracked position; returns how many were applied."""
    recorder = app.recorder
    start = position(con)
    last = recorder.max_notification_id() or 0
    identities = _SeriesIdentities(con)
    applied = 0
    while True:
        notifications = recorder.select_notifications(start, page_size, inclusive_of_start=False)
        if not notifications:
            break
        page = Page(identities)
        for notification in notifications:
            project(page, notification.id, app.mapper.to_domain_event(notification))
        start = notifications[-1].id
        _apply(con, page, source, start)
        applied += len(notifications)
        if progress:
            progress(start, last)
    return applied


def _apply(con: duckdb.DuckDBPyConnection, page: Page, source: str, new_position: int) -> None:
    con.execute("BEGIN")
    try:
        for table, rows in page.rows.items():
            batch = pa.Table.from_pylist(rows)
            columns = ", ".join(batch.column_names)
            con.register("page_rows", batch)
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM page_rows")
            con.unregister("page_rows")
        for sql, params in page.updates:
            con.execute(sql, params)
        con.execute(
            "INSERT OR REPLACE INTO tracking (name, source, position) VALUES ('events', ?, ?)", [source, new_position]
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
