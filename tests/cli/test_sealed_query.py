"""`ledger query` is sealed: one read-only SELECT, no files, no settings, no second statement.

Each payload below once worked against main (issue 15): COPY over the event log, file readers,
ATTACH, several statements. Every one must now be refused with one line and exit 2, and afterwards
the event log file, the read model file and every other file in the ledger's home must be
byte-identical, and no file may appear anywhere the payloads point at.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import World, build_world, day, make_ledger
from test_cli_core import CIVILIANS, MILITANTS, Cli

from ledger import clock
from ledger.errors import Refused


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def world(cli: Cli) -> World:
    ledger = make_ledger(cli.home)
    try:
        with clock.pinned(day("2026-02-01T09:00:00")):
            return build_world(ledger)
    finally:
        ledger.close()


def _payloads(home: Path, outside: Path) -> list[str]:
    events, model = home / "events.sqlite", home / "readmodel.duckdb"
    return [
        # writes to files
        f"COPY (SELECT 'x') TO '{events}'",
        f"COPY (SELECT 'x') TO '{outside / 'out.csv'}'",
        f"COPY facts TO '{outside / 'facts.parquet'}' (FORMAT parquet)",
        f"EXPORT DATABASE '{outside / 'dump'}'",
        # reads of files
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv_auto('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM sniff_csv('/etc/passwd')",
        "SELECT * FROM read_json('/etc/passwd')",
        f"SELECT * FROM read_parquet('{outside / '*.parquet'}')",
        # other databases
        f"ATTACH '{outside / 'other.duckdb'}' AS other",
        f"ATTACH '{events}' AS log (TYPE sqlite, READ_WRITE)",
        f"ATTACH '{model}' AS rm (READ_WRITE)",
        "DETACH readmodel",
        # extensions
        "INSTALL httpfs",
        "LOAD httpfs",
        "FORCE INSTALL sqlite",
        # settings, above all the security ones
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET allow_unsigned_extensions = true",
        f"SET temp_directory = '{outside}'",
        "RESET enable_external_access",
        "PRAGMA enable_profiling",
        # changes to the read model
        "INSERT INTO facts SELECT * FROM facts",
        "DELETE FROM facts",
        "UPDATE figures SET best = 0",
        "DROP TABLE figures",
        "CREATE TABLE x AS SELECT 1",
        "CREATE TEMP TABLE x AS SELECT 1",
        "CREATE MACRO m() AS 1",
        "ALTER TABLE figures ADD COLUMN y INTEGER",
        "TRUNCATE facts",
        "CHECKPOINT",
        "VACUUM",
        "CALL checkpoint()",
        "BEGIN TRANSACTION",
        "EXPLAIN ANALYZE SELECT 1",
        # several statements where one is shown
        "SELECT 1; SELECT 2",
        f"SELECT 1; COPY (SELECT 'x') TO '{events}'",
        "SELECT 1; DELETE FROM facts",
        "SELECT 1;;SELECT 2",
        # nothing at all
        "",
        ";",
        "/* a comment only */",
    ]


def _unresolvable(home: Path) -> list[str]:
    """SELECTs whose file or extension a sealed session cannot even name: a plain SQL error (exit 1), nothing read."""
    events = home / "events.sqlite"
    return [
        "SELECT * FROM '/etc/passwd'",
        f"SELECT * FROM sqlite_scan('{events}', 'stored_events')",
        # a statement inside DuckDB's query() table function: it takes one SELECT only
        "SELECT * FROM query('DELETE FROM facts')",
        f"SELECT * FROM query('COPY facts TO ''{events}'' ')",
        f"SELECT * FROM query('ATTACH ''{events}'' AS log')",
    ]


def _tree(home: Path) -> dict[str, str]:
    """Every file's SHA-256; SQLite's shared-memory index and an empty write-ahead log are how reading opens it, not writes."""
    files = {}
    for path in sorted(home.rglob("*")):
        if path.is_file() and not path.name.endswith("-shm") and not (path.name.endswith("-wal") and path.stat().st_size == 0):
            files[str(path.relative_to(home))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def test_every_refused_kind_of_statement_exits_2_in_one_line_and_changes_no_byte(world: World, cli: Cli, tmp_path: Path) -> None:
    cli.ok(*MILITANTS)
    cli.ok(*CIVILIANS)
    cli.ok("query", "select count(*) from facts")  # the read model is caught up before the first payload
    outside = tmp_path / "outside"
    outside.mkdir()
    before = _tree(cli.home)
    assert "events.sqlite" in before and "readmodel.duckdb" in before
    payloads = _payloads(cli.home, outside)
    refused = 0
    for payload in payloads:
        message = cli.fails("query", payload, code=2)
        assert message.startswith("Error: query: "), (payload, message)
        assert "`ledger query` runs one read-only SELECT" in message, (payload, message)
        refused += 1
        assert _tree(cli.home) == before, f"{payload!r} changed the ledger's files"
        assert list(outside.iterdir()) == [], f"{payload!r} wrote {list(outside.iterdir())}"
    assert refused == len(payloads) >= 45
    for payload in _unresolvable(cli.home):
        assert cli.fails("query", payload, code=1).startswith("Error: query: ")
        assert _tree(cli.home) == before
    assert cli.json("query", "select count(*) as n from figures")[0]["n"] == 2


@pytest.mark.parametrize(
    "sql",
    [
        "select count(*) as n from facts",
        "with f as (select * from figures) select count(*) as n from f",
        "from figures select count(*) as n",
        "select n from (values (2)) t(n)",
        "  select count(*) as n from figures ;  ",  # one statement with its terminator and blanks
    ],
)
def test_the_forms_of_one_select_still_run(world: World, cli: Cli, sql: str) -> None:
    cli.ok(*MILITANTS)
    cli.ok(*CIVILIANS)
    rows = cli.json("query", sql)
    assert len(rows) == 1 and isinstance(rows[0]["n"], int)


def test_show_and_describe_read_the_catalogue(world: World, cli: Cli) -> None:
    names = {row["name"] for row in cli.json("query", "show tables")}
    assert {"figures", "tallies", "facts"} <= names
    assert "best" in {row["column_name"] for row in cli.json("query", "describe figures")}


def test_a_view_query_is_sealed_too(world: World, cli: Cli, tmp_path: Path) -> None:
    cli.ok(*MILITANTS)
    rows = cli.json("query", "--as-of", "2030-01-01", "select count(*) as n from figures_asof")
    assert rows[0]["n"] == 1
    events = cli.home / "events.sqlite"
    before = events.read_bytes()
    for payload in (f"COPY (SELECT 'x') TO '{events}'", "SELECT * FROM read_text('/etc/passwd')", "SELECT 1; SELECT 2"):
        cli.fails("query", "--as-of", "2030-01-01", payload, code=2)
    assert events.read_bytes() == before


def test_the_seal_ends_with_the_query(world: World, cli: Cli, tmp_path: Path) -> None:
    """A sealed query leaves no locked configuration behind for the next command in the same process."""
    cli.ok(*MILITANTS)
    cli.ok("query", "select 1 as one")
    out = tmp_path / "figures.parquet"
    cli.ok("export", "figures", "--format", "parquet", "-o", str(out))  # DuckDB's own COPY TO, outside the seal
    assert out.stat().st_size > 0
    cli.ok("rebuild")
    assert cli.json("query", "select count(*) as n from figures")[0]["n"] == 1


def test_refused_is_a_usage_error() -> None:
    assert Refused.exit_code == 2
