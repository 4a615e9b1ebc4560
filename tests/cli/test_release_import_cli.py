"""`ledger import ucdp|acled` with its release options, and `ledger figures --source-text`: one call each into the library."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from ledger.cli.main import app

DATA = Path(__file__).parents[1] / "io" / "data"
ENV = {"LEDGER_ANALYST": "tester", "LEDGER_HOME": None, "LEDGER_STORE": None, "COLUMNS": "200", "LEDGER_LOCK_WAIT": "2"}


def cli(home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), *args], env=ENV)


def test_a_release_import_reports_what_it_did_and_sources_are_searchable(tmp_path: Path) -> None:
    done = cli(
        tmp_path, "import", "ucdp", str(DATA / "ucdp_ged_sample.csv"), "--release", "ged-24.1", "--published", "2024-06-12"
    )
    assert done.exit_code == 0, done.output
    assert "release ged-24.1 (published 2024-06-12, scope: Pakistan; 2024): events 5 new, 0 revised" in done.output
    found = cli(tmp_path, "figures", "--source-text", "local police", "--format", "csv")
    assert found.exit_code == 0 and {line.split(",")[1] for line in found.output.splitlines()[1:] if line} == {"ucdp-ged-501001"}


def test_bad_release_options_are_one_line_errors(tmp_path: Path) -> None:
    bad_date = cli(tmp_path, "import", "acled", str(DATA / "acled_sample.csv"), "--published", "March 2024")
    assert bad_date.exit_code != 0 and "--published 'March 2024': not a date; write YYYY-MM-DD" in bad_date.output
    bad_scope = cli(tmp_path, "import", "acled", str(DATA / "acled_sample.csv"), "--scope", "region=Asia")
    assert bad_scope.exit_code != 0 and "scope 'region=Asia'" in bad_scope.output
