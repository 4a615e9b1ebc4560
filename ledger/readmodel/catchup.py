"""The catch-up loop: one page of notifications per DuckDB transaction, position written with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
from eventsourcing.application import Application

from ledger.readmodel.projector import project

PAGE_SIZE = 5000  # events per DuckDB transaction: per-page costs dominate below a few thousand

Progress = Callable[[int, int], None]


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
    stop: int | None = None,
) -> int:
    """Apply every event after the tracked position (up to `stop`), a page per transaction; returns how many."""
    recorder = app.recorder
    start = position(con)
    last = stop if stop is not None else recorder.max_notification_id() or 0
    applied = 0
    while True:
        notifications = recorder.select_notifications(start, page_size, stop, inclusive_of_start=False)
        if not notifications:
            break
        start = notifications[-1].id
        con.execute("BEGIN")
        try:
            project(con, notifications)
            con.execute(
                "INSERT OR REPLACE INTO tracking (name, source, position) VALUES ('events', ?, ?)", [source, start]
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied += len(notifications)
        if progress:
            progress(start, last)
    return applied
