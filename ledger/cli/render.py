"""Data to stdout as an aligned table, CSV or JSON; nothing else goes to stdout."""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ledger.io.csv_text import cell_text, write_csv


class Format(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


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
) -> None:
    out = out or sys.stdout
    if fmt is Format.csv:
        write_csv(columns, rows, out)
    elif fmt is Format.json:
        import json  # here, not at the top: `ledger --help` imports this module for Format alone

        records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in rows]
        payload: Any = {**meta, "rows": records} if meta else records
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        if title:
            out.write(title + "\n")
        out.write(table(columns, rows))


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    texts = [[_clip(cell_text(v), max_width) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in texts)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in texts]
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def records(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    return [[row.get(c) for c in columns] for row in rows]
