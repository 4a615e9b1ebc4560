"""Every way a store or home can be unavailable is one line on stderr, naming it, the problem and the fix; exit 3.

Each case runs the real console entry point in a fresh process (as a user would meet it: no traceback,
no logging noise from the database drivers), against the real thing: a closed TCP port, the real
PostgreSQL server with a schema that does not exist, a directory the user cannot write (without the
capability to override file permissions when the tests run as root), a file that is not a database,
a SQLite write lock held by another connection past the wait, a home that does not exist.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import POSTGRES_SERVER, make_ledger, postgres_schema

RUN = [sys.executable, "-c", "from ledger.cli.main import run; run()"]


def environment(cwd: Path, wait: str = "1") -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "LEDGER_ANALYST": "tester", "HOME": str(cwd), "LEDGER_LOCK_WAIT": wait}


def ledger(*args: str, cwd: Path, prefix: list[str] | None = None, wait: str = "1") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), *RUN, *args], capture_output=True, text=True, env=environment(cwd, wait), cwd=cwd, timeout=120
    )


def initialised(place: Path) -> None:
    made = make_ledger(place)
    try:
        made.init()
    finally:
        made.close()


@contextlib.contextmanager
def another_writer(place: Path) -> Iterator[None]:
    """Another writer of the SQLite store, mid-transaction, while the block runs."""
    holder = sqlite3.connect(place / "events.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def one_line(done: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit 3, nothing on stdout, one "Error: ..." line on stderr holding every expected piece."""
    assert (done.returncode, done.stdout) == (3, ""), done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    for piece in expected:
        assert piece in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def place() -> Iterator[Path]:
    """A directory any user can enter (pytest's own tmp_path is private to its owner)."""
    with tempfile.TemporaryDirectory(prefix="ledger-unavailable-") as name:
        os.chmod(name, 0o755)
        yield Path(name)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_a_postgresql_server_that_does_not_answer(place: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/test"
    line = one_line(ledger("--home", str(place), "tally", "--store", url, cwd=place), "event store postgresql://127.0.0.1:")
    assert "cannot connect" in line and "Connection refused" in line and "start the server" in line


@pytest.mark.postgres
def test_a_postgresql_schema_that_does_not_exist(place: Path) -> None:
    with postgres_schema():  # the server answers (or the test is skipped or failed as the suite requires)
        pass
    schema = f"ledger_missing_{uuid.uuid4().hex[:8]}"
    url = f"{POSTGRES_SERVER}?schema={schema}"
    for command in (["tally"], ["init"]):
        one_line(ledger("--store", url, "--home", str(place), *command, cwd=place),
                 f"schema '{schema}' does not exist", f"CREATE SCHEMA {schema}")  # fmt: skip


@pytest.mark.postgres
def test_a_postgresql_schema_without_a_ledger_is_not_made_one_by_a_read(place: Path) -> None:
    with postgres_schema() as url:
        one_line(ledger("--store", url, "--home", str(place), "tally", cwd=place), "holds no ledger", "`ledger init`")
        done = ledger("--store", url, "--home", str(place), "init", cwd=place)
        assert done.returncode == 0 and done.stderr.startswith(f"created a new ledger in {place}, its events in "), done.stderr
        assert ledger("--store", url, "--home", str(place), "tally", "-f", "csv", cwd=place).returncode == 0


def unprivileged() -> list[str]:
    """How to run a command that file permissions bind: as root, without the capability to override them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and setpriv (util-linux) is missing to drop the override of file permissions")
    return ["setpriv", "--bounding-set", "-dac_override,-fowner"]


def test_a_home_that_cannot_be_written(place: Path) -> None:
    prefix = unprivileged()
    made = make_ledger(place / "ledger")
    try:
        made.init()
    finally:
        made.close()
    (place / "ledger" / "readmodel.duckdb").unlink()  # a read must write the read model again
    os.chmod(place / "ledger", 0o555)
    os.chmod(place / "ledger" / "events.sqlite", 0o444)
    try:
        one_line(ledger("--home", str(place / "ledger"), "tally", cwd=place, prefix=prefix), "permission denied", "--home")
        one_line(ledger("--home", str(place / "ledger" / "new"), "init", cwd=place, prefix=prefix),
                 f"ledger home {place}/ledger/new: cannot be created or written (permission denied)")  # fmt: skip
    finally:
        os.chmod(place / "ledger", 0o755)


@pytest.mark.parametrize("name", ["events.sqlite", "readmodel.duckdb"])
def test_a_file_that_is_not_a_database(place: Path, name: str) -> None:
    initialised(place)
    (place / name).unlink()
    (place / name).write_bytes(b"these are not the pages of a database\n" * 200)
    line = one_line(ledger("--home", str(place), "tally", cwd=place))
    if name == "events.sqlite":
        assert f"event store {place}/events.sqlite: not a SQLite database" in line
    else:
        assert f"read model {place}/readmodel.duckdb: not a DuckDB file" in line and "`ledger rebuild`" in line


def test_a_sqlite_write_lock_held_past_the_wait(place: Path) -> None:
    initialised(place)
    with another_writer(place):
        done = ledger("--home", str(place), "claimant", "add", "x", "--name", "X", "--kind", "ngo", cwd=place, wait="1")
        one_line(done, f"event store {place}/events.sqlite: locked by another writer for over 1s", "LEDGER_LOCK_WAIT")
    assert ledger("--home", str(place), "claimant", "add", "x", "--name", "X", "--kind", "ngo", cwd=place).returncode == 0


@pytest.mark.parametrize(
    "command",
    [["tally"], ["figures"], ["audit", "--incident", "x"], ["claimant", "list"], ["export", "tallies"], ["rebuild"],
     ["figure", "strike", "abcdef12", "--reason", "x"], ["query", "select 1"]],
)  # fmt: skip
def test_a_home_that_does_not_exist_is_not_made_a_ledger_by_a_read(place: Path, command: list[str]) -> None:
    home = place / "mistyped"
    one_line(ledger(*command, "--home", str(home), cwd=place), f"ledger home {home}: does not exist", "`ledger init`")
    assert not home.exists()


def test_a_home_without_an_event_store_is_no_ledger(place: Path) -> None:
    line = one_line(ledger("--home", str(place), "tally", cwd=place))
    assert line.startswith(f"Error: event store {place}/events.sqlite: no such file, so there is no ledger here")
    assert not (place / "events.sqlite").exists() and not (place / "readmodel.duckdb").exists()


def test_a_command_opening_the_log_waits_for_another_writer_and_then_goes_on(place: Path) -> None:
    # Opening the log once only read when its tree was made; it wrote (a no-op) and so was refused at
    # once, as "locked for over the wait", whenever another process was writing.
    initialised(place)
    with another_writer(place):  # for a second and a half
        add = subprocess.Popen([*RUN, "--home", str(place), "claimant", "add", "x", "--name", "X", "--kind", "ngo"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment(place, "30"),
                               cwd=place)  # fmt: skip
        time.sleep(1.5)
        assert add.poll() is None, add.communicate()  # still waiting, not refused
    _, stderr = add.communicate(timeout=60)
    assert add.returncode == 0, stderr
