"""The tamper-evidence commands through the CLI: what goes to stdout, what to stderr, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import build_world, make_ledger
from tamper_support import RawLog
from typer.testing import CliRunner

from ledger.cli.main import app
from ledger.integrity.note import Note, Verifier


class Cli:
    def __init__(self, home: Path) -> None:
        self.home = home

    def __call__(self, *args: str) -> Any:
        env = {"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_KEYS": None, "LEDGER_ANALYST": "cli-tester"}
        return CliRunner().invoke(app, ["--home", str(self.home), *args], env=env)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    ledger = make_ledger(tmp_path)
    world = build_world(ledger)
    ledger.record_figure(world.figure())
    ledger.close()
    return Cli(tmp_path)


def test_checkpoint_prints_the_signed_note_and_says_where_it_went(cli: Cli) -> None:
    first = cli("checkpoint")
    assert first.exit_code == 0, first.output
    note = Note.parse(first.stdout)
    assert note.text.split("\n")[1] == "10"  # the configuration, the world's nine registrations... and the figure
    root, file = note.text.split("\n")[2], cli.home / "checkpoints" / "checkpoint-10.txt"
    assert first.stderr == f"checkpoint signed: 10 events (to log position 10), root {root}; written to {file}\n"
    again = cli("checkpoint", "-o", str(cli.home / "copy.txt"))
    assert again.stdout == first.stdout and again.stderr.startswith("checkpoint unchanged: 10 events")
    assert (cli.home / "copy.txt").read_text() == first.stdout


def test_no_ledger_has_nothing_to_sign(tmp_path: Path) -> None:
    """A place with no ledger is one line and exit 3 (a new ledger's first fact is its configuration, so no
    ledger is ever empty)."""
    result = Cli(tmp_path / "nowhere")("checkpoint")
    assert result.exit_code == 3 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ledger home ")


def test_key_prints_the_verifier_key(cli: Cli) -> None:
    result = cli("key")
    assert result.exit_code == 0
    verifier = Verifier.parse(result.stdout)
    assert verifier.name.startswith("casualty-ledger/") and result.stderr.startswith("verifier key in ")
    assert cli("key").stdout == result.stdout  # made once


def test_verify_says_intact_or_names_the_first_change(cli: Cli) -> None:
    assert cli("checkpoint").exit_code == 0
    intact = cli("verify")
    assert intact.exit_code == 0, intact.output
    assert intact.stdout.splitlines()[0].split() == ["check", "result", "detail"]
    assert intact.stderr.startswith("event log intact: 11 events, tree root ")
    as_json = json.loads(cli("verify", "-f", "json").stdout)
    assert as_json["intact"] is True and as_json["events"] == 11 and as_json["differences"] == []

    ledger = make_ledger(cli.home)
    log = RawLog(ledger)
    row = log.find("ledger:ClaimSeries.FigureReported")
    log.set(row.position, state=row.state.replace(b"216", b"261"))
    ledger.close()
    changed = cli("verify")
    assert changed.exit_code == 1
    assert "differences (1), first one first:\n  position 10  altered: ClaimSeries.FigureReported of " in changed.stdout
    assert (
        changed.stderr.startswith("Error: event log changed: first at position 10, altered: ") and changed.stderr.count("\n") == 1
    )
    rows = cli("verify", "-f", "csv").stdout.splitlines()
    assert rows[0] == "position,kind,detail" and rows[1].startswith("10,altered,")


def test_prove_and_export_verify_with_the_proofs(cli: Cli, tmp_path: Path) -> None:
    exported = cli("export", "figures", "-o", str(tmp_path / "figures.csv"))
    assert exported.exit_code == 0, exported.output
    manifest = tmp_path / "figures.csv.manifest.json"
    figure = json.loads(cli("figures", "-f", "json").stdout)["rows"][0]["figure_id"]
    proved = cli("prove", figure[:8], "-o", str(tmp_path / "proofs"), "--checkpoint", str(manifest))
    assert proved.exit_code == 0, proved.output
    assert proved.stdout.splitlines()[0].split() == ["position", "topic", "file"] and len(proved.stdout.splitlines()) == 8
    assert proved.stderr == f"6 proofs written to {tmp_path / 'proofs'}, with the checkpoint they are against\n"
    vkey = cli("key").stdout.strip()
    checked = cli("export", "verify", str(manifest), "--proofs", str(tmp_path / "proofs"), "--key", vkey)
    assert checked.exit_code == 0, checked.output
    assert all(line.split()[-1] == "ok" for line in checked.stdout.splitlines()[2:])
    proof = next((tmp_path / "proofs").glob("*FigureReported.tlog-proof"))
    proof.write_text(proof.read_text().replace("index 9", "index 8"))
    broken = cli("export", "verify", str(manifest), "--proofs", str(proof))
    assert broken.exit_code == 1
    assert broken.stderr.startswith(f"Error: export figures.csv: proof {proof.name} differ from its manifest")


def test_the_commands_are_listed() -> None:
    listed = CliRunner().invoke(app, ["--help"]).stdout
    for command in ("verify", "checkpoint", "prove", "key"):
        assert f"\n  {command} " in listed
