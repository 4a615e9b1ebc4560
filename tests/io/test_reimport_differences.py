"""A re-import whose rows differ from what was recorded says which rows, and how to record the change.

The figure a row names is already in the ledger (same claim, same document), but the file now gives
another reported time or note: nothing may change silently, and nothing may be written either (the
recorded fact stands; a correction is a fact of its own).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import World, build_world, day, event_count, make_ledger
from typer.testing import CliRunner

from ledger import clock
from ledger.cli.main import app as cli_app
from ledger.io.imports import import_figures
from ledger.ledger import Ledger

HEADER = "incident,claimant,victim_status,outcome,quantity,reported,document,quote,note\r\n"
MILITANTS = (
    "balochistan-2026,ispr,militant,killed,at least 216,{reported},dawn-2026-02-05,killed at least 216 militants,{note}\r\n"
)
CIVILIANS = "nushki-standoff,hrcp,civilian,killed,12,2026-02-05,dawn-2026-02-05,12 civilians were killed,{note}\r\n"


@pytest.fixture
def world(ledger: Ledger) -> World:
    with clock.pinned(day("2026-02-01T09:00:00")):
        return build_world(ledger)


def _file(tmp_path: Path, reported: str, militants_note: str, civilians_note: str) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(
        HEADER + MILITANTS.format(reported=reported, note=militants_note) + CIVILIANS.format(note=civilians_note),
        encoding="utf-8",
    )
    return path


def test_the_same_file_again_reports_no_difference(world: World, tmp_path: Path) -> None:
    path = _file(tmp_path, "2026-02-05", "first", "as carried")
    import_figures(world.ledger, path)
    again = import_figures(world.ledger, path)
    assert (again.figures_new, again.figures_known, again.differing) == (0, 2, [])


def test_a_changed_reported_time_or_note_is_listed_and_nothing_is_written(world: World, tmp_path: Path) -> None:
    first = import_figures(world.ledger, _file(tmp_path, "2026-02-05", "first", "as carried"))
    ids = {row["outcome"] + row["victim_status"]: row["figure_id"] for row in world.ledger.figures()}
    before = event_count(world.ledger)
    again = import_figures(world.ledger, _file(tmp_path, "2026-02-06", "first and now with more words", "as carried"))
    assert first.figures_new == 2 and again.figures_new == 0
    assert event_count(world.ledger) == before
    militants = ids["killedmilitant"]
    assert again.differing == [f"line 2: figure {militants} has another reported time and note"]
    summary = "\n".join(again.summary())
    assert "1 rows already recorded, but the file gives them otherwise; nothing was changed" in summary
    assert "ledger figure correct ID --reported T --reason WHY" in summary
    # Only the note differs in the other row now:
    third = import_figures(world.ledger, _file(tmp_path, "2026-02-05", "first", "a new note"))
    assert third.differing == [f"line 3: figure {ids['killedcivilian']} has another note"]


def test_a_reported_time_corrected_since_is_no_difference(world: World, tmp_path: Path) -> None:
    import_figures(world.ledger, _file(tmp_path, "2026-02-05", "first", "x"))
    militants = next(r["figure_id"] for r in world.ledger.figures() if r["victim_status"] == "militant")
    runner = CliRunner()
    env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
    home = str(world.ledger.settings.home)
    correct = ["--home", home, "figure", "correct", militants, "--reason", "typo", "--reported", "2026-02-06"]
    fixed = runner.invoke(cli_app, correct, env=env)
    assert fixed.exit_code == 0, fixed.stderr
    assert import_figures(world.ledger, _file(tmp_path, "2026-02-06", "first", "x")).differing == []
    assert import_figures(world.ledger, _file(tmp_path, "2026-02-05", "first", "x")).differing == []


def test_the_cli_prints_the_rows_that_differ(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ledger = make_ledger(home)
    with clock.pinned(day("2026-02-01T09:00:00")):
        build_world(ledger)
    ledger.close()
    runner = CliRunner()
    env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
    first = _file(tmp_path, "2026-02-05", "a", "b")
    assert runner.invoke(cli_app, ["--home", str(home), "import", "figures", str(first)], env=env).exit_code == 0
    changed = _file(tmp_path, "2026-02-05", "a", "c")
    result = runner.invoke(cli_app, ["--home", str(home), "import", "figures", str(changed)], env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "figures: 0 new, 2 already recorded" in lines
    assert any(line.startswith("  line 3: figure ") and line.endswith(" has another note") for line in lines), lines
