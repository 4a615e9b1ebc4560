"""Ctrl-C and SIGTERM during a long write: the stop is asked for at once and made at the next safe point.

Raised from inside a store's driver, a stop meets code that catches it and carries on: psycopg
turns an interrupted wait into an `OperationalError`, which the library's recorder retries, so
the import would go on, count its own batch as "already recorded" and exit as if never stopped.
So the signal handler only records the request, and the import calls `check()` between records
and between writes, where every transaction has either committed or not begun. A second signal
stops at once, wherever the process is.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from typing import Any


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM; a BaseException, so no `except Exception` on the way swallows it."""

    def __init__(self, signal_number: int) -> None:
        self.signal_number = signal_number
        self.signal_name = signal.Signals(signal_number).name
        super().__init__(self.signal_name)


_requested: list[Interrupted] = []  # the stop asked for and not yet made (always empty outside `stoppable`)


def check() -> None:
    """Stop here if a signal asked for a stop: call it only where nothing is half-written."""
    if _requested:
        raise _requested[0]


def requested() -> Interrupted | None:
    """The stop asked for and not yet made: it came after the last safe point."""
    return _requested[0] if _requested else None


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """While this runs, SIGINT and SIGTERM ask for a stop; `check()` makes it."""

    def ask(number: int, _: Any) -> None:
        if _requested:  # asked twice: stop now
            raise _requested[0]
        _requested.append(Interrupted(number))

    previous = {s: signal.signal(s, ask) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _requested.clear()
