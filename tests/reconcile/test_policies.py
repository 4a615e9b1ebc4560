"""The same facts tallied under each policy give the expected, different tallies."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import World
from reconcile_support import PROVINCE, add_claimants

from ledger.domain.claims import Claim
from ledger.domain.policy import ACLED_POLICY, DEFAULT_POLICY, INDEPENDENT_POLICY, POLICIES, BestRule, Policy, get_policy
from ledger.domain.quantity import ACLED_VAGUE_TABLE, DEFAULT_VAGUE_TABLE, parse_quantity
from ledger.domain.tally import tally
from ledger.errors import InvalidInput, NotFound
from ledger.reconcile.compare import compare_policies

T0 = dt.datetime(2026, 2, 5, tzinfo=dt.UTC)
_ids = itertools.count(1)


def claim(quantity: str, claimant: str, role: str, status: str = "militant") -> Claim:
    n = next(_ids)
    return Claim(f"f{n}", f"s-{claimant}-{status}", "campaign", claimant, status, "killed", role,
                 parse_quantity(quantity), T0, n)  # fmt: skip


# The military (grade D) claims at least 216 militants; an NGO (grade B) says about 180.
# The NGO also says "dozens" of civilians and gives unquantified "casualties" among soldiers.
FACTS = [
    claim("at least 216", "military", "enemy_losses"),
    claim("about 180", "ngo", "independent"),
    claim("dozens", "ngo", "independent", "civilian"),
    claim("casualties", "ngo", "independent", "security_forces"),
    claim("several", "military", "enemy_losses", "militant/bla"),
]
RELIABILITY = {"military": "D", "ngo": "B"}


def cells(policy: Policy) -> dict[str, tuple[int | None, int | None, int | None, str]]:
    result = tally(FACTS, RELIABILITY, {"campaign": None}, policy)
    return {
        status: (c.bounds.low, c.bounds.best, c.bounds.high, c.grade.value) if c.bounds else (None, None, None, c.grade.value)
        for (_, status, _), c in result.items()
    }


def test_the_default_policy_keeps_ranges_and_the_most_reliable_best() -> None:
    assert cells(DEFAULT_POLICY) == {
        "militant": (180, 180, None, "fair"),  # low: lowest credible; best: the NGO (B); high: open ("at least")
        "militant/bla": (3, 3, None, "weak"),
        "civilian": (12, 12, None, "weak"),
        "security_forces": (None, None, None, "pending"),
        "all": (192, 192, None, "weak"),  # the total: 180 militants and 12 civilians, graded by its weakest part
    }


def test_acled_gives_one_conservative_number_and_zero_for_casualties_alone() -> None:
    assert cells(ACLED_POLICY) == {
        "militant": (180, 180, 180, "fair"),  # the lowest reported figure, low = best = high
        "militant/bla": (3, 3, 3, "weak"),
        "civilian": (12, 12, 12, "weak"),  # ACLED: dozens = 12
        "security_forces": (0, 0, 0, "pending"),  # ACLED: "casualties" alone = 0
        "all": (192, 192, 192, "pending"),  # a part counted as 0 for "casualties" alone makes the total pending
    }


def test_acled_takes_the_lowest_figure_even_from_a_less_reliable_claimant() -> None:
    facts = [claim("40", "ngo", "independent", "civilian"), claim("35", "military", "party_other", "civilian")]
    default = tally(facts, RELIABILITY, {"campaign": None}, DEFAULT_POLICY)[("campaign", "civilian", "killed")]
    acled = tally(facts, RELIABILITY, {"campaign": None}, ACLED_POLICY)[("campaign", "civilian", "killed")]
    assert default.bounds is not None and (default.bounds.low, default.bounds.best, default.bounds.high) == (35, 40, 40)
    assert acled.bounds is not None and (acled.bounds.low, acled.bounds.best, acled.bounds.high) == (35, 35, 35)


def test_independent_leaves_out_claims_about_the_enemy() -> None:
    assert cells(INDEPENDENT_POLICY) == {
        "militant": (180, 180, 180, "weak"),  # the NGO alone: the military's claim about its enemy is set aside
        "militant/bla": (None, None, None, "discounted"),  # nothing left but the enemy's claim
        "civilian": (12, 12, None, "weak"),
        "security_forces": (None, None, None, "pending"),
        "all": (192, 192, None, "weak"),
    }


def test_policies_are_versioned_data_and_default_is_unchanged() -> None:
    assert list(POLICIES) == ["default@1", "default@2", "acled@1", "independent@1", "independent@2"]
    assert get_policy("acled") is ACLED_POLICY and get_policy("independent@1") is INDEPENDENT_POLICY
    assert (DEFAULT_POLICY.tolerance, DEFAULT_POLICY.excluded_roles, DEFAULT_POLICY.not_credible) == (0.2, frozenset(), {"E"})
    assert (DEFAULT_POLICY.best_rule, DEFAULT_POLICY.single_number, DEFAULT_POLICY.unquantified_as) == (
        BestRule.MOST_RELIABLE, False, None,
    )  # fmt: skip
    assert DEFAULT_POLICY.vague_table is DEFAULT_VAGUE_TABLE and ACLED_POLICY.vague_table is ACLED_VAGUE_TABLE
    shown = ACLED_POLICY.to_dict()
    assert shown["vague_words"]["dozens"] == {"low": 12, "best": 12, "high": None}
    assert shown["vague_table"] == "acled@1" and shown["best_rule"] == "lowest"
    with pytest.raises(NotFound, match="policy 'ucdp': unknown; use one of acled@1, default@1, default@2, independent@1"):
        get_policy("ucdp")


def test_a_tolerance_override_is_a_labelled_variant() -> None:
    variant = DEFAULT_POLICY.with_tolerance(0.5)
    assert (variant.label, variant.tolerance, variant.name, variant.version) == ("default@1[tolerance=0.5]", 0.5, "default", 1)
    assert DEFAULT_POLICY.with_tolerance(0.2) is DEFAULT_POLICY
    assert get_policy("default@1[tolerance=0.5]") == variant  # the label names the variant back
    assert get_policy("acled[tolerance=0]").label == "acled@1[tolerance=0]"
    with pytest.raises(InvalidInput, match=r"tolerance 1\.5"):
        DEFAULT_POLICY.with_tolerance(1.5)


def test_tallies_under_several_policies_side_by_side(world: World) -> None:
    add_claimants(world)
    ledger = world.ledger
    ledger.record_figure(world.figure())  # the military: at least 216 militants
    ledger.record_figure(world.figure(claimant=PROVINCE, quantity="about 200", document=None, quote=None))
    ledger.record_figure(world.figure(claimant=world.rights_group, victim_status="civilian", quantity="dozens", quote=None))
    result = compare_policies(ledger, [DEFAULT_POLICY, ACLED_POLICY, INDEPENDENT_POLICY])
    assert result.policies == ["default@1", "acled@1", "independent@1"]
    rows = {(r["incident"], r["victim_status"]): r for r in result.rows}
    militants = rows[(world.campaign, "militant")]
    assert [militants[f"default@1 {f}"] for f in ("low", "best", "high", "grade")] == [200, 200, "open", "fair"]
    assert [militants[f"acled@1 {f}"] for f in ("low", "best", "high", "grade")] == [200, 200, 200, "fair"]
    assert [militants[f"independent@1 {f}"] for f in ("low", "best", "high", "grade")] == [200, 200, 200, "weak"]
    assert militants["differs"] is True
    civilians = rows[(world.campaign, "civilian")]
    assert (civilians["default@1 high"], civilians["acled@1 high"]) == ("open", 12)
    # Each policy's tally is also what `ledger tally --policy` says.
    acled = {(r["incident"], r["victim_status"]): r for r in ledger.tally("acled").rows}
    assert acled[(world.campaign, "militant")]["policy"] == "acled@1"
    assert (acled[(world.campaign, "militant")]["best"], acled[(world.campaign, "militant")]["high"]) == (200, 200)
    with pytest.raises(InvalidInput, match="two or more different policies"):
        compare_policies(ledger, [DEFAULT_POLICY, DEFAULT_POLICY])
