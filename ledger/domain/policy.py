"""Tally policies: named, versioned data. A policy never changes once published; add a version."""

from __future__ import annotations

import attrs

from ledger.domain.quantity import DEFAULT_VAGUE_TABLE, VagueTable
from ledger.errors import NotFound


@attrs.frozen
class Policy:
    name: str
    version: int
    description: str
    vague_table: VagueTable = DEFAULT_VAGUE_TABLE
    # Two claims agree when their bounds, widened by this fraction, overlap.
    tolerance: float = 0.2
    # Roles whose claims the policy leaves out of tallies entirely.
    excluded_roles: frozenset[str] = frozenset()
    # Reliability grades whose claims are not credible (kept in the output, not counted).
    not_credible: frozenset[str] = frozenset({"E"})

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


DEFAULT_POLICY = Policy(
    name="default",
    version=1,
    description=(
        "Standing figure per claim series is the latest non-withdrawn by reported time; per cell, "
        "low = lowest credible low, high = highest credible bound, best = most reliable claimant's "
        "figure (lower on a tie); parents take the larger of their own claims and their parts' sum."
    ),
)

POLICIES: dict[str, Policy] = {DEFAULT_POLICY.label: DEFAULT_POLICY}


def get_policy(name: str) -> Policy:
    """A policy by 'name' (its latest version) or 'name@version'."""
    if name in POLICIES:
        return POLICIES[name]
    versions = [p for p in POLICIES.values() if p.name == name]
    if not versions:
        known = ", ".join(sorted(POLICIES))
        raise NotFound(f"policy {name!r}: unknown; use one of {known}")
    return max(versions, key=lambda p: p.version)
