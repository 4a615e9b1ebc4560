"""A dataset's row as published: the attributes of an imported event that the ledger's own facts
do not hold (UCDP's ids, sides, dyad and conflict, coordinates, precision codes, sources; ACLED's
id, actors, admin levels, notes), kept as the row's columns, in text, so an export can give the
row back as the dataset has it.

One aggregate per distinct row: its id is the incident's key and a digest of the columns, so a
re-import of the same file, or a later release that leaves the row as it was, records nothing,
and a release that changes any column records the row again. The latest recorded row of an
incident is the one an export writes.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id


def row_digest(columns: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(columns, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def published_row_key(incident: str, columns: dict[str, str]) -> str:
    return f"{incident}@{row_digest(columns)[:20]}"


class PublishedRow(LedgerAggregate):
    """An incident as a dataset published it (dataset `ucdp-ged` or `acled`), in the file named."""

    TOPIC = "ledger:PublishedRow"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:PublishedRow.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("published_row", key)

    @event("Recorded", topic="ledger:PublishedRow.Recorded")
    def __init__(
        self,
        key: str,  # <incident key>@<digest of the columns>
        incident_id: uuid.UUID,
        dataset: str,
        file: str,  # the file's name as imported
        sha256: str,  # of the file as published
        line: int,  # where the row starts in that file
        columns: dict[str, str],  # every column of the published layout the row has, as written
        entry: Entry,
    ) -> None:
        self.key = key
        self.incident_id = incident_id
        self.dataset = dataset
        self.columns = columns
