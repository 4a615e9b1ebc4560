"""Data to stdout as an aligned table, CSV or JSON; nothing else goes to stdout.

One shape for every read: CSV has one column per field, JSON is an envelope (what the rows reflect:
policy, view, log position...) around `rows` holding those same fields, and a table states the same
envelope in its title and shows the fields that fit the terminal (all of them with --wide).
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ledger.io.formats.csv_text import cell_text, write_csv

ENVELOPE = ("policy", "view", "log_position")  # the fields a read's rows carry from their envelope
_options = {"wide": False}


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


def set_wide(wide: bool) -> None:
    """`--wide`: tables show every column, unwrapped (set once per command by the global option)."""
    _options["wide"] = wide


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return cell_text(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def render(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: Format,
    title: str | None = None,
    meta: dict[str, Any] | None = None,
    out: TextIO | None = None,
    table_columns: Sequence[str] | None = None,
    optional: Sequence[str] = (),
) -> None:
    """Write rows (one value per column) as `fmt`; `meta` is the JSON envelope, `table_columns` the table's
    default choice of columns (--wide shows them all), `optional` those it leaves out first to fit."""
    out = out or sys.stdout
    if fmt is Format.csv:
        write_csv(columns, rows, out)
    elif fmt is Format.json:
        import json  # here, not at the top: `ledger --help` imports this module for Format alone

        records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        payload = {**(meta or {}), "rows": records}
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        if title:
            out.write(title + "\n")
        note: list[str] = []
        out.write(table(columns, rows, table_columns, notes=note, optional=optional))
        if note:  # chatter, after the table it is about
            out.flush()
            (sys.stderr if out is sys.stdout else out).write(note[0])


def table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    table_columns: Sequence[str] | None = None,
    notes: list[str] | None = None,
    optional: Sequence[str] = (),
) -> str:
    """The table's text, fitted to the terminal; a note naming the columns it leaves out goes to `notes`."""
    from ledger.cli.table import render_table, terminal_width

    wide = _options["wide"]
    if table_columns is None:
        shown = list(columns)
    elif wide:  # every field but the envelope's, which the title states
        shown = [c for c in columns if c not in ENVELOPE]
    else:
        shown = [c for c in table_columns if c in columns]
    index = [list(columns).index(c) for c in shown]
    width = None if wide else terminal_width()
    cells = [[row[i] for i in index] for row in rows]
    if not wide:  # a figure is named by any 6+ characters of its id: 8 are shown
        for n, name in enumerate(shown):
            if name == "figure_id":
                for row in cells:
                    row[n] = row[n][:8] if isinstance(row[n], str) and len(row[n]) == 36 else row[n]
    text, hidden = render_table(shown, cells, width, optional)
    if hidden and notes is not None:
        what = "1 column" if len(hidden) == 1 else f"{len(hidden)} columns"
        notes.append(f"({what} left out to fit {width} characters: {', '.join(hidden)}; --wide shows every column)\n")
    return text


def records(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    return [[row.get(c) for c in columns] for row in rows]


def with_envelope(rows: Sequence[dict[str, Any]], meta: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows carrying their envelope's policy, view and log position, as CSV rows state them."""
    carried = {k: meta[k] for k in ENVELOPE if k in meta}
    return [{**row, **carried} for row in rows]
