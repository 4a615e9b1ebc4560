"""Inclusion proofs in C2SP tlog-proof form (c2sp.org/tlog-proof), for the events behind a figure.

    c2sp.org/tlog-proof@v1
    extra <base64 of the event's leaf input: encoding.py>
    index <the event's tree index>
    <base64 hash>            the inclusion path, from the leaf's sibling up to the root's child
    ...
    <blank line>
    <the signed checkpoint, verbatim>

The extra line carries the event itself, so whoever holds the proof can read what was recorded
(its position, id, version, topic and JSON state) and recompute its leaf hash; the inclusion
path then binds that hash to the root the checkpoint's key signed. Nothing in the proof is
trusted until both the signature and the path verify.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ledger.errors import InvalidInput, NotFound
from ledger.integrity import keys
from ledger.integrity.checkpoints import tree_of
from ledger.integrity.encoding import EncodedEvent, EncodingError, decode, encode
from ledger.integrity.errors import VERIFY_HINT, LogTampered
from ledger.integrity.merkle import ProofError, Tree, hash_leaf, verify_inclusion
from ledger.integrity.note import CheckpointText, Note, NoteError, Verifier

if TYPE_CHECKING:
    from ledger.ledger import Ledger

HEADER = "c2sp.org/tlog-proof@v1"
SUFFIX = ".tlog-proof"


@attrs.frozen
class TlogProof:
    index: int
    path: tuple[bytes, ...]
    checkpoint: str  # the signed note
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.path]
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        head, sep, checkpoint = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines or lines[0] != HEADER:
            raise ProofError(f"not a tlog proof: the first line must be {HEADER!r}, and a blank line precede the checkpoint")
        at, extra = 1, None
        try:
            if len(lines) > at and lines[at].startswith("extra "):
                extra = base64.b64decode(lines[at][6:], validate=True)
                at += 1
            if len(lines) <= at or not lines[at].startswith("index "):
                raise ProofError("tlog proof: no 'index' line")
            number = lines[at][6:]
            if not number.isdigit() or (number != "0" and number.startswith("0")):
                raise ProofError(f"tlog proof: index {number!r} is not a decimal without leading zeroes")
            path = tuple(base64.b64decode(line, validate=True) for line in lines[at + 1 :])
        except binascii.Error:
            raise ProofError("tlog proof: a line is not base64") from None
        return cls(int(number), path, checkpoint, extra)


@attrs.frozen
class Proven:
    """What a verified proof establishes: this event is leaf `index` of the tree the checkpoint signed."""

    event: EncodedEvent
    index: int
    checkpoint: CheckpointText
    signer: Verifier

    def state(self) -> dict[str, Any]:
        try:
            found = json.loads(self.event.state)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


def check(proof: TlogProof, verifiers: list[Verifier]) -> Proven:
    """Verify a proof against the keys trusted here; ProofError, NoteError or EncodingError when it does not hold."""
    if proof.extra is None:
        raise ProofError("tlog proof: no extra line, so there is no event to prove")
    note = Note.parse(proof.checkpoint)
    signer = note.verify(verifiers)[0]
    body = CheckpointText.parse(note.text)
    event = decode(proof.extra)
    verify_inclusion(proof.index, body.size, hash_leaf(proof.extra), proof.path, body.root)
    return Proven(event, proof.index, body, signer)


@attrs.frozen
class WrittenProof:
    position: int
    topic: str
    path: Path


def figure_positions(ledger: Ledger, reference: str) -> tuple[str, list[tuple[int, str]]]:
    """The figure's id and the (position, topic) of every event behind it: its report and later facts, its
    series' opening, and the registrations of its incident, claimant, publisher and document (and their changes)."""
    from ledger.readmodel import queries

    with ledger.reading() as con:
        found = queries.resolve_figure(con, reference)
        row = con.execute(
            "SELECT series_id, incident_id, claimant_id, publisher_id, document_id FROM figures WHERE figure_id = ?",
            [found["figure_id"]],
        ).fetchone()
        assert row is not None
        series_id, *things = row
        rows = con.execute(
            "SELECT position, topic FROM facts WHERE figure_id = $f OR (aggregate_id = $s AND aggregate_version = 1) "
            "OR list_contains($things, aggregate_id) ORDER BY position",
            {"f": found["figure_id"], "s": series_id, "things": [t for t in things if t]},
        ).fetchall()
    return str(found["figure_id"]), [(int(p), str(t)) for p, t in rows]


