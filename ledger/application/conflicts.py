"""Writers that met another writer: retry on the library's optimistic-concurrency conflict, a bounded number of times.

Two writers that read the same aggregate (a claim series, a claimant) and both append to it collide
on its next version: the library's recorder refuses the second with an `IntegrityError` and writes
nothing of its transaction. The write is then worth trying again from the start, reading the
aggregate afresh: what the other writer recorded is seen, and checked again (a figure it recorded
is then "already recorded", a figure it withdrew cannot be withdrawn twice). After a few attempts
the conflict is reported in one line naming what conflicted.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from ledger.errors import Conflict

T = TypeVar("T")

ATTEMPTS = 8
FIRST_WAIT = 0.02  # seconds; doubled each attempt, with jitter so two writers do not collide again in step


def retrying(what: Callable[..., str]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Re-run the decorated use-case on a version conflict; `what(*args)` names what conflicted, for the error."""

    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(method)
        def retried(*args: Any, **kwargs: Any) -> T:
            return retry(lambda: method(*args, **kwargs), lambda: what(*args, **kwargs))

        return retried

    return decorate


def retry(attempt: Callable[[], T], what: Callable[[], str]) -> T:
    wait = FIRST_WAIT
    for number in range(1, ATTEMPTS + 1):
        try:
            return attempt()
        except IntegrityError as error:
            if number == ATTEMPTS:
                raise conflict(what(), error) from None
        time.sleep(wait * (0.5 + random.random()))
        wait *= 2
    raise AssertionError("unreachable")


def conflict(what: str, error: BaseException) -> Conflict:
    return Conflict(
        f"{what}: other writers changed it at the same time, {ATTEMPTS} times in a row; nothing of this write was "
        "recorded; run it again once they are done"
    )
