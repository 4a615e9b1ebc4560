"""Standing figures per claim series: revisions, withdrawals, corrections and strikes."""

from __future__ import annotations

import datetime as dt

from ledger.domain.claims import Claim, apply_corrections, fold, standing
from ledger.domain.quantity import Quantity, parse_quantity
from ledger.domain.series import Correction
from ledger.domain.values import ReportedTime

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def claim(
    figure_id: str,
    quantity: str | Quantity = "10",
    *,
    series_id: str = "s1",
    reported_day: int = 0,
    position: int = 1,
    role: str = "independent",
    withdrawn: bool = False,
) -> Claim:
    """A figure by hand: one claimant's number for one cell, reported on day `reported_day`."""
    return Claim(
        figure_id=figure_id,
        series_id=series_id,
        incident_id="incident",
        claimant_id="claimant",
        victim_status="civilian",
        outcome="killed",
        role=role,
        quantity=parse_quantity(quantity) if isinstance(quantity, str) else quantity,
        reported_at=day(reported_day),
        position=position,
        withdrawn=withdrawn,
    )


def standing_ids(claims: list[Claim]) -> dict[str, str | None]:
    return {series: (c.figure_id if c else None) for series, c in standing(claims).items()}


# --- revisions ------------------------------------------------------------------------------------


def test_a_single_figure_stands() -> None:
    assert standing_ids([claim("f1")]) == {"s1": "f1"}


def test_later_reported_revision_stands_even_when_recorded_first() -> None:
    revision = claim("revision", "20", reported_day=5, position=1)  # entered into the log first
    original = claim("original", "10", reported_day=1, position=2)  # back-filled later
    assert standing_ids([revision, original]) == {"s1": "revision"}
    assert standing_ids([original, revision]) == {"s1": "revision"}


def test_latest_reported_wins_regardless_of_input_order() -> None:
    figures = [claim(f"d{d}", str(d), reported_day=d, position=10 - d) for d in (3, 1, 4, 2)]
    assert standing_ids(figures) == {"s1": "d4"}


def test_same_reported_time_is_broken_by_log_position() -> None:
    later_in_log = claim("second", "20", reported_day=1, position=7)
    earlier_in_log = claim("first", "10", reported_day=1, position=3)
    assert standing_ids([later_in_log, earlier_in_log]) == {"s1": "second"}


def test_series_are_kept_apart() -> None:
    figures = [
        claim("a1", series_id="a", reported_day=1),
        claim("b1", series_id="b", reported_day=9),
        claim("a2", series_id="a", reported_day=2),
    ]
    assert standing_ids(figures) == {"a": "a2", "b": "b1"}


# --- withdrawals ----------------------------------------------------------------------------------


def test_withdrawn_latest_figure_lets_the_previous_one_stand() -> None:
    figures = [
        claim("old", "10", reported_day=1, position=1),
        claim("new", "20", reported_day=2, position=2, withdrawn=True),
    ]
    assert standing_ids(figures) == {"s1": "old"}


def test_withdrawn_earlier_figure_does_not_block_a_later_one() -> None:
    figures = [
        claim("new", "20", reported_day=2, position=2),
        claim("old", "10", reported_day=1, position=1, withdrawn=True),
    ]
    assert standing_ids(figures) == {"s1": "new"}


def test_all_withdrawn_leaves_the_series_with_none() -> None:
    figures = [
        claim("old", reported_day=1, withdrawn=True),
        claim("new", reported_day=2, position=2, withdrawn=True),
    ]
    assert standing(figures) == {"s1": None}


# --- fold: corrections, withdrawals, strikes ------------------------------------------------------


def test_fold_without_facts_returns_figures_unchanged() -> None:
    figures = [claim("f1"), claim("f2", position=2)]
    assert fold(figures, {}, set(), set()) == figures


def test_correction_replaces_quantity_and_marks_the_figure_corrected() -> None:
    [folded] = fold([claim("f1", "10")], {"f1": [Correction(quantity=parse_quantity("at least 14"))]}, set(), set())
    assert (folded.quantity.low, folded.quantity.best, folded.quantity.high) == (14, 14, None)
    assert folded.quantity.text == "at least 14"
    assert folded.corrected


def test_correction_replaces_role_only() -> None:
    original = claim("f1", "10", role="independent")
    [folded] = fold([original], {"f1": [Correction(role="medical")]}, set(), set())
    assert folded.role == "medical"
    assert folded.quantity == original.quantity
    assert folded.reported_at == original.reported_at


def test_correction_replaces_reported_time() -> None:
    correction = Correction(reported=ReportedTime(day(7)))
    [folded] = fold([claim("f1", reported_day=1)], {"f1": [correction]}, set(), set())
    assert folded.reported_at == day(7)


def test_corrections_apply_in_the_order_recorded() -> None:
    corrections = [
        Correction(quantity=parse_quantity("12")),
        Correction(role="official"),
        Correction(quantity=parse_quantity("15")),
    ]
    folded = apply_corrections(claim("f1", "10"), corrections)
    assert folded.quantity.best == 15
    assert folded.role == "official"


def test_uncorrected_figure_is_not_marked_corrected() -> None:
    [folded, other] = fold([claim("f1"), claim("f2", position=2)], {"f1": [Correction(role="medical")]}, set(), set())
    assert folded.corrected
    assert not other.corrected
    assert other.role == "independent"


def test_correcting_reported_time_can_change_which_figure_stands() -> None:
    figures = [claim("a", "10", reported_day=1, position=1), claim("b", "20", reported_day=2, position=2)]
    assert standing_ids(fold(figures, {}, set(), set())) == {"s1": "b"}
    # "a" was really reported on day 3: it is the later figure after all.
    corrections = {"a": [Correction(reported=ReportedTime(day(3)))]}
    assert standing_ids(fold(figures, corrections, set(), set())) == {"s1": "a"}


def test_fold_marks_withdrawn_figures_and_keeps_them() -> None:
    folded = fold([claim("f1"), claim("f2", position=2)], {}, {"f2"}, set())
    assert [(c.figure_id, c.withdrawn) for c in folded] == [("f1", False), ("f2", True)]


def test_struck_figures_vanish() -> None:
    folded = fold([claim("f1"), claim("f2", position=2)], {}, set(), {"f1"})
    assert [c.figure_id for c in folded] == ["f2"]


def test_struck_latest_figure_lets_the_previous_one_stand() -> None:
    figures = [claim("old", "10", reported_day=1), claim("typo", "1000", reported_day=2, position=2)]
    assert standing_ids(fold(figures, {}, set(), {"typo"})) == {"s1": "old"}


def test_struck_only_figure_leaves_no_series_at_all() -> None:
    assert standing(fold([claim("typo")], {}, set(), {"typo"})) == {}
