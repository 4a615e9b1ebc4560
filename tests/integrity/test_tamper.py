"""Nineteen kinds of direct edit to the event log, on SQLite and on PostgreSQL: `ledger verify` detects and
locates each one (the first differing position and the kind of change), before and after a rebuild, and
neither a rebuild nor a read derives anything from the edited log.

Each case edits the database past the ledger, as someone with write access to it would. Reconciliation
digests are not re-derived here (--no-digests): the world's reconciliation is recorded directly, and the
digest check has tests of its own (test_verify.py).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ledger_on
from tamper_support import RawLog, Row, backdated, build_tamper_world, edited
from typer.testing import CliRunner

from ledger.cli.main import app as cli_app
from ledger.domain.ids import sha256_text

FIGURE = "ledger:ClaimSeries.FigureReported"
OPENED = "ledger:ClaimSeries.Opened"
DOCUMENT = "ledger:Document.Archived"


# Each edit changes the log and returns (the position verify must name first, the kind it must give).
Edit = Callable[[RawLog], tuple[int, str]]


def changed_state(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE)
    log.set(row.position, state=row.state.replace(b'"at least 216"', b'"at least 261"'))
    return row.position, "altered"


def bit_flip(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE, 1)
    at = len(row.state) // 2
    log.set(row.position, state=row.state[:at] + bytes([row.state[at] ^ 0x01]) + row.state[at + 1 :])
    return row.position, "altered"


def backdated_timestamp(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE, 2)
    log.set(row.position, state=backdated(row))
    return row.position, "altered"


def changed_analyst(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE)
    log.set(row.position, state=edited(row, ("entry", "_data_", "analyst"), "someone-else"))
    return row.position, "altered"


def changed_grade(log: RawLog) -> tuple[int, str]:
    row = log.find("ledger:Claimant.Graded")
    log.set(row.position, state=edited(row, ("reliability",), "F"))
    return row.position, "altered"


def changed_registered_grade(log: RawLog) -> tuple[int, str]:
    row = log.find("ledger:Claimant.Registered", 2)  # the armed group's spokesman, graded E on registration
    log.set(row.position, state=edited(row, ("reliability",), "A"))
    return row.position, "altered"


def deleted_row(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE, 1)
    log.delete(row.position)
    return row.position, "missing"


def deleted_rows(log: RawLog) -> tuple[int, str]:
    opened, figure = log.find(OPENED, 1), log.find(FIGURE, 1)
    log.delete(opened.position, figure.position)
    return opened.position, "missing"


def deleted_tail(log: RawLog) -> tuple[int, str]:
    rows = log.rows()
    log.delete(rows[-1].position, rows[-2].position)
    return rows[-2].position, "truncated"


def forged_append(log: RawLog) -> tuple[int, str]:
    last = log.find(FIGURE, 3)  # the series' revision, after the checkpoint
    forged = Row(0, last.originator_id, last.version + 1, FIGURE, last.state.replace(b"at least 230", b"at least 900"))
    log.insert(forged)
    return log.rows()[-1].position, "inserted"


def forged_insert(log: RawLog) -> tuple[int, str]:
    opened = log.find(OPENED, 1)
    log.shift_after(opened.position)
    template = log.find(FIGURE)
    import uuid

    forged = Row(0, uuid.uuid4(), 1, OPENED, opened.state)
    log.insert(forged, opened.position + 1)
    assert template.position  # the series' other events now sit one place along
    return opened.position + 1, "inserted"


def reordered(log: RawLog) -> tuple[int, str]:
    first, second = log.find(FIGURE), log.find(FIGURE, 1)
    log.swap(first.position, second.position)
    return first.position, "reordered"


def changed_topic(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE, 2)
    log.set(row.position, topic="ledger:ClaimSeries.FigureStruck")
    return row.position, "altered"


def edited_document(log: RawLog) -> tuple[int, str]:
    row = log.find(DOCUMENT)
    text = row.json()["text"].replace("at least 216", "at least 261")
    log.set(row.position, state=edited(row, ("text",), text))
    return row.position, "altered"


def edited_document_and_hash(log: RawLog) -> tuple[int, str]:
    row = log.find(DOCUMENT)
    text = row.json()["text"].replace("12 civilians", "2 civilians")
    state = edited(
        Row(row.position, row.originator_id, row.version, row.topic, edited(row, ("text",), text)), ("sha256",), sha256_text(text)
    )
    log.set(row.position, state=state)
    return row.position, "altered"


def deleted_document(log: RawLog) -> tuple[int, str]:
    row = log.find(DOCUMENT)
    log.delete(row.position)
    return row.position, "missing"


def deleted_reconciliation(log: RawLog) -> tuple[int, str]:
    row = log.find("ledger:Reconciliation.Recorded")
    log.delete(row.position)
    return row.position, "missing"


def changed_originator(log: RawLog) -> tuple[int, str]:
    import uuid

    row = log.find("ledger:ClaimSeries.FigureWithdrawn")
    log.set(row.position, originator_id=uuid.uuid4())
    return row.position, "altered"


def changed_version(log: RawLog) -> tuple[int, str]:
    row = log.find(FIGURE, 1)
    log.set(row.position, originator_version=99)
    return row.position, "altered"


EDITS: dict[str, Edit] = {
    "changed state": changed_state,
    "bit flip": bit_flip,
    "back-dated timestamp": backdated_timestamp,
    "changed analyst": changed_analyst,
    "changed grade": changed_grade,
    "changed grade at registration": changed_registered_grade,
    "deleted row": deleted_row,
    "deleted rows": deleted_rows,
    "deleted tail": deleted_tail,
    "forged insert at the end": forged_append,
    "forged insert inside": forged_insert,
    "reordered": reordered,
    "changed topic": changed_topic,
    "edited document": edited_document,
    "edited document and its hash": edited_document_and_hash,
    "deleted document": deleted_document,
    "deleted reconciliation": deleted_reconciliation,
    "changed originator id": changed_originator,
    "changed version": changed_version,
}


class Cli:
    def __init__(self, home: Path, store: str) -> None:
        self.home, self.store = home, store

    def __call__(self, *args: str) -> Any:
        env = {"LEDGER_HOME": None, "LEDGER_STORE": None, "LEDGER_KEYS": None, "LEDGER_LOCK_WAIT": "2"}
        result = CliRunner().invoke(cli_app, ["--home", str(self.home), "--store", self.store, *args], env=env)
        gc.collect()  # a command's ledger is left to the process's end; here, close its PostgreSQL pool now
        return result


def _verify_names(cli: Cli, position: int, kind: str) -> None:
    result = cli("verify", "--no-digests", "-f", "json")
    assert result.exit_code == 1, result.output
    import json

    report = json.loads(result.stdout)
    first = min((d for d in report["differences"] if d["position"] is not None), key=lambda d: d["position"])
    assert (first["position"], first["kind"]) == (position, kind), report["differences"]
    assert result.stderr.startswith(f"Error: event log changed: first at position {position}")


def test_there_are_nineteen_kinds_of_edit() -> None:
    assert len(EDITS) == 19


@pytest.mark.parametrize("name", list(EDITS))
def test_verify_detects_and_locates_each_edit_before_and_after_a_rebuild(name: str, backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        build_tamper_world(ledger)
        store = ledger.settings.store
        log = RawLog(ledger)
        cli = Cli(tmp_path, store)
        intact = cli("verify", "--no-digests")
        assert intact.exit_code == 0, intact.output
        before = cli("tally")
        assert before.exit_code == 0  # the read model is caught up with the intact log

        position, kind = EDITS[name](log)
        _verify_names(cli, position, kind)

        rebuilt = cli("rebuild")
        assert rebuilt.exit_code == 1
        assert "`ledger verify`" in rebuilt.stderr and rebuilt.stderr.count("\n") == 1, rebuilt.stderr
        # Nor does a read derive from it: it refuses, or (once a refused rebuild keeps the read model it had,
        # issue 15) it answers from what was derived before the edit.
        after = cli("tally")
        assert (after.exit_code, after.stdout) == (0, before.stdout) or (
            after.exit_code == 1 and "`ledger verify`" in after.stderr
        )
        _verify_names(cli, position, kind)
        if name.startswith("edited document") and name.endswith("document"):
            report = cli("verify", "--no-digests", "-f", "json").stdout
            assert '"kind": "document"' in report  # the text no longer has its recorded SHA-256
