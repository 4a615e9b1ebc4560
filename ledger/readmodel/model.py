"""The read model file: opened, migrated and caught up before every read."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ledger.errors import UnreadableEvent
from ledger.readmodel.catchup import Progress, catch_up, position, tracked_source
from ledger.readmodel.connection import Opening, connect
from ledger.readmodel.migrations import migrate, up_to_date

if TYPE_CHECKING:
    from eventsourcing.application import Application


class ReadModel:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.unreadable: UnreadableEvent | None = None  # the stored event the last catch-up stopped before

    def current(self, source: str, head: int, opening: Opening | None = None) -> duckdb.DuckDBPyConnection | None:
        """A writable connection when the read model is already caught up with a log whose last position is
        `head` (fed by `source`, schema up to date), so nothing needs the log; else None (then `caught_up`).
        `opening`: the file's connection begun early, used when it opened.

        Reads that find the read model current need not load the event-sourcing library at all."""
        con = opening.take() if opening is not None else None
        if con is None:
            if not self.path.is_file():
                return None
            con = connect(self.path)
        try:
            if up_to_date(con) and tracked_source(con) == source and position(con) == head:
                self.unreadable = None  # as a catch-up with nothing to apply leaves it
                return con
        except duckdb.Error:
            pass  # anything unusual: the full path opens, migrates and says what is wrong
        con.close()
        return None

    @contextlib.contextmanager
    def caught_up(
        self, app: Application[Any], source: str, progress: Progress | None = None, strict: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A writable connection, migrated and caught up with the event log.

        A stored event that cannot be derived stops the catch-up just before it: the connection reads the
        ledger as of there, and `unreadable` names the event (strict: it is raised instead)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.path)
        try:
            applied = migrate(con)
            known = tracked_source(con)
            if known is not None and (known != source or applied):
                # Fed by another event store, or the schema grew and new tables need the whole
                # history: start afresh rather than mix two logs or leave a table half-filled.
                con.close()
                self.delete()
                con = connect(self.path)
                migrate(con)
            try:
                catch_up(con, app, source, progress=progress)
                self.unreadable = None
            except UnreadableEvent as error:
                if strict:
                    raise
                self.unreadable = error
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def read_only(
        self, app: Application[Any], source: str, progress: Progress | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Catch up, then reopen read-only so user SQL cannot alter derived data."""
        with self.caught_up(app, source, progress):
            pass
        con = connect(self.path, read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def scratch(self, app: Application[Any], source: str, stop: int) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh read model in this (scratch) file, derived from the log up to position `stop`; deleted after.

        Callers may catch the connection up further with `catch_up(..., stop=...)`.
        """
        self.delete()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.path, wait=0)
        try:
            migrate(con)
            catch_up(con, app, source, stop=stop)
            yield con
        finally:
            con.close()
            self.delete()

    def delete(self) -> None:
        for suffix in ("", ".wal"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    def rebuild(self, app: Application[Any], source: str, progress: Progress | None = None) -> int:
        """Derive the read model again from the whole event log, into a new file swapped in only when complete.

        A rebuild that fails (a bad event, a kill, a full disk) leaves the working read model as it was;
        returns the position reached."""
        fresh = ReadModel(self.path.with_name(self.path.name + ".rebuild"))
        fresh.delete()  # what an interrupted rebuild left
        try:
            with fresh.caught_up(app, source, progress, strict=True) as con:
                row = con.execute("SELECT position FROM tracking").fetchone()
                reached = int(row[0]) if row else 0
                con.execute("CHECKPOINT")  # everything in the file itself, none of it in a log beside it
        except BaseException:
            fresh.delete()
            raise
        Path(str(self.path) + ".wal").unlink(missing_ok=True)  # the old file's log must not be replayed onto the new
        fresh.path.replace(self.path)
        fresh.delete()
        return reached
