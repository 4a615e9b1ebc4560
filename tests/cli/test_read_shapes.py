"""Every read has one shape: JSON is an envelope (policy where one applies, view, log position) around `rows`,
CSV has the same fields as the JSON rows (the envelope's repeated on every row), a read's CSV and its
export's CSV have the same columns, and the table states the envelope in its title.

One table of read commands, checked the same way. Also: every option of every command has help,
`ledger --help` lists whole sentences, and usage errors are one line with the fix.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import build_world, make_ledger
from typer.testing import CliRunner, Result

from ledger.cli.main import app

ENV = {"LEDGER_ANALYST": "tester", "LEDGER_HOME": None, "LEDGER_STORE": None, "COLUMNS": None}


def run(home: Path, *args: str) -> Result:
    result = CliRunner().invoke(app, [*args, "--home", str(home)], env=ENV)  # global options after the command
    assert result.exit_code == 0, f"{args}: {result.stderr} {result.exception!r}"
    return result


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small world with a standing figure, a revision, a correction and a recorded reconciliation."""
    home = tmp_path_factory.mktemp("shapes")
    ledger = make_ledger(home)
    try:
        world = build_world(ledger)
        first = ledger.record_figure(world.figure())
        ledger.revise_figure(str(first.figure_id), "at least 230", world.figure().reported)
        ledger.correct_figure(str(first.figure_id), "typed 261", quantity="at least 216")
    finally:
        ledger.close()
    run(home, "reconcile", "--report-dir", str(home / "reports"))
    return home


# (command, the envelope's fields; the last of them are also every CSV row's last columns)
READS: list[tuple[list[str], list[str]]] = [
    (["tally"], ["policy", "view", "log_position"]),
    (["tally", "--as-of", "now", "--policy", "acled"], ["policy", "view", "log_position"]),
    (["figures"], ["view", "log_position"]),
    (["figures", "--reported-before", "2026-03"], ["view", "log_position"]),
    (["audit", "--incident", "balochistan-2026"], ["view", "log_position"]),
    (["audit", "--claimant", "ispr"], ["view", "log_position"]),
    (["audit", "--publisher", "dawn"], ["view", "log_position"]),
    (["claimant", "list"], ["view", "log_position"]),
    (["publisher", "list"], ["view", "log_position"]),
    (["document", "list"], ["view", "log_position"]),
    (["incident", "list"], ["view", "log_position"]),
    (["explain", "balochistan-2026", "militant", "killed"], ["policy", "view", "log_position"]),
    (["diff", "2026-01-01", "now"], ["policy", "view", "log_position"]),
    (["timeline", "--incident", "balochistan-2026", "--claimant", "ispr", "--victim-status", "militant",
      "--outcome", "killed"], ["policy", "view", "log_position"]),
    (["compare", "--policy", "default", "--policy", "acled"], ["view", "log_position"]),
    (["reconciliations"], ["view", "log_position"]),
]  # fmt: skip


@pytest.mark.parametrize(("command", "envelope"), READS, ids=[" ".join(c[:2]) for c, _ in READS])
def test_every_read_has_one_envelope_and_the_same_fields_in_csv_and_json(home: Path, command: list[str],
                                                                        envelope: list[str]) -> None:  # fmt: skip
    payload = json.loads(run(home, *command, "--format", "json").stdout)
    assert isinstance(payload, dict) and isinstance(payload["rows"], list) and payload["rows"], payload
    assert set(envelope) <= set(payload), f"{command}: the envelope lacks {set(envelope) - set(payload)}"
    assert isinstance(payload["log_position"], int) and payload["log_position"] > 0

    text = run(home, *command, "--format", "csv").stdout
    header, *_ = text.splitlines()
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = header.split(",")
    assert [list(r) for r in payload["rows"]] == [columns] * len(payload["rows"])  # every JSON row has the CSV's fields
    assert columns[-len(envelope):] == envelope
    assert {tuple(r[k] for k in envelope) for r in rows} == {tuple(_text(payload[k]) for k in envelope)}

    title = run(home, *command).stdout.splitlines()[0]
    if command[0] not in ("timeline", "diff", "explain"):  # prose and charts name them in their own first line
        assert payload["view"] in title and f"event-log position {payload['log_position']}" in title, title
    else:
        assert payload["view"] in title or "as recorded now" in title, title


