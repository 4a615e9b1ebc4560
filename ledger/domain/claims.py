"""From the facts about figures to the claims that stand: corrections applied, withdrawals honoured.

Pure functions: the read model feeds them rows, the tests feed them hand-built facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from ledger.domain.correction import Correction
from ledger.domain.quantity import Quantity


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
    stance: str = "stated"  # how its source puts it (vocabulary.Stance)
    document_id: str | None = None  # the primary carrier's document
    quote_part: str = "body"  # where in that document the quote stands: body or headline
    reported_until: dt.datetime | None = None  # a coarse report's last possible instant (None: reported_at)
    fingerprint: str = ""  # breaks ties between carriers reported at the same instant

    @property
    def public_by(self) -> dt.datetime:
        """The instant by which the claim was certainly public (`--reported-before` compares it)."""
        return self.reported_until or self.reported_at

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
            changes["reported_until"] = correction.reported.until
        if correction.stance is not None:
            changes["stance"] = correction.stance
        if correction.occurred is not None:
            changes["occurred_start"] = correction.occurred.start
            changes["occurred_end"] = correction.occurred.end
        claim = attrs.evolve(claim, **changes)
    return claim


@attrs.frozen
class Carrier:
    """One more source that carried a figure's statement (beyond the one it was first recorded from)."""

    reported_at: dt.datetime
    reported_until: dt.datetime
    fingerprint: str
    document_id: str | None
    quote_part: str
    stance: str


def with_carriers(claim: Claim, carriers: Iterable[Carrier], stance_corrected: bool = False) -> Claim:
    """The claim as its primary carrier gives it: the earliest by reported time (ties: the lower
    fingerprint), whatever order the carriers were entered in. It counts as public from the
    earliest moment any carrier certainly was; a corrected stance stays the analyst's."""
    carriers = list(carriers)
    if not carriers:
        return claim
    earliest = min(carriers, key=lambda c: (c.reported_at, c.fingerprint))
    until = min([claim.public_by, *(c.reported_until for c in carriers)])
    if (claim.reported_at, claim.fingerprint) <= (earliest.reported_at, earliest.fingerprint):
        return attrs.evolve(claim, reported_until=until)
    return attrs.evolve(
        claim,
        reported_at=earliest.reported_at,
        reported_until=until,
        document_id=earliest.document_id,
        quote_part=earliest.quote_part,
        stance=claim.stance if stance_corrected else earliest.stance,
    )


def fold(
    reported: Iterable[Claim],
    corrections: Mapping[str, list[Correction]],
    withdrawn: set[str],
    struck: set[str],
    carriers: Mapping[str, list[Carrier]] | None = None,
) -> list[Claim]:
    """Every figure's current state; struck entries vanish, withdrawn ones stay marked."""
    claims = []
    for claim in reported:
        if claim.figure_id in struck:
            continue
        fixes = corrections.get(claim.figure_id, ())
        claim = apply_corrections(claim, fixes)
        if carriers and claim.figure_id in carriers:
            claim = with_carriers(claim, carriers[claim.figure_id], any(c.stance is not None for c in fixes))
        if claim.figure_id in withdrawn:
            claim = attrs.evolve(claim, withdrawn=True)
        claims.append(claim)
    return claims


def standing_order(claim: Claim) -> tuple[dt.datetime, bool, int]:
    """Later stands: by reported time; at the same time a document's body over its headline; then entry."""
    return (claim.reported_at, claim.quote_part != "headline", claim.position)


def standing(claims: Iterable[Claim]) -> dict[str, Claim | None]:
    """Per claim series, the latest non-withdrawn figure by reported time (None: all withdrawn)."""
    latest: dict[str, Claim | None] = {}
    for claim in sorted(claims, key=standing_order):
        if claim.withdrawn:
            latest.setdefault(claim.series_id, None)
        else:
            latest[claim.series_id] = claim
    return latest
