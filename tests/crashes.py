"""Killing real `ledger import` processes, and checking what readers see afterwards.

Shared by the crash suite (tests/app/test_crashes.py, a few kills per scenario) and
scripts/robustness.py (many). Nothing is simulated: the import is a `ledger` process on a real
SQLite file or PostgreSQL schema, killed by a real signal at a random moment of either pass; the
reader is the library in this process, catching its read model up from the log the killed process
left. A kill "held" when the reader saw every figure of the file or none of them (and the tallies
of all or of nothing); it "settled" when importing the same file once more gave exactly the
tallies and figures of an import that was never interrupted.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ledger.io.export import export
from ledger.io.imports import import_figures
from ledger.ledger import Ledger
from ledger.settings import Settings
from ledger.synthetic import build

StoreFactory = Callable[[], contextlib.AbstractContextManager[str | None]]  # a fresh store URL (None: SQLite in the home)
PHASES = ("checking", "registering", "writing figures")


def make_bundle(folder: Path, figures: int, seed: int = 2) -> Path:
    """A JSON Lines bundle of a synthetic ledger (registrations, figures, later facts): over 1 MB, so the
    import draws its progress bar, whose phases say where a kill landed."""
    bundle = folder / f"bundle-{figures}-{seed}.jsonl"
    if not bundle.exists():
        home = folder / f"source-{figures}-{seed}"
        ledger = Ledger(Settings(home=home, store=str(home / "events.sqlite"), analyst="generator"))
        try:
            build(ledger, figures, seed=seed)
            export(ledger, "figures", bundle, "jsonl", manifest=False)
        finally:
            ledger.close()
    return bundle


@attrs.frozen
class Seen:
    """What a reader sees: figures, and tally cells without the log position they were read at."""

    figures: frozenset[str]
    tally: tuple[str, ...]

    @classmethod
    def read(cls, home: Path, store: str | None) -> Seen:
        ledger = open_ledger(home, store)
        try:
            figures = frozenset(str(r["figure_id"]) for r in ledger.figures())
            tally = tuple(sorted(repr({k: v for k, v in r.items() if k != "log_position"}) for r in ledger.tally().rows))
        finally:
            ledger.close()
        return cls(figures, tally)


def open_ledger(home: Path, store: str | None) -> Ledger:
    return Ledger(Settings(home=home, store=store or str(home / "events.sqlite"), analyst="reader"), create=False)


def ledger_command(home: Path, store: str | None, *args: str) -> list[str]:
    location = ["--store", store] if store else []
    return [sys.executable, "-c", "from ledger.cli.main import run; run()", "--home", str(home), *location, *args]


def run_ledger(home: Path, store: str | None, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(ledger_command(home, store, *args), capture_output=True, text=True, timeout=timeout, check=False)


@attrs.frozen
class Kill:
    phase: str  # where the import was when the signal came: a pass, "starting", or "finished" (it ended first)
    returncode: int
    stderr: str
    before: Seen  # what a reader saw after the kill
    held: bool  # all of the file or nothing of it
    settled: bool | None  # re-running gave the uninterrupted import's state (None: not re-run)

    @property
    def last_line(self) -> str:
        lines = [line for line in self.stderr.replace("\r", "\n").splitlines() if line.strip()]
        return lines[-1] if lines else ""


@attrs.frozen
class Scenario:
    """One store kind, one bundle: the uninterrupted import's result, to compare each kill with."""

    bundle: Path
    stores: StoreFactory
    complete: Seen
    duration: float  # seconds an uninterrupted `ledger import` took, start-up included

    @classmethod
    def prepare(cls, bundle: Path, stores: StoreFactory, folder: Path) -> Scenario:
        with stores() as store:
            home = folder / f"reference-{os.getpid()}-{time.monotonic_ns()}"
            started = time.monotonic()
            done = run_ledger(home, store, "import", "figures", str(bundle))
            duration = time.monotonic() - started
            assert done.returncode == 0, done.stderr[-2000:]
            complete = Seen.read(home, store)
        assert complete.figures, "the bundle imported no figures"
        return cls(bundle, stores, complete, duration)

    def kill(
        self,
        folder: Path,
        rng: random.Random,
        sig: int = signal.SIGKILL,
        rerun: bool = True,
        then: Callable[[Path, str | None, Kill], None] | None = None,
        in_write_pass: bool = False,
        in_check_pass: bool = False,
        within: float = 1.05,
        write_window: float = 1.0,
    ) -> Kill:
        """Start an import into a fresh ledger, send `sig` at a random moment, read, call `then` (home, store,
        what was seen), then (optionally) import the same file again."""
        with self.stores() as store:
            home = folder / f"kill-{os.getpid()}-{time.monotonic_ns()}"
            init = run_ledger(home, store, "init")
            assert init.returncode == 0, init.stderr
            errors = folder / f"{home.name}.stderr"
            with errors.open("w") as stderr:
                process = subprocess.Popen(
                    ledger_command(home, store, "import", "figures", str(self.bundle)), stdout=subprocess.DEVNULL, stderr=stderr
                )
                if in_write_pass:  # once the run has started, at a random moment of its first `write_window` seconds
                    _wait_for_run(home, store, process)
                    time.sleep(rng.uniform(0.0, write_window))
                elif in_check_pass:  # once the check pass has begun (its progress bar shows)
                    while process.poll() is None and "checking" not in errors.read_text(errors="replace"):
                        time.sleep(0.02)
                    time.sleep(rng.uniform(0.0, 0.3))
                else:
                    time.sleep(rng.uniform(0.2, self.duration * within))  # `within`: a share of an import's time
                finished = process.poll() is not None
                if not finished:
                    process.send_signal(sig)
                returncode = process.wait(timeout=120)
            # Exit 0: the import ran to its end, before the signal (between the poll above and the signal,
            # or as the process exited) or as it was completing (it completes and says so); a stopped
            # import exits 128 + the signal.
            finished = finished or returncode == 0
            text = errors.read_text(errors="replace")
            phase = "finished" if finished else _phase(text)
            before = Seen.read(home, store)
            empty = not before.figures
            held = (empty and not before.tally) or before == self.complete
            settled = None
            if then is not None:
                then(home, store, Kill(phase, returncode, text, before, held, None))
            if rerun:
                settle(home, store, self.bundle)
                settled = Seen.read(home, store) == self.complete
            return Kill(phase, returncode, text, before, held, settled)


