"""A read that finds the read model current opens no event log: issue 18 (start-up in proportion).

Structural, not timed (speed targets live in scripts/bench_tally.py): which modules a whole
`ledger tally` process loaded, that it leaves what it loaded to the process's end rather than to
the interpreter's last collection, and that a read after the log moved still catches up first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import World

# Runs the console entry point in a fresh interpreter and reports what it imported.
PROBE = """
import gc
import sys
from ledger.cli.main import run
try:
    run()
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in ("eventsourcing", "pyarrow", "pydantic", "ledger.application.app") if m in sys.modules)
print("LOADED", ",".join(heavy), file=sys.stderr)
print("FROZEN", gc.get_freeze_count(), file=sys.stderr)
sys.exit(code)
"""


def ledger_process(home: Path, *args: str) -> tuple[str, str]:
    stdout, lines = probe(home, *args)
    return stdout, lines["LOADED"]


def probe(home: Path, *args: str) -> tuple[str, dict[str, str]]:
    """A whole `ledger` process: its output, and the probe's lines (LOADED, FROZEN) by name."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--home", str(home), *args], capture_output=True, text=True, check=True
    )
    said = (line.partition(" ") for line in done.stderr.splitlines() if line.startswith(("LOADED", "FROZEN")))
    return done.stdout, {name: value.strip() for name, _, value in said}


def test_a_current_read_model_is_read_without_the_log_library(world: World) -> None:
    ledger = world.ledger
    home = ledger.settings.home
    ledger.record_figure(world.figure())
    with ledger.reading():
        pass  # caught up
    ledger.close()
    incident = world.campaign

    out, loaded = ledger_process(home, "tally", "--incident", incident)
    assert loaded == ""
    assert incident in out

    out, loaded = ledger_process(home, "explain", incident, "all", "killed")
    assert loaded == ""
    assert "216" in out


def test_a_read_leaves_what_it_loaded_to_the_end_of_the_process(world: World) -> None:
    """The interpreter's exit would collect every object the modules made: a tenth of a second."""
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.close()
    out, lines = probe(ledger.settings.home, "tally", "--incident", world.campaign)
    assert world.campaign in out
    assert int(lines["FROZEN"]) > 10_000  # typer's, the ledger's and DuckDB's objects among them


def test_a_read_after_the_log_moved_catches_up_first(world: World) -> None:
    ledger = world.ledger
    home = ledger.settings.home
    with ledger.reading():
        pass
    before = ledger.tally(incident=world.campaign).position
    ledger.record_figure(world.figure(quantity="7", victim_status="civilian"))  # a fact not yet derived
    after = ledger.app.recorder.max_notification_id()
    ledger.close()

    out, loaded = ledger_process(home, "tally", "--incident", world.campaign, "--format", "json")
    assert "eventsourcing" in loaded  # the log was opened to derive the new fact
    assert after > before
    assert json.loads(out)["log_position"] == after
