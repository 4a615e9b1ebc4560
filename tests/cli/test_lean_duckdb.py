"""The console entry point's stand-in for `duckdb` (ledger/cli/lean_duckdb.py): reads print exactly
what they print with the whole package, without loading its Python front, and whatever needs the
front (Arrow tables, any other name) gets the real package first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ledger import synthetic
from ledger.cli import lean_duckdb
from tests.conftest import make_ledger

# The console entry point (with the stand-in) or the Typer app itself (the whole package), in a fresh
# interpreter; it reports whether the package's Python front was loaded.
PROBE = """
import sys
from ledger.cli.main import app, run
try:
    run() if sys.argv.pop(1) == "run" else app()
except SystemExit as exit:
    code = exit.code
print("FRONT", "duckdb._relation" in sys.modules, file=sys.stderr)
sys.exit(code)
"""


def ledger_process(how: str, home: Path, *args: str) -> tuple[str, bool]:
    done = subprocess.run([sys.executable, "-c", PROBE, how, "--home", str(home), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    front = next(line for line in done.stderr.splitlines() if line.startswith("FRONT"))
    return done.stdout, front == "FRONT True"


def test_every_name_the_stand_in_answers_is_the_packages_own() -> None:
    import _duckdb
    import duckdb

    for name in lean_duckdb.ENGINE_NAMES:
        assert getattr(duckdb, name) is getattr(_duckdb, name), name


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ledger = make_ledger(tmp_path_factory.mktemp("lean-duckdb"))
    try:
        synthetic.build(ledger, 200, 3)
        with ledger.reading() as con:
            (campaign,) = con.execute("SELECT key FROM incidents WHERE parent_id IS NULL ORDER BY key LIMIT 1").fetchone()
    finally:
        ledger.close()
    (ledger.settings.home / "campaign").write_text(campaign)
    return ledger.settings.home


@pytest.mark.parametrize(
    ("args", "needs_front"),
    [
        (("tally", "--incident", "{campaign}"), False),
        (("explain", "{campaign}", "all", "killed"), False),
        (("figures", "--format", "json"), False),
        (("audit", "--incident", "{campaign}", "--format", "csv"), False),
        (("query", "SELECT victim_status, count(*) AS cells, sum(best) AS best FROM tallies GROUP BY ALL ORDER BY ALL"), None),
        (("query", "SELECT count(*) AS n, max(recorded_at) AS last FROM figures_asof", "--as-of", "2026-03-01"), True),
    ],
)
def test_a_read_prints_the_same_with_the_stand_in_as_with_the_whole_package(
    home: Path, args: tuple[str, ...], needs_front: bool | None
) -> None:
    args = tuple(a.format(campaign=(home / "campaign").read_text()) for a in args)
    whole, front = ledger_process("app", home, *args)
    assert front
    lean, front = ledger_process("run", home, *args)
    assert lean == whole
    assert lean.strip()
    if needs_front is not None:  # `query --as-of` hands an Arrow table to DuckDB, so the package loads first
        assert front == needs_front


def test_arrow_and_other_names_load_the_real_package_first() -> None:
    script = """
import sys
from ledger.cli import lean_duckdb
lean_duckdb.install()
import duckdb
con = duckdb.connect()
assert con.execute("SELECT 41 + 1").fetchall() == [(42,)]
assert "duckdb._relation" not in sys.modules
import pyarrow as pa
assert "duckdb._relation" in sys.modules and sys.modules["duckdb"] is not duckdb
con.register("t", pa.table({"a": [1, 2, 3]}))
assert con.execute("SELECT sum(a) FROM t").fetchall() == [(6,)]
assert duckdb.sql("SELECT 1").fetchall() == [(1,)] and duckdb.__version__ == sys.modules["duckdb"].__version__
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
