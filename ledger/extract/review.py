"""The review queue as facts: each proposed figure is an aggregate whose events say who proposed,
edited, accepted or rejected it, when, and what changed; each extraction run is one too.

Ids are uuid5 of natural keys: a proposal is its document and the place of its number in the
text, so extracting a document again proposes nothing already proposed, accepted or rejected.
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.errors import Conflict, InvalidInput

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


def proposal_id(document_id: uuid.UUID, part: str, start: int, end: int) -> uuid.UUID:
    return natural_id("proposal", str(document_id), part, str(start), str(end))


def extraction_id(document_id: uuid.UUID, extractor: str) -> uuid.UUID:
    return natural_id("extraction", str(document_id), extractor)


class Extraction(LedgerAggregate):
    """One extractor's reading of one document: what it proposed and the sentences it left unread."""

    TOPIC = "ledger:Extraction"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Extraction.Created"  # the base of the named creation event

    @staticmethod
    def create_id(document_id: uuid.UUID, extractor: str, **_: Any) -> uuid.UUID:
        return extraction_id(document_id, extractor)

    @event("Ran", topic="ledger:Extraction.Ran")
    def __init__(
        self,
        document_id: uuid.UUID,
        extractor: str,  # name@version of the rules
        proposal_ids: list[str],  # every proposal this reading gave, new or already in the queue
        unread: list[dict[str, Any]],  # sentences it could not read confidently, with why
        entry: Entry,
    ) -> None:
        self.document_id = document_id
        self.extractor = extractor
        self.unread = unread


class Proposal(LedgerAggregate):
    """A figure the extractor read from a document, waiting for the analyst's review."""

    TOPIC = "ledger:Proposal"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Proposal.Created"  # the base of the named creation event

    @staticmethod
    def create_id(document_id: uuid.UUID, proposed: dict[str, Any], **_: Any) -> uuid.UUID:
        return proposal_id(document_id, proposed["part"], proposed["quantity_start"], proposed["quantity_end"])

    @event("Proposed", topic="ledger:Proposal.Proposed")
    def __init__(self, document_id: uuid.UUID, extractor: str, proposed: dict[str, Any], entry: Entry) -> None:
        self.document_id = document_id
        self.extractor = extractor
        self.proposed = proposed
        self.state = PENDING
        self.figure_id: uuid.UUID | None = None

    # Commands: guards first, then the event.

    def edit(self, changes: dict[str, list[Any]], proposed: dict[str, Any], reason: str, entry: Entry) -> None:
        self.require_pending("edit")
        if not changes:
            raise InvalidInput(f"proposal {self.short}: nothing to change; give the new value of a field")
        self._edited(changes, proposed, reason.strip(), entry)

    def accept(self, figure_id: uuid.UUID, part_ids: list[str], recorded: str, entry: Entry) -> None:
        self.require_pending("accept")
        self._accepted(figure_id, part_ids, recorded, entry)

    def reject(self, reason: str, entry: Entry) -> None:
        self.require_pending("reject")
        if not reason.strip():
            raise InvalidInput(f"proposal {self.short}: a reason is required to reject it; say why with --reason")
        self._rejected(reason.strip(), entry)

    @property
    def short(self) -> str:
        return str(self.id)[:8]

    def require_pending(self, verb: str) -> None:
        if self.state == ACCEPTED:
            raise Conflict(
                f"proposal {self.short}: already accepted as figure {self.figure_id}; cannot {verb} it "
                "(fix the figure itself with `ledger figure correct` or `ledger figure strike`)"
            )
        if self.state == REJECTED:
            raise Conflict(
                f"proposal {self.short}: already rejected; cannot {verb} it (record the figure with `ledger figure add`)"
            )

    # Events: past-tense facts.

    @event("Edited", topic="ledger:Proposal.Edited")
    def _edited(self, changes: dict[str, list[Any]], proposed: dict[str, Any], reason: str, entry: Entry) -> None:
        """The analyst changed fields before accepting: each field's [before, after], and the whole figure after."""
        self.proposed = proposed

    @event("Accepted", topic="ledger:Proposal.Accepted")
    def _accepted(self, figure_id: uuid.UUID, part_ids: list[str], recorded: str, entry: Entry) -> None:
        """Recorded as a figure (with its parts): `recorded` says whether the figure was new, one more
        carrier of a statement already there, or already in the ledger."""
        self.state = ACCEPTED
        self.figure_id = figure_id

    @event("Rejected", topic="ledger:Proposal.Rejected")
    def _rejected(self, reason: str, entry: Entry) -> None:
        self.state = REJECTED
