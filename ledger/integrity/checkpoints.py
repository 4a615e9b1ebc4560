"""Taking a checkpoint: sign the tree's size and root, record it in the ledger, write it to a file.

A checkpoint is only signed over a tree that extends the last one this ledger's keys signed
(c2sp.org/tlog-checkpoint: a log must never sign two inconsistent checkpoints), and whose events
since then still hash to their stored leaves. Leaves filled from the log after a gap (events
written without them) are left out unless the person taking the checkpoint vouches for them
(`accept_filled`); the leaves of a log adopted when it had none are the one exception. When
nothing but checkpoints was recorded since the last checkpoint, that one is given again.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.persistence import IntegrityError, StoredEvent

from ledger.errors import StoreUnavailable
from ledger.integrity import keys
from ledger.integrity.checkpoint import SIGNED_TOPIC, Checkpoint, RecordedCheckpoint, read_recorded
from ledger.integrity.encoding import leaf_hash
from ledger.integrity.errors import VERIFY_HINT, LogTampered
from ledger.integrity.leaves import PAGE, Fill, RawEvent, TreeStore, for_recorder
from ledger.integrity.merkle import CompactRange, ProofError
from ledger.integrity.note import CheckpointText, Note, NoteError, Verifier

if TYPE_CHECKING:
    from ledger.ledger import Ledger

ORIGIN_PREFIX = "casualty-ledger/"
CHECKPOINT_DIR = "checkpoints"


@attrs.frozen
class CheckpointResult:
    origin: str
    size: int
    root: bytes
    note: str
    last_position: int  # the log position of the last event the checkpoint covers
    signer: str  # verifier key text
    recorded: bool  # False: the same checkpoint was already in the ledger
    position: int | None  # of the Checkpoint.Signed event, when it is known
    file: Path | None
    held_back: tuple[Fill, ...] = ()  # filled spans left out, waiting for someone to vouch for them

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode()

    def summary(self) -> str:
        what = "checkpoint signed" if self.recorded else "checkpoint unchanged"
        return f"{what}: {self.size} events (to log position {self.last_position}), root {self.root_b64}"


def tree_of(ledger: Ledger) -> TreeStore:
    tree = for_recorder(ledger.app.recorder)
    if tree is None:
        raise StoreUnavailable("event store: keeps no Merkle tree (only SQLite and PostgreSQL stores do)")
    return tree


def origin_of(tree: TreeStore) -> str:
    with tree.reading() as cursor:
        found = tree.log_id(cursor)
    if found is None:
        with tree.writing() as cursor:
            found = tree.ensure_log_id(cursor)
    return ORIGIN_PREFIX + found


def recorded_checkpoints(app: Any, tree: TreeStore, newest_first: bool = False) -> Iterator[RecordedCheckpoint]:
    """The checkpoints the tree's leaves say the log holds, each read from the log when it is reached."""
    with tree.reading() as cursor:
        leaves = tree.checkpoint_leaves(cursor)
    for leaf in reversed(leaves) if newest_first else leaves:
        with tree.reading() as cursor:
            events = tree.events_between(cursor, leaf.position - 1, leaf.position + 1, 1)
        if events and events[0].position == leaf.position and events[0].topic == SIGNED_TOPIC:
            yield read_recorded(app, leaf.position, leaf.idx, stored_event(app, events[0]))


def stored_event(app: Any, event: RawEvent) -> StoredEvent:
    """A raw row as the library's mapper takes it."""
    ident = (
        app.recorder.convert_originator_id(event.originator_id) if isinstance(event.originator_id, str) else event.originator_id
    )
    return StoredEvent(ident, event.version, event.topic, event.state)


def trust(checkpoint: RecordedCheckpoint, verifiers: list[Verifier]) -> tuple[str, str]:
    """('valid', signer), ('unknown', names), ('forged', why) or ('unreadable', why)."""
    if checkpoint.problem or checkpoint.body is None:
        return "unreadable", checkpoint.problem or "no checkpoint text"
    try:
        good = Note.parse(checkpoint.note).verify(verifiers)
    except NoteError as error:
        return ("unknown" if "not trusted here" in str(error) else "forged"), str(error)
    return "valid", good[0].text()


