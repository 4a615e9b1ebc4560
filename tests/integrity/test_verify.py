"""`ledger verify` beyond single edits: an auditor's kept checkpoint against a rewritten and re-signed
history, the log and its leaves rewritten together, an altered leaf table, checkpoints it cannot trust,
and reconciliations' digests re-derived."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import World
from tamper_support import RawLog

from ledger.integrity.checkpoint import SIGNED_TOPIC
from ledger.integrity.checkpoints import take_checkpoint, tree_of
from ledger.integrity.digests import Certified, rederive
from ledger.integrity.encoding import leaf_hash
from ledger.integrity.note import Signer
from ledger.integrity.verify import verify
from ledger.ledger import Ledger
from ledger.reconcile.run import Options, reconcile


def test_an_intact_ledger_verifies_with_every_check(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    reconcile(ledger, Options(stale_after=dt.timedelta(days=3650), lock_wait=5))
    report = verify(ledger)
    assert report.ok and report.first is None, report.differences
    assert {c.name: c.ok for c in report.checks} == {
        "leaves": True, "checkpoints": True, "documents": True, "reconciliation digests": True,
    }  # fmt: skip
    details = {c.name: c.detail for c in report.checks}
    assert details["reconciliation digests"] == "1 of 1 inputs digests re-derived from the log"
    assert details["checkpoints"] == "1 of 1 checkpoints signed by a trusted key match the log"
    assert report.verdict().startswith(f"event log intact: {report.events} events, tree root ")


def test_an_empty_ledger_verifies(ledger: Ledger) -> None:
    report = verify(ledger)
    assert report.ok and report.events == 0


def test_a_digest_rederived_differently_is_named(world: World) -> None:
    ledger = world.ledger
    result = reconcile(ledger, Options(stale_after=dt.timedelta(days=3650), lock_wait=5))
    right = Certified(result.event_position or 0, result.readmodel_position, "default@1", result.inputs_digest)
    wrong = Certified(right.position, right.readmodel_position, "default@1", "0" * 64)
    assert [r.same for r in rederive(ledger, [right, wrong])] == [True, False]


def _rewrite_history(ledger: Ledger, position: int, find: bytes, replace: bytes) -> None:
    """What someone holding the log, its leaf table and the signing key can do: edit an old event, give the
    whole log fresh leaves, drop every checkpoint and sign a new one."""
    log = RawLog(ledger)
    row = next(r for r in log.rows() if r.position == position)
    log.set(position, state=row.state.replace(find, replace))
    log.delete(*[r.position for r in log.rows() if r.topic == SIGNED_TOPIC])
    tree = tree_of(ledger)
    with tree.writing() as cursor:
        tree.execute(cursor, "DELETE FROM {leaves}")
        tree.execute(cursor, "DELETE FROM {fills}")
    tree.adopt()
    with tree.writing() as cursor:
        tree.execute(cursor, "DELETE FROM {fills}")
    assert take_checkpoint(ledger) is not None


def test_an_auditors_checkpoint_catches_a_history_rewritten_and_resigned(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    kept = take_checkpoint(ledger, output=tmp_path / "auditor.txt")
    assert kept is not None
    ledger.record_figure(world.figure(quantity="at least 230", quote=None))
    assert verify(ledger, since=tmp_path / "auditor.txt").ok  # the log grew: consistent with what the auditor kept

    figure = RawLog(ledger).find("ledger:ClaimSeries.FigureReported")
    _rewrite_history(ledger, figure.position, b'"at least 216"', b'"at least 261"')
    alone = verify(ledger)
    assert alone.ok  # everything in the store agrees with itself: only an outside checkpoint can tell
    report = verify(ledger, since=tmp_path / "auditor.txt")
    assert [d.kind for d in report.differences] == ["rewritten"]
    assert "is not consistent with the checkpoint at position" in report.differences[0].message
    assert {c.name: c.ok for c in report.checks}["since"] is False


def test_a_checkpoint_file_of_another_key_or_a_bigger_tree_is_refused(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    kept = take_checkpoint(ledger)
    assert kept is not None
    foreign = tmp_path / "foreign.txt"
    foreign.write_text(Signer.generate(kept.origin).sign(kept.note.split("\n\n")[0] + "\n"))
    [difference] = verify(ledger, since=foreign).differences
    assert difference.kind == "checkpoint" and "not trusted here" in difference.message
    RawLog(ledger).delete(*[r.position for r in RawLog(ledger).rows()[-3:]])
    report = verify(ledger, since=kept.file)
    assert "truncated" in [d.kind for d in report.differences]


def test_the_log_and_its_leaves_rewritten_together_break_the_checkpoint(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    assert take_checkpoint(ledger) is not None
    log = RawLog(ledger)
    row = log.find("ledger:ClaimSeries.FigureReported")
    forged = row.state.replace(b'"at least 216"', b'"at least 261"')
    log.set(row.position, state=forged)
    tree = tree_of(ledger)
    with tree.writing() as cursor:
        tree.execute(cursor, "UPDATE {leaves} SET hash = ? WHERE position = ?",
                     [leaf_hash(row.position, row.originator_id, row.version, row.topic, forged), row.position])  # fmt: skip
    report = verify(ledger)
    assert [d.kind for d in report.differences] == ["rewritten"]
    assert "both were rewritten" in report.differences[0].message


def test_an_altered_leaf_is_told_from_an_altered_event(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    assert take_checkpoint(ledger) is not None
    tree = tree_of(ledger)
    with tree.writing() as cursor:
        tree.execute(cursor, "UPDATE {leaves} SET hash = ? WHERE position = 3", [b"\0" * 32])
    report = verify(ledger)
    assert [(d.position, d.kind) for d in report.differences] == [(3, "leaves")]
    assert "the stored leaf was altered, not the event" in report.differences[0].message


def test_checkpoints_it_cannot_trust_are_named(world: World) -> None:
    ledger = world.ledger
    taken = take_checkpoint(ledger)
    assert taken is not None
    for path in (ledger.settings.home / "keys").iterdir():
        path.rename(path.with_name(path.name + ".away"))  # the key is not at hand (another machine)
    [unknown] = verify(ledger).differences
    assert unknown.kind == "checkpoint" and "signed by no key trusted here" in unknown.message
    [vkey] = (ledger.settings.home / "keys").glob("*.vkey.away")
    assert verify(ledger, extra_keys=(vkey,)).ok  # trusted once its verifier key is given
