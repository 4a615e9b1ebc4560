"""Value objects carried by events: periods, times, places, citations, sub-counts.

Each has `to_dict` / `from_dict` so the store keeps plain JSON that DuckDB can read in bulk.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from ledger.domain.limits import check_count, check_year
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.errors import InvalidInput


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@attrs.frozen
class Period:
    """When casualties occurred: a closed interval of dates with a precision."""

    start: dt.date
    end: dt.date
    precision: Precision = Precision.DAY
    estimated: bool = False

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                f"period {self.start}..{self.end}: end is before start; write the earlier date first"
            )

    @property
    def start_instant(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": _iso(self.start),
            "end": _iso(self.end),
            "precision": self.precision.value,
            "estimated": self.estimated,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Period:
        return cls(
            start=dt.date.fromisoformat(d["start"]),
            end=dt.date.fromisoformat(d["end"]),
            precision=Precision(d["precision"]),
            estimated=bool(d.get("estimated", False)),
        )


@attrs.frozen
class ReportedTime:
    """When a claim was made public: an instant, or a coarse period (a week, month or year) anchored
    at its start, possibly an estimate. A coarse time is an interval, and is compared as one."""

    at: dt.datetime
    precision: Precision = Precision.DAY
    estimated: bool = False

    def __attrs_post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidInput(f"reported time {self.at}: needs a time zone; append 'Z' or '+05:00'")

    @property
    def is_coarse(self) -> bool:
        return self.precision is not Precision.DAY

    @property
    def until(self) -> dt.datetime:
        """The last instant the time may stand for: the instant itself, or the end of its period.

        A coarse report counts as public by T only once its whole period has passed
        (`--reported-before`): an "Aug 2024" report may have come out on the 31st."""
        return period_end_instant(self.at, self.precision)

    @property
    def last_day(self) -> dt.date:
        """The last calendar day the time may fall on (an instant's in its own offset)."""
        return self.until.date() if not self.is_coarse else self.until.astimezone(dt.UTC).date()

    def same_day(self, other: ReportedTime) -> bool:
        """Whether two reports may be of the same day: instants less than a day apart, or periods
        that overlap (a coarse time is all of its period)."""
        if not self.is_coarse and not other.is_coarse:
            return abs(self.at - other.at) < dt.timedelta(days=1)
        return self.at <= other.until and other.at <= self.until

    def describe(self) -> str:
        """As precisely as it is known: '2026 (estimated)', '2026-02', '2024-W34', '2026-02-05T10:00+05:00'."""
        return describe_reported(self.at, self.precision.value, self.estimated)

    def to_dict(self) -> dict[str, Any]:
        return {"at": _iso(self.at), "precision": self.precision.value, "estimated": self.estimated}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportedTime:
        return cls(
            at=dt.datetime.fromisoformat(d["at"]),
            precision=Precision(d["precision"]),
            estimated=bool(d.get("estimated", False)),
        )


@attrs.frozen
class Location:
    country: str
    adm1: str | None = None
    adm2: str | None = None
    place: str | None = None
    precision: LocationPrecision = LocationPrecision.COUNTRY

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "adm1": self.adm1,
            "adm2": self.adm2,
            "place": self.place,
            "precision": self.precision.value,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        return cls(
            country=d["country"],
            adm1=d.get("adm1"),
            adm2=d.get("adm2"),
            place=d.get("place"),
            precision=LocationPrecision(d["precision"]),
        )


BODY = "body"
HEADLINE = "headline"


@attrs.frozen
class Citation:
    """The exact words a figure was read from, and where they sit in the archived document: its
    body (offsets into the text) or its headline (offsets into the headline)."""

    document_id: str | None
    quote: str | None
    start: int | None = None
    end: int | None = None
    part: str = BODY

    def to_dict(self) -> dict[str, Any]:
        d = {"document_id": self.document_id, "quote": self.quote, "start": self.start, "end": self.end}
        if self.part != BODY:  # citations stored before headlines existed have no part: the body
            d["part"] = self.part
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(d.get("document_id"), d.get("quote"), d.get("start"), d.get("end"), d.get("part") or BODY)


@attrs.frozen
class SubCounts:
    """Demographic counts that are part of the figure, never extra to it."""

    women: int | None = None
    children: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("women", "children"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidInput(f"{name} {value}: counts cannot be negative; give 0 or more")
            if value is not None:
                check_count(name, value)

    def to_dict(self) -> dict[str, Any]:
        return {"women": self.women, "children": self.children}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SubCounts:
        return cls(d.get("women"), d.get("children"))


def period_end_instant(at: dt.datetime, precision: Precision) -> dt.datetime:
    """The last instant of the period a coarse time starts (the instant itself at day precision).

    Years and months are counted in UTC, where coarse times are anchored (the read model's SQL
    computes the same instant)."""
    u = at.astimezone(dt.UTC)
    if precision is Precision.YEAR:
        following = dt.datetime(u.year + 1, 1, 1, tzinfo=dt.UTC)
    elif precision is Precision.MONTH:
        following = dt.datetime(u.year + u.month // 12, u.month % 12 + 1, 1, tzinfo=dt.UTC)
    elif precision is Precision.WEEK:
        following = u + dt.timedelta(days=7)
    else:
        return at
    return following - dt.timedelta(microseconds=1)


def describe_reported(at: dt.datetime | None, precision: str | None, estimated: bool | None) -> str | None:
    """A time as precisely as it is known: '2026 (estimated)', '2026-02', '2024-W34', '2026-02-05T10:00Z'."""
    if at is None:
        return None
    at = at.astimezone(dt.UTC)
    if precision == "year":
        text = f"{at:%Y}"
    elif precision == "month":
        text = f"{at:%Y-%m}"
    elif precision == "week":
        year, week, _ = at.isocalendar()
        text = f"{year}-W{week:02d}"
    elif at.time() == dt.time():
        text = f"{at:%Y-%m-%d}"
    else:
        text = at.isoformat().replace("+00:00", "Z")
    return f"{text} (estimated)" if estimated else text


_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH_YEAR = re.compile(r"^([a-z]{3})[a-z]*\.? (\d{4})$", re.IGNORECASE)


def parse_instant(text: str, what: str) -> tuple[dt.datetime, Precision]:
    """Parse '2026', '2026-02', 'Aug 2024', '2024-W34', '2026-02-03' or an ISO timestamp into a
    UTC-aware instant (a coarse time: the start of its period) and its precision; no later than MAX_YEAR."""
    instant, precision = _parse_instant(text, what)
    check_year(what, instant)
    return instant, precision


def _parse_instant(text: str, what: str) -> tuple[dt.datetime, Precision]:
    raw = text.strip()
    try:
        if len(raw) == 4 and raw.isdigit():
            return dt.datetime(int(raw), 1, 1, tzinfo=dt.UTC), Precision.YEAR
        if len(raw) == 7 and raw[4] == "-":
            year, month = raw.split("-")
            return dt.datetime(int(year), int(month), 1, tzinfo=dt.UTC), Precision.MONTH
        if week := _WEEK.match(raw):
            monday = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC), Precision.WEEK
        if (named := _MONTH_YEAR.match(raw)) and named[1].lower() in _MONTHS:
            return dt.datetime(int(named[2]), _MONTHS[named[1].lower()], 1, tzinfo=dt.UTC), Precision.MONTH
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), Precision.DAY
        instant = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r}: not a date or time; write e.g. 2026-02-03, 2026-02, 2026-W06, 2026 "
            "or 2026-02-03T12:00+05:00"
        ) from None
    if instant.tzinfo is None:
        raise InvalidInput(f"{what} {text!r}: a time needs a time zone; append 'Z' or an offset such as +05:00")
    return instant, Precision.DAY


def parse_period(start: str, end: str | None, what: str = "occurred") -> Period:
    """A period from one or two date texts; '2026-02' alone means the whole month."""
    first, precision = parse_instant(start, what)
    if end is None:
        last = _period_end(first.date(), precision)
    else:
        last_instant, end_precision = parse_instant(end, what)
        last = _period_end(last_instant.date(), end_precision)
    return Period(first.date(), last, precision)


def _period_end(start: dt.date, precision: Precision) -> dt.date:
    if precision is Precision.YEAR:
        return dt.date(start.year, 12, 31)
    if precision is Precision.MONTH:
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start
