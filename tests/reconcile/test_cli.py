"""`ledger policy`, `ledger compare`, `ledger reconcile` and `ledger reconciliations` through the CLI: output and exit codes.

Exit codes of `ledger reconcile`: 0 clean, 1 findings at or above --fail-on, 2 usage error, 4 could not run,
5 another reconciliation holds the lock.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_world, event_count, make_ledger
from typer.testing import CliRunner, Result

from ledger.cli.main import app
from ledger.reconcile.lock import LOCK_NAME, exclusive


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        env = {"LEDGER_ANALYST": "cli-tester", "LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_LOCK_WAIT": "2"}
        return self.runner.invoke(app, ["--home", str(self.home), *args], env=env)

    def events(self) -> int:
        ledger = make_ledger(self.home)
        try:
            return event_count(ledger)
        finally:
            ledger.close()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A ledger with the small world and the military's claim about militants (a warning: enemy claim only).

    The campaign is closed, so no series goes stale whatever today's date.
    """
    ledger = make_ledger(tmp_path)
    world = build_world(ledger)
    ledger.record_figure(world.figure())
    ledger.app.close_incident(world.campaign, "operation declared over", ledger.entry("test"))
    ledger.close()
    return Cli(tmp_path)


def test_policy_list_and_show(cli: Cli) -> None:
    listed = cli("policy", "list", "--format", "csv")
    assert listed.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [r["label"] for r in rows] == ["default@1", "default@2", "acled@1", "independent@1", "independent@2"]
    assert rows[3]["excluded_roles"] == "enemy_losses"
    shown = json.loads(cli("policy", "show", "acled", "--format", "json").stdout)
    assert (shown["label"], shown["best_rule"], shown["single_number"]) == ("acled@1", "lowest", True)
    assert shown["unquantified_as"] == 0
    assert shown["vague_words"]["dozens"] == {"low": 12, "best": 12, "high": None}
    table = cli("policy", "show", "default").stdout
    assert "label            default@2" in table and "Vague words (default@2)" in table
    assert "Vague words (default@1)" in cli("policy", "show", "default@1").stdout
    unknown = cli("policy", "show", "ucdp")
    assert unknown.exit_code == 2 and "unknown; use one of acled@1, default@1, default@2, independent@1" in unknown.stderr


def test_compare_side_by_side(cli: Cli) -> None:
    result = cli("compare", "--policy", "default", "--policy", "independent", "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["policies"] == ["default@2", "independent@2"] and payload["log_position"] == cli.events()
    [militants] = [r for r in payload["rows"] if r["victim_status"] == "militant"]
    assert (militants["default@2 best"], militants["default@2 grade"]) == (216, "weak")
    assert (militants["independent@2 best"], militants["independent@2 grade"]) == (None, "discounted")
    assert cli("compare", "--policy", "default").exit_code == 2
    assert cli("compare", "--policy", "nonesuch", "--policy", "default").exit_code == 2


def test_reconcile_clean_writes_reports_that_parse_and_records_once(cli: Cli, tmp_path: Path) -> None:
    reports = tmp_path / "out"
    before = cli.events()
    result = cli("reconcile", "--report-dir", str(reports))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"reconciliation under default@2 at log position {before}: 0 errors, 1 warnings, 0 info")
    assert f"recorded at event-log position {before + 1}" in result.stdout
    assert "report written:" in result.stderr
    stem = reports / f"reconciliation-default@2-{before}"
    report = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert (report["log_position"], report["recorded"], report["exit_code"]) == (before, True, 0)
    assert report["severities"] == {"info": 0, "warning": 1, "error": 0}
    assert all(t["same"] for t in report["drift_check"]) and report["policy"]["label"] == "default@2"
    with (reports / f"{stem.name}-findings.csv").open(encoding="utf-8", newline="") as f:
        [finding] = list(csv.DictReader(f))
    assert (finding["severity"], finding["kind"], finding["incident"]) == ("warning", "enemy_claim_only", "balochistan-2026")
    markdown = stem.with_suffix(".md").read_text(encoding="utf-8")
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings[0] == "# Reconciliation under policy default@2"
    assert {"## Drift check", "## Findings", "## Changes since the previous reconciliation"} <= set(headings)
    # Again at the same position: nothing new is recorded, same report.
    again = cli("reconcile", "--report-dir", str(reports), "--format", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["recorded"] is False
    assert cli.events() == before + 2  # the reconciliation, and the checkpoint the first run took (issue 16)
    listed = list(csv.DictReader(io.StringIO(cli("reconciliations", "--format", "csv").stdout)))
    assert [(r["policy"], r["reconciled_position"], r["warnings"], r["analyst"]) for r in listed] == [
        ("default@2", str(before), "1", "cli-tester")
    ]


def test_reconcile_exits_1_when_findings_reach_the_chosen_severity(cli: Cli) -> None:
    result = cli("reconcile", "--fail-on", "warning", "--dry-run")
    assert result.exit_code == 1
    assert "warning   enemy_claim_only" in result.stdout
    assert cli("reconcile", "--fail-on", "error", "--dry-run").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "ucdp"], "policy 'ucdp': unknown"),
        (["--fail-on", "fatal"], "'fatal' is not one of"),
        (["--stale-after", "0"], "--stale-after"),
        (["--tolerance", "1.5"], "--tolerance"),
    ],
)
def test_reconcile_usage_errors_exit_2_and_write_nothing(cli: Cli, args: list[str], message: str) -> None:
    before = cli.events()
    result = cli("reconcile", *args)
    assert result.exit_code == 2 and message in result.stderr
    assert cli.events() == before


