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


# --- default@1 and default@2, side by side ---------------------------------------------------------


def test_default_2_puts_numbers_before_vague_words_and_reads_words_as_an_analyst_would() -> None:
    """Worked by hand. Civilians: the military (graded B) says "numerous" (3, open); an outlet (C) says 27.
    Under default@1 the more reliable claimant's vague word gives best 3; under default@2 a number comes
    first, so best is 27, and the vague word still bounds low (3) and high (open). Both grade fair: two
    claimants that agree, one independent. Militants: "dozens" is 12 under default@1, 24 under
    default@2; the injured "about 30" is exactly 30 under default@1, 27 to 33 under default@2."""
    from ledger.domain.policy import DEFAULT2_POLICY

    facts = [
        claim("numerous", "military", "party_other", "civilian"),
        claim("27", "outlet", "media", "civilian"),
        claim("dozens", "outlet", "media"),
        attrs_evolve(claim("about 30", "outlet", "media", "civilian"), outcome="injured"),
    ]
    reliability = {"military": "B", "outlet": "C"}

    def read(policy: Policy) -> dict[tuple[str, str], tuple[object, ...]]:
        cells = tally(facts, reliability, {"campaign": None}, policy)
        return {(s, o): (c.bounds.low, c.bounds.best, c.bounds.high, c.grade.value, c.unattributed)
                for (_, s, o), c in cells.items() if c.bounds}  # fmt: skip

    assert read(DEFAULT_POLICY) == {
        ("civilian", "killed"): (3, 3, None, "fair", None),
        ("militant", "killed"): (12, 12, None, "weak", None),
        ("civilian", "injured"): (30, 30, 30, "weak", None),
        ("all", "killed"): (15, 15, None, "weak", None),
        ("all", "injured"): (30, 30, 30, "weak", None),
    }
    assert read(DEFAULT2_POLICY) == {
        ("civilian", "killed"): (3, 27, None, "fair", None),
        ("militant", "killed"): (24, 24, None, "weak", None),
        ("civilian", "injured"): (27, 30, 33, "weak", None),
        ("all", "killed"): (27, 51, None, "weak", 0),  # default@2 shows what a total leaves unattributed
        ("all", "injured"): (27, 30, 33, "weak", 0),
    }


def attrs_evolve(c: Claim, **changes: object) -> Claim:
    import attrs

    return attrs.evolve(c, series_id=f"{c.series_id}-{changes.get('outcome', '')}", **changes)


def test_a_hedged_figure_counts_but_never_confirms() -> None:
    from ledger.domain.policy import DEFAULT2_POLICY

    hedged = attrs_evolve(claim("12", "ngo-a", "independent", "civilian"), stance="alleged")
    firm = claim("12", "ngo-b", "independent", "civilian")
    for policy in (DEFAULT_POLICY, DEFAULT2_POLICY):
        both = tally([hedged, firm], {}, {"campaign": None}, policy)[("campaign", "civilian", "killed")]
        assert both.grade.value == "fair"  # two independent claimants agree, one of them hedged: not confirmed
        conceded = attrs_evolve(claim("5", "army", "own_losses", "security_forces"), stance="reported")
        own = tally([conceded], {}, {"campaign": None}, policy)[("campaign", "security_forces", "killed")]
        assert own.grade.value == "weak"  # "reportedly" conceded is not a concession made
    firm_too = claim("12", "ngo-c", "independent", "civilian")
    confirmed = tally([firm, firm_too], {}, {"campaign": None}, DEFAULT2_POLICY)[("campaign", "civilian", "killed")]
    assert confirmed.grade.value == "confirmed"


def test_a_denied_figure_is_set_aside_by_every_policy() -> None:
    denied = attrs_evolve(claim("30", "ttp", "own_losses"), stance="denied")
    for policy in POLICIES.values():
        cell = tally([denied], {}, {"campaign": None}, policy)[("campaign", "militant", "killed")]
        assert (cell.bounds is None or policy.unquantified_as is not None, cell.grade.value) == (True, "discounted")


def test_independent_2_also_leaves_out_unattributed_echoes_of_a_partys_number() -> None:
    from ledger.domain.policy import INDEPENDENT2_POLICY

    facts = [
        claim("50", "military", "enemy_losses"),
        claim("50", "sources", "unattributed"),  # "security sources said 50 militants": the military's number again
        claim("20", "hospital", "medical", "civilian"),
    ]
    v1 = tally(facts, {}, {"campaign": None}, INDEPENDENT_POLICY)[("campaign", "militant", "killed")]
    v2 = tally(facts, {}, {"campaign": None}, INDEPENDENT2_POLICY)[("campaign", "militant", "killed")]
    assert (v1.bounds.best if v1.bounds else None, v1.grade.value) == (50, "weak")  # the echo stands in for the party
    assert (v2.bounds, v2.grade.value) == (None, "discounted")


@pytest.mark.parametrize(
    ("role", "rule"),
    [
        ("media", "one claimant only"),
        ("unattributed", "one claimant only, an unattributed report"),
        ("unknown", "one claimant only, a claimant of unstated role"),
        ("enemy_losses", "one claimant only, a party to the conflict"),
    ],
)
def test_grade_explanations_call_a_claimant_what_it_is(role: str, rule: str) -> None:
    from ledger.domain.tally import claim_bounds, grade_reason

    only = claim("12", "someone", role)
    assert grade_reason([(only, claim_bounds(only, DEFAULT_POLICY))], DEFAULT_POLICY).rule == rule  # type: ignore[list-item]
