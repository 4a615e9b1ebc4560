"""Incidents: place-and-time episodes, possibly inside a larger one (a campaign)."""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.values import Location, Period


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

    @event("Closed", topic="ledger:Incident.Closed")
    def close(self, reason: str, entry: Entry) -> None:
        self.is_open = False

    @event("Reopened", topic="ledger:Incident.Reopened")
    def reopen(self, reason: str, entry: Entry) -> None:
        self.is_open = True
