"""Totals and their parts: a total is the larger of what is given for all victims and the sum of the
statuses below, never the two added; adding a total never lowers a bound."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.claims import Claim
from ledger.domain.policy import DEFAULT2_POLICY, DEFAULT_POLICY
from ledger.domain.quantity import parse_quantity
from ledger.domain.tally import Bounds, sum_bounds, tally, weigh

T0 = dt.datetime(2024, 8, 26, tzinfo=dt.UTC)
_ids = itertools.count(1)
PARENTS = {"night": None, "kalat": "night", "bolan": "night"}
STATUSES = ("civilian", "security_forces", "security_forces/police", "militant", "unknown")

quantities = st.one_of(
    st.integers(0, 90).map(str),
    st.integers(0, 90).map(lambda n: f"at least {n}"),
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda p: f"between {p[0]} and {p[0] + p[1]}"),
    st.sampled_from(["dozens", "several", "casualties", "about 30", "nearly 20"]),
)
claims = st.lists(
    st.tuples(st.sampled_from(sorted(PARENTS)), st.sampled_from(STATUSES), st.sampled_from("abc"), quantities),
    max_size=12,
)
totals = st.lists(st.tuples(st.sampled_from(sorted(PARENTS)), st.sampled_from("abcd"), quantities), min_size=1, max_size=3)


def claim(incident: str, status: str, claimant: str, words: str) -> Claim:
    n = next(_ids)
    return Claim(f"f{n}", f"{incident}|{claimant}|{status}", incident, claimant, status, "killed", "independent",
                 parse_quantity(words), T0, n)  # fmt: skip


def at_least(a: Bounds | None, b: Bounds | None) -> bool:
    """Each bound of a no lower than b's (an open high is the highest)."""
    if b is None:
        return True
    if a is None:
        return False
    return a.low >= b.low and a.best >= b.best and (a.high is None or (b.high is not None and a.high >= b.high))


@settings(max_examples=150, deadline=None)
@given(parts=claims, given_totals=totals)
def test_adding_a_total_never_lowers_a_bound_and_never_adds_it_to_its_parts(
    parts: list[tuple[str, str, str, str]], given_totals: list[tuple[str, str, str]]
) -> None:
    for policy in (DEFAULT_POLICY, DEFAULT2_POLICY):
        before_claims = [claim(*p) for p in parts]
        total_claims = [claim(incident, "all", claimant, words) for incident, claimant, words in given_totals]
        before = tally(before_claims, {}, PARENTS, policy)
        after = tally([*before_claims, *total_claims], {}, PARENTS, policy)
        for key, cell in before.items():
            assert at_least(after[key].bounds, cell.bounds), (key, policy.label)
        for incident in PARENTS:
            key = (incident, "all", "killed")
            if key not in after:
                continue
            own_claims = [c for c in total_claims if c.incident_id == incident]
            own = weigh(key, own_claims, {}, policy).bounds if own_claims else None
            statuses = sum_bounds(after[(incident, s, "killed")].bounds
                                  for s in ("civilian", "security_forces", "militant", "unknown")
                                  if (incident, s, "killed") in after)  # fmt: skip
            children = sum_bounds(
                after[(child, "all", "killed")].bounds
                for child, parent in PARENTS.items()
                if parent == incident and (child, "all", "killed") in after
            )
            # The total is the largest of its own claims, its statuses' sum and its children's: never an addition.
            candidates = [b for b in (own, statuses, children) if b is not None]
            if not candidates:
                continue
            expected = candidates[0]
            for b in candidates[1:]:
                expected = expected.larger(b)
            assert after[key].bounds == expected, (key, policy.label)
