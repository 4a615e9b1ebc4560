"""The ledger's own settings, kept as facts: which policy it tallies under when none is named.

A ledger records its configuration with its first fact. A ledger written before configurations
existed has none, and keeps the policy it always used (`default@1`), so it tallies as before.
"""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id

CONFIGURATION_ID = natural_id("configuration", "ledger")


class Configuration(LedgerAggregate):
    TOPIC = "ledger:Configuration"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Configuration.Created"  # the base of the named creation event

    @staticmethod
    def create_id(**_: object) -> uuid.UUID:
        return CONFIGURATION_ID

    @event("Initialised", topic="ledger:Configuration.Initialised")
    def __init__(self, default_policy: str, entry: Entry) -> None:
        self.default_policy = default_policy

    @event("DefaultPolicySet", topic="ledger:Configuration.DefaultPolicySet")
    def set_default_policy(self, default_policy: str, reason: str, entry: Entry) -> None:
        self.default_policy = default_policy
