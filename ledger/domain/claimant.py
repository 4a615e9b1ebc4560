"""Claimants (who made a claim) and publishers (who carried it) are kept apart."""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.vocabulary import ClaimantKind, Role


class Claimant(LedgerAggregate):
    """A source of claims: a military press wing, a group's spokesman, a hospital, an NGO."""

    TOPIC = "ledger:Claimant"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Claimant.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("claimant", key)

    @event("Registered", topic="ledger:Claimant.Registered")
    def __init__(
        self,
        key: str,
        name: str,
        kind: str,
        default_roles: dict[str, str],
        reliability: str,
        description: str,
        entry: Entry,
    ) -> None:
        self.key = key
        self.name = name
        self.kind = kind
        self.default_roles = default_roles
        self.reliability = reliability
        self.description = description

    @event("Graded", topic="ledger:Claimant.Graded")
    def grade(self, reliability: str, reason: str, entry: Entry) -> None:
        self.reliability = reliability

    @event("DefaultRolesSet", topic="ledger:Claimant.DefaultRolesSet")
    def set_default_roles(self, default_roles: dict[str, str], reason: str, entry: Entry) -> None:
        self.default_roles = default_roles

    def role_for(self, victim_status: str) -> str:
        """The role this claimant usually has for a victim status: sub-status, category, '*', then
        what its kind implies (a medium reports as `media`; a party stays `unknown`)."""
        category = victim_status.partition("/")[0]
        for key in (victim_status, category, "*"):
            if key in self.default_roles:
                return self.default_roles[key]
        try:
            return ClaimantKind(self.kind).default_role.value
        except ValueError:
            return Role.UNKNOWN.value


class Publisher(LedgerAggregate):
    """An outlet that carried claims: ten outlets repeating one statement are still one claim."""

    TOPIC = "ledger:Publisher"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Publisher.Created"  # the base of the named creation event

    @staticmethod
    def create_id(key: str, **_: object) -> uuid.UUID:
        return natural_id("publisher", key)

    @event("Registered", topic="ledger:Publisher.Registered")
    def __init__(self, key: str, name: str, kind: str, url: str | None, entry: Entry) -> None:
        self.key = key
        self.name = name
        self.kind = kind
        self.url = url
