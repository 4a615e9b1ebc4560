"""Hints that can be followed, and tables that fit: each message names a command that exists and fixes the
problem; a repeated reconciliation keeps the recorded run's report; exports never print None for a bound.

Through the CLI on real SQLite and DuckDB files in tmp_path.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import build_world, make_ledger
from typer.testing import CliRunner, Result

from ledger.cli.main import app

ENV = {"LEDGER_ANALYST": "tester", "LEDGER_HOME": None, "LEDGER_STORE": None, "COLUMNS": None, "LEDGER_LOCK_WAIT": "2"}


def cli(home: Path, *args: str, columns: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), *args], env={**ENV, "COLUMNS": columns})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    ledger = make_ledger(tmp_path / "home")
    try:
        world = build_world(ledger)
        ledger.record_figure(world.figure())
        ledger.app.close_incident(world.campaign, "over", ledger.entry("test"))
    finally:
        ledger.close()
    return tmp_path / "home"


def test_a_registration_that_differs_names_the_command_that_corrects_it(home: Path) -> None:
    for args, command in [
        (["claimant", "add", "ispr", "--name", "ISPR", "--kind", "state_forces", "--reliability", "D",
          "--role-default", "militant=enemy_losses", "--role-default", "security_forces=own_losses",
          "--role-default", "*=party_other"], "`ledger claimant correct ispr --reason ...`"),
        (["publisher", "add", "dawn", "--name", "Dawn News", "--url", "https://www.dawn.com"],
         "`ledger publisher correct dawn --reason ...`"),
        (["incident", "add", "nushki-standoff", "--name", "Standoff", "--country", "Pakistan", "--occurred", "2026-02"],
         "`ledger incident correct nushki-standoff --reason ...`"),
    ]:  # fmt: skip
        result = cli(home, *args)
        assert result.exit_code == 1 and command in result.stderr, result.stderr
        fix = command.strip("`").split()[1:4]
        assert cli(home, *fix, "--help").exit_code == 0  # the command named exists
    regraded = cli(home, "claimant", "add", "ispr", "--name", "Inter-Services Public Relations", "--kind", "state_forces",
                   "--reliability", "A", "--role-default", "militant=enemy_losses", "--role-default",
                   "security_forces=own_losses", "--role-default", "*=party_other")  # fmt: skip
    assert "`ledger claimant grade ispr GRADE --reason ...`" in regraded.stderr


def test_import_hints_fit_the_format(home: Path, tmp_path: Path) -> None:
    rows = tmp_path / "figures.csv"
    rows.write_text("incident,claimant,victim_status,outcome,quantity,reported\r\n"
                    "nowhere,nobody,civilian,killed,3,2026-02-05\r\n", encoding="utf-8")  # fmt: skip
    rejects = tmp_path / "rejects.csv"
    result = cli(home, "import", "figures", str(rows), "--rejects", str(rejects))
    error = result.stderr.splitlines()[-1]
    assert error.endswith(f"nothing was recorded; fix the rows listed in {rejects} and import again")
    assert "--rejects FILE" not in error
    problems = {r["column"]: r["problem"] for r in csv.DictReader(rejects.open(encoding="utf-8", newline=""))}
    assert problems["incident"] == "incident 'nowhere': not in the ledger; register it first with `ledger incident add`"
    assert problems["claimant"].endswith("register it first with `ledger claimant add`, or import with --register-missing")
    bundle = tmp_path / "figures.jsonl"
    bundle.write_text('{"incident": "nowhere", "claimant": "ispr", "victim_status": "civilian", "outcome": "killed", '
                      '"quantity": "3", "reported": "2026-02-05"}\n', encoding="utf-8")  # fmt: skip
    jsonl = cli(home, "import", "figures", str(bundle))
    assert 'or put a {"record": "incident", ...} line above this one' in jsonl.stderr
    assert "(or write them out with --rejects FILE)" in jsonl.stderr.splitlines()[-1]


def test_a_variant_that_does_not_read_is_not_called_an_unknown_policy(home: Path) -> None:
    result = cli(home, "tally", "--policy", "default[tolerance=lots]")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: policy 'default[tolerance=lots]': the variant does not read; write NAME[tolerance=FRACTION], "
        "e.g. default[tolerance=0.3]\n"
    )


def test_a_repeated_reconciliation_keeps_the_recorded_runs_report(home: Path, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    first = cli(home, "reconcile", "--report-dir", str(reports))
    assert first.exit_code == 0, first.stderr
    [recorded] = [line for line in first.stdout.splitlines() if "recorded at event-log position" in line]
    event = recorded.rsplit(" ", 1)[1]
    stem = next(reports.glob("*.json")).stem
    kept = (reports / f"{stem}.json").read_bytes()
    again = cli(home, "reconcile", "--report-dir", str(reports))
    assert f"already reconciled at event-log position {event} (nothing new written)" in again.stdout
    assert "no reconciliation under this policy at an earlier log position" in again.stdout
    assert (reports / f"{stem}.json").read_bytes() == kept  # the recorded run's report is never overwritten
    repeat = json.loads((reports / f"{stem}-2.json").read_text(encoding="utf-8"))
    assert (repeat["recorded"], repeat["recorded_before"]) == (False, int(event))
    assert sorted(p.name for p in reports.iterdir()) == sorted(
        [f"{stem}.md", f"{stem}.json", f"{stem}-findings.csv", f"{stem}-2.md", f"{stem}-2.json", f"{stem}-2-findings.csv"]
    )


def test_the_acled_export_of_a_cell_without_a_number_says_so(tmp_path: Path) -> None:
    home = tmp_path / "seeded"
    assert cli(home, "seed").exit_code == 0
    notes = [r["notes"] for r in csv.DictReader(io.StringIO(cli(home, "export", "tallies", "-f", "acled").stdout))]
    assert notes and all("None" not in n for n in notes)
    assert any("security_forces killed: no number (pending)" in n for n in notes)


@pytest.mark.parametrize("command", [["tally"], ["audit", "--incident", "balochistan-2026"], ["figures"],
                                     ["claimant", "list"], ["reconcile", "--dry-run"]])  # fmt: skip
def test_tables_fit_the_terminal_and_wide_shows_every_column(home: Path, command: list[str]) -> None:
    narrow = cli(home, *command, columns="80")
    assert narrow.exit_code == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("----"))
    end = next((i for i in range(rule, len(lines)) if not lines[i].strip()), len(lines))
    assert end - rule > 1 and all(len(line) <= 80 for line in lines[rule - 1 : end])  # the table, header to last row
    assert "…" not in narrow.stdout  # nothing is cut: text wraps, or a column is left out and named
    wide = cli(home, *command, "--wide", columns="80")
    assert len(max(wide.stdout.splitlines(), key=len)) >= len(max(narrow.stdout.splitlines(), key=len))
    assert "left out" not in wide.stderr


def test_a_file_that_cannot_be_written_is_one_line(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-directory" / "tallies.csv"
    result = cli(home, "export", "tallies", "-o", str(target))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {target}: no such file or directory; check the path, and that you may read or write there\n"
