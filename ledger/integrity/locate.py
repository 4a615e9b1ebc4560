"""Where the log and the leaves written with it part, and what kind of change that was.

The log (recomputed) and the stored leaves are walked together in position order. Each position
where they differ is named by what the two sides say was there (an event's originator id and
version, its topic, its hash):

- altered:   the same event, with another content (its state or topic changed) or another id or version;
- missing:   a leaf whose event is gone from the log (a row deleted);
- truncated: the leaves past the log's last event: rows deleted from its end;
- inserted:  an event without a leaf, or one that pushed the written events along;
- reordered: an event written at one position that now sits at another.
"""

from __future__ import annotations

import uuid

import attrs

KINDS = ("altered", "missing", "inserted", "reordered", "truncated")


@attrs.frozen
class Entry:
    """One side's view of a position: the event the log holds there, or the one written there."""

    position: int
    ident: bytes
    version: int | str
    topic: str
    hash: bytes

    @property
    def identity(self) -> tuple[bytes, str]:
        return self.ident, str(self.version)

    def describe(self) -> str:
        try:
            ident = str(uuid.UUID(bytes=self.ident)) if len(self.ident) == 16 else self.ident.decode("utf-8", "replace")
        except ValueError:
            ident = self.ident.hex()
        return f"{self.topic.removeprefix('ledger:')} of {ident} version {self.version}"


@attrs.frozen
class Difference:
    kind: str
    position: int | None  # the first log position concerned (None: not tied to one)
    message: str
    last: int | None = None  # the last position of a run of the same kind

    def span(self) -> str:
        if self.position is None:
            return ""
        return str(self.position) if self.last in (None, self.position) else f"{self.position}-{self.last}"


Pair = tuple[int, Entry | None, Entry | None]  # a position, what the log holds there, what was written there


def classify(mismatches: list[Pair], log_end: int, tree_end: int) -> list[Difference]:
    """Name each position where the sides differ; consecutive ones of one kind are one difference.

    `log_end` and `tree_end` are the last positions the log and the leaves hold.
    """
    stored_at = {s.identity: p for p, _, s in mismatches if s is not None}
    log_at = {lg.identity: p for p, lg, _ in mismatches if lg is not None}
    named: list[Difference] = []
    truncated = [p for p, lg, s in mismatches if lg is None and s is not None and p > log_end and s.identity not in log_at]
    for position, log, stored in mismatches:
        if truncated and position >= truncated[0] and log is None:
            continue
        named.append(_name(position, log, stored, stored_at, log_at, tree_end))
    if truncated:
        count = len(truncated)
        named.append(
            Difference(
                "truncated",
                truncated[0],
                f"the log ends at position {log_end}: the {count} events written after it are gone "
                f"(rows deleted from its end; the first was {_stored(mismatches, truncated[0])})",
                truncated[-1],
            )
        )
    return _runs(sorted(named, key=lambda d: d.position or 0))


def _stored(mismatches: list[Pair], position: int) -> str:
    return next(s.describe() for p, _, s in mismatches if p == position and s is not None)


def _name(
    position: int,
    log: Entry | None,
    stored: Entry | None,
    stored_at: dict[tuple[bytes, str], int],
    log_at: dict[tuple[bytes, str], int],
    tree_end: int,
) -> Difference:
    if log is not None and stored is not None:
        if log.identity == stored.identity:
            what = (
                f"its topic changed from {stored.topic} to {log.topic}"
                if log.topic != stored.topic
                else "its content differs from what was written"
            )
            return Difference("altered", position, f"{log.describe()}: {what}")
        moved_from = stored_at.get(log.identity)
        if moved_from is not None and moved_from != position:
            return Difference("reordered", position, f"holds {log.describe()}, written at position {moved_from}")
        moved_to = log_at.get(stored.identity)
        if moved_to is not None and moved_to > position:
            return Difference(
                "inserted",
                position,
                f"holds {log.describe()}, never written through the ledger; what was written here is now at {moved_to}",
            )
        return Difference("altered", position, f"{stored.describe()} now reads as {log.describe()}: its id or version changed")
    if log is not None:
        moved_from = stored_at.get(log.identity)
        if moved_from is not None:
            return Difference("reordered", position, f"holds {log.describe()}, written at position {moved_from}")
        if position > tree_end:
            return Difference(
                "inserted",
                position,
                f"{log.describe()} has no tree leaf: written by an older ledger, or inserted outside the ledger",
            )
        return Difference("inserted", position, f"{log.describe()} was never written through the ledger")
    assert stored is not None
    moved_to = log_at.get(stored.identity)
    if moved_to is not None:
        return Difference("reordered", position, f"{stored.describe()}, written here, now sits at position {moved_to}")
    return Difference("missing", position, f"{stored.describe()}, written here, is gone from the log (its row was deleted)")


def _runs(differences: list[Difference]) -> list[Difference]:
    """Differences of one kind at adjacent positions as one, so a shifted tail reads as one line, not thousands."""
    merged: list[Difference] = []
    count = 0
    for difference in differences:
        previous = merged[-1] if merged else None
        adjacent = previous is not None and (difference.position or 0) - (previous.last or previous.position or 0) <= 1
        if previous is not None and adjacent and previous.kind == difference.kind and difference.kind != "truncated":
            count += 1
            last = difference.last or difference.position
            first_message = previous.message.split(" (and ", 1)[0]
            merged[-1] = attrs.evolve(previous, last=last, message=f"{first_message} (and {count} more through position {last})")
        else:
            count = 0
            merged.append(difference)
    return merged
