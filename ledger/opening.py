"""Opening a ledger: its home directory and its event store.

Every way they can be unavailable (no server, no schema, no ledger, no permission, not a database,
locked past the wait) becomes one `StoreUnavailable` line naming the store, the problem and the fix
(exit 3). Only a creating open (`ledger init`, a command that records) makes a home or a store;
any other open of a place where no ledger is says so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.errors import NoLedger, StoreUnavailable
from ledger.integrity.settings import integrity_env
from ledger.settings import Settings, store_lock_wait
from ledger.store import is_postgres, store_env

if TYPE_CHECKING:
    from ledger.application.app import LedgerApplication

INIT_HINT = "create one with `ledger init` (give the same --home and --store), or check --home / LEDGER_HOME"


def check_home(settings: Settings, create: bool) -> bool:
    """The home must be a directory, or be made one by a creating open; returns whether it was made."""
    home = settings.home
    if home.is_dir():
        return False
    if home.exists():
        raise StoreUnavailable(f"ledger home {home}: not a directory; give --home a directory")
    if not create:
        raise NoLedger(f"ledger home {home}: does not exist, so there is no ledger here; {INIT_HINT}")
    try:
        home.mkdir(parents=True)
    except OSError as error:
        raise _os_problem(f"ledger home {home}", error) from None
    return True


def open_application(settings: Settings, create: bool) -> tuple[LedgerApplication, bool]:
    """The event store's application, and whether this open created the ledger.

    A non-creating open never writes: the library is told not to create its tables, so a store
    without them reads as "no ledger here" rather than becoming an empty ledger.
    """
    from ledger.application.app import LedgerApplication

    check_home(settings, create)
    integrity = integrity_env(settings.home)  # the tree guard's settings (ledger/integrity)
    if is_postgres(settings.store):
        env = {**store_env(settings.store), **integrity}
        if create:  # simultaneous creating opens of one schema: one at a time, each seeing it whole
            with translated(settings), _postgres_setup(env):
                return _open_postgres(env, settings, create)
        return _open_postgres(env, settings, create)
    path = Path(settings.store)
    existed = path.exists()
    if not existed and not create:
        raise NoLedger(f"event store {settings.store_label}: no such file, so there is no ledger here; {INIT_HINT}")
    if path.is_dir():
        raise StoreUnavailable(f"event store {settings.store_label}: a directory, not a SQLite file; give --store a file path")
    try:
        env = {**store_env(path, create=create), **integrity}
    except OSError as error:
        raise _os_problem(f"event store {settings.store_label}", error) from None
    with translated(settings):
        app = LedgerApplication(env={**env, "CREATE_TABLE": "true" if create else "false"})
        if existed:
            _upgrade(app)
    return app, not existed


def _open_postgres(env: dict[str, str], settings: Settings, create: bool) -> tuple[LedgerApplication, bool]:
    from ledger.application.app import LedgerApplication

    with translated(settings):
        app = LedgerApplication(env={**env, "CREATE_TABLE": "false"})
        _upgrade(app)
    if not create:
        return app, False
    try:
        with translated(settings):
            app.recorder.max_notification_id()
        return app, False
    except NoLedger:
        app.close()
    with translated(settings):
        return LedgerApplication(env=env), True


@contextlib.contextmanager
def _postgres_setup(env: dict[str, str]) -> Iterator[None]:
    """A session advisory lock per schema, on a connection of its own, held while a creating open looks
    for the ledger's tables and makes what is missing: a process that connects while another is still
    creating them would find half a schema (a table without the library's composite types)."""
    import zlib

    import psycopg

    schema = env.get("POSTGRES_SCHEMA", "public")
    connection = psycopg.connect(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None, connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]), autocommit=True,
    )  # fmt: skip
    try:
        connection.execute("SELECT pg_advisory_lock(%s)", [zlib.crc32(f"ledger-open:{schema}".encode())])
        yield  # the lock ends with the session
    finally:
        connection.close()


def _upgrade(app: LedgerApplication) -> None:
    """An existing ledger written before tamper evidence gets its tree tables beside the log (nothing else)."""
    upgrade = getattr(app.recorder, "upgrade", None)
    if upgrade is not None:
        upgrade()


