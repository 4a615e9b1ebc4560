"""What UCDP and ACLED imports share: a published CSV read as is, a mapping, lenient registrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput
from ledger.io.pipeline.catalog import PublishedRowSpec
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.mapping import Mapping, load_mapping
from ledger.io.pipeline.records import Progress, Record, csv_header, csv_records, file_sha256


class PublishedCsv:
    label = "published csv"
    mapping_name = ""
    columns: tuple[str, ...] = ()  # every column of the published layout
    required: tuple[str, ...] = ()  # the columns the import reads
    # Datasets revise their rows between releases: a registration that differs is kept and reported.
    strict = False
    row_local = frozenset({"incident", "document", "published_row"})

    def __init__(self, path: Path, mapping: Path | None, parent: str | None) -> None:
        self.path, self.parent = path, parent
        self.mapping: Mapping = load_mapping(self.mapping_name, mapping)
        header = csv_header(path)
        missing = [c for c in self.required if c not in header]
        if missing:
            raise InvalidInput(
                f"{path}: column {missing[0]!r} is missing; is this a {self.label} file as published? "
                f"It needs {', '.join(self.required)}"
            )
        self.ignored_columns = [c for c in header if c not in self.columns]
        self.skipped = 0
        self._sha256: str | None = None
        self.phase = ""

    def published_row(self, incident: str, record: Record) -> list[PublishedRowSpec]:
        """The row as published, every column of the layout it has, as text: what a faithful export
        gives back. Registered with the incident; the pass that writes figures has no use for it."""
        if self.phase == "writing figures":
            return []
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path)
        columns = {c: _text(record.fields[c]) for c in self.columns if c in record.fields}
        return [PublishedRowSpec(incident, self.label, self.path.name, self._sha256, record.line, columns)]

    def records(self, phase: str, progress: Progress | None = None) -> Iterator[Record]:
        self.mapping.counting = phase == "checking"
        self.phase = phase
        if self.mapping.counting:
            self.skipped = 0
        return csv_records(self.path, phase, progress)

    def report(self) -> dict[str, Any]:
        return {**self.mapping.report(), "skipped_rows": self.skipped}

    def code(self, f: Fields, column: str, section: str) -> str | None:
        """A numeric code looked up in a mapping section; an unknown code is a row problem."""
        raw = (f.raw(column) or "").strip()
        table = self.mapping.codes(section)
        if raw.endswith(".0"):
            raw = raw[:-2]
        if raw not in table:
            f.problem(column, raw, f"{column} {raw!r}: not in mapping {self.mapping.label} ({', '.join(table)}); "
                      "fix the row or add the code to your --mapping file")  # fmt: skip
            return None
        return table[raw]


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def day(f: Fields, column: str) -> dt.date | None:
    """A date as UCDP ('2019-01-05 00:00:00.000') or ACLED ('2024-01-30' or '30 January 2024') write it."""
    raw = (f.raw(column) or "").strip()
    if not raw:
        f.problem(column, None, f"{column}: required, but empty; give the date")
        return None
    for parse in (lambda: dt.date.fromisoformat(raw[:10]), lambda: dt.datetime.strptime(raw, "%d %B %Y").date()):
        try:
            return parse()
        except ValueError:
            continue
    f.problem(column, raw, f"{column} {raw!r}: not a date; the published formats are 2024-01-30 or 30 January 2024")
    return None


def count(f: Fields, column: str) -> int | None:
    value = f.integer(column)
    if value is None and f.raw(column) is None:
        f.problem(column, None, f"{column}: required, but empty; give a number (0 when none)")
    elif value is not None and value < 0:
        f.problem(column, str(value), f"{column} {value}: counts cannot be negative")
        return None
    return value
