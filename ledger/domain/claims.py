"""From the facts about figures to the claims that stand: corrections applied, withdrawals honoured.

Pure functions: the read model feeds them rows, the tests feed them hand-built facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ledger.domain.quantity import Quantity
from ledger.domain.series import Correction


@attrs.frozen
class Claim:
    """A figure as it stands after corrections: one claimant's number for one cell."""

    figure_id: str
    series_id: str
    incident_id: str
    claimant_id: str
    victim_status: str
    outcome: str
    role: str
    quantity: Quantity
    reported_at: dt.datetime
    position: int  # the event-log position of the report: breaks ties in reported time
    withdrawn: bool = False
    corrected: bool = False
    occurred_start: dt.date | None = None  # the figure's own period, else its incident's
    occurred_end: dt.date | None = None

    def occurred_within(self, start: dt.date | None, end: dt.date | None) -> bool:
        """Whether the casualties' period overlaps [start, end] (open ends match anything)."""
        if start is not None and self.occurred_end is not None and self.occurred_end < start:
            return False
        return not (end is not None and self.occurred_start is not None and self.occurred_start > end)


def apply_corrections(claim: Claim, corrections: Iterable[Correction]) -> Claim:
    """Corrections replace the fields they name, in the order they were recorded."""
    for correction in corrections:
        changes: dict[str, object] = {"corrected": True}
        if correction.quantity is not None:
            changes["quantity"] = correction.quantity
        if correction.role is not None:
            changes["role"] = correction.role
        if correction.reported is not None:
            changes["reported_at"] = correction.reported.at
        if correction.occurred is not None:
            changes["occurred_start"] = correction.occurred.start
            changes["occurred_end"] = correction.occurred.end
        claim = attrs.evolve(claim, **changes)
    return claim


def fold(
    reported: Iterable[Claim],
    corrections: Mapping[str, list[Correction]],
    withdrawn: set[str],
    struck: set[str],
) -> list[Claim]:
    """Every figure's current state; struck entries vanish, withdrawn ones stay marked."""
    claims = []
    for claim in reported:
        if claim.figure_id in struck:
            continue
        claim = apply_corrections(claim, corrections.get(claim.figure_id, ()))
        if claim.figure_id in withdrawn:
            claim = attrs.evolve(claim, withdrawn=True)
        claims.append(claim)
    return claims


def standing(claims: Iterable[Claim]) -> dict[str, Claim | None]:
    """Per claim series, the latest non-withdrawn figure by reported time (None: all withdrawn)."""
    latest: dict[str, Claim | None] = {}
    for claim in sorted(claims, key=lambda c: (c.reported_at, c.position)):
        if claim.withdrawn:
            latest.setdefault(claim.series_id, None)
        else:
            latest[claim.series_id] = claim
    return latest
