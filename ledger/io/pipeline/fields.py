"""Reading typed values out of one import record (CSV text or JSON values), problem by problem."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from ledger.domain.limits import COUNT_FIX, MAX_COUNT, MAX_NUMBER_TEXT, check_year
from ledger.domain.values import Period, ReportedTime, parse_instant, parse_period
from ledger.domain.vocabulary import Precision, parse_enum
from ledger.errors import InvalidInput
from ledger.io.pipeline.catalog import Checks, FieldProblem, RowInvalid

_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


class Fields:
    """One record's values; every bad value becomes a problem named by its column."""

    def __init__(self, values: dict[str, Any], check: Checks | None = None) -> None:
        self.values = values
        self.check = check or Checks()

    def raw(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
        return text if text.strip() else None

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is not None and not isinstance(value, str | int | float):
            self.problem(name, value, f"{name}: should be text, got {type(value).__name__}")
            return default
        raw = self.raw(name)
        return default if raw is None else raw

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            self.problem(name, None, f"{name}: required, but empty; fill it in")
            return ""
        return value.strip()

    def integer(self, name: str) -> int | None:
        raw = self.raw(name)
        if raw is None:
            return None
        if len(raw.strip()) > MAX_NUMBER_TEXT:  # refused before converting: Python will not convert 4,300+ digits
            self.problem(name, raw[:40], f"{name}: {len(raw.strip()):,} characters is longer than any count; {COUNT_FIX}")
            return None
        try:
            number = float(raw) if "." in raw or "e" in raw.lower() else int(raw.replace(",", ""))
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(raw)
        except ValueError:
            self.problem(name, raw, f"{name} {raw!r}: not a whole number; write digits only, e.g. 12")
            return None
        if number != int(number):
            self.problem(name, raw, f"{name} {raw!r}: not a whole number; counts have no decimals")
            return None
        if abs(int(number)) > MAX_COUNT:
            self.problem(name, raw, f"{name} {raw!r}: above the ledger's limit; {COUNT_FIX}")
            return None
        return int(number)

    def boolean(self, name: str) -> bool:
        raw = (self.raw(name) or "").strip().lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            self.problem(name, raw, f"{name} {raw!r}: not true or false; write true or false")
        return False

    def items(self, name: str) -> list[Any]:
        """A list: a JSON array, or a CSV cell of items separated by ';' ("dawn; mehr")."""
        value = self.values.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return value
        if not isinstance(value, str):
            self.problem(name, value, f"{name}: should be a list, or text with items separated by ';'")
            return []
        return [item.strip() for item in value.split(";") if item.strip()]

    def mapping(self, name: str) -> dict[str, Any]:
        value = self.values.get(name)
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            self.problem(name, value, f'{name}: should be an object such as {{"militant": "enemy_losses"}}')
            return {}
        return value

    def precision(self, name: str) -> Precision | None:
        raw = self.raw(name)
        return None if raw is None else self.check(name, raw, lambda: parse_enum(Precision, raw, name))

    def instant(self, name: str, precision: str | None = None, estimated: str | None = None) -> ReportedTime | None:
        """A reported or published time, its precision from the text unless a precision column says."""
        raw = self.raw(name)
        override = self.precision(precision) if precision else None
        flag = self.boolean(estimated) if estimated else False
        if raw is None:
            return None
        parsed = self.check(name, raw, lambda: parse_instant(raw, name))
        if parsed is None:
            return None
        at, implied = parsed
        return ReportedTime(at, override or implied, flag)

    def period(self, start: str, end: str, precision: str | None = None, estimated: str | None = None) -> Period | None:
        first, last = self.raw(start), self.raw(end)
        override = self.precision(precision) if precision else None
        flag = self.boolean(estimated) if estimated else False
        if first is None:
            if last is not None:
                self.problem(start, None, f"{start}: empty while {end} is given; give the start date too")
            return None
        period = self.check(start, first, lambda: parse_period(first, last, start))
        if period is None:
            return None
        return attrs.evolve(period, precision=override or period.precision, estimated=flag)

    def date(self, name: str) -> dt.date | None:
        raw = self.raw(name)
        if raw is None:
            return None
        try:
            day = dt.date.fromisoformat(raw.strip()[:10])
        except ValueError:
            self.problem(name, raw, f"{name} {raw!r}: not a date; write YYYY-MM-DD")
            return None
        return self.check(name, raw, lambda: (check_year(name, day), day)[1])

    def problem(self, name: str, value: Any, message: str) -> None:
        self.check.problems.append(FieldProblem(name, None if value is None else str(value), message))

    def done(self) -> None:
        self.check.done()


def reject(column: str | None, value: Any, message: str) -> InvalidInput:
    """One problem as a row error, for checks that stop the row."""
    return RowInvalid([FieldProblem(column, None if value is None else str(value), message)])
