"""The catch-up loop: one page of stored events per DuckDB transaction, position written with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb

from ledger.errors import UnreadableEvent
from ledger.readmodel.projector import project

if TYPE_CHECKING:
    import pyarrow as pa
    from eventsourcing.application import Application

# Events per DuckDB transaction. Each page pays ~25 statements and a commit (with its checkpoint),
# so big pages cost less per event; memory follows the page size, not the log's length: rebuilding
# 100k figures peaks near 0.5 GiB RSS at this size, 0.36 GiB at 5000, 0.9 GiB at 100k.
PAGE_SIZE = 50_000

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
    start = position(con)
    last = stop if stop is not None else app.recorder.max_notification_id() or 0
    applied = 0
    if start >= last:
        return applied  # nothing new: do not even load the page reader's pyarrow (a fifth of a second)
    from ledger.integrity.guard import guard  # issue 16: derive nothing from a log that no longer matches its tree
    from ledger.readmodel.runs import RunGate  # issue 15: an import's facts all together, or none of them
    from ledger.readmodel.source import pages  # the store's reader: the log's library, pyarrow

    runs = RunGate(con, app, stop)
    if runs.held:
        return applied  # held at the start of an unfinished import run: nothing after it is derived yet
    gate = guard(app, start)
    for whole in pages(app, start, stop, page_size):
        page = runs.cut(whole)
        checked = gate.check_soon(whole) if gate is not None else None  # checked while it is projected
        start = (page if runs.held else whole)["position"][-1].as_py()
        con.execute("BEGIN")
        try:
            project(con, page)
            _track(con, source, start)
            if checked is not None:
                checked.result()  # a page that no longer matches its tree is never committed
            con.execute("COMMIT")
        except BaseException as error:
            con.execute("ROLLBACK")
            if checked is not None:
                checked.result()  # an edited event that broke the projection is named as an edit
            if isinstance(error, duckdb.Error):
                raise _unreadable(con, page, source, error) from None
            raise
        applied += page.num_rows
        if progress:
            progress(start, last)
        if runs.held:
            if progress:
                progress(last, last)  # done: what follows is held back (a notice says so)
            break
    return applied


def _track(con: duckdb.DuckDBPyConnection, source: str, at: int) -> None:
    con.execute("INSERT OR REPLACE INTO tracking (name, source, position) VALUES ('events', ?, ?)", [source, at])


def _unreadable(con: duckdb.DuckDBPyConnection, page: pa.Table, source: str, error: duckdb.Error) -> UnreadableEvent:
    """The first event of a page that cannot be derived, found by halving; what precedes it is derived and kept,
    so reads go on as of the position before it."""
    good, bad = 0, page.num_rows  # the first `good` rows project; the first `bad` rows do not
    while bad - good > 1:
        middle = (good + bad) // 2
        con.execute("BEGIN")
        try:
            project(con, page.slice(0, middle))
            good = middle
        except duckdb.Error:
            bad = middle
        finally:
            con.execute("ROLLBACK")
    if good:
        con.execute("BEGIN")
        project(con, page.slice(0, good))
        _track(con, source, page["position"][good - 1].as_py())
        con.execute("COMMIT")
    at, topic = page["position"][good].as_py(), page["topic"][good].as_py()
    detail = " ".join(str(error).split())[:200]
    return UnreadableEvent(
        f"event log: position {at} ({topic}) cannot be read into the read model ({detail}); reads show the ledger as of "
        f"position {at - 1}, before it; report it with this line (the log itself is unchanged)",
        position=at,
        topic=topic,
    )