def _text(value: Any) -> str:
    return "true" if value is True else "false" if value is False else str(value)


@pytest.mark.parametrize("what", ["figures", "tallies"])
def test_a_read_and_its_export_write_the_same_columns(home: Path, what: str) -> None:
    read = list(csv.DictReader(io.StringIO(run(home, "figures" if what == "figures" else "tally", "-f", "csv").stdout)))
    exported = list(csv.DictReader(io.StringIO(run(home, "export", what).stdout)))
    assert [list(r) for r in read] == [list(r) for r in exported]
    # The same rows too; an export taken now is pinned to the last recorded fact, so it can be re-created.
    assert {r.pop("view") for r in read} == {"as recorded now"}
    assert {r.pop("view") for r in exported} == {f"as recorded at {exported_at(home)}"}
    assert read == exported
    read_json = json.loads(run(home, "figures" if what == "figures" else "tally", "--format", "json").stdout)
    export_json = json.loads(run(home, "export", what, "--format", "json").stdout)
    assert [list(r) for r in read_json["rows"]] == [list(r) for r in export_json["rows"]]


def exported_at(home: Path) -> str:
    """The pin of an export taken now: the last fact of evidence (a checkpoint an export signed is none)."""
    sql = "select max(recorded_at) as t from facts where topic not like 'ledger:Checkpoint%'"
    rows = json.loads(run(home, "query", sql, "-f", "json").stdout)["rows"]
    return str(rows[0]["t"])


def test_tally_json_says_open_apart_from_no_number(home: Path) -> None:
    rows = json.loads(run(home, "tally", "--format", "json").stdout)["rows"]
    militant = next(r for r in rows if r["victim_status"] == "militant")
    assert (militant["high"], militant["high_open"]) == (None, True)  # open, where null alone said nothing


def test_figures_show_the_bounds_in_force_beside_the_ones_first_recorded(home: Path) -> None:
    rows = json.loads(run(home, "figures", "--format", "json").stdout)["rows"]
    corrected = next(r for r in rows if r["corrected"])
    assert (corrected["quantity_text"], corrected["low"]) == ("at least 216", 216)
    assert (corrected["current_quantity"], corrected["current_low"]) == ("at least 216", 216)
    shown = run(home, "figures", "--wide").stdout
    assert "current_low" in shown.splitlines()[1]


def all_commands() -> list[tuple[str, Any]]:
    """Every command, its groups' lazily added ones included, by its full name."""
    from typer.main import get_command

    found = []

    def walk(command: Any, path: str, ctx: Any) -> None:
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}", ctx)
        else:
            found.append((path, command))

    root = get_command(app)
    walk(root, "ledger", root.make_context("ledger", ["--help"], resilient_parsing=True))
    return found


def test_every_option_and_argument_has_help() -> None:
    missing = [f"{path} {p.name}" for path, command in all_commands() for p in command.params
               if p.name != "help" and not getattr(p, "help", None)]  # fmt: skip
    assert missing == []
    assert len(all_commands()) > 40


def test_ledger_help_lists_every_command_with_its_whole_first_sentence() -> None:
    shown = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "100"}).stdout
    listed = shown.partition("Commands:")[2].splitlines()
    assert not [line for line in listed if line.rstrip().endswith("...")]  # Click marks a cut description so
    assert "Tallies per incident x victim status x outcome: low / best / high and grade." in " ".join(shown.split())


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["tally", "--bogus"], "Error: ledger tally: no such option: --bogus; see `ledger tally --help`"),
        (["claimant", "add"], "Error: ledger claimant add: missing argument 'key'; see `ledger claimant add --help`"),
        (["nonsense"], "Error: ledger: no such command 'nonsense'; see `ledger --help`"),
    ],
)
def test_a_usage_error_is_one_line_with_the_fix_and_exit_2(tmp_path: Path, args: list[str], line: str) -> None:
    result = CliRunner().invoke(app, [*args, "--home", str(tmp_path)], env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")
