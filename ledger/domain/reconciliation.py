"""A reconciliation run, kept in the ledger so the audit trail shows every one.

Its id is a uuid5 of the policy and the log position it reconciled, so running again at the same
position records nothing new (opening the same aggregate twice is an integrity error).
"""

from __future__ import annotations

import uuid
from typing import Any

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id

TOPIC_PREFIX = "ledger:Reconciliation"


def reconciliation_id(policy: str, log_position: int) -> uuid.UUID:
    return natural_id("reconciliation", policy, str(log_position))


class Reconciliation(LedgerAggregate):
    TOPIC = "ledger:Reconciliation"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:Reconciliation.Created"  # the base of the named creation event

    @staticmethod
    def create_id(policy: str, log_position: int) -> uuid.UUID:
        return reconciliation_id(policy, log_position)

    @event("Recorded", topic="ledger:Reconciliation.Recorded")
    def __init__(
        self,
        policy: str,
        policy_name: str,
        policy_version: int,
        log_position: int,  # the last evidence event it reconciled (reconciliations themselves excluded)
        readmodel_position: int,  # the read-model position compared for drift (reconciliations included)
        previous_position: int | None,  # log position of the previous reconciliation under this policy
        inputs_digest: str,
        outputs_digest: str,
        severities: dict[str, int],  # findings by severity
        findings: list[list[str]],  # [kind, severity, subject] each; the messages are in the reports
        changes: dict[str, int],  # counts of what changed since the previous reconciliation
        options: dict[str, Any],
        entry: Entry,
    ) -> None:
        self.policy = policy
        self.log_position = log_position
        self.severities = severities
