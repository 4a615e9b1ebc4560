"""Value objects carried by events: periods, times, places, citations, sub-counts.

Each has `to_dict` / `from_dict` so the store keeps plain JSON that DuckDB can read in bulk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

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
    """When a claim was made public. Coarse times are anchored at the start of their period."""

    at: dt.datetime
    precision: Precision = Precision.DAY
    estimated: bool = False

    def __attrs_post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise InvalidInput(f"reported time {self.at}: needs a time zone; append 'Z' or '+05:00'")

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


@attrs.frozen
class Citation:
    """The exact words a figure was read from, and where they sit in the archived document."""

    document_id: str | None
    quote: str | None
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "quote": self.quote, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Citation:
        return cls(d.get("document_id"), d.get("quote"), d.get("start"), d.get("end"))


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

    def to_dict(self) -> dict[str, Any]:
        return {"women": self.women, "children": self.children}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SubCounts:
        return cls(d.get("women"), d.get("children"))


def parse_instant(text: str, what: str) -> tuple[dt.datetime, Precision]:
    """Parse '2026', '2026-02', '2026-02-03' or an ISO timestamp into a UTC-aware instant."""
    raw = text.strip()
    try:
        if len(raw) == 4 and raw.isdigit():
            return dt.datetime(int(raw), 1, 1, tzinfo=dt.UTC), Precision.YEAR
        if len(raw) == 7 and raw[4] == "-":
            year, month = raw.split("-")
            return dt.datetime(int(year), int(month), 1, tzinfo=dt.UTC), Precision.MONTH
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), Precision.DAY
        instant = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r}: not a date or time; write e.g. 2026-02-03, 2026-02 or 2026-02-03T12:00+05:00"
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