def latest_trusted(checkpoints: Iterable[RecordedCheckpoint], verifiers: list[Verifier]) -> RecordedCheckpoint | None:
    """The first of `checkpoints` (give them newest first) that a trusted key signed;
    LogTampered when a trusted key's signature on one does not verify."""
    for checkpoint in checkpoints:
        status, detail = trust(checkpoint, verifiers)
        if status == "forged":
            raise LogTampered(f"checkpoint at log position {checkpoint.position}: {detail}; {VERIFY_HINT}")
        if status == "valid":
            return checkpoint
    return None


def take_checkpoint(
    ledger: Ledger, reason: str = "cli", accept_filled: bool = False, output: Path | None = None
) -> CheckpointResult | None:
    """Sign, record and write a checkpoint of the log as it stands (see the module's docstring);
    None when there is nothing to sign (an empty log, or nothing but leaves waiting to be vouched for)."""
    tree = tree_of(ledger)
    tree.fill_if_behind()
    origin = origin_of(tree)
    directory = keys.keys_dir(ledger.settings.home)
    signer = keys.signer(directory, origin)
    assert signer is not None
    verifiers = keys.trusted(directory)
    previous = latest_trusted(recorded_checkpoints(ledger.app, tree, newest_first=True), verifiers)
    with tree.reading() as cursor:
        last = tree.last_leaf(cursor)
        size = 0 if last is None else last[0] + 1
        old = previous.size if previous and previous.size is not None else 0
        held_back = tuple(f for f in tree.fills(cursor) if f.last_idx >= old and not f.adopted)
        if held_back and not accept_filled:
            size = min(size, held_back[0].first_idx)
        if previous is not None and (size <= old or not _evidence_since(tree, cursor, old, size)):
            return _again(ledger, previous, signer.verifier.text(), held_back, output)
        if size == 0:
            return None
        old_root, compact, last_position = _scan(tree, cursor, old, size, _extended(previous))
    root = compact.root()
    if previous is not None and old_root != previous.root:
        raise LogTampered(
            f"event log: the stored tree of its first {old} events no longer has the root checkpoint {old} signed; "
            f"nothing was signed; {VERIFY_HINT}"
        )
    body = CheckpointText(origin, size, root)
    note = signer.sign(body.text())
    vouched = [[f.first_position, f.last_position] for f in held_back if accept_filled]
    aggregate = Checkpoint(origin=origin, tree_size=size, root=body.text().split("\n")[2], last_position=last_position,
                           note=note, signer=signer.verifier.text(), reason=reason, vouched_fills=vouched,
                           compact_range=[base64.b64encode(n).decode() for n in compact.nodes],
                           entry=ledger.entry(f"checkpoint:{reason}"))  # fmt: skip
    try:
        recordings = ledger.app.save(aggregate)
        position, recorded = recordings[-1].notification.id, True
    except IntegrityError:  # the same checkpoint, already recorded (by another signer of this log)
        position, recorded = None, False
    held = () if accept_filled else held_back
    file = write_file(ledger, note, size, output)
    return CheckpointResult(origin, size, root, note, last_position, signer.verifier.text(), recorded, position, file, held)


def _evidence_since(tree: TreeStore, cursor: Any, old: int, size: int) -> bool:
    """Whether leaves old .. size-1 hold anything but checkpoints (which need no checkpoint of their own)."""
    rows = tree.run(cursor, "SELECT count(*) FROM {leaves} WHERE idx >= ? AND idx < ? AND topic <> ?", [old, size, SIGNED_TOPIC])
    return bool(rows and rows[0][0])


def _extended(previous: RecordedCheckpoint | None) -> CompactRange | None:
    """The tree the previous checkpoint signed, from the subtree roots it recorded, when they give its root.

    Extending it, rather than hashing the stored leaves again, costs what was added since; and a new
    checkpoint so made is consistent with the last whatever became of the stored leaves it covers
    (`ledger verify` and a rebuild check those)."""
    if previous is None or previous.size is None or not previous.compact_range:
        return None
    try:
        found = CompactRange.from_nodes(previous.size, previous.compact_range)
    except ProofError:
        return None
    return found if found.root() == previous.root else None


