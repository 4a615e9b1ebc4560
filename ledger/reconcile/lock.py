"""One reconciliation at a time per ledger home: an flock on a lock file, with a bounded wait.

The lock is the kernel's, so it is released when its holder exits, however it exits; the file
itself stays (it names the last holder's process id, for the error message).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ledger.errors import LedgerError

LOCK_NAME = "reconcile.lock"


class ReconcileBusy(LedgerError):
    """Another reconciliation of this ledger holds the lock; nothing was done."""

    exit_code = 5


@contextlib.contextmanager
def exclusive(path: Path, wait: float) -> Iterator[None]:
    """Hold the lock file at `path`, waiting at most `wait` seconds for another holder to finish."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                    raise ReconcileBusy(
                        f"reconciliation lock {path}: held by process {holder} for over {wait:g}s; "
                        "another run is in progress, let it finish (or give --lock-wait more seconds)"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
