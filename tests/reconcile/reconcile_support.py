"""Shared by the reconciliation tests: a credible second and third claimant, and a dry run that returns findings."""

from __future__ import annotations

import datetime as dt

from conftest import World

from ledger.domain.policy import Policy
from ledger.ledger import Ledger
from ledger.reconcile.findings import Finding
from ledger.reconcile.run import Options, Result, reconcile

RESIDENTS = "nushki-residents"
PROVINCE = "balochistan-government"


def add_claimants(world: World) -> None:
    """Residents of Nushki (grade C) and the provincial government (an official source, grade B)."""
    app, entry = world.ledger.app, world.ledger.entry("test")
    app.register_claimant(RESIDENTS, "Residents of Nushki", "residents", {"*": "residents"}, "C", entry)
    app.register_claimant(PROVINCE, "Government of Balochistan", "government", {"*": "official"}, "B", entry)


def run(ledger: Ledger, policy: Policy | None = None, stale_days: int = 3650, record: bool = False) -> Result:
    """One reconciliation (under the ledger's default policy unless one is given); by default a dry run
    with a stale period long enough to stay quiet."""
    return reconcile(ledger, Options(policy, dt.timedelta(days=stale_days), lock_wait=5, record=record))


def kinds(result: Result) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in result.findings:
        found.setdefault(finding.kind, []).append(finding)
    return found
