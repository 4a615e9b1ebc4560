"""Tallies: claims weighed into low / best / high and a grade per cell, then rolled up.

A cell is incident x victim status x outcome. Sub-statuses roll up into their category within
an incident; then incidents roll up into their parents. At each step, for each bound, a parent
takes the larger of its own claims and the sum of its parts, never both added.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs

from ledger.domain.claims import Claim, standing
from ledger.domain.policy import BestRule, Policy
from ledger.domain.vocabulary import Grade, Reliability, Role, status_parent

CellKey = tuple[str, str, str]  # incident_id, victim_status, outcome


@attrs.frozen
class Bounds:
    """Low, best, high; high None means open. Sums add like to like, and open stays open."""

    low: int
    best: int
    high: int | None

    def __add__(self, other: Bounds) -> Bounds:
        high = None if self.high is None or other.high is None else self.high + other.high
        return Bounds(self.low + other.low, self.best + other.best, high)

    def larger(self, other: Bounds) -> Bounds:
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        return Bounds(max(self.low, other.low), max(self.best, other.best), high)


def sum_bounds(parts: Iterable[Bounds | None]) -> Bounds | None:
    total: Bounds | None = None
    for part in parts:
        if part is not None:
            total = part if total is None else total + part
    return total


@attrs.frozen
class Cell:
    incident_id: str
    victim_status: str
    outcome: str
    bounds: Bounds | None  # None: nothing quantified
    grade: Grade
    basis: str  # "claims", "parts", or "claims+parts"
    claims: tuple[Claim, ...] = ()  # the standing claims of this exact cell
    set_aside: tuple[Claim, ...] = ()  # claims present but not counted (withdrawn, excluded, not credible)
    parts: tuple[CellKey, ...] = ()  # the cells rolled into this one

    @property
    def key(self) -> CellKey:
        return (self.incident_id, self.victim_status, self.outcome)


def claim_bounds(claim: Claim, policy: Policy) -> Bounds | None:
    quantity = claim.quantity.under(policy.vague_table)
    if not quantity.is_quantified:
        return None
    assert quantity.low is not None and quantity.best is not None
    return Bounds(quantity.low, quantity.best, quantity.high)


def _agree(a: Bounds, b: Bounds, tolerance: float) -> bool:
    """Two claims agree when their bounds, widened by the tolerance, overlap.

    Exact arithmetic: in floats 3 * 0.8 > 2 * 1.2, so bounds that just touch would count as disagreeing.
    """
    t = Fraction(str(tolerance))  # the tolerance as written: 0.2 is exactly one fifth
    a_high = None if a.high is None else a.high * (1 + t)
    b_high = None if b.high is None else b.high * (1 + t)
    return (b_high is None or a.low * (1 - t) <= b_high) and (a_high is None or b.low * (1 - t) <= a_high)


def weigh(
    key: CellKey, claims: Sequence[Claim], reliability: Mapping[str, str], policy: Policy
) -> Cell:
    """One cell from the claims of its own series: standing figures, bounds and grade."""
    latest = standing(claims)
    standing_claims = [c for c in latest.values() if c is not None]
    counted = [c for c in standing_claims if exclusion(c, reliability, policy) is None]
    counted_ids = {c.figure_id for c in counted}
    set_aside = tuple(c for c in claims if c.figure_id not in counted_ids)
    quantified = [(c, b) for c in counted if (b := claim_bounds(c, policy)) is not None]

    def cell(bounds: Bounds | None, grade: Grade) -> Cell:
        return Cell(*key, bounds=bounds, grade=grade, basis="claims", claims=tuple(counted), set_aside=set_aside)

    if not counted:
        return cell(None, Grade.DISCOUNTED)
    if not quantified:
        n = policy.unquantified_as
        return cell(None if n is None else Bounds(n, n, n), Grade.PENDING)
    if policy.best_rule is BestRule.LOWEST:
        best = min(b.best for _, b in quantified)
    else:
        rank = {c.figure_id: Reliability(reliability.get(c.claimant_id, "F")).rank for c, _ in quantified}
        top = max(rank.values())
        best = min(b.best for c, b in quantified if rank[c.figure_id] == top)
    if policy.single_number:
        return cell(Bounds(best, best, best), _grade(quantified, policy))
    low = min(b.low for _, b in quantified)
    highs = [b.high for _, b in quantified]
    high = None if None in highs else max(h for h in highs if h is not None)
    bounds = Bounds(low, max(best, low), high)
    return cell(bounds, _grade(quantified, policy))


def exclusion(claim: Claim, reliability: Mapping[str, str], policy: Policy) -> str | None:
    """Why the policy leaves a standing claim out of its cell, or None when it counts."""
    if claim.role in policy.excluded_roles:
        return f"role {claim.role} is excluded by policy {policy.label}"
    grade = reliability.get(claim.claimant_id, "F")
    if grade in policy.not_credible:
        return f"claimant graded {grade}, not credible under policy {policy.label}"
    return None


@attrs.frozen
class GradeReason:
    """The grade of a cell's quantified claims, the rule that gave it and the claims that triggered it."""

    grade: Grade
    rule: str
    claims: tuple[Claim, ...] = ()


