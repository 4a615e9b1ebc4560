"""Reading a stream a batch at a time, so lookups and writes can be made per batch, not per item."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` items (the last may be shorter); reads only one list ahead."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