def test_reconcile_exits_4_when_it_cannot_run(cli: Cli) -> None:
    (cli.home / "readmodel.duckdb").mkdir()  # the read model cannot be opened
    result = cli("reconcile")
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: reconciliation could not run: read model") and result.stdout == ""


def test_reconcile_exits_4_and_records_nothing_when_the_report_cannot_be_written(cli: Cli, tmp_path: Path) -> None:
    before = cli.events()
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the report directory should be")
    result = cli("reconcile", "--report-dir", str(blocker / "reports"))
    assert result.exit_code == 4 and result.stderr.startswith("Error: reconciliation could not run:")
    assert cli.events() == before


def test_reconcile_exits_5_while_another_run_holds_the_lock_in_another_process(cli: Cli) -> None:
    before = cli.events()
    env = {**os.environ, "LEDGER_HOME": str(cli.home), "LEDGER_ANALYST": "cron"}
    env.pop("LEDGER_STORE", None)
    command = [sys.executable, "-c", "from ledger.cli.main import run; run()", "reconcile", "--lock-wait", "0.2"]
    with exclusive(cli.home / LOCK_NAME, wait=0):
        busy = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert busy.returncode == 5, busy.stderr
    assert busy.stderr.startswith(f"Error: reconciliation lock {cli.home / LOCK_NAME}: held by process {os.getpid()}")
    assert cli.events() == before


SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def scheduled_arguments(line: str) -> list[str]:
    """The `ledger ...` arguments of a schedule line, without the shell redirections."""
    words = line.split(">>")[0].split()
    return words[words.index(next(w for w in words if w.endswith("/bin/ledger"))) + 1 :]


def test_the_shipped_schedules_run_the_command_they_document(cli: Cli, tmp_path: Path) -> None:
    cron = [line for line in (SCRIPTS / "cron" / "ledger-reconcile.cron").read_text().splitlines() if line[:1].isdigit()]
    [entry] = cron
    assert len(entry.split()[:5]) == 5 and "LEDGER_HOME=" in entry
    service = (SCRIPTS / "systemd" / "ledger-reconcile.service").read_text()
    [exec_start] = [line.removeprefix("ExecStart=") for line in service.splitlines() if line.startswith("ExecStart=")]
    assert "SuccessExitStatus=5" in service
    assert "Unit=ledger-reconcile.service" in (SCRIPTS / "systemd" / "ledger-reconcile.timer").read_text()
    for line in (entry, exec_start):
        args = scheduled_arguments(line)
        assert args[0] == "reconcile"
        args[args.index("--report-dir") + 1] = str(tmp_path / "scheduled")
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
