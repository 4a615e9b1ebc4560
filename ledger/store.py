"""Where the event log lives: a SQLite file by default, or a PostgreSQL server by URL."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlparse

from ledger.errors import InvalidInput
from ledger.settings import store_lock_wait

T = TypeVar("T")

# Seconds SQLite itself waits, in one attempt, for another writer's lock. A process waiting there does
# not see a signal until the wait ends, so the whole wait (LEDGER_LOCK_WAIT) is made of one-second
# attempts, and a Ctrl-C is seen between them (`waiting_for_writers`). Whole seconds only: the
# library's setting is an int, and 0 would mean its default.
ATTEMPT_WAIT = 1


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def store_env(location: str | Path, create: bool = True) -> dict[str, str]:
    """The `eventsourcing` settings for a SQLite path or a `postgresql://` URL.

    create: make the SQLite file's directory when it is missing (a creating open; see ledger.opening).
    """
    text = str(location)
    if is_postgres(text):
        return _postgres_env(text)
    if "://" in text:
        raise InvalidInput(f"event store {text!r}: unknown scheme; give a file path or a postgresql:// URL")
    path = Path(text)
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(path),
        "SQLITE_LOCK_TIMEOUT": str(ATTEMPT_WAIT),  # one attempt's wait; waiting_for_writers makes up the rest
        "APPLICATION_RECORDER_TOPIC": "ledger.integrity.sqlite_recorder:SQLiteTreeRecorder",  # issue 16: tree leaves
    }


def _postgres_env(url: str) -> dict[str, str]:
    parsed = urlparse(url)
    dbname = parsed.path.lstrip("/")
    if not dbname:
        raise InvalidInput(f"event store {url!r}: no database name; write postgresql://host/dbname")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(dbname),
        "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parsed.port or 5432),
        "POSTGRES_USER": unquote(parsed.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parsed.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "APPLICATION_RECORDER_TOPIC": "ledger.integrity.postgres_recorder:PostgresTreeRecorder",  # issue 16: tree leaves
    }
    schema = dict(p.split("=", 1) for p in parsed.query.split("&") if "=" in p).get("schema")
    if schema:
        env["POSTGRES_SCHEMA"] = schema
    return env


def store_kind(recorder: object) -> str | None:
    """'sqlite' or 'postgresql' when `recorder` is the library's own for that database, so its
    tables can be read directly (bulk reads the library has no call for); None for any other.
    A subclass of the library's recorder (the ledger's, which also writes tree leaves) counts as the library's."""
    kinds = {"eventsourcing.sqlite": "sqlite", "eventsourcing.postgres": "postgresql"}
    return next((kinds[c.__module__] for c in type(recorder).__mro__ if c.__module__ in kinds), None)


def sqlite_head(location: str | Path) -> int | None:
    """The last position of a SQLite event log, read with one query and without the library (so a read
    that finds its read model current starts quickly); None when that cannot be told so simply (a
    PostgreSQL store, no such file, any error): then the library opens the store and says what is wrong."""
    if is_postgres(location) or "://" in str(location) or not Path(location).is_file():
        return None
    try:
        con = sqlite3.connect(f"{Path(location).resolve().as_uri()}?mode=ro", uri=True, timeout=0)
        try:
            (head,) = con.execute("SELECT max(rowid) FROM stored_events").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return int(head) if head is not None else None


def waiting_for_writers(attempt: Callable[[], T]) -> T:
    """A write to the SQLite store, tried again while another process holds the write lock, until it gets
    it or LEDGER_LOCK_WAIT is over (then the last "database is locked" error is raised, which reads as one
    line, ledger.opening.unavailable). Each attempt waits up to ATTEMPT_WAIT inside SQLite; between them a
    signal is seen, so Ctrl-C stops a writer within about a second, not at the end of the wait. A write
    refused as locked has written nothing: its transaction is rolled back whole."""
    from eventsourcing.persistence import OperationalError

    deadline = time.monotonic() + store_lock_wait()
    while True:
        try:
            return attempt()
        except (sqlite3.OperationalError, OperationalError) as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
        time.sleep(0.05)  # a refusal that did not wait (a read that could not become a write) is not spun on
