"""Which slice of history a read looks at: as recorded at T, as reported before T, occurred in a period.

A date alone means the end of that day (UTC): "as of 3 Feb" includes everything of 3 Feb.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ledger.domain.values import parse_instant
from ledger.domain.vocabulary import Precision
from ledger.errors import InvalidInput


@attrs.frozen
class View:
    recorded_by: dt.datetime | None = None  # what the ledger knew then
    reported_by: dt.datetime | None = None  # what had been claimed publicly by then
    occurred_from: dt.date | None = None
    occurred_to: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.recorded_by and self.reported_by:
            raise InvalidInput("--as-of and --reported-before: choose one time axis per read; give only one of them")
        if self.occurred_from and self.occurred_to and self.occurred_from > self.occurred_to:
            raise InvalidInput(
                f"occurred {self.occurred_from}..{self.occurred_to}: the range is reversed; give the earlier date first"
            )

    @property
    def is_now(self) -> bool:
        return self == View()

    def describe(self) -> str:
        parts = []
        if self.recorded_by:
            parts.append(f"as recorded at {_text(self.recorded_by)}")
        elif self.reported_by:
            parts.append(f"as reported by {_text(self.reported_by)}")
        else:
            parts.append("as recorded now")
        if self.occurred_from or self.occurred_to:
            parts.append(f"occurred {self.occurred_from or '…'}..{self.occurred_to or '…'}")
        return ", ".join(parts)

    @classmethod
    def parse(
        cls,
        as_of: str | None = None,
        reported_before: str | None = None,
        occurred_from: str | None = None,
        occurred_to: str | None = None,
    ) -> View:
        return cls(
            recorded_by=_instant(as_of, "--as-of"),
            reported_by=_instant(reported_before, "--reported-before"),
            occurred_from=_date(occurred_from, "--occurred-from", end=False),
            occurred_to=_date(occurred_to, "--occurred-to", end=True),
        )


def _instant(text: str | None, what: str) -> dt.datetime | None:
    """The last instant a date (or month, or year) covers; a timestamp as given; 'now' (or None): no limit."""
    if text is None or text.strip().lower() == "now":
        return None
    at, precision = parse_instant(text, what)
    if len(text.strip()) > 10:
        return at
    following = {
        Precision.YEAR: dt.datetime(at.year + 1, 1, 1, tzinfo=dt.UTC),
        Precision.MONTH: dt.datetime(at.year + at.month // 12, at.month % 12 + 1, 1, tzinfo=dt.UTC),
    }.get(precision, at + dt.timedelta(days=1))
    return following - dt.timedelta(microseconds=1)


def _date(text: str | None, what: str, end: bool) -> dt.date | None:
    if text is None:
        return None
    instant = _instant(text, what) if end else parse_instant(text, what)[0]
    assert instant is not None
    return instant.date()


def _text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# Each incident's parent and period as recorded by $recorded (all of them, as now, when it is NULL);
# with `among` (SQL giving incident ids), those incidents only.
def incidents_as_of(among: str | None = None) -> str:
    only = "" if among is None else f"incident_id IN ({among}) AND "
    return f"""
SELECT incident_id, arg_max_null(parent_id, position) AS parent_id, arg_max(occurred_start, position) AS occurred_start,
       arg_max(occurred_end, position) AS occurred_end
FROM incident_versions WHERE {only}($recorded IS NULL OR recorded_at <= $recorded) GROUP BY incident_id
"""


INCIDENTS_AS_OF = incidents_as_of()
