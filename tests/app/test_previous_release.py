"""A ledger written by the previous release reads and tallies exactly as before.

`data/previous_release/events.sqlite` is the event log release 0.1.0 stored (its make.py says how it
was written: figures with vague words, ranges and "nearly"/"about", a back-filled report, a revision
withdrawn, a corrected typo, a strike, a regrade, an incident correction, a UCDP import and a
reconciliation), and `expected.json` what that release read from it. Today's code reads the same
file: every cell it tallied is tallied the same under every policy it had, and the only new cells are
the totals of all victims above them; every figure has the same state and bounds; the audit trail is
the same, fact for fact. The ledger has no configuration, so it keeps tallying under default@1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import make_ledger

from ledger.ledger import Ledger

DATA = Path(__file__).parent / "data" / "previous_release"
EXPECTED: dict[str, Any] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("previous")
    shutil.copy(DATA / "events.sqlite", home / "events.sqlite")  # a copy: the fixture itself is never written
    ledger = make_ledger(home)
    try:
        yield ledger
    finally:
        ledger.close()


def keyed(rows: list[dict[str, Any]], columns: list[str]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(r["incident"], r["victim_status"], r["outcome"]): {c: _plain(r[c]) for c in columns} for r in rows}


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@pytest.mark.parametrize("label", ["default@1", "acled@1", "independent@1"])
def test_every_cell_tallies_as_the_previous_release_tallied_it(previous: Ledger, label: str) -> None:
    before = EXPECTED["tallies"][label]
    columns = sorted(before[0])
    now = keyed(previous.tally(label).rows, columns)
    old = keyed(before, columns)
    assert {k: v for k, v in now.items() if k in old} == old
    # The new cells are the totals of all victims, one per incident and outcome the old cells had.
    added = set(now) - set(old)
    assert {k[1] for k in added} == {"all"}
    assert {(k[0], k[2]) for k in added} == {(k[0], k[2]) for k in old}


def test_the_ledger_keeps_tallying_under_default_1(previous: Ledger) -> None:
    assert previous.app.default_policy() == "default@1"
    assert previous.tally().policy == "default@1"
    assert previous.tally("default").policy == "default@1"  # the bare name is the ledger's own default


def test_every_figure_reads_as_before(previous: Ledger) -> None:
    before = {r["figure_id"]: r for r in EXPECTED["figures"]}
    now = {r["figure_id"]: {c: _plain(r.get(c)) for c in before[r["figure_id"]]} for r in previous.figures()}
    assert now == before


def test_the_audit_trail_reads_as_before(previous: Ledger) -> None:
    trail = [{k: _plain(r[k]) for k in ("position", "topic", "summary", "analyst")} for r in previous.audit(incident="campaign")]
    assert trail == EXPECTED["audit"]
    assert previous.app.recorder.max_notification_id() == EXPECTED["events"]  # reading wrote nothing


def test_a_read_command_opens_it_as_it_is(tmp_path: Path) -> None:
    """`ledger tally` on the old file: a ledger, read as before (it gains its tamper-evidence tables, nothing else)."""
    from typer.testing import CliRunner

    from ledger.cli.main import app

    shutil.copy(DATA / "events.sqlite", tmp_path / "events.sqlite")
    env = {"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_ANALYST": "tester"}
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "tally", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["policy"], payload["log_position"]) == ("default@1", EXPECTED["events"])
    old = keyed(EXPECTED["tallies"]["default@1"], ["low", "best", "high", "grade"])
    assert {k: v for k, v in keyed(payload["rows"], ["low", "best", "high", "grade"]).items() if k in old} == old
