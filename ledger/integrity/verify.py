"""`ledger verify`: recompute the tree from the log and check it against everything that vouches for it.

One pass over the log, beside the stored leaves, in position order:

- each event's leaf, recomputed from the row as it now is, against the leaf written with it
  (locate.py names where and how they differ);
- the tree at every recorded checkpoint's size against the root that checkpoint signed, and each
  checkpoint's signature against the keys trusted here (LEDGER_KEYS, or HOME/keys, and --key);
- every archived document's text against the SHA-256 its event recorded;
- leaves filled from the log (events written without them) against the checkpoints that vouch;
- then, when the tree is intact, every reconciliation's inputs digest, re-derived (digests.py);
- with `since`, what an outside auditor does: the checkpoint they kept must be consistent with
  the ledger's latest (an RFC 9162 consistency proof), or the history before it was rewritten.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ledger.domain.ids import sha256_text
from ledger.integrity import keys
from ledger.integrity.checkpoint import SIGNED_TOPIC, RecordedCheckpoint, read_recorded
from ledger.integrity.checkpoints import ORIGIN_PREFIX, recorded_checkpoints, stored_event, tree_of, trust
from ledger.integrity.digests import Certified, rederive
from ledger.integrity.encoding import id_bytes, leaf_hash
from ledger.integrity.leaves import PAGE, Fill, RawEvent, TreeStore
from ledger.integrity.locate import KINDS, Difference, Entry, Pair, classify
from ledger.integrity.merkle import CompactRange, ProofError, Tree, verify_consistency
from ledger.integrity.note import CheckpointText, Note, NoteError, Verifier

if TYPE_CHECKING:
    from ledger.ledger import Ledger

DOCUMENT_TOPIC = "ledger:Document.Archived"
RECONCILIATION_TOPIC = "ledger:Reconciliation.Recorded"
MAX_MISMATCHES = 100_000  # positions kept to name; beyond them, only counted
NOTED = frozenset((SIGNED_TOPIC, DOCUMENT_TOPIC, RECONCILIATION_TOPIC))  # events whose content verify reads


@attrs.frozen
class Check:
    name: str
    ok: bool
    detail: str


@attrs.frozen
class VerifyReport:
    events: int
    size: int  # leaves in the stored tree
    root: str  # base64 root of the tree recomputed from the log
    checks: list[Check]
    differences: list[Difference]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def first(self) -> Difference | None:
        placed = [d for d in self.differences if d.position is not None]
        return min(placed, key=lambda d: d.position or 0) if placed else (self.differences[0] if self.differences else None)

    def verdict(self) -> str:
        first = self.first
        if first is None:
            return f"event log intact: {self.events} events, tree root {self.root}"
        more = f" (and {len(self.differences) - 1} more differences)" if len(self.differences) > 1 else ""
        where = f"position {first.position}" if first.position is not None else first.kind
        return f"event log changed: first at {where}, {first.kind}: {first.message}{more}"


class _Pass:
    """What one walk over the log and the leaves gathers."""

    def __init__(self, app: Any, tree: TreeStore, sizes: set[int], bound: int) -> None:
        self.app, self.tree, self.sizes, self.bound = app, tree, sizes, bound
        self.log_roots: dict[int, bytes] = {}
        self.covered: dict[int, int] = {}  # tree size -> the log position of its last event
        self.stored_roots: dict[int, bytes] = {}
        self.log_tree, self.stored_tree = CompactRange(), CompactRange()
        self.mismatches: list[Pair] = []
        self.more_mismatches = 0
        self.matching = 0
        self.log_end = self.tree_end = 0
        self.checkpoints: list[RecordedCheckpoint] = []
        self.documents: list[tuple[int, str, bool]] = []  # position, key, text matches its sha256
        self.certified: list[Certified] = []
        self.leaf_order: list[str] = []

    def log_rows(self) -> Iterator[tuple[Any, ...]]:
        """(position, id, version, topic, state, leaf hash) of every event, in log order; roots taken on the way."""
        after, sizes, tree = 0, self.sizes, self.log_tree
        with self.tree.reading() as cursor:
            while rows := self.tree.event_rows(cursor, after, self.bound + 1, PAGE):
                for position, ident, version, topic, state in rows:
                    digest = leaf_hash(position, ident, version, topic, state)
                    if tree.size in sizes:
                        self.log_roots[tree.size] = tree.root()
                    tree.append(digest)
                    if tree.size in sizes:
                        self.covered[tree.size] = position
                    if topic in NOTED:
                        self._note(RawEvent(position, ident, version, topic, state))
                    yield position, ident, version, topic, state, digest
                after = self.log_end = rows[-1][0]
        if tree.size in sizes:
            self.log_roots[tree.size] = tree.root()

    def leaf_rows(self) -> Iterator[tuple[Any, ...]]:
        """(idx, position, id, version, topic, hash) of every stored leaf, in position order."""
        after, sizes, tree = 0, self.sizes, self.stored_tree
        with self.tree.reading() as cursor:
            while rows := self.tree.leaf_rows(cursor, after, self.bound, PAGE):
                for row in rows:
                    if row[0] != tree.size and len(self.leaf_order) < 5:
                        self.leaf_order.append(f"leaf {row[0]} at position {row[1]} (expected {tree.size})")
                    if tree.size in sizes:
                        self.stored_roots[tree.size] = tree.root()
                    tree.append(row[5])
                    yield row
                after = self.tree_end = rows[-1][1]
        if tree.size in sizes:
            self.stored_roots[tree.size] = tree.root()

    def run(self) -> None:
        """Walk the log and the leaves together by position; only where they differ is anything kept."""
        log, leaves = self.log_rows(), self.leaf_rows()
        a, b = next(log, None), next(leaves, None)
        while a is not None or b is not None:
            if b is None or (a is not None and a[0] < b[1]):
                self._differ(a, None)
                a = next(log, None)
            elif a is None or b[1] < a[0]:
                self._differ(None, b)
                b = next(leaves, None)
            else:
                if a[5] == b[5]:
                    self.matching += 1
                else:
                    self._differ(a, b)
                a, b = next(log, None), next(leaves, None)

    def _differ(self, log: tuple[Any, ...] | None, leaf: tuple[Any, ...] | None) -> None:
        if len(self.mismatches) >= MAX_MISMATCHES:
            self.more_mismatches += 1
            return
        seen = Entry(log[0], id_bytes(log[1])[0], log[2], str(log[3]), log[5]) if log is not None else None
        written = Entry(leaf[1], bytes(leaf[2]), leaf[3], str(leaf[4]), bytes(leaf[5])) if leaf is not None else None
        position = seen.position if seen is not None else written.position  # type: ignore[union-attr]
        self.mismatches.append((position, seen, written))

    def _note(self, event: Any) -> None:
        if event.topic == SIGNED_TOPIC:
            self.checkpoints.append(
                read_recorded(self.app, event.position, self.log_tree.size - 1, stored_event(self.app, event))
            )
            return
        try:
            state = json.loads(event.state)
        except (ValueError, TypeError):
            return  # unreadable: the tree says what happened to it
        if not isinstance(state, dict):
            return
        if event.topic == DOCUMENT_TOPIC and isinstance(state.get("text"), str):
            self.documents.append((event.position, str(state.get("key")), sha256_text(state["text"]) == state.get("sha256")))
        elif event.topic == RECONCILIATION_TOPIC:
            try:
                self.certified.append(
                    Certified(event.position, int(state["readmodel_position"]), str(state["policy"]), str(state["inputs_digest"]))
                )
            except (KeyError, TypeError, ValueError):
                return


def verify(
    ledger: Ledger, since: Path | None = None, extra_keys: tuple[str | Path, ...] = (), digests: bool = True
) -> VerifyReport:
    """Check the log (see the module's docstring); the report lists every difference found, first one first."""
    tree = tree_of(ledger)
    verifiers = keys.trusted(keys.keys_dir(ledger.settings.home), extra_keys)
    with tree.reading() as cursor:
        row = tree.run(cursor, "SELECT (SELECT max({position}) FROM {events}), (SELECT max(position) FROM {leaves})")
        fills = tree.fills(cursor)
        log_id = tree.log_id(cursor)
    bound = max(row[0][0] or 0, row[0][1] or 0)
    sizes = {c.size for c in recorded_checkpoints(ledger.app, tree) if c.size is not None}
    held = _held_checkpoint(since, verifiers) if since is not None else None
    if isinstance(held, CheckpointText):
        sizes.add(held.size)
    walk = _Pass(ledger.app, tree, sizes, bound)
    walk.run()
    extra = {c.size for c in walk.checkpoints if c.size is not None} - sizes
    if extra:  # checkpoints the leaves did not list (their leaves were tampered with): walk again for their sizes
        walk = _Pass(ledger.app, tree, sizes | extra, bound)
        walk.run()

    differences = classify(walk.mismatches, walk.log_end, walk.tree_end)
    checks: list[Check] = []
    notes: list[str] = []
    if walk.more_mismatches:
        notes.append(f"{walk.more_mismatches} more positions differ beyond the first {MAX_MISMATCHES} named")
    if walk.leaf_order:
        differences.append(Difference("leaves", None, f"the stored leaves are out of order: {'; '.join(walk.leaf_order)}"))
    events = walk.log_tree.size
    checks.append(Check("leaves", not walk.mismatches, f"{walk.matching} of {events} events match the leaves written with them"))

    differences += _checkpoints(walk, verifiers, differences, checks, ORIGIN_PREFIX + (log_id or "?"))
    differences += _fills(walk, fills, verifiers, notes)
    bad_documents = [(p, k) for p, k, ok in walk.documents if not ok]
    checks.append(
        Check(
            "documents",
            not bad_documents,
            f"{len(walk.documents) - len(bad_documents)} of {len(walk.documents)} archived texts match their SHA-256",
        )
    )
    differences += [
        Difference("document", p, f"document {k!r}: its archived text no longer has the SHA-256 its event recorded")
        for p, k in bad_documents
    ]
    if held is not None:
        differences += _since(tree, walk, since, held, verifiers, checks)
    tampered = any(d.kind != "digest" for d in differences)
    differences += _digests(ledger, walk, digests and not tampered, checks)
    differences.sort(key=lambda d: (d.position is None, d.position or 0))
    root = base64.b64encode(walk.log_tree.root()).decode()
    return VerifyReport(events, walk.stored_tree.size, root, checks, differences, notes)


def _checkpoints(
    walk: _Pass, verifiers: list[Verifier], located: list[Difference], checks: list[Check], origin: str
) -> list[Difference]:
    differences = []
    good = 0
    first_moved = min((d.position for d in located if d.position is not None), default=None)
    matching_sizes = []
    for checkpoint in walk.checkpoints:
        status, detail = trust(checkpoint, verifiers)
        where = f"checkpoint at position {checkpoint.position}"
        if status != "valid":
            what = {"forged": "its signature does not verify", "unknown": "it is signed by no key trusted here"}.get(status, "")
            fix = "; add the signer's .vkey to the keys directory if you trust it" if status == "unknown" else ""
            differences.append(Difference("checkpoint", checkpoint.position, f"{where}: {what or detail} ({detail}){fix}"))
            continue
        size, root = checkpoint.size or 0, checkpoint.root
        if checkpoint.origin != origin:
            differences.append(
                Difference("checkpoint", checkpoint.position, f"{where}: signed for another log ({checkpoint.origin})")
            )
            continue
        log_root, stored_root = walk.log_roots.get(size), walk.stored_roots.get(size)
        if log_root == root:
            good += 1
            matching_sizes.append(size)
            if stored_root != root:
                _blame_leaves(located, walk.covered.get(size, 0), where)
            continue
        if first_moved is not None and first_moved < checkpoint.position:
            continue  # the located differences say why the log no longer has this root
        if log_root is None:
            text = f"{where}: signed {size} events, the log now holds {walk.log_tree.size}"
            differences.append(Difference("truncated", None, text))
        else:
            # The log and its leaves agree, yet the root is not the signed one: both were rewritten.
            below = max((s for s in matching_sizes if s < size), default=0)
            after = f"after log position {walk.covered[below]}" if below else "from the start of the log"
            differences.append(
                Difference(
                    "rewritten",
                    None,
                    f"{where} signed {size} events whose tree the log no longer has, though the log and its leaves agree: "
                    f"both were rewritten, somewhere among its last {size - below} events ({after})",
                )
            )
    total = len(walk.checkpoints)
    checks.append(Check("checkpoints", good == total, f"{good} of {total} checkpoints signed by a trusted key match the log"))
    return differences


def _blame_leaves(located: list[Difference], covered: int, where: str) -> None:
    """The log up to `covered` still has the root a trusted checkpoint signed: what differs there is the leaf table."""
    for i, difference in enumerate(located):
        if difference.position is not None and difference.position <= covered and difference.kind in KINDS:
            message = f"the stored leaf was altered, not the event: the log still has the root {where} signed"
            located[i] = attrs.evolve(difference, kind="leaves", message=message)


def _fills(walk: _Pass, fills: list[Fill], verifiers: list[Verifier], notes: list[str]) -> list[Difference]:
    vouching = [c for c in walk.checkpoints if trust(c, verifiers)[0] == "valid"]
    differences = []
    for fill in fills:
        cover = next((c for c in vouching if (c.size or 0) > fill.last_idx), None)
        span = f"positions {fill.first_position}-{fill.last_position}"
        if fill.adopted:
            since = f"vouched for from the checkpoint at position {cover.position}" if cover else "no checkpoint covers them yet"
            notes.append(f"{span} predate the tree (given leaves from the log at {fill.filled_at}); {since}")
        elif cover is not None:
            vouched = f"vouched for by the checkpoint at position {cover.position}"
            notes.append(f"{span} were given leaves from the log at {fill.filled_at}; {vouched}")
        else:
            differences.append(
                Difference(
                    "inserted",
                    fill.first_position,
                    f"written without tree leaves (given leaves from the log at {fill.filled_at}): by an older ledger, or "
                    "inserted outside the ledger; if genuine, `ledger checkpoint --accept-filled` vouches for them",
                    fill.last_position,
                )
            )
    return differences


def _held_checkpoint(path: Path, verifiers: list[Verifier]) -> CheckpointText | Difference:
    try:
        note = Note.parse(path.read_bytes())
        note.verify(verifiers)
        return CheckpointText.parse(note.text)
    except OSError as error:
        return Difference("checkpoint", None, f"checkpoint file {path}: unreadable ({error.strerror})")
    except NoteError as error:
        return Difference("checkpoint", None, f"checkpoint file {path}: {error}")


def _since(
    tree: TreeStore,
    walk: _Pass,
    path: Path | None,
    held: CheckpointText | Difference,
    verifiers: list[Verifier],
    checks: list[Check],
) -> list[Difference]:
    """The auditor's check: the checkpoint they kept, against the ledger's latest, by a consistency proof."""
    if isinstance(held, Difference):
        checks.append(Check("since", False, held.message))
        return [held]
    valid = [c for c in walk.checkpoints if trust(c, verifiers)[0] == "valid" and (c.size or 0) >= held.size]
    head = max(valid, key=lambda c: c.size or 0, default=None)
    if head is None:
        size, root = walk.stored_tree.size, walk.stored_tree.root()
        against = f"the ledger's current tree ({size} events, no later checkpoint)"
    else:
        size, root = head.size or 0, head.root or b""
        against = f"the checkpoint at position {head.position} ({size} events)"
    if size < held.size:
        message = f"checkpoint file {path} signed {held.size} events; the ledger's tree now has {size}: events were deleted"
        checks.append(Check("since", False, message))
        return [Difference("truncated", None, message)]
    try:
        if held.size:
            with tree.reading() as cursor:
                leaves = tree.leaf_hashes(cursor, 0, size)
            verify_consistency(held.size, size, held.root, root, Tree(leaves).consistency_proof(held.size, size))
        elif held.root != CompactRange().root():
            raise ProofError("an empty tree with a root other than the empty tree's")
    except ProofError as error:
        message = (
            f"checkpoint file {path} ({held.size} events) is not consistent with {against}: the history it signed "
            f"was rewritten ({error})"
        )
        checks.append(Check("since", False, message))
        return [Difference("rewritten", None, message)]
    checks.append(Check("since", True, f"checkpoint file {path} ({held.size} events) is consistent with {against}"))
    return []


def _digests(ledger: Ledger, walk: _Pass, run: bool, checks: list[Check]) -> list[Difference]:
    if not walk.certified:
        checks.append(Check("reconciliation digests", True, "no reconciliation recorded"))
        return []
    if not run:
        checks.append(Check("reconciliation digests", True, f"{len(walk.certified)} not re-derived (skipped)"))
        return []
    results = rederive(ledger, walk.certified)
    bad = [r for r in results if not r.same]
    checks.append(
        Check(
            "reconciliation digests",
            not bad,
            f"{len(results) - len(bad)} of {len(results)} inputs digests re-derived from the log",
        )
    )
    return [
        Difference(
            "digest",
            r.certified.position,
            f"the reconciliation under {r.certified.policy} certified evidence whose digest the log no longer gives "
            f"(re-derived to position {r.certified.readmodel_position}); the log matches its tree, so the derivation "
            "changed (a newer read-model schema or projection): run `ledger reconcile` to certify it as derived now",
        )
        for r in bad
    ]
