"""Opening the DuckDB file: one process at a time, so wait a bounded time for another holder."""

from __future__ import annotations

import atexit
import re
import threading
import time
from pathlib import Path

import duckdb

from ledger.errors import StoreUnavailable
from ledger.settings import lock_wait

CHECKPOINT_THRESHOLD = "256MB"


def connect(path: Path, read_only: bool = False, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds the file; then fail saying who holds it."""
    if wait is None:
        wait = lock_wait()
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            if not read_only:
                # DuckDB checkpoints once its log passes 16 MB: during a rebuild, after every page,
                # each time rewriting the tables' last row groups. At 256 MB a 1M-figure rebuild
                # takes 37 s instead of 54 s, at the same peak memory (1 GiB; at 1 GB it is 1.5 GiB).
                con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
            return con
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise _unopenable(path, error) from None
            if time.monotonic() >= deadline:
                holder = re.search(r"PID (\d+)", str(error))
                who = f"process {holder.group(1)}" if holder else "another process"
                raise StoreUnavailable(
                    f"read model {path}: held by {who} for over {wait:g}s; "
                    "wait for it to finish or stop it, then retry (LEDGER_LOCK_WAIT sets the wait)"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


class Opening:
    """The read model opened in a thread for a read that is about to want it. DuckDB starts a database
    (about 50 ms, registering its functions) with the GIL released, so this overlaps the imports a read
    command does first (about 100 ms) instead of following them.

    One attempt, not waiting on a lock: a file held by another process, or one that cannot be opened,
    leaves `take()` None, and the reader opens it the usual way, waiting and saying what is wrong as
    ever. No file is made where none is. A connection never taken is closed at exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con: duckdb.DuckDBPyConnection | None = None
        self._thread = threading.Thread(target=self._open, name="open-read-model", daemon=True)
        self._thread.start()
        atexit.register(self.discard)

    def _open(self) -> None:
        try:
            if self.path.is_file():
                self._con = connect(self.path, wait=0)
        except Exception:  # left None: the reader's own open reports it
            pass

    def take(self) -> duckdb.DuckDBPyConnection | None:
        """The connection, once open (None if this attempt could not open it); it is the caller's now."""
        self._thread.join()
        atexit.unregister(self.discard)
        con, self._con = self._con, None
        return con

    def discard(self) -> None:
        con = self.take()
        if con is not None:
            con.close()


def _unopenable(path: Path, error: duckdb.Error) -> StoreUnavailable:
    """Why the file cannot be opened, and what fixes it."""
    text = " ".join(str(error).split())
    lowered = text.lower()
    if "not a valid duckdb database" in lowered or "not a duckdb" in lowered:
        return StoreUnavailable(
            f"read model {path}: not a DuckDB file; move it away, or run `ledger rebuild` to derive it anew in its place"
        )
    if "permission denied" in lowered or "read-only file system" in lowered:
        return StoreUnavailable(
            f"read model {path}: cannot be written (permission denied); use a --home you can write, or fix its permissions"
        )
    return StoreUnavailable(f"read model {path}: cannot be opened ({text}); run `ledger rebuild` to derive it anew")