def grade_reason(quantified: Sequence[tuple[Claim, Bounds]], policy: Policy) -> GradeReason:
    for i, (a_claim, a) in enumerate(quantified):
        for b_claim, b in quantified[i + 1 :]:
            if not _agree(a, b, policy.tolerance):
                rule = f"credible claims disagree beyond the tolerance ({policy.tolerance:g})"
                return GradeReason(Grade.CONTESTED, rule, (a_claim, b_claim))
    concessions = tuple(c for c, _ in quantified if Role(c.role).is_concession)
    if concessions:
        return GradeReason(Grade.CONFIRMED, "a party concedes its own losses or the harm it caused", concessions)
    independent = tuple(c for c, _ in quantified if Role(c.role).is_independent)
    if len({c.claimant_id for c in independent}) >= 2:
        return GradeReason(Grade.CONFIRMED, "two or more independent claimants agree", independent)
    if len({c.claimant_id for c, _ in quantified}) >= 2 and independent:
        return GradeReason(Grade.FAIR, "two or more claimants, at least one independent", tuple(c for c, _ in quantified))
    if len({c.claimant_id for c, _ in quantified}) >= 2:
        rule = "no independent claimant, only parties to the conflict"
    elif independent:
        rule = "one claimant only"
    else:
        rule = "one claimant only, a party to the conflict"
    return GradeReason(Grade.WEAK, rule, tuple(c for c, _ in quantified))


def _grade(quantified: Sequence[tuple[Claim, Bounds]], policy: Policy) -> Grade:
    return grade_reason(quantified, policy).grade


def _combine(key: CellKey, own: Cell | None, parts: Sequence[Cell]) -> Cell:
    """A parent cell: for each bound the larger of its own claims and the sum of its parts."""
    parts_sum = sum_bounds(p.bounds for p in parts)
    part_keys = (own.parts if own else ()) + tuple(p.key for p in parts)
    if own is None or (own.bounds is None and parts_sum is not None):
        grade = _weakest(parts)
        base = own or Cell(*key, bounds=None, grade=grade, basis="parts")
        return attrs.evolve(base, bounds=parts_sum, grade=grade, basis="parts", parts=part_keys)
    if parts_sum is None or own.bounds is None:
        return attrs.evolve(own, parts=part_keys)
    bounds = own.bounds.larger(parts_sum)
    grade = own.grade if own.bounds.best >= parts_sum.best else _weakest(parts)
    return attrs.evolve(own, bounds=bounds, grade=grade, basis="claims+parts", parts=part_keys)


def _weakest(parts: Sequence[Cell]) -> Grade:
    """The grade of a sum is the least certain grade among the parts that carry a number."""
    quantified = [p.grade for p in parts if p.bounds is not None]
    if quantified:
        return min(quantified, key=lambda g: g.certainty)
    return Grade.PENDING if any(p.grade is Grade.PENDING for p in parts) else Grade.DISCOUNTED


def tally(
    claims: Iterable[Claim],
    reliability: Mapping[str, str],
    parents: Mapping[str, str | None],
    policy: Policy,
) -> dict[CellKey, Cell]:
    """Every cell, exact and rolled up, keyed by (incident, victim status, outcome).

    For each bound a cell is the largest of: its own claims, the sum over its child incidents,
    and (for a category) the sum over its sub-statuses. Largest, never added: they overlap.
    """
    by_cell: dict[CellKey, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_cell[(claim.incident_id, claim.victim_status, claim.outcome)].append(claim)
    exact = {key: weigh(key, group, reliability, policy) for key, group in by_cell.items()}
    return _roll_up(exact, parents)


def _roll_up(exact: Mapping[CellKey, Cell], parents: Mapping[str, str | None]) -> dict[CellKey, Cell]:
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in sorted(parents.items()):
        if parent is not None:
            children[parent].append(child)
    subs: dict[str, list[str]] = defaultdict(list)
    for status in sorted({status for _, status, _ in exact}):
        if (category := status_parent(status)) is not None:
            subs[category].append(status)
    # Only cells that something rolls into: each exact cell's incident and its ancestors,
    # for its status and that status's category.
    live: set[CellKey] = set()
    for incident, status, outcome in exact:
        for rolled_status in {status, status_parent(status) or status}:
            ancestor: str | None = incident
            while ancestor is not None and (ancestor, rolled_status, outcome) not in live:
                live.add((ancestor, rolled_status, outcome))
                ancestor = parents.get(ancestor)
    result: dict[CellKey, Cell | None] = {}

    def roll(key: CellKey) -> Cell | None:
        if key not in result:
            incident, status, outcome = key
            cell = exact.get(key)
            for part_keys in (
                [(child, status, outcome) for child in children.get(incident, ())],
                [(incident, sub, outcome) for sub in subs.get(status, ())],
            ):
                present = [p for k in part_keys if k in live and (p := roll(k)) is not None]
                if present:
                    cell = _combine(key, cell, present)
            result[key] = cell
        return result[key]

    for key in sorted(live):
        roll(key)
    return {key: cell for key, cell in result.items() if cell is not None}