def prove_figure(
    ledger: Ledger, reference: str, output: Path | None = None, checkpoint: Path | None = None
) -> list[WrittenProof]:
    """Write a tlog proof for each event behind a figure, against `checkpoint` (a signed note file or an
    export manifest holding one) or else the latest checkpoint, taken now if none covers the events."""
    from ledger.integrity.checkpoints import take_checkpoint

    figure_id, positions = figure_positions(ledger, reference)
    if checkpoint is not None:
        note = _note_from(checkpoint)
    else:
        taken = take_checkpoint(ledger, reason="prove")
        if taken is None:
            raise NotFound("event log: empty; there is nothing to prove")
        note = taken.note
    verifiers = keys.trusted(keys.keys_dir(ledger.settings.home))
    try:
        body = CheckpointText.parse(Note.parse(note).text)
        Note.parse(note).verify(verifiers)
    except NoteError as error:
        raise InvalidInput(f"checkpoint {checkpoint}: {error}; give a checkpoint this ledger signed") from None
    tree = tree_of(ledger)
    with tree.reading() as cursor:
        hashes = tree.leaf_hashes(cursor, 0, body.size)
        leaves = {p: tree.leaf_at(cursor, p) for p, _ in positions}
        events = {p: tree.events_between(cursor, p - 1, p + 1, 1) for p, _ in positions}
    stored = Tree(hashes)
    if len(hashes) != body.size or stored.root() != body.root:
        raise LogTampered(
            f"event log: its stored tree no longer has the root of the checkpoint of {body.size} events; {VERIFY_HINT}"
        )
    directory = output or ledger.settings.home / "proofs" / figure_id
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for position, topic in positions:
        leaf, rows = leaves[position], events[position]
        if leaf is None or leaf.idx >= body.size:
            raise InvalidInput(
                f"figure {figure_id}: the event at position {position} is not covered by the checkpoint of {body.size} events; "
                "take a later checkpoint (`ledger checkpoint`) or give one with --checkpoint"
            )
        if not rows or rows[0].position != position or rows[0].leaf_hash() != leaf.hash:
            raise LogTampered(f"event log: position {position} no longer matches the tree written with it; {VERIFY_HINT}")
        event = rows[0]
        extra = encode(event.position, event.originator_id, event.version, event.topic, event.state)
        proof = TlogProof(leaf.idx, tuple(stored.inclusion_proof(leaf.idx, body.size)), note, extra)
        path = directory / f"{position}-{topic.removeprefix('ledger:').replace('.', '-')}{SUFFIX}"
        path.write_text(proof.text(), encoding="utf-8")
        written.append(WrittenProof(position, topic, path))
    (directory / "checkpoint.txt").write_text(note, encoding="utf-8")
    return written


def _note_from(path: Path) -> str:
    """The signed note in a checkpoint file, or in the `checkpoint` of an export manifest."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(
            f"checkpoint {path}: unreadable ({error.strerror}); give a checkpoint file or an export manifest"
        ) from None
    if text.lstrip().startswith("{"):
        try:
            record = json.loads(text)
            return str(record["checkpoint"]["note"])
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(f"manifest {path}: holds no checkpoint; export again to get one") from None
    return text


@attrs.frozen
class ProofCheck:
    path: Path
    ok: bool
    detail: str
    proven: Proven | None = None


def check_file(path: Path, verifiers: list[Verifier]) -> ProofCheck:
    try:
        proof = TlogProof.parse(path.read_text(encoding="utf-8"))
        proven = check(proof, verifiers)
    except OSError as error:
        return ProofCheck(path, False, f"unreadable ({error.strerror})")
    except (ProofError, NoteError, EncodingError, UnicodeDecodeError) as error:
        return ProofCheck(path, False, str(error))
    event = proven.event
    what = f"position {event.position}: {event.topic} of {event.originator_id} version {event.version}"
    return ProofCheck(
        path, True, f"{what}, leaf {proven.index} of {proven.checkpoint.size}, signed by {proven.signer.name}", proven
    )
