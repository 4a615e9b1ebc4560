"""Concurrent writers never end in a traceback: several `ledger` processes write the same claim series at once.

Each process imports a bundle of its own into the same new ledger (none made beforehand, so they also
race to set the store up): the same claimant and incident, figures in the same two claim series, some
rows shared by every file. Each either succeeds or says in one line what conflicted; together they
leave every figure of the files that succeeded, each once.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from crashes import Seen, ledger_command, run_ledger

WRITERS = 4
ROWS = 1200  # per file: a batch of 1,000 and a smaller one, each one transaction on two series
SHARED = 300  # rows every file has


def bundle(path: Path, writer: int) -> Path:
    lines = [
        {"record": "claimant", "key": "shared-claimant", "name": "A shared claimant (synthetic)", "kind": "ngo",
         "reliability": "C", "default_roles": {"*": "independent"}},
        {"record": "incident", "key": "shared-incident", "name": "A shared incident (synthetic)", "country": "Synthetica",
         "location_precision": "country", "occurred_start": "2020-01-01", "occurred_end": "2020-12-31",
         "date_precision": "day"},
    ]  # fmt: skip
    for row in range(ROWS):
        own = row >= SHARED
        lines.append({
            "record": "figure", "incident": "shared-incident", "claimant": "shared-claimant",
            "victim_status": "civilian" if row % 2 else "security_forces", "outcome": "killed",
            "quantity": str(row + (100_000 * writer if own else 0)), "reported": f"2020-{row % 12 + 1:02d}-{row % 28 + 1:02d}",
        })  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def expected_figures(succeeded: list[int]) -> int:
    return SHARED + (ROWS - SHARED) * len(succeeded)


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def one_line_error(stderr: str) -> bool:
    lines = [line for line in stderr.replace("\r", "\n").splitlines() if line.strip() and not line.startswith(
        ("checking", "registering", "writing", "created a new ledger", "catching up"))]  # fmt: skip
    return len(lines) == 1 and lines[0].startswith("Error: ")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_several_imports_of_the_same_series_at_once_all_succeed_or_say_so_in_one_line(backend: str, tmp_path: Path) -> None:
    from conftest import postgres_schema

    files = [bundle(tmp_path / f"writer-{n}.jsonl", n) for n in range(WRITERS)]
    home = tmp_path / "home"
    with postgres_schema() if backend == "postgres" else _no_store() as store:
        processes = [
            subprocess.Popen(ledger_command(home, store, "import", "figures", str(f)), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
            for f in files
        ]  # fmt: skip
        results = [finish(p) for p in processes]
        for code, stderr in results:
            assert "Traceback" not in stderr, stderr[-3000:]
            assert code == 0 or one_line_error(stderr), stderr[-1000:]
        succeeded = [n for n, (code, _) in enumerate(results) if code == 0]
        assert succeeded, [stderr[-300:] for _, stderr in results]
        seen = Seen.read(home, store)
        assert len(seen.figures) == expected_figures(succeeded)
        assert "note: import run" not in run_ledger(home, store, "tally").stderr  # every run completed


@pytest.mark.postgres
def test_simultaneous_starts_on_a_new_postgresql_schema_all_succeed(tmp_path: Path) -> None:
    from conftest import postgres_schema

    with postgres_schema() as store:

        def all_at_once(command: str) -> list[tuple[int, str]]:
            started = [
                subprocess.Popen(ledger_command(tmp_path / f"home-{n}", store, command), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
                for n in range(12)
            ]  # fmt: skip
            return [finish(p) for p in started]

        for command in ("init", "tally"):
            results = all_at_once(command)
            assert [code for code, _ in results] == [0] * 12, [stderr[-500:] for code, stderr in results if code]


class _no_store:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None
