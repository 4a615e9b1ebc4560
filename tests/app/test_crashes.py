"""The crash suite: an import is one fact or none, however it ends.

Real `ledger import` processes are killed (SIGKILL) at random moments of both passes, on SQLite and
on PostgreSQL; after each kill a reader sees the whole file or nothing of it, and importing the
same file again gives exactly what an uninterrupted import gives. Ctrl-C and SIGTERM say in one
line what they left. A few kills per store keep this short enough for CI; scripts/robustness.py
runs many.
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import postgres_schema
from crashes import Kill, Scenario, Seen, make_bundle, reads_during_import, run_ledger, sqlite_store

KILLS = 3
FIGURES = 2200  # three batches of figures, over 1 MB of bundle: a kill can land in any pass


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_bundle(tmp_path_factory.mktemp("bundle"), FIGURES)


@contextlib.contextmanager
def _postgres() -> Iterator[str | None]:
    with postgres_schema() as url:
        yield url


STORES = {"sqlite": sqlite_store, "postgres": _postgres}


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def scenario(request: pytest.FixtureRequest, bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return Scenario.prepare(bundle, STORES[request.param], tmp_path_factory.mktemp("reference"))


def test_a_killed_import_shows_all_or_nothing_and_a_rerun_settles_it(scenario: Scenario, tmp_path: Path) -> None:
    rng = random.Random(15)
    # The first at any moment (most often while checking), the others once the write pass has begun.
    kills = [scenario.kill(tmp_path, rng, in_write_pass=n > 0) for n in range(KILLS)]
    for kill in kills:
        seen, total = len(kill.before.figures), len(scenario.complete.figures)
        assert kill.held, f"killed while {kill.phase}: a reader saw {seen} of {total} figures"
        assert kill.settled, f"killed while {kill.phase}: importing again did not give the uninterrupted import's state"
        assert "Traceback" not in kill.stderr


def test_a_kill_in_the_write_pass_is_held_back_named_and_refused_by_reconcile(scenario: Scenario, tmp_path: Path) -> None:
    checked: list[str] = []

    def check(home: Path, store: str | None, kill: Kill) -> None:
        if kill.phase not in ("registering", "writing figures"):
            return
        assert not kill.before.figures  # nothing of it shows
        notice = [line for line in run_ledger(home, store, "tally").stderr.splitlines() if line.startswith("note: import run")]
        assert len(notice) == 1 and "held back" in notice[0] and "ledger import abort" in notice[0], notice
        label = notice[0].split()[3]
        refused = run_ledger(home, store, "reconcile")
        assert refused.returncode != 0 and f"import run {label}" in refused.stderr.splitlines()[-1]
        aborted = run_ledger(home, store, "import", "abort", label, "--reason", "a test")
        assert aborted.returncode == 0, aborted.stderr
        assert run_ledger(home, store, "tally").stderr.count("note: import run") == 0
        assert run_ledger(home, store, "reconcile").returncode == 0
        again = run_ledger(home, store, "import", "figures", str(scenario.bundle))
        assert again.returncode == 1 and "was aborted" in again.stderr.splitlines()[-1], again.stderr[-300:]
        assert not open_seen(home, store).figures  # the aborted run's figures stay out
        checked.append(kill.phase)

    rng = random.Random(7)
    for window in (1.0, 0.5, 0.2):  # a kill after the import has ended checks nothing: aim again, earlier
        scenario.kill(tmp_path, rng, rerun=False, then=check, in_write_pass=True, write_window=window)
        if checked:
            break
    assert checked, "the import ended before the kill"


def open_seen(home: Path, store: str | None) -> Seen:
    return Seen.read(home, store)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_say_in_one_line_what_they_left(
    scenario: Scenario, tmp_path: Path, sig: signal.Signals
) -> None:
    # Ctrl-C while the file is checked, SIGTERM once it is written.
    writing = sig == signal.SIGTERM
    rng = random.Random(int(sig))
    for window in (1.0, 0.5, 0.2):  # a signal that lands after the import has ended proves nothing: aim again, earlier
        kill = scenario.kill(
            tmp_path, rng, sig=sig, in_write_pass=writing, in_check_pass=not writing, write_window=window
        )
        # -sig: the process had restored the default handlers, that is, it had finished its import
        if kill.phase != "finished" and kill.returncode != -sig:
            break
    assert kill.phase != "finished", "the import ended before the signal"
    assert kill.returncode == 128 + sig, kill.stderr[-500:]
    assert "Traceback" not in kill.stderr
    assert re.fullmatch(
        rf"interrupted \({sig.name}\): (nothing was recorded|import run \S+ is unfinished and its facts are held back "
        r"from every read; re-run the import, or `ledger import abort \S+`)",
        kill.last_line,
    ), kill.last_line
    assert kill.held and kill.settled


def test_reads_taken_while_an_import_runs_see_all_of_it_or_none(scenario: Scenario, tmp_path: Path) -> None:
    reads, partial = reads_during_import(scenario, tmp_path)
    assert reads >= 1 and partial == 0
