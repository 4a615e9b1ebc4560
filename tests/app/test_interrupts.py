"""Ctrl-C and SIGTERM during an import: the stop is made between writes, never inside one.

A signal that raised inside the store's driver was caught there: psycopg reported the interrupted
wait as an `OperationalError`, the library's recorder wrote the batch again, found it written and
the import went on, counting its own figures "already recorded", and exited 0. Here real signals
are sent to this process while a real write runs, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ledger_on
from crashes import make_bundle

from ledger import interrupts
from ledger.io.imports import import_figures
from ledger.ledger import Ledger

FIGURE_WRITE = "ledger:ClaimSeries."
ENV = {"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_ANALYST": "tester"}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("bundle"), 2200)  # two batches of figures


def _signal_during(ledger: Ledger, writes: Callable[[list[Any]], bool]) -> list[list[Any]]:
    """Send SIGTERM to this process from inside the first write of events `writes` picks, before the
    write reaches the store; the events of that write are returned (as a one-item list, once sent)."""
    recorder, original = ledger.app.recorder, ledger.app.recorder.insert_events
    sent: list[list[Any]] = []

    def insert_events(stored_events: Any, **kwargs: Any) -> Any:
        if not sent and writes(list(stored_events)):
            sent.append(list(stored_events))
            os.kill(os.getpid(), signal.SIGTERM)
        return original(stored_events, **kwargs)

    recorder.insert_events = insert_events  # type: ignore[method-assign]
    return sent


def _stored(ledger: Ledger, events: list[Any]) -> bool:
    return all(ledger.app.recorder.select_events(e.originator_id, gt=e.originator_version - 1, limit=1) for e in events)


def test_a_signal_asks_for_a_stop_that_check_makes() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with interrupts.stoppable():
        os.kill(os.getpid(), signal.SIGTERM)  # handled at once, in this thread: it only asks
        asked = interrupts.requested()
        assert asked is not None and asked.signal_name == "SIGTERM"
        with pytest.raises(interrupts.Interrupted) as made:
            interrupts.check()
        assert made.value.signal_number == signal.SIGTERM
        with pytest.raises(interrupts.Interrupted):  # asked twice: the stop is made where the second lands
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGTERM) == before and interrupts.requested() is None
    interrupts.check()  # nothing asked outside a stoppable block


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_signal_during_a_write_stops_the_import_once_that_write_has_committed(
    backend: str, bundle: Path, tmp_path: Path
) -> None:
    with ledger_on(backend, tmp_path / "whole") as ledger:
        whole = import_figures(ledger, bundle)
        figures = {str(r["figure_id"]) for r in ledger.figures()}
    with ledger_on(backend, tmp_path / "stopped") as ledger:
        sent = _signal_during(ledger, lambda events: any(e.topic.startswith(FIGURE_WRITE) for e in events))
        with pytest.raises(interrupts.Interrupted), interrupts.stoppable():
            import_figures(ledger, bundle)
        assert sent, "no figure was written"
        assert _stored(ledger, sent[0])  # the write under way when the signal came was made whole
        assert ledger.import_run is not None  # the run stays unfinished: what it wrote is held back
        assert not list(ledger.figures())
        again = import_figures(ledger, bundle)  # re-run: the rest is written and the run completes
        assert again.figures_known > 0 and again.figures_new + again.figures_known == whole.figures_new
        assert {str(r["figure_id"]) for r in ledger.figures()} == figures


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_signal_after_the_last_stopping_point_lets_the_import_complete_and_says_so(
    backend: str, bundle: Path, tmp_path: Path
) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        sent = _signal_during(ledger, lambda events: any(e.topic == "ledger:ImportRun.Completed" for e in events))
        with interrupts.stoppable():
            report = import_figures(ledger, bundle)
            late = interrupts.requested()
        assert sent and late is not None and late.signal_name == "SIGTERM"
        assert ledger.import_run is None and report.figures_known == 0 and list(ledger.figures())
        again = import_figures(ledger, bundle)  # complete: nothing is left to write
        assert (again.figures_new, again.figures_known) == (0, report.figures_new)


def test_the_command_reports_a_late_signal_beside_the_complete_import(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ledger.application import import_runs
    from ledger.cli.main import app

    complete = import_runs.complete_run

    def signalled_complete(*args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        complete(*args, **kwargs)

    monkeypatch.setattr(import_runs, "complete_run", signalled_complete)
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "import", "figures", str(bundle)], env=ENV)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[-1] == "note: SIGTERM came as the import was completing; it completed, as reported above"
    assert any(line.startswith("figures: ") and line.endswith(" new, 0 already recorded") for line in lines)



def test_a_signal_while_the_file_is_copied_stops_the_copy_and_leaves_no_copy_behind(bundle: Path) -> None:
    from ledger.io.pipeline.checked_copy import checked_copy

    copies = set(Path(tempfile.gettempdir()).glob("ledger-import-*"))
    entered = []
    with pytest.raises(interrupts.Interrupted), interrupts.stoppable():
        os.kill(os.getpid(), signal.SIGTERM)  # asked for before the copy's first megabyte
        with checked_copy(bundle):
            entered.append(True)
    assert not entered  # the copy stopped: neither pass began
    assert set(Path(tempfile.gettempdir()).glob("ledger-import-*")) == copies