def reads_during_import(scenario: Scenario, folder: Path) -> tuple[int, int]:
    """Read again and again while one import runs: (reads taken, reads that saw part of the file)."""
    with scenario.stores() as store:
        home = folder / f"reads-{os.getpid()}-{time.monotonic_ns()}"
        assert run_ledger(home, store, "init").returncode == 0
        process = subprocess.Popen(
            ledger_command(home, store, "import", "figures", str(scenario.bundle)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        reads = partial = 0
        while process.poll() is None:
            seen = Seen.read(home, store)
            reads += 1
            partial += bool(seen.figures) and seen != scenario.complete
        process.wait()
        return reads, partial


def _wait_for_run(home: Path, store: str | None, process: subprocess.Popen[bytes]) -> None:
    """Until the import has recorded its run's start (or ended)."""
    from ledger.domain.import_run import STARTED

    ledger = open_ledger(home, store)
    try:
        while process.poll() is None and not ledger.app.recorder.select_notifications(0, 1, topics=[STARTED]):
            time.sleep(0.05)
    finally:
        ledger.close()


def settle(home: Path, store: str | None, bundle: Path) -> None:
    """Import the same file again, in this process, as a user would after a kill."""
    ledger = Ledger(Settings(home=home, store=store or str(home / "events.sqlite"), analyst="tester"))
    try:
        import_figures(ledger, bundle)
    finally:
        ledger.close()


def _phase(stderr: str) -> str:
    found = [(stderr.rfind(phase), phase) for phase in PHASES if phase in stderr]
    return max(found)[1] if found else "starting"


@contextlib.contextmanager
def sqlite_store() -> Iterator[str | None]:
    yield None


def tally_counts(kills: list[Kill]) -> dict[str, Any]:
    phases: dict[str, int] = {}
    for kill in kills:
        phases[kill.phase] = phases.get(kill.phase, 0) + 1
    return {
        "kills": len(kills),
        "held": sum(k.held for k in kills),
        "settled": sum(bool(k.settled) for k in kills),
        "rerun": sum(k.settled is not None for k in kills),
        "phases": dict(sorted(phases.items())),
    }
