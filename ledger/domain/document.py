"""Archived documents: the text a figure was read from, fixed by its SHA-256."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.values import BODY, HEADLINE, ReportedTime
from ledger.errors import InvalidInput


class Document(LedgerAggregate):
    """An article or statement. Without archived text it is a bare reference (no quote checks)."""

    TOPIC = "ledger:Document"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Document.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("document", key)

    class Archived(Created):
        """A document archived. Version 2 keeps its headline apart from its body text (the SHA-256 is
        of the body, as before); version-1 documents have no headline."""

        TOPIC = "ledger:Document.Archived"
        class_version = 2
        key: str
        sha256: str | None
        text: str | None
        url: str | None
        title: str | None
        publisher_id: uuid.UUID | None
        published: ReportedTime | None
        entry: Entry
        headline: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["headline"] = None

    @event(Archived)
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
        headline: str | None = None,
    ) -> None:
        self.key = key
        self.sha256 = sha256
        self.text = text
        self.url = url
        self.title = title
        self.publisher_id = publisher_id
        self.published = published
        self.headline = headline

    @event("RowsFlagged", topic="ledger:Document.RowsFlagged")
    def flag_rows(self, flags: list[dict[str, Any]], entry: Entry) -> None:
        """What an import of this document (a dataset's release) found about its rows: rows odd in
        the publisher's own terms, recorded as published ({"kind": "odd", "incident", "line", "field",
        "value", "problem"}), and rows that could not be read, left out ({"kind": "left_out", ...})."""
        self.flagged = True

    def locate(self, quote: str, start: int | None = None, part: str | None = None) -> tuple[int, int, str]:
        """Offsets of `quote` in the body (or the headline) and which it was, or a clear error.

        Without `part`, the body is searched first, then the headline."""
        label = self.title or self.url or self.key
        parts = [p for p in ((BODY, self.text), (HEADLINE, self.headline)) if part in (None, p[0])]
        if part not in (None, BODY, HEADLINE):
            raise InvalidInput(f"quote part {part!r}: unknown; use 'body' or 'headline'")
        if all(text is None for _, text in parts):
            what = "a headline" if part == HEADLINE else "archived text"
            raise InvalidInput(f"quote {quote!r}: document {label!r} has no {what}; archive it or omit the quote")
        for name, text in parts:
            if text is None:
                continue
            if start is not None:
                if text[start : start + len(quote)] == quote:
                    return start, start + len(quote), name
                continue
            found = text.find(quote)
            if found >= 0:
                return found, found + len(quote), name
        if start is not None:
            raise InvalidInput(f"quote {quote!r}: not at offset {start} of document {label!r}; omit the offset to search")
        searched = "" if self.headline is None else " (body or headline)"
        where = {HEADLINE: " (its headline)", BODY: " (its body)"}.get(part or "", searched)
        raise InvalidInput(f"quote {quote!r}: not found in document {label!r}{where}; copy the words exactly as archived")
