"""Archived documents: the text a figure was read from, fixed by its SHA-256."""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.values import ReportedTime
from ledger.errors import InvalidInput


class Document(LedgerAggregate):
    """An article or statement. Without archived text it is a bare reference (no quote checks)."""

    TOPIC = "ledger:Document"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Document.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("document", key)

    @event("Archived", topic="ledger:Document.Archived")
    def __init__(
        self,
        key: str,
        sha256: str | None,
        text: str | None,
        url: str | None,
        title: str | None,
        publisher_id: uuid.UUID | None,
        published: ReportedTime | None,
        entry: Entry,
    ) -> None:
        self.key = key
        self.sha256 = sha256
        self.text = text
        self.url = url
        self.title = title
        self.publisher_id = publisher_id
        self.published = published

    def locate(self, quote: str, start: int | None = None) -> tuple[int, int]:
        """Offsets of `quote` in the archived text, or a clear error when it is not there."""
        label = self.title or self.url or self.key
        if self.text is None:
            raise InvalidInput(
                f"quote {quote!r}: document {label!r} has no archived text; archive its text or omit the quote"
            )
        if start is not None:
            if self.text[start : start + len(quote)] != quote:
                raise InvalidInput(
                    f"quote {quote!r}: not at offset {start} of document {label!r}; omit the offset to search"
                )
            return start, start + len(quote)
        found = self.text.find(quote)
        if found < 0:
            raise InvalidInput(
                f"quote {quote!r}: not found in document {label!r}; copy the words exactly as archived"
            )
        return found, found + len(quote)
