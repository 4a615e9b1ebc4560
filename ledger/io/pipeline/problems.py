"""What is wrong with an import file, row by row: line, column, value and problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from ledger.application.app import RejectedImport, RowError


@attrs.frozen
class RowProblem:
    line: int | None  # physical line where the record starts (the header is line 1)
    column: str | None
    value: str | None
    problem: str

    def describe(self) -> str:
        where = f"line {self.line}" if self.line is not None else "file"
        return f"{where}, {self.column}: {self.problem}" if self.column else f"{where}: {self.problem}"


class ImportRejected(RejectedImport):
    """Some rows of an import file were bad, so none was recorded."""

    def __init__(self, source: str, problems: Sequence[RowProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__([RowError(p.line, f"{p.column}: {p.problem}" if p.column else p.problem) for p in self.problems])
        rows = len({p.line for p in self.problems})
        bad = f"{rows} bad row{'s' if rows > 1 else ''}"
        more = f" (and {len(self.problems) - 1} more; {bad} in all)" if len(self.problems) > 1 else ""
        self._summary = f"import {source}: {self.problems[0].describe()}{more}; nothing was recorded"
        self.args = (f"{self._summary}; fix the rows listed (or write them out with --rejects FILE) and import again",)

    def written_to(self, rejects: Path) -> None:
        """Say where the problems were written, rather than how to write them."""
        self.args = (f"{self._summary}; fix the rows listed in {rejects} and import again",)


PROBLEM_COLUMNS = ["line", "column", "value", "problem"]


def problem_rows(problems: Sequence[RowProblem]) -> list[list[object]]:
    return [[p.line, p.column, p.value, p.problem] for p in problems]


def write_rejects(problems: Sequence[RowProblem], path: Path) -> None:
    """Every problem as a CSV row (line, column, value, problem), for fixing the file in a spreadsheet."""
    from ledger.io.formats.csv_text import write_csv

    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv(PROBLEM_COLUMNS, problem_rows(problems), out)
