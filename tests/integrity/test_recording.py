"""The tree's leaves are written with the events, in the same transaction, on SQLite and PostgreSQL; events
found without leaves are filled from the log and recorded as such; existing ledgers are adopted and read
and tally exactly as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import World, build_world, event_count, ledger_on, make_ledger

from ledger.application.app import LedgerApplication
from ledger.errors import Conflict
from ledger.integrity.checkpoints import take_checkpoint
from ledger.integrity.errors import LogTampered
from ledger.integrity.leaves import for_recorder
from ledger.integrity.verify import verify
from ledger.ledger import Ledger
from ledger.store import store_env, store_kind


def leaves_and_log(ledger: Ledger) -> tuple[list[tuple[int, int, bytes]], list[tuple[int, bytes]]]:
    tree = for_recorder(ledger.app.recorder)
    assert tree is not None
    with tree.reading() as cursor:
        leaves = [(leaf.idx, leaf.position, leaf.hash) for leaf in tree.leaves_page(cursor, 0)]
        log = [(event.position, event.leaf_hash()) for event in tree.events_between(cursor, 0)]
    return leaves, log


def old_ledger_app(ledger: Ledger) -> LedgerApplication:
    """The application as a ledger before tamper evidence wrote it: the library's own recorder, no leaves."""
    env = {k: v for k, v in store_env(ledger.settings.store).items() if k != "APPLICATION_RECORDER_TOPIC"}
    app = LedgerApplication(env=env)
    if store_kind(app.recorder) == "sqlite":  # SQLite: a new ledger's table has an explicit id column
        table = app.recorder.events_table_name
        app.recorder.insert_events_statement = (
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?,?,?,?)"
        )
    return app


def test_every_event_gets_its_leaf_as_it_is_written(any_ledger: Ledger) -> None:
    world = build_world(any_ledger)
    second = world.figure(claimant=world.rights_group, victim_status="civilian", quantity="12", quote="12 civilians were killed")
    any_ledger.record_figures([world.figure(), second], via="test")
    leaves, log = leaves_and_log(any_ledger)
    assert len(log) == 12 and [(p, h) for _, p, h in leaves] == log  # configuration, 7 registrations, 2 series, 2 figures
    assert [idx for idx, _, _ in leaves] == list(range(len(log)))
    assert store_kind(any_ledger.app.recorder) in ("sqlite", "postgresql")  # the fast readers still apply
    tree = for_recorder(any_ledger.app.recorder)
    assert tree is not None
    with tree.reading() as cursor:
        assert tree.fills(cursor) == []


