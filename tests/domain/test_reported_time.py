"""Coarse reported times are intervals: compared as such, at every precision."""

from __future__ import annotations

import datetime as dt

import pytest

from ledger.domain.quantity import parse_quantity
from ledger.domain.series import check_figure
from ledger.domain.values import Period, ReportedTime, SubCounts, parse_instant
from ledger.domain.vocabulary import Precision
from ledger.errors import InvalidInput

UTC = dt.UTC


def reported(text: str, estimated: bool = False) -> ReportedTime:
    at, precision = parse_instant(text, "reported")
    return ReportedTime(at, precision, estimated)


@pytest.mark.parametrize(
    ("text", "precision", "start", "until", "shown"),
    [
        ("2024", Precision.YEAR, dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2024, 12, 31, 23, 59, 59, 999999, UTC), "2024"),
        ("2024-08", Precision.MONTH, dt.datetime(2024, 8, 1, tzinfo=UTC), dt.datetime(2024, 8, 31, 23, 59, 59, 999999, UTC),
         "2024-08"),
        ("Aug 2024", Precision.MONTH, dt.datetime(2024, 8, 1, tzinfo=UTC), dt.datetime(2024, 8, 31, 23, 59, 59, 999999, UTC),
         "2024-08"),
        ("2024-W34", Precision.WEEK, dt.datetime(2024, 8, 19, tzinfo=UTC), dt.datetime(2024, 8, 25, 23, 59, 59, 999999, UTC),
         "2024-W34"),
        ("2024-08-25", Precision.DAY, dt.datetime(2024, 8, 25, tzinfo=UTC), dt.datetime(2024, 8, 25, tzinfo=UTC), "2024-08-25"),
        ("2024-08-25T10:00+05:00", Precision.DAY, dt.datetime(2024, 8, 25, 5, tzinfo=UTC),
         dt.datetime(2024, 8, 25, 5, tzinfo=UTC), "2024-08-25T05:00:00Z"),
    ],
)  # fmt: skip
def test_each_precision_is_an_interval(
    text: str, precision: Precision, start: dt.datetime, until: dt.datetime, shown: str
) -> None:
    time = reported(text)
    assert (time.precision, time.at, time.until) == (precision, start, until)
    assert time.describe() == shown
    assert reported(text, estimated=True).describe() == f"{shown} (estimated)"


DEATHS = Period(dt.date(2024, 8, 25), dt.date(2024, 8, 26))


@pytest.mark.parametrize("text", ["2024", "Aug 2024", "2024-W34", "2024-08-25", "2024-08-25T01:00+05:00", "2024-09"])
def test_a_report_whose_interval_reaches_the_deaths_is_consistent_with_them(text: str) -> None:
    # "Aug 2024" about deaths on 25 August was refused as 1 August 00:00; as an interval, it is fine.
    check_figure(parse_quantity("12"), SubCounts(), None, reported(text), DEATHS)


@pytest.mark.parametrize("text", ["2023", "Jul 2024", "2024-W33", "2024-08-24"])
def test_a_report_wholly_before_the_deaths_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="before the casualties occurred"):
        check_figure(parse_quantity("12"), SubCounts(), None, reported(text), DEATHS)


def test_the_same_day_at_every_precision() -> None:
    morning, evening = reported("2024-08-26T09:00+05:00"), reported("2024-08-26T20:00+05:00")
    assert morning.same_day(evening) and evening.same_day(morning)
    assert not morning.same_day(reported("2024-08-27T10:00+05:00"))  # more than a day apart
    assert reported("Aug 2024").same_day(morning) and morning.same_day(reported("2024"))  # the period holds it
    assert not reported("Jul 2024").same_day(morning)
    assert reported("2024-W35").same_day(morning) and not reported("2024-W34").same_day(morning)
