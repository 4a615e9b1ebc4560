"""Naming what changed: random logs, one random edit each, compared position by position as verify does."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.encoding import leaf_hash
from ledger.integrity.locate import Entry, Pair, classify

TOPIC = "ledger:ClaimSeries.FigureReported"


def _log(n: int) -> list[tuple[int, bytes, int, bytes]]:
    """(position, id, version, state) of n events at positions 1..n."""
    return [(p, uuid.UUID(int=p).bytes, 1, f'{{"n":{p}}}'.encode()) for p in range(1, n + 1)]


def _entries(rows: list[tuple[int, bytes, int, bytes]]) -> list[Entry]:
    return [Entry(p, i, v, TOPIC, leaf_hash(p, uuid.UUID(bytes=i), v, TOPIC, s)) for p, i, v, s in rows]


def _compare(log: list[Entry], written: list[Entry]) -> list[Pair]:
    by_log, by_written = {e.position: e for e in log}, {e.position: e for e in written}
    pairs = []
    for position in sorted(by_log.keys() | by_written.keys()):
        a, b = by_log.get(position), by_written.get(position)
        if a is None or b is None or a.hash != b.hash:
            pairs.append((position, a, b))
    return pairs


@settings(max_examples=150, deadline=None)
@given(st.integers(4, 40), st.data())
def test_a_single_edit_is_located_and_named(n: int, data: st.DataObject) -> None:
    rows = _log(n)
    written = _entries(rows)
    kind = data.draw(st.sampled_from(["altered", "missing", "truncated", "reordered", "inserted", "appended"]), label="edit")
    p = data.draw(st.integers(1, n - 2), label="position")
    edited = list(rows)
    if kind == "altered":
        edited[p - 1] = (p, rows[p - 1][1], 1, b'{"n":"forged"}')
        expected = (p, "altered")
    elif kind == "missing":
        del edited[p - 1]
        expected = (p, "missing")
    elif kind == "truncated":
        edited = edited[: p - 1]
        expected = (p, "truncated")
    elif kind == "reordered":
        q = data.draw(st.integers(p + 1, n), label="other")
        edited[p - 1], edited[q - 1] = (p, *rows[q - 1][1:]), (q, *rows[p - 1][1:])
        expected = (p, "reordered")
    elif kind == "inserted":  # a forged event at p, the rest moved one place along
        edited = rows[: p - 1] + [(p, uuid.uuid4().bytes, 1, b"{}")] + [(r[0] + 1, *r[1:]) for r in rows[p - 1 :]]
        expected = (p, "inserted")
    else:
        edited = [*rows, (n + 1, uuid.uuid4().bytes, 1, b"{}")]
        expected = (n + 1, "inserted")
    log = _entries(edited)
    found = classify(_compare(log, written), max((e.position for e in log), default=0), n)
    first = min(found, key=lambda d: d.position or 0)
    assert (first.position, first.kind) == expected, found
    if kind in ("altered", "missing", "truncated", "appended"):
        assert len(found) == 1  # one edit, one difference
    if kind == "reordered":
        assert {d.kind for d in found} == {"reordered"}


def test_an_intact_log_has_nothing_to_name() -> None:
    written = _entries(_log(10))
    assert classify(_compare(written, written), 10, 10) == []
