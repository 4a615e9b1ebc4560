"""A signed checkpoint, kept in the ledger as a fact: the tree's size and root, signed, and who took it why.

Its id is a uuid5 of the origin, size and root, so taking the same checkpoint twice records it once.
"""

from __future__ import annotations

import uuid
from typing import Any

import attrs
from eventsourcing.domain import event
from eventsourcing.persistence import StoredEvent

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.integrity.note import CheckpointText, Note, NoteError

SIGNED_TOPIC = "ledger:Checkpoint.Signed"


def checkpoint_id(origin: str, tree_size: int, root: str) -> uuid.UUID:
    return natural_id("checkpoint", origin, str(tree_size), root)


class Checkpoint(LedgerAggregate):
    TOPIC = "ledger:Checkpoint"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Checkpoint.Created"  # the base of the named creation event

    @staticmethod
    def create_id(origin: str, tree_size: int, root: str, **_: Any) -> uuid.UUID:
        return checkpoint_id(origin, tree_size, root)

    @event("Signed", topic=SIGNED_TOPIC)
    def __init__(
        self,
        origin: str,
        tree_size: int,  # leaves covered: the events at tree indexes 0 .. tree_size-1
        root: str,  # base64, as in the note
        last_position: int,  # the log position of the last event covered
        note: str,  # the C2SP signed note, exactly as signed
        signer: str,  # the verifier key of the signature (for reference only: trust comes from keys held elsewhere)
        reason: str,  # cli, export or reconcile
        vouched_fills: list[list[int]],  # [first, last] log positions of filled leaves this checkpoint vouches for
        compact_range: list[str],  # base64 roots of the perfect subtrees covering the tree: the next checkpoint
        # extends the tree from them (once they give this root) instead of hashing every leaf again
        entry: Entry,
    ) -> None:
        self.origin = origin
        self.tree_size = tree_size
        self.root = root


@attrs.frozen
class RecordedCheckpoint:
    """A checkpoint as the log holds it (its event may have been tampered with: `problem` says how)."""

    position: int  # of its own event
    idx: int  # the tree index of its own event
    note: str
    origin: str | None = None
    size: int | None = None
    root: bytes | None = None
    reason: str = ""
    analyst: str | None = None
    recorded_at: str | None = None
    vouched_fills: tuple[tuple[int, int], ...] = ()
    compact_range: tuple[bytes, ...] = ()
    problem: str | None = None  # why it cannot be read as a checkpoint

    @property
    def body(self) -> CheckpointText | None:
        if self.origin is None or self.size is None or self.root is None:
            return None
        return CheckpointText(self.origin, self.size, self.root)


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def read_recorded(app: Any, position: int, idx: int, stored: StoredEvent) -> RecordedCheckpoint:
    """The checkpoint a stored Checkpoint.Signed event holds; its note must agree with its fields.

    The event may have been edited by hand: whatever cannot be read is said in `problem`, never raised.
    """
    try:
        signed = app.mapper.to_domain_event(stored)
        note_text = str(signed.note)
        body = CheckpointText.parse(Note.parse(note_text).text)
        found = RecordedCheckpoint(
            position=position,
            idx=idx,
            note=note_text,
            origin=body.origin,
            size=body.size,
            root=body.root,
            reason=str(getattr(signed, "reason", "")),
            analyst=getattr(getattr(signed, "entry", None), "analyst", None),
            recorded_at=signed.timestamp.isoformat().replace("+00:00", "Z"),
            vouched_fills=tuple((int(a), int(b)) for a, b in getattr(signed, "vouched_fills", [])),
            compact_range=tuple(_b64(n) for n in getattr(signed, "compact_range", [])),
        )
        agrees = (signed.origin, signed.tree_size, signed.root) == (body.origin, body.size, body.text().split("\n")[2])
    except (NoteError, ValueError, TypeError, KeyError, AttributeError) as error:  # binascii.Error is a ValueError
        return RecordedCheckpoint(position, idx, "", problem=f"unreadable checkpoint ({error})")
    return found if agrees else attrs.evolve(found, problem="its fields disagree with its signed note")