def test_an_event_whose_leaf_cannot_be_written_is_not_stored(any_ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(any_ledger)
    before = event_count(any_ledger)
    recorder = any_ledger.app.recorder

    def refuse(*args: object, **kwargs: object) -> None:
        raise LogTampered("refused for the test")

    monkeypatch.setattr(recorder.tree, "append", refuse)
    with pytest.raises(LogTampered, match="refused for the test"):
        any_ledger.record_figure(world.figure())
    assert event_count(any_ledger) == before  # the events' transaction was rolled back with the leaves'
    monkeypatch.undo()
    any_ledger.record_figure(world.figure())
    leaves, log = leaves_and_log(any_ledger)
    assert [(p, h) for _, p, h in leaves] == log


def test_a_repeated_registration_still_conflicts_or_changes_nothing(any_ledger: Ledger) -> None:
    build_world(any_ledger)
    entry = any_ledger.entry("test")
    any_ledger.app.register_publisher("dawn", "Dawn", "media", "https://www.dawn.com", entry)  # the same: nothing new
    with pytest.raises(Conflict):
        any_ledger.app.register_publisher("dawn", "Dawn News", "media", "https://www.dawn.com", entry)
    leaves, log = leaves_and_log(any_ledger)
    assert [(p, h) for _, p, h in leaves] == log  # PostgreSQL skipped ids for the failed inserts; no gap was "filled"
    tree = for_recorder(any_ledger.app.recorder)
    assert tree is not None
    with tree.reading() as cursor:
        assert tree.fills(cursor) == []


def test_a_ledger_written_before_tamper_evidence_is_adopted_and_tallies_as_before(backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        # A ledger of before: written, read and tallied through the library's own recorder, with no tree at all.
        before_app = old_ledger_app(ledger)
        old = Ledger(ledger.settings)
        old.__dict__["app"] = before_app
        world = build_world(old)
        old.record_figure(world.figure())
        before = old.tally().rows
        figures_before = old.figures()
        before_app.close()

        # Opened by this version: the tree is made from the log once, and everything reads as before.
        assert ledger.tally().rows == before and ledger.figures() == figures_before
        assert ledger.rebuild() and ledger.tally().rows == before
        tree = for_recorder(ledger.app.recorder)
        assert tree is not None
        with tree.reading() as cursor:
            [fill] = tree.fills(cursor)
        assert fill.adopted and (fill.first_idx, fill.first_position) == (0, 1)
        report = verify(ledger, digests=False)
        assert report.ok and any("predate the tree" in note for note in report.notes)
        taken = take_checkpoint(ledger, reason="export")  # an automatic checkpoint may vouch for an adopted log
        assert taken is not None and taken.size == 10 and not taken.held_back
        assert any("vouched for from the checkpoint" in note for note in verify(ledger, digests=False).notes)


def test_events_written_without_leaves_after_the_tree_began_wait_to_be_vouched_for(backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        world = build_world(ledger)
        assert take_checkpoint(ledger) is not None
        old = old_ledger_app(ledger)
        stale = Ledger(ledger.settings)
        stale.__dict__["app"] = old
        stale.app.register_publisher("dunya", "Dunya News", "media", None, stale.entry("old-version"))
        old.close()
        # The next read refuses: the events after the tree were written without leaves.
        with pytest.raises(LogTampered, match="written without tree leaves"):
            ledger.tally()
        # The next write fills them from the log, and records that it did.
        ledger.record_figure(world.figure())
        tree = for_recorder(ledger.app.recorder)
        assert tree is not None
        with tree.reading() as cursor:
            [fill] = tree.fills(cursor)
        assert not fill.adopted and fill.first_position == fill.last_position
        with pytest.raises(LogTampered, match="no checkpoint vouches for them"):
            ledger.tally()
        report = verify(ledger, digests=False)
        assert [d.kind for d in report.differences] == ["inserted"] and report.differences[0].position == fill.first_position
        # An automatic checkpoint leaves them out; only a person taking one can vouch for them.
        automatic = take_checkpoint(ledger, reason="export")
        assert automatic is not None and automatic.held_back and automatic.size <= fill.first_idx
        vouched = take_checkpoint(ledger, accept_filled=True)
        assert vouched is not None and not vouched.held_back and vouched.size > fill.last_idx
        assert ledger.tally().rows
        report = verify(ledger, digests=False)
        assert report.ok and any("vouched for by the checkpoint" in note for note in report.notes)


def test_a_deleted_tail_is_never_reused_and_its_gap_is_named(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    last = event_count(ledger)
    with sqlite3.connect(ledger.settings.store) as con:
        con.execute("DELETE FROM stored_events WHERE rowid = ?", [last])  # implicit rowids would give this id again
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry("test"))
    assert event_count(ledger) == last + 1  # a new ledger numbers its events explicitly: the deleted id stays unused
    with pytest.raises(LogTampered, match=f"position {last} is missing from the log"):
        ledger.tally()


def test_a_store_without_a_tree_is_said_so(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path)
    try:
        from ledger.integrity.checkpoints import tree_of

        assert for_recorder(object()) is None
        tree_of(ledger)  # the ledger's own store has one
    finally:
        ledger.close()