def _scan(tree: TreeStore, cursor: Any, old: int, size: int, start: CompactRange | None) -> tuple[bytes, CompactRange, int]:
    """The tree's root at `old` and the tree of `size` leaves, and the last position it covers. Leaves before
    `old` come from `start` or are hashed again; those after must still match their events in the log."""
    compact = start
    if compact is None:
        compact = CompactRange()
        while compact.size < old:
            end = min(old, compact.size + 100_000)
            hashes = tree.leaf_hashes(cursor, compact.size, end)
            if len(hashes) != end - compact.size:
                raise LogTampered(f"event log: the tree lacks leaves below {end}; nothing was signed; {VERIFY_HINT}")
            compact.extend(hashes)
    old_root, last_position = compact.root(), 0
    while compact.size < size:
        rows = tree.leaf_rows_by_idx(cursor, compact.size, min(size, compact.size + PAGE))
        if not rows or rows[0][0] != compact.size or rows[-1][0] != compact.size + len(rows) - 1:
            raise LogTampered(f"event log: the tree lacks leaf {compact.size}; nothing was signed; {VERIFY_HINT}")
        _check_against_log(tree, cursor, rows)
        compact.extend(row[2] for row in rows)
        last_position = rows[-1][1]
    return old_root, compact, last_position


def _check_against_log(tree: TreeStore, cursor: Any, rows: list[tuple[int, int, bytes]]) -> None:
    """The events of these leaves (idx, position, hash) still hash to them, and nothing sits between them."""
    wanted = {position: digest for _, position, digest in rows}
    events = tree.event_rows(cursor, rows[0][1] - 1, rows[-1][1] + 1, len(rows) + 1)
    found = {e[0]: leaf_hash(*e) for e in events}
    for position, expected in wanted.items():
        if found.get(position) != expected:
            change = "is missing from the log" if position not in found else "no longer hashes to the leaf written with it"
            raise LogTampered(f"event log: position {position} {change}; nothing was signed; {VERIFY_HINT}")
    if len(found) != len(wanted):
        extra = min(set(found) - set(wanted))
        raise LogTampered(
            f"event log: position {extra} is not in the tree written with the log; nothing was signed; {VERIFY_HINT}"
        )


def _again(
    ledger: Ledger, previous: RecordedCheckpoint, signer: str, held_back: tuple[Fill, ...], output: Path | None
) -> CheckpointResult:
    assert previous.body is not None and previous.size is not None and previous.root is not None
    last_position = _last_position(ledger, previous.size)
    file = write_file(ledger, previous.note, previous.size, output)
    return CheckpointResult(previous.body.origin, previous.size, previous.root, previous.note, last_position, signer,
                            False, previous.position, file, held_back)  # fmt: skip


def _last_position(ledger: Ledger, size: int) -> int:
    if size == 0:
        return 0
    tree = tree_of(ledger)
    with tree.reading() as cursor:
        leaves = tree.leaves_by_idx(cursor, size - 1, size)
    return leaves[0].position if leaves else 0


def write_file(ledger: Ledger, note: str, size: int, output: Path | None) -> Path:
    """The signed note in HOME/checkpoints/checkpoint-SIZE.txt (and in `output` when given)."""
    directory = ledger.settings.home / CHECKPOINT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"checkpoint-{size}.txt"
    path.write_text(note, encoding="utf-8")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(note, encoding="utf-8")
        return output
    return path


@attrs.frozen
class PublicKey:
    verifier: str  # name+keyid+key
    key_file: Path
    vkey_file: Path


def public_key(ledger: Ledger) -> PublicKey:
    """This ledger's verifier key, to hand to whoever checks its checkpoints; the key is made on first use."""
    origin = origin_of(tree_of(ledger))
    directory = keys.keys_dir(ledger.settings.home)
    found = keys.signer(directory, origin)
    assert found is not None
    path = keys.key_path(directory, origin)
    vkey = path.with_suffix(".vkey")
    if not vkey.exists():
        vkey.write_text(found.verifier.text() + "\n", encoding="ascii")
    return PublicKey(found.verifier.text(), path, vkey)
