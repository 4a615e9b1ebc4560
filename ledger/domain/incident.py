"""Incidents: place-and-time episodes, possibly inside a larger one (a campaign)."""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.values import Location, Period
from ledger.errors import InvalidInput


class Incident(LedgerAggregate):
    TOPIC = "ledger:Incident"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Incident.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("incident", key)

    @event("Registered", topic="ledger:Incident.Registered")
    def __init__(
        self,
        key: str,
        name: str,
        parent_id: uuid.UUID | None,
        location: Location,
        period: Period,
        description: str,
        entry: Entry,
    ) -> None:
        self.key = key
        self.name = name
        self.parent_id = parent_id
        self.location = location
        self.period = period
        self.description = description
        self.is_open = True

    def correct(
        self,
        reason: str,
        entry: Entry,
        name: str | None = None,
        parent_id: uuid.UUID | None = None,
        location: Location | None = None,
        period: Period | None = None,
        description: str | None = None,
    ) -> None:
        """An analyst's fix of a mistyped registration: only the fields given change."""
        if not reason.strip():
            raise InvalidInput(f"correction of incident {self.key!r}: a reason is required; say why with --reason")
        changes = {"name": name, "parent_id": parent_id, "location": location, "period": period, "description": description}
        if all(getattr(self, field) == value or value is None for field, value in changes.items()):
            raise InvalidInput(f"correction of incident {self.key!r}: nothing changes; give the corrected values")
        if parent_id == self.id:
            raise InvalidInput(f"correction of incident {self.key!r}: an incident cannot be its own parent")
        self._corrected(reason=reason, entry=entry, **changes)

    @event("Corrected", topic="ledger:Incident.Corrected")
    def _corrected(
        self,
        reason: str,
        entry: Entry,
        name: str | None,
        parent_id: uuid.UUID | None,
        location: Location | None,
        period: Period | None,
        description: str | None,
    ) -> None:
        self.name = name or self.name
        self.parent_id = parent_id or self.parent_id
        self.location = location or self.location
        self.period = period or self.period
        self.description = self.description if description is None else description

    @event("Closed", topic="ledger:Incident.Closed")
    def close(self, reason: str, entry: Entry) -> None:
        self.is_open = False

    @event("Reopened", topic="ledger:Incident.Reopened")
    def reopen(self, reason: str, entry: Entry) -> None:
        self.is_open = True
