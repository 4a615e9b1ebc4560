"""Claims weighed into low / best / high and a grade per cell, then rolled up without double counting."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain.claims import Claim
from ledger.domain.policy import DEFAULT_POLICY, Policy
from ledger.domain.quantity import BoundKind, Quantity, VagueBounds, VagueTable, parse_quantity
from ledger.domain.tally import Bounds, Cell, CellKey, sum_bounds, tally, weigh
from ledger.domain.vocabulary import Grade

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)
_positions = itertools.count(1)


def claim(
    quantity: str | Quantity,
    *,
    claimant: str = "c1",
    role: str = "independent",
    incident: str = "inc",
    status: str = "civilian",
    outcome: str = "killed",
    reported_day: int = 0,
    withdrawn: bool = False,
) -> Claim:
    """A figure by hand; its series is the claimant's for that incident x status x outcome."""
    position = next(_positions)
    return Claim(
        figure_id=f"fig-{position}",
        series_id=f"{incident}|{claimant}|{status}|{outcome}",
        incident_id=incident,
        claimant_id=claimant,
        victim_status=status,
        outcome=outcome,
        role=role,
        quantity=parse_quantity(quantity) if isinstance(quantity, str) else quantity,
        reported_at=T0 + dt.timedelta(days=reported_day),
        position=position,
        withdrawn=withdrawn,
    )


def spread(low: int, best: int, high: int) -> Quantity:
    """A figure whose best lies inside its range, e.g. "between 10 and 40, most likely 35"."""
    return Quantity(f"between {low} and {high}, most likely {best}", BoundKind.RANGE, low, best, high)


def weigh_cell(*claims: Claim, reliability: Mapping[str, str] | None = None, policy: Policy = DEFAULT_POLICY) -> Cell:
    first = claims[0]
    key = (first.incident_id, first.victim_status, first.outcome)
    return weigh(key, claims, reliability or {}, policy)


def lbh(cell: Cell | None) -> tuple[int, int, int | None] | None:
    if cell is None or cell.bounds is None:
        return None
    return cell.bounds.low, cell.bounds.best, cell.bounds.high


