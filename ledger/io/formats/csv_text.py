"""CSV as spreadsheets expect it (RFC 4180, CRLF), the text a value takes in a cell, and the one
rule that keeps a cell from being run as a formula.

Spreadsheet formula injection (OWASP, "CSV Injection"): a cell whose text starts with `=`, `+`,
`-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula,
so a claimant name or a quote such as `=HYPERLINK(...)` would run when an analyst opens the export.
Every CSV the ledger writes puts a single quote (`'`) in front of such a text cell; spreadsheets show
the text as written. Numbers are not text: a count or a log position is written as it is (a negative
number is data, and no count is negative). A text cell that already starts with quotes followed by a
trigger (`'=x`) gets one more, so that `restored` (applied by the ledger's CSV reader) can strip exactly
the one quote this rule added and give back every original text, a real leading apostrophe included.

Machines that want the values as stored ask for raw cells: `--raw-csv` or LEDGER_CSV_RAW=1. JSON,
JSON Lines and Parquet always keep values exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Sequence
from typing import Any, TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")  # a trigger, after any quotes already there
_ADDED_QUOTE = re.compile(r"'+[=+\-@\t\r]")  # what `neutralised` writes: one quote more than the text had
RAW_ENV = "LEDGER_CSV_RAW"
_settings: dict[str, bool | None] = {"raw": None}


def set_raw(raw: bool | None) -> None:
    """`--raw-csv`: write every CSV cell as stored (set once per command by the global option); None: the environment decides."""
    _settings["raw"] = raw


def raw_cells() -> bool:
    """Whether CSV cells are written raw: `--raw-csv`, else LEDGER_CSV_RAW=1 (or true/yes)."""
    chosen = _settings["raw"]
    if chosen is not None:
        return chosen
    return os.environ.get(RAW_ENV, "").strip().lower() in ("1", "true", "yes")


def neutralised(text: str) -> str:
    """The text as a spreadsheet may show it without running it: a quote in front of a formula trigger."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restored(text: str) -> str:
    """The text `neutralised` was given: the one quote it added taken off again, any other text as it is."""
    return text[1:] if _ADDED_QUOTE.match(text) else text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:  # the commonest cell, first
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    return str(value)


def safe_cell(value: Any, raw: bool = False) -> str:
    """A value's cell text, neutralised where it is text (numbers, dates and booleans are not)."""
    text = cell_text(value)
    if raw or not isinstance(value, str | list | tuple):
        return text
    return neutralised(text)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO, raw: bool | None = None) -> None:
    """RFC 4180 CSV; text cells neutralised unless `raw` (default: `raw_cells()`)."""
    raw = raw_cells() if raw is None else raw
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c, raw) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(v, raw) for v in row])
