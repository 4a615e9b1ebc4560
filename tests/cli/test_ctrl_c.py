"""Ctrl-C in a command other than an import (which makes its own stop: tests/app/test_interrupts.py) is one
line on stderr and exit 130, and leaves nothing half-written: the command is run again and does its work.

The command is held where a user meets a wait, on the read model's file another process holds or on the
SQLite event store another writer holds, and a real SIGINT is sent to its process there.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from conftest import make_ledger

from ledger.cli.edge import INTERRUPTED

RUN = [sys.executable, "-c", "from ledger.cli.main import run; run()"]


def environment(**extra: str) -> dict[str, str]:
    """This process's environment for a command of the ledger in the home it is given (no other store)."""
    env = {**os.environ, "LEDGER_ANALYST": "tester", **extra}
    env.pop("LEDGER_STORE", None)
    return env


def ledger(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RUN, "--home", str(home), *args], capture_output=True, text=True, env=environment())


def interrupted(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Start the command, let it reach its wait, send SIGINT; what it printed and its exit code."""
    env = environment(LEDGER_LOCK_WAIT="60")
    # As a terminal starts it: a test run in the background inherits SIGINT ignored, and so would the command.
    process = subprocess.Popen([*RUN, "--home", str(home), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, preexec_fn=_sigint_as_a_terminal_has_it)  # fmt: skip
    time.sleep(3)  # started and waiting: the lock is held for a minute
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _sigint_as_a_terminal_has_it() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def said_it_in_one_line(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [INTERRUPTED], done.stderr


def test_ctrl_c_during_a_read_says_so(tmp_path: Path) -> None:
    made = make_ledger(tmp_path)
    made.init()
    with made.reading():
        pass  # the read model made and caught up
    made.close()
    holder = duckdb.connect(str(tmp_path / "readmodel.duckdb"))
    try:
        said_it_in_one_line(interrupted(tmp_path, "tally"))
    finally:
        holder.close()
    again = ledger(tmp_path, "tally", "--format", "csv")
    assert again.returncode == 0, again.stderr


def test_ctrl_c_while_a_write_waits_for_another_writer_says_so(tmp_path: Path) -> None:
    # SQLite waits for a lock inside one call, where a signal is not seen: a write used to wait out the
    # whole LEDGER_LOCK_WAIT (60 s here, past `interrupted`'s 30) before Ctrl-C took effect; it now
    # waits a second at a time (ledger.store.waiting_for_writers).
    made = make_ledger(tmp_path)
    made.init()
    made.close()
    holder = sqlite3.connect(tmp_path / "events.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction, for the whole wait
    try:
        said_it_in_one_line(interrupted(tmp_path, "claimant", "add", "x", "--name", "X", "--kind", "ngo"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    again = ledger(tmp_path, "claimant", "add", "x", "--name", "X", "--kind", "ngo")
    assert again.returncode == 0, again.stderr  # the interrupted write left nothing behind: x is new
    listed = ledger(tmp_path, "claimant", "list", "--format", "csv")
    assert [line.split(",")[0] for line in listed.stdout.splitlines()[1:]].count("x") == 1, listed.stdout
