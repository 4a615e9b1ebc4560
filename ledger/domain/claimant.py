"""Claimants (who made a claim) and publishers (who carried it) are kept apart."""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.domain.vocabulary import ClaimantKind, Role
from ledger.errors import InvalidInput


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

    def correct(
        self,
        reason: str,
        entry: Entry,
        name: str | None = None,
        kind: str | None = None,
        default_roles: dict[str, str] | None = None,
        description: str | None = None,
    ) -> None:
        """An analyst's fix of a mistyped registration: only the fields given change (a grade is `grade`)."""
        changes = {"name": name, "kind": kind, "default_roles": default_roles, "description": description}
        self._corrected(reason=reason.strip(), entry=entry, **_changed(self, "claimant", reason, changes))

    @event("Corrected", topic="ledger:Claimant.Corrected")
    def _corrected(
        self,
        reason: str,
        entry: Entry,
        name: str | None,
        kind: str | None,
        default_roles: dict[str, str] | None,
        description: str | None,
    ) -> None:
        self.name = name or self.name
        self.kind = kind or self.kind
        self.default_roles = self.default_roles if default_roles is None else default_roles
        self.description = self.description if description is None else description

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

    def correct(
        self, reason: str, entry: Entry, name: str | None = None, kind: str | None = None, url: str | None = None
    ) -> None:
        """An analyst's fix of a mistyped registration: only the fields given change."""
        changes = {"name": name, "kind": kind, "url": url}
        self._corrected(reason=reason.strip(), entry=entry, **_changed(self, "publisher", reason, changes))

    @event("Corrected", topic="ledger:Publisher.Corrected")
    def _corrected(self, reason: str, entry: Entry, name: str | None, kind: str | None, url: str | None) -> None:
        self.name = name or self.name
        self.kind = kind or self.kind
        self.url = url or self.url


def _changed(registered: LedgerAggregate, what: str, reason: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Guards of a registration's correction (a reason, something that changes); the fields that change, the
    others None, so the fact names only what was corrected."""
    key = getattr(registered, "key", "?")
    if not reason or not reason.strip():
        raise InvalidInput(f"correction of {what} {key!r}: a reason is required; say what was mistyped with --reason")
    changed = {f: None if v is None or getattr(registered, f) == v else v for f, v in changes.items()}
    if all(v is None for v in changed.values()):
        raise InvalidInput(f"correction of {what} {key!r}: nothing changes; give the corrected values")
    return changed
