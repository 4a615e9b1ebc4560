"""A range with its best estimate inside it ("8 to 14, best 10"): how datasets such as UCDP give a total."""

from __future__ import annotations

import pytest

from ledger.domain.quantity import BoundKind, parse_quantity, quantities_in


def test_a_range_with_its_best_reads_all_three_bounds() -> None:
    q = parse_quantity("8 to 14, best 10")
    assert (q.kind, q.low, q.best, q.high) == (BoundKind.RANGE, 8, 10, 14)
    assert parse_quantity("between 3 and 7, best 7").reading == ("range", 3, 7, 7)


def test_a_range_alone_still_takes_its_best_at_its_low() -> None:
    assert parse_quantity("8 to 14").reading == ("range", 8, 8, 14)


def test_a_best_outside_its_range_is_refused() -> None:
    with pytest.raises(ValueError, match="the best estimate 15 lies outside its range 8 to 14"):
        parse_quantity("8 to 14, best 15")


def test_running_text_is_read_as_before() -> None:
    assert [words for words, _ in quantities_in("between 8 and 14 were killed, the best estimate 10")] == [
        "between 8 and 14", "10",
    ]  # fmt: skip
