"""Reading stored events straight from the event store gives what the library's notifications say.

Real stores only: a SQLite file, and a PostgreSQL schema of its own when the server answers.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from conftest import build_world, reported
from eventsourcing.persistence import OperationalError

from ledger.application.app import LedgerApplication
from ledger.errors import StoreUnavailable
from ledger.ledger import Ledger
from ledger.readmodel import source
from ledger.store import store_env


def library_rows(ledger: Ledger, after: int = 0, stop: int | None = None) -> list[tuple[Any, ...]]:
    """What `select_notifications` says, in the page's column order."""
    notifications = ledger.app.recorder.select_notifications(after, 1_000_000, stop, inclusive_of_start=False)
    return [(n.id, str(n.originator_id), n.originator_version, n.topic, n.state.decode()) for n in notifications]


def rows(pages: Any) -> list[tuple[Any, ...]]:
    """The pages' rows, each id in the one form the read model writes."""
    table = pa.concat_tables(list(pages))
    assert table.schema == source.page_schema()
    return [
        (position, str(uuid.UUID(aggregate_id)), version, topic, state)
        for position, aggregate_id, version, topic, state in zip(
            *(table[name].to_pylist() for name in table.column_names), strict=True
        )
    ]


def fill(ledger: Ledger) -> None:
    world = build_world(ledger)
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(quantity="230", document=None, quote=None, reported=reported("2026-02-07")))
    ledger.record_figure(world.figure(claimant=world.rights_group, victim_status="civilian", quantity="12"))


def test_pages_hold_what_the_library_reads_on_each_store(any_ledger: Ledger) -> None:
    fill(any_ledger)
    expected = library_rows(any_ledger)
    last = expected[-1][0]
    assert len(expected) > 10
    for size in (1, 3, len(expected), 1000):
        assert rows(source.pages(any_ledger.app, 0, None, size)) == expected, size
    # From the middle, and up to a stop, page boundaries anywhere.
    middle = expected[4][0]
    assert rows(source.pages(any_ledger.app, middle, None, 3)) == library_rows(any_ledger, after=middle)
    assert rows(source.pages(any_ledger.app, 2, middle, 4)) == library_rows(any_ledger, after=2, stop=middle)
    assert list(source.pages(any_ledger.app, last, None, 5)) == []


def test_the_read_model_holds_each_event_as_the_library_reads_it_on_each_store(any_ledger: Ledger) -> None:
    fill(any_ledger)
    expected = [row[:4] for row in library_rows(any_ledger)]
    with any_ledger.reading() as con:
        facts = con.execute("SELECT position, aggregate_id, aggregate_version, topic FROM facts ORDER BY position").fetchall()
    assert facts == expected


def test_the_library_fallback_reads_the_same_pages(any_ledger: Ledger) -> None:
    fill(any_ledger)
    direct = source.reader(any_ledger.app)
    library = source._library_reader(any_ledger.app.recorder)
    for after, stop in ((0, None), (3, None), (1, 7)):
        assert rows([library(after, stop, 5)]) == rows([direct(after, stop, 5)])


def test_a_failing_read_on_the_worker_surfaces_in_the_caller(ledger: Ledger) -> None:
    fill(ledger)
    pages = source.pages(ledger.app, 0, None, 2)
    assert next(pages).num_rows == 2  # the worker has started reading the next page
    next(pages)
    with sqlite3.connect(ledger.settings.store) as other:
        other.execute("ALTER TABLE stored_events RENAME TO elsewhere")
    with pytest.raises(OperationalError, match="no such table"):
        list(pages)


def test_compressed_states_are_refused_with_the_fix(tmp_path: Path) -> None:
    env = {**store_env(tmp_path / "events.sqlite"), "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor"}
    app = LedgerApplication(env=env)
    try:
        with pytest.raises(StoreUnavailable, match="COMPRESSOR_TOPIC"):
            source.reader(app)
    finally:
        app.close()
