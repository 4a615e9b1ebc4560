"""Direct edits to a ledger's event log, as someone with write access to its database would make them.

`RawLog` speaks to the library's events table in SQL, past the ledger, on SQLite (rowid positions,
hex ids) and PostgreSQL (notification_id positions, uuid ids) alike.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
from conftest import POSTGRES_SERVER, World, build_world, reported

from ledger.domain.base import Entry
from ledger.domain.reconciliation import Reconciliation
from ledger.ledger import Ledger


@attrs.frozen
class Row:
    position: int
    originator_id: uuid.UUID
    version: int
    topic: str
    state: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.state)  # type: ignore[no-any-return]


class RawLog:
    def __init__(self, ledger: Ledger) -> None:
        self.store = ledger.settings.store
        self.postgres = self.store.startswith("postgresql://")
        self.schema = self.store.split("schema=", 1)[1] if self.postgres else None
        self.position = "notification_id" if self.postgres else "rowid"
        self.table = ledger.app.recorder.events_table_name  # stored_events on SQLite, ledger_events on PostgreSQL

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        if self.postgres:
            import psycopg

            with psycopg.connect(POSTGRES_SERVER, autocommit=False) as con:
                con.execute(f'SET search_path TO "{self.schema}"')
                yield _Pg(con)
                con.commit()
        else:
            con = sqlite3.connect(self.store)
            try:
                yield con
                con.commit()
            finally:
                con.close()

    def rows(self) -> list[Row]:
        with self.connect() as con:
            found = con.execute(
                f"SELECT {self.position}, originator_id, originator_version, topic, state FROM {self.table} ORDER BY 1"
            ).fetchall()
        return [Row(int(p), uuid.UUID(str(i)), int(v), t, bytes(s)) for p, i, v, t, s in found]

    def find(self, topic: str, nth: int = 0) -> Row:
        return [r for r in self.rows() if r.topic == topic][nth]

    def _id(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def set(self, position: int, **values: Any) -> None:
        """Overwrite columns of the row at `position` (state, topic, originator_id, originator_version)."""
        values = {k: self._id(v) if isinstance(v, uuid.UUID) else v for k, v in values.items()}
        assignments = ", ".join(f"{k} = {self._p}" for k in values)
        with self.connect() as con:
            con.execute(f"UPDATE {self.table} SET {assignments} WHERE {self.position} = {self._p}", [*values.values(), position])

    def delete(self, *positions: int) -> None:
        with self.connect() as con:
            for position in positions:
                con.execute(f"DELETE FROM {self.table} WHERE {self.position} = {self._p}", [position])

    def insert(self, row: Row, position: int | None = None) -> None:
        columns = "originator_id, originator_version, topic, state" + (f", {self.position}" if position else "")
        values = [self._id(row.originator_id), row.version, row.topic, row.state] + ([position] if position else [])
        with self.connect() as con:
            marks = ", ".join([self._p] * len(values))
            con.execute(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", values)

    def shift_after(self, position: int) -> None:
        """Move every row after `position` one place along, leaving `position + 1` free."""
        with self.connect() as con:
            p = self.position
            con.execute(f"UPDATE {self.table} SET {p} = {p} + 1000000 WHERE {p} > {self._p}", [position])
            con.execute(f"UPDATE {self.table} SET {p} = {p} - 999999 WHERE {p} > 1000000")

    def swap(self, a: int, b: int) -> None:
        with self.connect() as con:
            p = self.position
            for old, new in ((a, -1), (b, a), (-1, b)):
                con.execute(f"UPDATE {self.table} SET {p} = {self._p} WHERE {p} = {self._p}", [new, old])

    @property
    def _p(self) -> str:
        return "%s" if self.postgres else "?"


class _Pg:
    """A psycopg connection answering `execute(...).fetchall()` as sqlite3 does."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def execute(self, sql: str, params: Any = None) -> Any:
        return self.con.execute(sql, params)


def build_tamper_world(ledger: Ledger) -> World:
    """The small world, three figures, a withdrawal, a grade, a reconciliation and a checkpoint, and one
    figure after the checkpoint (so edits land on both sides of it)."""
    from ledger.integrity.checkpoints import take_checkpoint

    world = build_world(ledger)
    app, entry = ledger.app, ledger.entry("test")
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(incident=world.standoff, claimant=world.rights_group, victim_status="civilian",
                                      quantity="12", quote="12 civilians were killed"))  # fmt: skip
    withdrawn = ledger.record_figure(world.figure(claimant=world.armed_group, victim_status="security_forces",
                                                  quantity="81", quote="81 soldiers died"))  # fmt: skip
    app.withdraw_figure(withdrawn.series_id, withdrawn.figure_id, "the spokesman retracted it", entry)
    app.grade_claimant(world.rights_group, "A", "long record of accurate counts", entry)
    app.save(
        Reconciliation(
            policy="default@1",
            policy_name="default",
            policy_version=1,
            log_position=app.recorder.max_notification_id(),
            readmodel_position=app.recorder.max_notification_id(),
            previous_position=None,
            inputs_digest="0" * 64,
            outputs_digest="0" * 64,
            severities={"error": 0, "warning": 0, "info": 0},
            findings=[],
            changes={},
            options={},
            entry=Entry("tester", "reconcile"),
        )
    )
    assert take_checkpoint(ledger) is not None
    ledger.record_figure(world.figure(quantity="at least 230", reported=reported("2026-02-10"), quote=None))
    return world


def backdated(row: Row) -> bytes:
    state = row.json()
    state["timestamp"]["_data_"] = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).isoformat()
    return json.dumps(state, separators=(",", ":")).encode()


def edited(row: Row, path: tuple[str, ...], value: Any) -> bytes:
    state = row.json()
    target = state
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(state, separators=(",", ":")).encode()
