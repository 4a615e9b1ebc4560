"""Reading a stream a batch at a time, so lookups and writes can be made per batch, not per item;
and bulk work kept out of the garbage collector's way."""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last may be shorter); reads only one list ahead."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


_paused = 0  # how many young_collections_only blocks are open


@contextlib.contextmanager
def young_collections_only() -> Iterator[None]:
    """Bulk work with Python's cyclic garbage collector kept to the young objects, a batch at a time.

    A full collection walks every object alive, and an import keeps many (prepared figures, cached
    aggregates): left to itself the collector took a fifth of a 100k-figure import, more as it
    grew. Inside this block (or function, as a decorator) the collector runs only when the work
    says a batch is done (`batch_done`), and then over the objects made since the last batch; what
    was alive before is frozen out of its walks. On leaving, all is as it was. A block inside
    another changes nothing; where the collector was already off, it stays off.
    """
    global _paused
    if _paused or not gc.isenabled():
        yield
        return
    gc.freeze()
    gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        gc.enable()
        gc.unfreeze()


def batch_done() -> None:
    """A batch of bulk work is done: inside `young_collections_only`, collect the garbage it left."""
    if _paused:
        gc.collect(1)
