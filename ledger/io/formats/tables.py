"""Writing a table of rows: plain CSV, JSON, JSON Lines; and counting what a written file holds.

CSV follows RFC 4180 (CRLF, minimal quoting) so it opens cleanly in a spreadsheet. HXL and Parquet
have modules of their own (`hxl.py`, `parquet.py`). Each writer is deterministic: the same rows
give the same bytes, which is what lets a manifest's SHA-256 re-create a published file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ledger.io.formats.csv_text import cell_text, write_csv


def write_table(
    fmt: str, columns: Sequence[str], rows: Sequence[dict[str, Any]], out: TextIO, meta: dict[str, Any], raw: bool | None = None
) -> None:
    """`raw`: CSV cells as stored, not neutralised against formulas (see csv_text.py)."""
    values = [[row.get(c) for c in columns] for row in rows]
    if fmt == "csv":
        write_csv(columns, values, out, raw)
    elif fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in values]
        out.write(json.dumps({**meta, "rows": records}, indent=2, ensure_ascii=False) + "\n")
    else:
        raise AssertionError(fmt)


def write_jsonl(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False, sort_keys=False) + "\n")


def count_rows(fmt: str, path: Path) -> int:
    """How many data rows a written file holds, read back the way a user's tool would."""
    import csv

    if fmt in ("csv", "hxl", "ucdp", "acled"):
        with path.open(encoding="utf-8", newline="") as f:
            return sum(1 for _ in csv.reader(f)) - (2 if fmt == "hxl" else 1)
    if fmt == "json":
        return len(json.loads(path.read_text(encoding="utf-8"))["rows"])
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as f:
            return sum(1 for line in f if line.strip())
    if fmt == "parquet":
        import duckdb

        con = duckdb.connect()
        try:
            row = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
        finally:
            con.close()
        return int(row[0]) if row else 0
    raise AssertionError(fmt)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return cell_text(value) if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value