@contextlib.contextmanager
def translated(settings: Settings) -> Iterator[None]:
    """Turn the store libraries' errors (sqlite3, psycopg, eventsourcing) into one StoreUnavailable line."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as error:
        found = unavailable(error, settings, opening=True)
        if found is None:
            raise
        raise found from error


def unavailable(error: BaseException, settings: Settings, opening: bool = False) -> StoreUnavailable | None:
    """The StoreUnavailable an error of the store's libraries means, or None for any other error.

    opening: the error arose while opening the home and store, so a denied file is theirs too.
    """
    if not _is_store_error(error) and not (opening and isinstance(error, PermissionError)):
        return None
    label = f"event store {settings.store_label}"
    text = _text(error)
    if is_postgres(settings.store):
        return _postgres_problem(label, text, error, settings)
    wait = os.environ.get("LEDGER_LOCK_WAIT")
    if "database is locked" in text or "database table is locked" in text:
        return StoreUnavailable(
            f"{label}: locked by another writer for over {store_lock_wait():g}s; wait for it to finish and retry "
            f"(LEDGER_LOCK_WAIT sets the wait{', now ' + wait if wait else ''})"
        )
    if "not a database" in text or "malformed" in text:
        return StoreUnavailable(
            f"{label}: not a SQLite database ({_detail(error)}); point --store at a ledger's events file, or move this file away"
        )
    if "no such table" in text:
        return _no_ledger(label)
    if "readonly database" in text or "unable to open database" in text or "permission" in text:
        return StoreUnavailable(
            f"{label}: cannot be opened for writing (permission denied or read-only); "
            "use a --home you can write, or fix its permissions"
        )
    if isinstance(error, OSError):
        return _os_problem(label, error)
    return StoreUnavailable(f"{label}: cannot be used ({_detail(error)}); check the file and retry")


def _no_ledger(label: str) -> StoreUnavailable:
    return NoLedger(f"{label}: holds no ledger; {INIT_HINT}")


def _postgres_problem(label: str, text: str, error: BaseException, settings: Settings) -> StoreUnavailable:
    schema = _schema(settings.store)
    if "does not exist" in text and ("relation" in text or "schema" in text):
        if schema and not _schema_exists(settings.store, schema):
            return StoreUnavailable(
                f"{label}: schema {schema!r} does not exist; create it (CREATE SCHEMA {schema}) or fix ?schema= in --store"
            )
        return _no_ledger(label)
    if "permission denied" in text or "insufficientprivilege" in text:
        return StoreUnavailable(f"{label}: permission denied ({_detail(error)}); ask for rights or use another store")
    if "couldn't get a connection" in text or "connection" in text or isinstance(error, TimeoutError):
        reason = _connect_problem(settings.store) or _detail(error)
        return StoreUnavailable(
            f"{label}: cannot connect ({reason}); start the server, or fix the host, port, user or database in --store"
        )
    return StoreUnavailable(f"{label}: cannot be used ({_detail(error)}); check the server and retry")


def _connect_problem(url: str) -> str | None:
    """Why a direct connection fails: the pool only says it timed out."""
    import psycopg

    try:
        with psycopg.connect(_conninfo(url), connect_timeout=3):
            return None
    except psycopg.Error as error:
        first = " ".join(str(error).splitlines()[0].split()) if str(error).strip() else type(error).__name__
        return first.removeprefix("connection failed: ")


def _schema_exists(url: str, schema: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(_conninfo(url), connect_timeout=3) as con:
            return con.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is not None
    except psycopg.Error:
        return True  # cannot tell: do not blame the schema


def _conninfo(url: str) -> str:
    env = store_env(url)
    return (
        f"host={env['POSTGRES_HOST']} port={env['POSTGRES_PORT']} dbname={env['POSTGRES_DBNAME']} "
        f"user={env['POSTGRES_USER']} password={env['POSTGRES_PASSWORD']}"
    )


def _schema(url: str) -> str | None:
    return store_env(url).get("POSTGRES_SCHEMA")


def _os_problem(label: str, error: OSError) -> StoreUnavailable:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreUnavailable(
            f"{label}: cannot be created or written (permission denied); use a --home you can write, or fix its permissions"
        )
    return StoreUnavailable(f"{label}: cannot be created ({error.strerror or error}); check the path")


def _chain(error: BaseException) -> list[BaseException]:
    """The error and its explicit causes, outermost first (not what was being handled when it arose)."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__
    return found


def _text(error: BaseException) -> str:
    """Every message and class name in the chain, lower-cased, for matching."""
    return " ".join(f"{type(e).__name__} {e}" for e in _chain(error)).lower()


def _detail(error: BaseException) -> str:
    """The innermost message, on one line: the library's own words about what went wrong."""
    for e in reversed(_chain(error)):
        text = " ".join(str(e).split("\n")[0].split())
        if text:
            return text
    return type(error).__name__


def _is_store_error(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):
        return True
    module = type(error).__module__ or ""
    return module.startswith(("eventsourcing", "psycopg")) and isinstance(error, Exception) and _persistence(error)


def _persistence(error: BaseException) -> bool:
    from eventsourcing.persistence import PersistenceError

    return isinstance(error, PersistenceError) or type(error).__module__.startswith("psycopg")


def describe_created(settings: Settings) -> str:
    """What a creating command says when it made a new ledger."""
    default_store = str(settings.home / "events.sqlite")
    where = "" if settings.store == default_store else f", its events in {settings.store_label}"
    return f"created a new ledger in {settings.home}{where}"
