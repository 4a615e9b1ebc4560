"""Tallies: claims weighed into low / best / high and a grade per cell, then rolled up.

A cell is incident x victim status x outcome. Sub-statuses roll up into their category within
an incident; then incidents roll up into their parents. At each step, for each bound, a parent
takes the larger of its own claims and the sum of its parts, never both added.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs

from ledger.domain.claims import Claim, standing
from ledger.domain.policy import BestRule, Policy
from ledger.domain.quantity import BoundKind
from ledger.domain.vocabulary import ROOT_STATUS, Grade, Reliability, Role, Stance, status_parent

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


# What a cell's bounds come from: its own claims, its parts (child incidents, sub-statuses), or both.
BASES = ("claims", "parts", "claims+parts")


@attrs.frozen
class Cell:
    incident_id: str
    victim_status: str
    outcome: str
    bounds: Bounds | None  # None: nothing quantified
    grade: Grade
    basis: str  # one of BASES
    claims: tuple[Claim, ...] = ()  # the standing claims of this exact cell
    set_aside: tuple[Claim, ...] = ()  # claims present but not counted (withdrawn, excluded, not credible)
    parts: tuple[CellKey, ...] = ()  # the cells rolled into this one
    # For a total (status root), what no victim status accounts for: its best less the sum of the
    # statuses' bests (None where the policy does not show it, or the cell is not a total).
    unattributed: int | None = None

    @property
    def key(self) -> CellKey:
        return (self.incident_id, self.victim_status, self.outcome)


def claim_bounds(claim: Claim, policy: Policy) -> Bounds | None:
    quantity = claim.quantity.under(policy.vague_table)
    if not quantity.is_quantified:
        return None
    assert quantity.low is not None and quantity.best is not None
    return Bounds(quantity.low, quantity.best, quantity.high)


def is_vague(claim: Claim, policy: Policy) -> bool:
    return claim.quantity.under(policy.vague_table).kind is BoundKind.VAGUE


def agree(a: Bounds, b: Bounds, tolerance: float) -> bool:
    """Two claims agree when their bounds, widened by the tolerance, overlap.

    Exact arithmetic: in floats 3 * 0.8 > 2 * 1.2, so bounds that just touch would count as disagreeing.
    """
    t = Fraction(str(tolerance))  # the tolerance as written: 0.2 is exactly one fifth
    a_high = None if a.high is None else a.high * (1 + t)
    b_high = None if b.high is None else b.high * (1 + t)
    return (b_high is None or a.low * (1 - t) <= b_high) and (a_high is None or b.low * (1 - t) <= a_high)


def set_aside_reasons(claims: Sequence[Claim], reliability: Mapping[str, str], policy: Policy) -> dict[str, str]:
    """Why the policy leaves each of a cell's standing claims out, by figure id (absent: it counts).

    Beyond the claim's own grounds (`exclusion`): a document's headline yields to its body in the
    same cell (the fuller account; reconcile flags a disagreement as the document contradicting
    itself), and under a policy that leaves out echoes, an unattributed report repeating a party's
    number is that party's claim again, not a second source.
    """
    reasons = {c.figure_id: why for c in claims if (why := exclusion(c, reliability, policy)) is not None}
    counted = [c for c in claims if c.figure_id not in reasons]
    bodies = {c.document_id for c in counted if c.document_id and c.quote_part != "headline"}
    for claim in counted:
        if claim.quote_part == "headline" and claim.document_id in bodies:
            reasons[claim.figure_id] = "quoted from a headline whose document's body is also counted in this cell"
    if policy.exclude_echoes:
        party = {claim_bounds(c, policy) for c in claims if Role(c.role).is_party}
        for claim in counted:
            if Role(claim.role) in (Role.UNATTRIBUTED, Role.UNKNOWN) and claim_bounds(claim, policy) in party - {None}:
                reasons[claim.figure_id] = f"an unattributed echo of a party's number, left out by policy {policy.label}"
    return reasons


def weigh(
    key: CellKey, claims: Sequence[Claim], reliability: Mapping[str, str], policy: Policy
) -> Cell:
    """One cell from the claims of its own series: standing figures, bounds and grade."""
    latest = standing(claims)
    standing_claims = [c for c in latest.values() if c is not None]
    aside = set_aside_reasons(standing_claims, reliability, policy)
    counted = [c for c in standing_claims if c.figure_id not in aside]
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
    best = choose_best(quantified, reliability, policy)[0]
    if policy.single_number:
        return cell(Bounds(best, best, best), _grade(quantified, policy))
    low = min(b.low for _, b in quantified)
    highs = [b.high for _, b in quantified]
    high = None if None in highs else max(h for h in highs if h is not None)
    bounds = Bounds(low, max(best, low), high)
    return cell(bounds, _grade(quantified, policy))


def best_candidates(quantified: Sequence[tuple[Claim, Bounds]], policy: Policy) -> list[tuple[Claim, Bounds]]:
    """The claims best is chosen among: under `numbers_first`, those that give a number, if any do."""
    if policy.numbers_first:
        numbers = [(c, b) for c, b in quantified if not is_vague(c, policy)]
        if numbers:
            return numbers
    return list(quantified)


def choose_best(
    quantified: Sequence[tuple[Claim, Bounds]], reliability: Mapping[str, str], policy: Policy
) -> tuple[int, list[Claim]]:
    """A cell's best before it is raised to its low, and the claims it comes from."""
    candidates = best_candidates(quantified, policy)
    if policy.best_rule is BestRule.LOWEST:
        best = min(b.best for _, b in candidates)
        return best, [c for c, b in candidates if b.best == best]
    rank = {c.figure_id: Reliability(reliability.get(c.claimant_id, "F")).rank for c, _ in candidates}
    top = max(rank.values())
    best = min(b.best for c, b in candidates if rank[c.figure_id] == top)
    return best, [c for c, b in candidates if rank[c.figure_id] == top and b.best == best]


