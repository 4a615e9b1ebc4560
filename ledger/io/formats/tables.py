"""Writing a table of rows: plain CSV, CSV with an HXL hashtag row, JSON, JSON Lines, Parquet.

CSV follows RFC 4180 (CRLF, minimal quoting) so it opens cleanly in a spreadsheet; Parquet is
written by DuckDB's own `COPY ... TO ... (FORMAT parquet)`. Each writer is deterministic: the same
rows give the same bytes, which is what lets a manifest's SHA-256 re-create a published file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ledger.io.formats.csv_text import cell_text, write_csv

# HXL hashtags (https://hxlstandard.org) for the columns the ledger writes; +civ, +sf, +militant,
# +min, +max and the like are custom attributes for what core HXL lacks.
HXL_TAGS = {
    # figures
    "figure_id": "#meta+id", "incident": "#event+id", "claimant": "#meta+source+claimant",
    "victim_status": "#affected+type", "outcome": "#affected+outcome", "role": "#meta+source+role",
    "quantity_text": "#affected+text", "bound_kind": "#affected+bound", "low": "#affected+min", "best": "#affected",
    "high": "#affected+max", "vague_word": "#affected+vague", "state": "#status", "corrected": "#status+corrected",
    "current_quantity": "#affected+text+current", "current_bound_kind": "#affected+bound+current",
    "current_low": "#affected+min+current",
    "current_best": "#affected+current", "current_high": "#affected+max+current", "reported_at": "#date+reported",
    "reported_precision": "#date+reported+precision", "reported_estimated": "#date+reported+estimated",
    "recorded_at": "#date+recorded", "analyst": "#contact+analyst", "publisher": "#meta+source+publisher",
    "document": "#meta+source+document", "quote": "#description+quote", "quote_start": "#description+quote+start",
    "quote_end": "#description+quote+end", "occurred_start": "#date+occurred+start",
    "occurred_end": "#date+occurred+end", "women": "#affected+f", "children": "#affected+children",
    "note": "#description+note", "position": "#meta+log_position",
    # tallies
    "incident_name": "#event+name", "high_open": "#affected+max+open", "grade": "#status+grade",
    "basis": "#meta+basis", "claims": "#meta+claims", "claimants": "#meta+source", "policy": "#meta+policy",
    "view": "#meta+view", "log_position": "#meta+log_position", "status_level": "#meta+level",
    "top": "#meta+top", "unattributed": "#affected+unattributed",
    # how a figure's source put it, and its carriers
    "stance": "#status+stance", "stance_source": "#meta+stance+source", "derived": "#description+derived",
    "part_of": "#meta+part_of", "quote_part": "#description+quote+part", "carriers": "#meta+carriers",
    "carried_by": "#meta+source+carriers",
}  # fmt: skip


def write_table(
    fmt: str, columns: Sequence[str], rows: Sequence[dict[str, Any]], out: TextIO, meta: dict[str, Any], raw: bool | None = None
) -> None:
    """`raw`: CSV and HXL cells as stored, not neutralised against formulas (see csv_text.py)."""
    values = [[row.get(c) for c in columns] for row in rows]
    if fmt == "csv":
        write_csv(columns, values, out, raw)
    elif fmt == "hxl":
        write_csv(columns, [[HXL_TAGS.get(c, "") for c in columns], *values], out, raw)
    elif fmt == "json":
        records = [{c: _json_value(v) for c, v in zip(columns, row, strict=True)} for row in values]
        out.write(json.dumps({**meta, "rows": records}, indent=2, ensure_ascii=False) + "\n")
    else:
        raise AssertionError(fmt)


def write_jsonl(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    for record in records:
        out.write(json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False, sort_keys=False) + "\n")


def write_parquet(columns: Sequence[str], rows: Sequence[dict[str, Any]], path: Path) -> None:
    import duckdb
    import pyarrow as pa

    arrays = []
    for column in columns:
        values = [_parquet_value(row.get(column)) for row in rows]
        try:
            array = pa.array(values)
        except OverflowError:  # a tally summing past INT64 (ledger/domain/limits.py): exact as DECIMAL(38)
            array = pa.array([None if v is None else decimal.Decimal(v) for v in values], pa.decimal128(38, 0))
        arrays.append(pa.array(values, pa.string()) if pa.types.is_null(array.type) else array)
    table = pa.Table.from_arrays(arrays, names=list(columns))
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("export_rows", table)
        target = str(path).replace("'", "''")
        con.execute(f"COPY export_rows TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


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


def _parquet_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value
