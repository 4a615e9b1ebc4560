"""The ledger's clock: the only source of recorded times.

Recorded times are never typed in by users; tests may pin the clock to build histories.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

_source: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def now() -> dt.datetime:
    return _source()


@contextlib.contextmanager
def pinned(instant: dt.datetime) -> Iterator[None]:
    """Make `now()` return `instant` inside the block (for building histories in tests and demos)."""
    global _source
    previous = _source
    _source = lambda: instant  # noqa: E731
    try:
        yield
    finally:
        _source = previous