def exclusion(claim: Claim, reliability: Mapping[str, str], policy: Policy) -> str | None:
    """Why the policy leaves a standing claim out of its cell on its own grounds, or None when it counts."""
    if claim.stance == Stance.DENIED.value:
        return "its source denies the number"
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
            if not agree(a, b, policy.tolerance):
                rule = f"credible claims disagree beyond the tolerance ({policy.tolerance:g})"
                return GradeReason(Grade.CONTESTED, rule, (a_claim, b_claim))
    # A hedged figure ("allegedly", "reportedly") counts, but never confirms.
    firm = [c for c, _ in quantified if not Stance(c.stance).is_hedged]
    concessions = tuple(c for c in firm if Role(c.role).is_concession)
    if concessions:
        return GradeReason(Grade.CONFIRMED, "a party concedes its own losses or the harm it caused", concessions)
    firm_independent = tuple(c for c in firm if Role(c.role).is_independent)
    if len({c.claimant_id for c in firm_independent}) >= 2:
        return GradeReason(Grade.CONFIRMED, "two or more independent claimants agree", firm_independent)
    claimants = {c.claimant_id for c, _ in quantified}
    independent = [c for c, _ in quantified if Role(c.role).is_independent]
    everyone = tuple(c for c, _ in quantified)
    if len(claimants) >= 2 and independent:
        return GradeReason(Grade.FAIR, "two or more claimants, at least one independent", everyone)
    hedged = " (hedged figures count but do not confirm)" if len(firm) < len(quantified) else ""
    if len(claimants) >= 2:
        kinds = sorted({Role(c.role).description for c, _ in quantified})
        if kinds == [Role.PARTY_OTHER.description]:
            rule = "no independent claimant, only parties to the conflict"
        else:
            rule = f"no independent claimant, only {_plural(kinds)}"
    elif independent:
        rule = "one claimant only"
    else:
        rule = f"one claimant only, {Role(quantified[0][0].role).description}"
    return GradeReason(Grade.WEAK, rule + hedged, everyone)


def _plural(descriptions: list[str]) -> str:
    words = {
        "a party to the conflict": "parties to the conflict",
        "an unattributed report": "unattributed reports",
        "a claimant of unstated role": "claimants of unstated role",
    }
    return " and ".join(words.get(d, d) for d in descriptions)


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
    and the sum over the statuses below its own (a category's sub-statuses; the root's categories).
    Largest, never added: they overlap, as a total and its parts do.
    """
    by_cell: dict[CellKey, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_cell[(claim.incident_id, claim.victim_status, claim.outcome)].append(claim)
    exact = {key: weigh(key, group, reliability, policy) for key, group in by_cell.items()}
    return _roll_up(exact, parents, policy.show_remainder)


def status_chain(status: str) -> list[str]:
    """A status and every status above it, up to the root: 'security_forces/police', 'security_forces', 'all'."""
    chain = [status]
    while (parent := status_parent(chain[-1])) is not None:
        chain.append(parent)
    return chain


def _roll_up(
    exact: Mapping[CellKey, Cell], parents: Mapping[str, str | None], show_remainder: bool = False
) -> dict[CellKey, Cell]:
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in sorted(parents.items()):
        if parent is not None:
            children[parent].append(child)
    below: dict[str, set[str]] = defaultdict(set)  # each status with the statuses one level below it
    for status in {status for _, status, _ in exact}:
        chain = status_chain(status)
        for lower, upper in itertools.pairwise(chain):
            below[upper].add(lower)
    # Only cells that something rolls into: each exact cell's incident and its ancestors, for its
    # status and every status above it.
    live: set[CellKey] = set()
    for incident, status, outcome in exact:
        for rolled_status in status_chain(status):
            ancestor: str | None = incident
            while ancestor is not None and (ancestor, rolled_status, outcome) not in live:
                live.add((ancestor, rolled_status, outcome))
                ancestor = parents.get(ancestor)
    result: dict[CellKey, Cell | None] = {}

    def roll(key: CellKey) -> Cell | None:
        if key not in result:
            incident, status, outcome = key
            cell = exact.get(key)
            by_incident = [(child, status, outcome) for child in children.get(incident, ())]
            by_status = [(incident, sub, outcome) for sub in sorted(below.get(status, ()))]
            statuses: list[Cell] = []
            for part_keys in (by_incident, by_status):
                present = [p for k in part_keys if k in live and (p := roll(k)) is not None]
                if present:
                    cell = _combine(key, cell, present)
                if part_keys is by_status:
                    statuses = present
            if cell is not None and status == ROOT_STATUS and show_remainder and cell.bounds is not None:
                accounted = sum_bounds(p.bounds for p in statuses)
                cell = attrs.evolve(cell, unattributed=max(0, cell.bounds.best - (accounted.best if accounted else 0)))
            result[key] = cell
        return result[key]

    for key in sorted(live):
        roll(key)
    return {key: cell for key, cell in result.items() if cell is not None}
