"""Checkpoints: signed, recorded in the ledger as facts, written to a file, consistent with the previous one,
refused over a tree that was rewritten; the key kept outside the log with its permissions checked; every
reconciliation and every export to a file takes one."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from conftest import World, event_count
from tamper_support import RawLog

from ledger.integrity import keys
from ledger.integrity.checkpoint import SIGNED_TOPIC
from ledger.integrity.checkpoints import take_checkpoint, tree_of
from ledger.integrity.encoding import leaf_hash
from ledger.integrity.errors import LogTampered, UnsafeKey
from ledger.integrity.merkle import Tree, verify_consistency
from ledger.integrity.note import CheckpointText, Note, Verifier
from ledger.integrity.verify import verify as verify_log
from ledger.io.export import export
from ledger.io.manifest import manifest_path, verify
from ledger.ledger import Ledger
from ledger.reconcile.run import Options, reconcile


def test_a_checkpoint_is_signed_recorded_and_written(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    evidence = event_count(ledger)
    taken = take_checkpoint(ledger)
    assert (
        taken is not None
        and taken.recorded
        and (taken.size, taken.last_position, taken.position) == (evidence, evidence, evidence + 1)
    )
    assert taken.file == ledger.settings.home / "checkpoints" / f"checkpoint-{evidence}.txt"
    assert taken.file.read_text(encoding="utf-8") == taken.note
    vkey = Verifier.parse(keys.key_path(ledger.settings.home / "keys", taken.origin).with_suffix(".vkey").read_text())
    body = CheckpointText.parse(Note.parse(taken.note).text)
    assert Note.parse(taken.note).verify([vkey]) and (body.origin, body.size, body.root) == (taken.origin, evidence, taken.root)
    with ledger.reading() as con:
        [fact] = con.execute("SELECT position, analyst, via FROM facts WHERE topic = ?", [SIGNED_TOPIC]).fetchall()
    assert fact == (evidence + 1, "tester", "checkpoint:cli")
    # Again with nothing new but the checkpoint itself: the same checkpoint, nothing recorded.
    again = take_checkpoint(ledger)
    assert again is not None and not again.recorded and again.note == taken.note and event_count(ledger) == evidence + 1


def test_the_next_checkpoint_extends_the_last(world: World) -> None:
    ledger = world.ledger
    first = take_checkpoint(ledger)
    ledger.record_figure(world.figure())
    second = take_checkpoint(ledger)
    assert first is not None and second is not None and second.size == first.size + 3  # the checkpoint, a series, a figure
    tree = tree_of(ledger)
    with tree.reading() as cursor:
        leaves = tree.leaf_hashes(cursor, 0, second.size)
    verify_consistency(first.size, second.size, first.root, second.root, Tree(leaves).consistency_proof(first.size))


def test_an_empty_log_has_nothing_to_sign(ledger: object) -> None:
    assert take_checkpoint(ledger) is None  # type: ignore[arg-type]


def _rewrite_leaf_with_its_event(ledger: Ledger) -> None:
    """Someone who knows the encoding edits an event and gives it the leaf that matches."""
    log = RawLog(ledger)
    row = log.find("ledger:ClaimSeries.FigureReported")
    forged = row.state.replace(b'"at least 216"', b'"at least 261"')
    log.set(row.position, state=forged)
    tree = tree_of(ledger)
    with tree.writing() as cursor:
        tree.execute(cursor, "UPDATE {leaves} SET hash = ? WHERE position = ?",
                     [leaf_hash(row.position, row.originator_id, row.version, row.topic, forged), row.position])  # fmt: skip


def test_a_checkpoint_extends_the_signed_tree_not_a_rewritten_one(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    first = take_checkpoint(ledger)
    assert first is not None
    _rewrite_leaf_with_its_event(ledger)
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry("test"))
    second = take_checkpoint(ledger)
    assert second is not None and second.recorded
    # Made from the subtree roots the first recorded, the second is consistent with it, not with the rewrite.
    tree = tree_of(ledger)
    with tree.reading() as cursor:
        rewritten = Tree(tree.leaf_hashes(cursor, 0, second.size))
    assert rewritten.root(first.size) != first.root and rewritten.root() != second.root
    # Both checkpoints say so: the log and its leaves no longer have either signed root.
    assert [d.kind for d in verify_log(ledger, digests=False).differences] == ["rewritten", "rewritten"]


def test_without_the_signed_subtree_roots_no_checkpoint_is_taken_over_a_rewritten_tree(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    assert take_checkpoint(ledger) is not None
    row = RawLog(ledger).find(SIGNED_TOPIC)
    state = row.json()
    state["compact_range"] = []  # as a checkpoint that recorded none: the leaves are hashed again
    RawLog(ledger).set(row.position, state=json.dumps(state, separators=(",", ":")).encode())
    tree = tree_of(ledger)
    with tree.writing() as cursor:  # its leaf follows, so only the tree below it is in question
        tree.execute(cursor, "UPDATE {leaves} SET hash = ? WHERE position = ?",
                     [leaf_hash(row.position, row.originator_id, row.version, row.topic, RawLog(ledger).find(SIGNED_TOPIC).state),
                      row.position])  # fmt: skip
    _rewrite_leaf_with_its_event(ledger)
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry("test"))
    before = event_count(ledger)
    with pytest.raises(LogTampered, match="no longer has the root checkpoint"):
        take_checkpoint(ledger)
    assert event_count(ledger) == before


def test_no_checkpoint_over_events_changed_since_the_last(world: World) -> None:
    ledger = world.ledger
    assert take_checkpoint(ledger) is not None
    ledger.record_figure(world.figure())
    log = RawLog(ledger)
    row = log.find("ledger:ClaimSeries.FigureReported")
    log.set(row.position, state=row.state.replace(b"216", b"261"))
    with pytest.raises(LogTampered, match=f"position {row.position} no longer hashes"):
        take_checkpoint(ledger)


def test_a_forged_checkpoint_in_the_log_stops_the_next(world: World) -> None:
    ledger = world.ledger
    taken = take_checkpoint(ledger)
    assert taken is not None
    log = RawLog(ledger)
    row = log.find(SIGNED_TOPIC)
    note = row.json()["note"]
    log.set(row.position, state=row.state.replace(note.split("\n")[2].encode(), b"A" * 43 + b"="))
    with pytest.raises(LogTampered, match="does not verify"):
        take_checkpoint(ledger)


def test_the_key_is_made_private_outside_the_log_and_checked(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere" / "keys"
    monkeypatch.setenv("LEDGER_KEYS", str(elsewhere))
    taken = take_checkpoint(world.ledger)
    assert taken is not None
    path = keys.key_path(elsewhere, taken.origin)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(elsewhere.stat().st_mode) == 0o700
    assert not (world.ledger.settings.home / "keys").exists()
    assert path.read_text().startswith(f"PRIVATE+KEY+{taken.origin}+")
    os.chmod(path, 0o640)
    with pytest.raises(UnsafeKey, match=f"readable by group or others \\(mode 0640\\); run `chmod 600 {path}`"):
        keys.signer(elsewhere, taken.origin)
    os.chmod(path, 0o600)
    if os.getuid() == 0:  # only root can give a file to another user
        os.chown(path, 65534, -1)
        with pytest.raises(UnsafeKey, match="owned by another user"):
            keys.signer(elsewhere, taken.origin)
        os.chown(path, 0, -1)
    path.write_text("PRIVATE+KEY+garbage\n")
    with pytest.raises(UnsafeKey, match="unreadable as a signer key"):
        keys.signer(elsewhere, taken.origin)


def test_a_reconciliation_takes_a_checkpoint_and_a_repeat_records_nothing(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    options = Options(stale_after=dt.timedelta(days=3650), lock_wait=5)
    first = reconcile(ledger, options)
    assert first.recorded and first.checkpoint is not None and first.checkpoint.recorded
    assert first.checkpoint.size == first.event_position  # it covers the reconciliation itself
    after = event_count(ledger)
    again = reconcile(ledger, options)
    assert not again.recorded and again.checkpoint is not None and not again.checkpoint.recorded
    assert event_count(ledger) == after  # a checkpoint is not evidence: nothing new to reconcile or sign
    dry = reconcile(ledger, Options(stale_after=dt.timedelta(days=3650), lock_wait=5, record=False))
    assert dry.checkpoint is None


def test_every_export_to_a_file_carries_its_checkpoint(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    first = export(ledger, "tallies", tmp_path / "tallies.csv")
    record = json.loads(manifest_path(tmp_path / "tallies.csv").read_text())
    entry = record["checkpoint"]
    assert entry["tree_size"] == record["log_position"] == first.position and entry["last_position"] >= first.position
    assert (
        Note.parse(entry["note"]).text
        == CheckpointText(entry["origin"], entry["tree_size"], __import__("base64").b64decode(entry["root"])).text()
    )
    trusted = keys.trusted(ledger.settings.home / "keys")
    assert all(check.ok for check in verify(manifest_path(tmp_path / "tallies.csv"), ledger, trusted))
    # The checkpoint the first export recorded is not evidence: the next export is pinned where the first was.
    second = export(ledger, "tallies", tmp_path / "again.csv")
    assert second.position == first.position and (tmp_path / "again.csv").read_bytes() == (tmp_path / "tallies.csv").read_bytes()
    assert json.loads(manifest_path(tmp_path / "again.csv").read_text())["checkpoint"]["note"] == entry["note"]
    # Signed by a key not trusted here: the export's checkpoint is not accepted.
    stranger = [c for c in verify(manifest_path(tmp_path / "tallies.csv"), None, []) if not c.ok]
    assert [c.name for c in stranger] == ["checkpoint signature"]
