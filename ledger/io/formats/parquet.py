"""Parquet exports with a fixed schema per export kind: each column has its documented type
whatever the data, so a column every row leaves empty is still an INT64, a TIMESTAMP or a
BOOLEAN, and a reader's code never depends on which figures happened to be exported.

Written by DuckDB's own `COPY ... TO ... (FORMAT parquet)` from an Arrow table built with the
pinned schema; timestamps are UTC (`timestamp[us, tz=UTC]`), dates are `date32`, counts `int64`.
README's "Exporting" lists the types; tests/io/test_parquet_types.py reads them back with DuckDB
and pyarrow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput

TEXT, COUNT, FLAG, DAY, INSTANT = "string", "int64", "bool", "date32[day]", "timestamp[us, tz=UTC]"  # as pyarrow names them

FIGURE_TYPES = {
    "figure_id": TEXT, "incident": TEXT, "claimant": TEXT, "victim_status": TEXT, "outcome": TEXT, "role": TEXT,
    "quantity_text": TEXT, "bound_kind": TEXT, "low": COUNT, "best": COUNT, "high": COUNT, "vague_word": TEXT,
    "state": TEXT, "corrected": FLAG, "current_quantity": TEXT, "current_bound_kind": TEXT, "current_low": COUNT,
    "current_best": COUNT, "current_high": COUNT, "reported_at": INSTANT, "reported_precision": TEXT,
    "reported_estimated": FLAG, "recorded_at": INSTANT, "analyst": TEXT, "publisher": TEXT, "document": TEXT,
    "quote": TEXT, "quote_start": COUNT, "quote_end": COUNT, "occurred_start": DAY, "occurred_end": DAY,
    "women": COUNT, "children": COUNT, "note": TEXT, "position": COUNT, "stance": TEXT, "stance_source": TEXT,
    "derived": TEXT, "part_of": TEXT, "quote_part": TEXT, "carriers": COUNT, "carried_by": TEXT, "view": TEXT,
    "log_position": COUNT,
}  # fmt: skip
TALLY_TYPES = {
    "incident": TEXT, "incident_name": TEXT, "victim_status": TEXT, "outcome": TEXT, "low": COUNT, "best": COUNT,
    "high": COUNT, "high_open": FLAG, "grade": TEXT, "basis": TEXT, "claims": COUNT, "claimants": TEXT,
    "status_level": COUNT, "top": FLAG, "unattributed": COUNT, "policy": TEXT, "view": TEXT, "log_position": COUNT,
}  # fmt: skip
SCHEMAS = {"figures": FIGURE_TYPES, "tallies": TALLY_TYPES}


def arrow_schema(what: str, columns: Sequence[str]) -> Any:
    import pyarrow as pa

    types = SCHEMAS[what]
    missing = [c for c in columns if c not in types]
    if missing:  # a column added to a read must get its type here too
        raise InvalidInput(f"export {what} --format parquet: column {missing[0]!r} has no pinned type; add it to {__name__}")
    by_name = {TEXT: pa.string(), COUNT: pa.int64(), FLAG: pa.bool_(), DAY: pa.date32(), INSTANT: pa.timestamp("us", tz="UTC")}
    return pa.schema([pa.field(c, by_name[types[c]]) for c in columns])


def write_parquet(what: str, columns: Sequence[str], rows: Sequence[dict[str, Any]], path: Path) -> None:
    import duckdb
    import pyarrow as pa

    schema = arrow_schema(what, columns)
    arrays = []
    for field in schema:
        try:
            arrays.append(pa.array([_value(row.get(field.name), field.type) for row in rows], field.type))
        except OverflowError:  # only a sum of millions of counts at the limit (ledger/domain/limits.py)
            raise InvalidInput(
                f"parquet column {field.name!r}: a value beyond Parquet's INT64; export this table as csv or json"
            ) from None
    table = pa.Table.from_arrays(arrays, schema=schema)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("export_rows", table)
        target = str(path).replace("'", "''")
        con.execute(f"COPY export_rows TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


def _value(value: Any, kind: Any) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    if pa.types.is_string(kind) and not isinstance(value, str):
        return str(value)
    return value
