"""Parquet exports have one fixed schema per export kind, whatever the rows hold: a column every
row leaves empty keeps its type, and an export of nothing still has every typed column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import build_world, make_ledger

from ledger.io.export import FIGURE_COLUMNS, TALLY_COLUMNS, export
from ledger.io.formats.parquet import FIGURE_TYPES, TALLY_TYPES
from ledger.ledger import Ledger

# How DuckDB names the types the module pins (what an analyst's SQL sees).
DUCKDB_NAMES = {
    "string": "VARCHAR", "int64": "BIGINT", "bool": "BOOLEAN", "date32[day]": "DATE",
    "timestamp[us, tz=UTC]": "TIMESTAMP WITH TIME ZONE",
}  # fmt: skip
KINDS = {"figures": (FIGURE_COLUMNS, FIGURE_TYPES), "tallies": (TALLY_COLUMNS, TALLY_TYPES)}


def duckdb_types(path: Path) -> dict[str, str]:
    con = duckdb.connect()
    try:
        return {name: kind for name, kind, *_ in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()}
    finally:
        con.close()


def arrow_types(path: Path) -> dict[str, str]:
    return {field.name: str(field.type) for field in pq.read_schema(path)}


@pytest.mark.parametrize("what", ["figures", "tallies"])
def test_every_column_has_its_pinned_type_even_when_every_row_leaves_it_empty(ledger: Ledger, tmp_path: Path, what: str) -> None:
    world = build_world(ledger)
    ledger.record_figure(world.figure())  # no women, children, occurred dates, vague word or derivation
    target = tmp_path / f"{what}.parquet"
    export(ledger, what, target, "parquet")
    columns, types = KINDS[what]
    assert arrow_types(target) == {c: types[c] for c in columns}
    assert duckdb_types(target) == {c: DUCKDB_NAMES[types[c]] for c in columns}
    table = pq.read_table(target)
    if what == "figures":
        for empty in ("women", "children", "occurred_start", "occurred_end", "vague_word", "derived", "part_of"):
            assert table.column(empty).null_count == table.num_rows  # all null, and still typed:
        assert table.schema.field("women").type == pa.int64() and table.schema.field("occurred_start").type == pa.date32()
        assert table.schema.field("reported_at").type == pa.timestamp("us", tz="UTC")
    else:
        assert table.schema.field("high").type == pa.int64()  # "at least 216": high open, every high null
        assert table.column("high").null_count == table.num_rows


@pytest.mark.parametrize("what", ["figures", "tallies"])
def test_an_export_of_nothing_has_the_same_schema(tmp_path: Path, what: str) -> None:
    empty = make_ledger(tmp_path / "empty")
    try:
        empty.app.register_claimant("ispr", "Inter-Services Public Relations", "state_forces", {}, "D", empty.entry("test"))
        target = tmp_path / f"{what}.parquet"
        export(empty, what, target, "parquet")
    finally:
        empty.close()
    columns, types = KINDS[what]
    assert pq.read_metadata(target).num_rows == 0
    assert arrow_types(target) == {c: types[c] for c in columns}


def test_the_pinned_types_are_the_ones_the_readme_documents() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Parquet types.**") :].split("\n\n")[0]
    for name, kind in {**FIGURE_TYPES, **TALLY_TYPES}.items():
        if kind != "string":  # the README lists the typed columns; every other column is text
            assert f"`{name}`" in section, name


def test_a_tally_beyond_int64_is_refused_in_one_line_and_writes_no_file(tmp_path: Path) -> None:
    """Counts keep their pinned INT64 type: a sum past it (millions of counts at the ledger's limit)
    is refused naming the column, rather than silently changing the column's type."""
    from ledger.errors import InvalidInput
    from ledger.io.formats.parquet import write_parquet

    target = tmp_path / "tallies.parquet"
    row = {column: None for column in TALLY_COLUMNS} | {"best": 2**63}
    refusal = r"parquet column 'best': a value beyond Parquet's INT64; export this table as csv or json"
    with pytest.raises(InvalidInput, match=refusal):
        write_parquet("tallies", TALLY_COLUMNS, [row], target)
    assert not target.exists()
    row["best"] = 2**63 - 1  # the largest INT64 still fits, exactly
    write_parquet("tallies", TALLY_COLUMNS, [row], target)
    assert pq.read_table(target).column("best").to_pylist() == [2**63 - 1]