def tally_of(
    *claims: Claim,
    parents: Mapping[str, str | None] | None = None,
    reliability: Mapping[str, str] | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> dict[CellKey, Cell]:
    incidents = {c.incident_id: None for c in claims}
    return tally(claims, reliability or {}, {**incidents, **(parents or {})}, policy)


# --- bounds of one cell ---------------------------------------------------------------------------


def test_single_exact_claim_gives_a_point() -> None:
    assert lbh(weigh_cell(claim("14"))) == (14, 14, 14)


def test_low_is_the_lowest_credible_low() -> None:
    cell = weigh_cell(claim("30", claimant="a"), claim("25", claimant="b"), claim("28", claimant="c"))
    assert cell.bounds is not None and cell.bounds.low == 25


def test_not_credible_claimant_does_not_set_the_low() -> None:
    cell = weigh_cell(claim("30", claimant="good"), claim("5", claimant="liar"), reliability={"good": "B", "liar": "E"})
    assert lbh(cell) == (30, 30, 30)
    assert [c.claimant_id for c in cell.set_aside] == ["liar"]


def test_high_is_the_highest_bound_of_any_claim() -> None:
    cell = weigh_cell(claim("between 20 and 40", claimant="a"), claim("25", claimant="b"))
    assert cell.bounds is not None and cell.bounds.high == 40


def test_high_is_open_if_any_standing_claim_is_open() -> None:
    cell = weigh_cell(claim("at least 20", claimant="a"), claim("22", claimant="b"))
    assert lbh(cell) == (20, 20, None)


def test_a_superseded_open_figure_does_not_keep_the_high_open() -> None:
    old = claim("at least 20", claimant="a", reported_day=1)
    new = claim("24", claimant="a", reported_day=2)
    assert lbh(weigh_cell(old, new)) == (24, 24, 24)


def test_a_superseded_low_figure_does_not_set_the_low() -> None:
    old = claim("3", claimant="a", reported_day=1)
    new = claim("20", claimant="a", reported_day=2)
    assert lbh(weigh_cell(old, new, claim("22", claimant="b"))) == (20, 20, 22)


def test_best_is_the_most_reliable_claimants_figure() -> None:
    cell = weigh_cell(claim("30", claimant="b"), claim("25", claimant="d"), reliability={"b": "B", "d": "D"})
    assert lbh(cell) == (25, 30, 30)


def test_best_follows_reliability_not_size() -> None:
    cell = weigh_cell(claim("30", claimant="d"), claim("25", claimant="a"), reliability={"a": "A", "d": "D"})
    assert lbh(cell) == (25, 25, 30)


def test_best_on_a_reliability_tie_is_the_lower_figure() -> None:
    cell = weigh_cell(claim("30", claimant="x"), claim("26", claimant="y"), reliability={"x": "A", "y": "A"})
    assert cell.bounds is not None and cell.bounds.best == 26


def test_unjudged_f_ranks_below_d() -> None:
    cell = weigh_cell(claim("30", claimant="d"), claim("25", claimant="f"), reliability={"d": "D", "f": "F"})
    assert cell.bounds is not None and cell.bounds.best == 30


def test_unjudged_f_ranks_above_e_when_e_is_counted() -> None:
    counts_everyone = Policy("everyone", 1, "test: nobody is set aside", not_credible=frozenset())
    cell = weigh_cell(
        claim("30", claimant="e"), claim("25", claimant="f"), reliability={"e": "E", "f": "F"}, policy=counts_everyone
    )
    assert lbh(cell) == (25, 25, 30)


def test_claimant_without_a_reliability_counts_as_unjudged_f() -> None:
    cell = weigh_cell(claim("30", claimant="d"), claim("25", claimant="nobody"), reliability={"d": "D"})
    assert cell.bounds is not None and cell.bounds.best == 30
    assert cell.set_aside == ()


def test_best_comes_from_the_top_claimants_own_best_inside_a_range() -> None:
    cell = weigh_cell(claim(spread(10, 35, 40), claimant="a"), claim("20", claimant="c"), reliability={"a": "A"})
    assert lbh(cell) == (10, 35, 40)


def test_vague_word_reads_through_the_default_table() -> None:
    assert lbh(weigh_cell(claim("dozens"))) == (12, 12, None)


def test_vague_word_reads_through_the_policys_own_table() -> None:
    generous = VagueTable("generous", 1, {"dozens": VagueBounds(24, 36, 100), "several": VagueBounds(3, 5, 9)})
    policy = Policy("generous", 1, "test: a different reading of vague words", vague_table=generous)
    assert lbh(weigh_cell(claim("dozens"), policy=policy)) == (24, 36, 100)
    assert lbh(weigh_cell(claim("several"), policy=policy)) == (3, 5, 9)


def test_the_raw_words_are_kept_whatever_the_table() -> None:
    generous = VagueTable("generous", 1, {"dozens": VagueBounds(24, 36, 100)})
    cell = weigh_cell(claim("Dozens of"), policy=Policy("g", 1, "test", vague_table=generous))
    assert [c.quantity.text for c in cell.claims] == ["Dozens of"]


# --- grades ---------------------------------------------------------------------------------------


def test_party_conceding_its_own_losses_is_confirmed() -> None:
    assert weigh_cell(claim("7", role="own_losses")).grade is Grade.CONFIRMED


def test_party_conceding_civilian_harm_is_confirmed() -> None:
    assert weigh_cell(claim("4", role="conceded_harm")).grade is Grade.CONFIRMED


def test_two_independent_claimants_agreeing_is_confirmed() -> None:
    cell = weigh_cell(claim("20", claimant="ngo"), claim("22", claimant="hospital", role="medical"))
    assert cell.grade is Grade.CONFIRMED


def test_one_independent_and_one_party_claimant_is_fair() -> None:
    cell = weigh_cell(claim("20", claimant="ngo"), claim("21", claimant="army", role="party_other"))
    assert cell.grade is Grade.FAIR


def test_single_independent_claimant_is_weak() -> None:
    assert weigh_cell(claim("20")).grade is Grade.WEAK


def test_only_a_partys_claim_about_its_enemy_is_weak() -> None:
    assert weigh_cell(claim("50", role="enemy_losses")).grade is Grade.WEAK


def test_two_partys_claims_without_any_independent_are_weak() -> None:
    cell = weigh_cell(claim("50", claimant="army", role="enemy_losses"), claim("48", claimant="police", role="enemy_losses"))
    assert cell.grade is Grade.WEAK


def test_claims_just_inside_the_tolerance_agree() -> None:
    # 100 and 150 widened by 20%: 80..120 and 120..180 just touch.
    cell = weigh_cell(claim("100", claimant="a"), claim("150", claimant="b"))
    assert cell.grade is Grade.CONFIRMED


def test_claims_just_outside_the_tolerance_are_contested() -> None:
    cell = weigh_cell(claim("100", claimant="a"), claim("151", claimant="b"))
    assert cell.grade is Grade.CONTESTED
    assert lbh(cell) == (100, 100, 151)


def test_small_claims_exactly_at_the_tolerance_agree() -> None:
    # 2 and 3 widened by 20%: 1.6..2.4 and 2.4..3.6 touch; floating point once said they did not.
    assert weigh_cell(claim("2", claimant="a"), claim("3", claimant="b")).grade is Grade.CONFIRMED


def test_a_policys_tolerance_decides_agreement() -> None:
    strict = Policy("strict", 1, "test: no tolerance", tolerance=0.0)
    assert weigh_cell(claim("100", claimant="a"), claim("100", claimant="b"), policy=strict).grade is Grade.CONFIRMED
    assert weigh_cell(claim("100", claimant="a"), claim("101", claimant="b"), policy=strict).grade is Grade.CONTESTED


def test_overlapping_ranges_agree() -> None:
    cell = weigh_cell(claim("between 10 and 30", claimant="a"), claim("between 25 and 60", claimant="b"))
    assert cell.grade is Grade.CONFIRMED


def test_open_claim_disagrees_with_a_much_smaller_one() -> None:
    cell = weigh_cell(claim("at least 216", claimant="a"), claim("12", claimant="b"))
    assert cell.grade is Grade.CONTESTED


def test_disagreement_outweighs_a_concession() -> None:
    cell = weigh_cell(claim("10", claimant="army", role="own_losses"), claim("50", claimant="ngo"))
    assert cell.grade is Grade.CONTESTED


def test_a_non_credible_outlier_does_not_contest() -> None:
    cell = weigh_cell(claim("10", claimant="ngo"), claim("500", claimant="troll"), reliability={"troll": "E"})
    assert cell.grade is Grade.WEAK
    assert lbh(cell) == (10, 10, 10)


def test_unquantified_only_is_pending() -> None:
    cell = weigh_cell(claim("casualties", claimant="a"), claim("unknown", claimant="b"))
    assert cell.grade is Grade.PENDING
    assert cell.bounds is None


def test_a_number_beside_an_unquantified_claim_counts() -> None:
    cell = weigh_cell(claim("casualties", claimant="a"), claim("9", claimant="b"))
    assert lbh(cell) == (9, 9, 9)
    assert cell.grade is Grade.WEAK


def test_everything_withdrawn_is_discounted() -> None:
    cell = weigh_cell(claim("10", claimant="a", withdrawn=True), claim("12", claimant="b", withdrawn=True))
    assert cell.grade is Grade.DISCOUNTED
    assert cell.bounds is None
    assert len(cell.set_aside) == 2


def test_only_non_credible_claimants_is_discounted() -> None:
    cell = weigh_cell(claim("10", claimant="a"), claim("12", claimant="b"), reliability={"a": "E", "b": "E"})
    assert cell.grade is Grade.DISCOUNTED
    assert cell.bounds is None


def test_a_withdrawn_claim_leaves_the_others_standing() -> None:
    cell = weigh_cell(claim("10", claimant="a"), claim("90", claimant="b", withdrawn=True))
    assert lbh(cell) == (10, 10, 10)
    assert cell.grade is Grade.WEAK


def test_excluded_roles_are_left_out() -> None:
    no_enemy_claims = Policy("no-enemy", 1, "test", excluded_roles=frozenset({"enemy_losses"}))
    cell = weigh_cell(claim("50", role="enemy_losses"), policy=no_enemy_claims)
    assert cell.grade is Grade.DISCOUNTED


# --- sums -----------------------------------------------------------------------------------------


def test_sum_adds_like_to_like() -> None:
    assert Bounds(1, 2, 3) + Bounds(10, 20, 30) == Bounds(11, 22, 33)


@pytest.mark.parametrize(("a", "b"), [(Bounds(1, 2, None), Bounds(10, 20, 30)), (Bounds(1, 2, 3), Bounds(10, 20, None))])
def test_an_open_high_stays_open_in_a_sum(a: Bounds, b: Bounds) -> None:
    assert a + b == Bounds(11, 22, None)


def test_sum_bounds_skips_unquantified_parts() -> None:
    assert sum_bounds([Bounds(1, 2, 3), None, Bounds(4, 5, 6)]) == Bounds(5, 7, 9)


def test_sum_bounds_of_nothing_is_none() -> None:
    assert sum_bounds([]) is None
    assert sum_bounds([None, None]) is None


# --- hierarchy of incidents -----------------------------------------------------------------------

CAMPAIGN = {"campaign": None, "a": "campaign", "b": "campaign"}


def test_parent_without_claims_takes_its_childrens_sum() -> None:
    cells = tally_of(claim("4", incident="a"), claim("6", incident="b"), parents=CAMPAIGN)
    parent = cells[("campaign", "civilian", "killed")]
    assert lbh(parent) == (4 + 6, 4 + 6, 4 + 6)
    assert parent.basis == "parts"
    assert parent.parts == (("a", "civilian", "killed"), ("b", "civilian", "killed"))


def test_parents_own_larger_claim_is_kept_not_added() -> None:
    cells = tally_of(claim("20", incident="campaign"), claim("4", incident="a"), claim("6", incident="b"), parents=CAMPAIGN)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (20, 20, 20)


def test_parents_own_smaller_claim_gives_way_to_the_childrens_sum() -> None:
    cells = tally_of(claim("8", incident="campaign"), claim("4", incident="a"), claim("6", incident="b"), parents=CAMPAIGN)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (10, 10, 10)


def test_each_bound_is_taken_separately() -> None:
    cells = tally_of(
        claim(spread(50, 50, 100), incident="campaign"),
        claim(spread(10, 35, 40), incident="a"),
        claim(spread(10, 35, 40), incident="b"),
        parents=CAMPAIGN,
    )
    # own low 50 beats the parts' 20; the parts' best 70 beats own 50; own high 100 beats the parts' 80.
    assert lbh(cells[("campaign", "civilian", "killed")]) == (50, 70, 100)


def test_an_open_child_leaves_the_parent_open() -> None:
    cells = tally_of(claim("500", incident="campaign"), claim("at least 3", incident="a"), parents=CAMPAIGN)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (500, 500, None)


def test_children_keep_their_own_cells() -> None:
    cells = tally_of(claim("20", incident="campaign"), claim("4", incident="a"), parents=CAMPAIGN)
    assert lbh(cells[("a", "civilian", "killed")]) == (4, 4, 4)


def test_grandchildren_roll_through() -> None:
    parents = {"campaign": None, "district": "campaign", "village1": "district", "village2": "district"}
    cells = tally_of(claim("3", incident="village1"), claim("5", incident="village2"), parents=parents)
    assert lbh(cells[("district", "civilian", "killed")]) == (8, 8, 8)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (8, 8, 8)


def test_a_middle_incidents_larger_claim_carries_up() -> None:
    parents = {"campaign": None, "district": "campaign", "village": "district", "town": "campaign"}
    cells = tally_of(
        claim("3", incident="village"), claim("30", incident="district"), claim("2", incident="town"), parents=parents
    )
    assert lbh(cells[("campaign", "civilian", "killed")]) == (32, 32, 32)


def test_outcomes_never_mix() -> None:
    cells = tally_of(claim("4", incident="a", outcome="killed"), claim("40", incident="b", outcome="injured"), parents=CAMPAIGN)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (4, 4, 4)
    assert lbh(cells[("campaign", "civilian", "injured")]) == (40, 40, 40)


def test_victim_categories_never_mix() -> None:
    cells = tally_of(claim("4", incident="a"), claim("40", incident="b", status="militant"), parents=CAMPAIGN)
    assert lbh(cells[("campaign", "civilian", "killed")]) == (4, 4, 4)
    assert lbh(cells[("campaign", "militant", "killed")]) == (40, 40, 40)


def test_a_parent_of_children_without_numbers_has_no_bounds() -> None:
    cells = tally_of(claim("casualties", incident="a"), parents=CAMPAIGN)
    parent = cells[("campaign", "civilian", "killed")]
    assert parent.bounds is None
    assert parent.grade is Grade.PENDING


def test_a_parent_summing_its_children_takes_their_weakest_grade() -> None:
    cells = tally_of(
        claim("4", incident="a", role="own_losses"),
        claim("6", incident="b"),  # one claimant only: weak
        parents=CAMPAIGN,
    )
    assert cells[("a", "civilian", "killed")].grade is Grade.CONFIRMED
    assert cells[("campaign", "civilian", "killed")].grade is Grade.WEAK


# --- sub-statuses within an incident --------------------------------------------------------------


def test_sub_statuses_roll_into_their_category() -> None:
    cells = tally_of(claim("4", status="security_forces/police"), claim("6", status="security_forces/army"))
    category = cells[("inc", "security_forces", "killed")]
    assert lbh(category) == (10, 10, 10)
    assert lbh(cells[("inc", "security_forces/police", "killed")]) == (4, 4, 4)


def test_category_claim_larger_than_its_sub_statuses_is_kept_not_added() -> None:
    cells = tally_of(
        claim("15", status="security_forces"),
        claim("4", status="security_forces/police"),
        claim("6", status="security_forces/army"),
    )
    assert lbh(cells[("inc", "security_forces", "killed")]) == (15, 15, 15)


def test_category_claim_smaller_than_its_sub_statuses_gives_way() -> None:
    cells = tally_of(
        claim("8", status="security_forces"),
        claim("4", status="security_forces/police"),
        claim("6", status="security_forces/army"),
    )
    assert lbh(cells[("inc", "security_forces", "killed")]) == (10, 10, 10)


def test_sub_statuses_in_children_roll_into_the_parents_category() -> None:
    cells = tally_of(
        claim("4", incident="a", status="security_forces/police"),
        claim("6", incident="b", status="security_forces/army"),
        parents=CAMPAIGN,
    )
    assert lbh(cells[("campaign", "security_forces", "killed")]) == (10, 10, 10)
    assert lbh(cells[("campaign", "security_forces/police", "killed")]) == (4, 4, 4)


def test_parents_category_is_at_least_the_sum_of_its_rolled_sub_statuses() -> None:
    cells = tally_of(
        claim("10", incident="campaign", status="security_forces/police"),
        claim("10", incident="a", status="security_forces/army"),
        parents=CAMPAIGN,
    )
    assert lbh(cells[("campaign", "security_forces/police", "killed")]) == (10, 10, 10)
    assert lbh(cells[("campaign", "security_forces/army", "killed")]) == (10, 10, 10)
    assert lbh(cells[("campaign", "security_forces", "killed")]) == (20, 20, 20)


# --- the seed article -----------------------------------------------------------------------------


def test_the_seed_article() -> None:
    parents = {"campaign": None, "nushki": "campaign"}
    military, independent = "pakistan-military", "independent-reports"
    cells = tally_of(
        claim("at least 216", incident="campaign", claimant=military, role="enemy_losses", status="militant"),
        claim("dozens", incident="campaign", claimant=independent, role="independent", status="civilian"),
        claim("casualties", incident="campaign", claimant=military, role="own_losses", status="security_forces"),
        parents=parents,
        reliability={military: "F", independent: "F"},
    )
    militants = cells[("campaign", "militant", "killed")]
    civilians = cells[("campaign", "civilian", "killed")]
    security = cells[("campaign", "security_forces", "killed")]
    assert (lbh(militants), militants.grade) == ((216, 216, None), Grade.WEAK)
    assert (lbh(civilians), civilians.grade) == ((12, 12, None), Grade.WEAK)
    assert [c.quantity.text for c in civilians.claims] == ["dozens"]
    assert (lbh(security), security.grade) == (None, Grade.PENDING)
    # The total of all victims is the sum of its parts: nobody gave a total of their own.
    total = cells[("campaign", "all", "killed")]
    assert (lbh(total), total.grade, total.basis) == ((228, 228, None), Grade.WEAK, "parts")
    assert set(cells) == {("campaign", "militant", "killed"), ("campaign", "civilian", "killed"),
                          ("campaign", "security_forces", "killed"), ("campaign", "all", "killed")}  # fmt: skip


# --- property: children only ever raise their parent ----------------------------------------------

STATUSES = ("security_forces", "security_forces/police", "security_forces/army")
quantities = st.one_of(
    st.integers(0, 300).map(str),
    st.integers(0, 300).map(lambda n: f"at least {n}"),
    st.integers(1, 300).map(lambda n: f"up to {n}"),
    st.tuples(st.integers(0, 150), st.integers(0, 150)).map(lambda p: f"between {p[0]} and {p[0] + p[1]}"),
    st.sampled_from(["dozens", "several", "casualties"]),
)
claim_specs = st.lists(
    st.tuples(
        quantities,
        st.sampled_from(["c1", "c2", "c3"]),
        st.sampled_from(["independent", "enemy_losses", "own_losses", "party_other", "medical"]),
        st.sampled_from(STATUSES),
        st.booleans(),  # withdrawn
    ),
    max_size=4,
)
reliabilities = st.fixed_dictionaries({c: st.sampled_from("ABCDEF") for c in ("c1", "c2", "c3")})


def make_claims(incident: str, specs: list[tuple[str, str, str, str, bool]]) -> list[Claim]:
    return [
        claim(q, incident=incident, claimant=who, role=role, status=status, withdrawn=withdrawn)
        for q, who, role, status, withdrawn in specs
    ]


def at_least(after: Bounds, before: Bounds) -> bool:
    high_ok = after.high is None or (before.high is not None and after.high >= before.high)
    return after.low >= before.low and after.best >= before.best and high_ok


@settings(max_examples=300, deadline=None)
@given(
    own=claim_specs,
    children=st.lists(claim_specs, max_size=3),
    new_child=claim_specs.filter(bool),
    reliability=reliabilities,
)
def test_a_new_child_never_lowers_its_parent(
    own: list, children: list[list], new_child: list, reliability: dict[str, str]
) -> None:
    parents: dict[str, str | None] = {"parent": None, **{f"child{i}": "parent" for i in range(len(children))}}
    claims = make_claims("parent", own)
    for i, specs in enumerate(children):
        claims += make_claims(f"child{i}", specs)
    before = tally(claims, reliability, parents, DEFAULT_POLICY)
    after = tally(claims + make_claims("newborn", new_child), reliability, {**parents, "newborn": "parent"},
                  DEFAULT_POLICY)  # fmt: skip

    for (incident, status, outcome), cell in before.items():
        if incident == "parent" and cell.bounds is not None:
            grown = after[(incident, status, outcome)].bounds
            assert grown is not None and at_least(grown, cell.bounds), (status, cell.bounds, grown)

    for (incident, status, outcome), cell in after.items():
        if incident != "parent" and cell.bounds is not None:
            parent = after[("parent", status, outcome)].bounds
            assert parent is not None and parent.low >= cell.bounds.low, (incident, status, parent, cell.bounds)
