"""How a source puts a figure, read from its words: realistic sentences, written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.application.app import figure_stance
from ledger.domain.stance import _COMPILED, read_stance, stance_words
from ledger.domain.vocabulary import Stance

SENTENCES = [
    ("Seven security personnel have allegedly been martyred in the attack.", Stance.ALLEGED, "allegedly"),
    ("The militants are said to have killed 12 passengers.", Stance.ALLEGED, "said to have"),
    ("Police purportedly shot four protesters.", Stance.ALLEGED, "purportedly"),
    ("Twelve people were reportedly killed in the blast.", Stance.REPORTED, "reportedly"),
    ("According to police officials, 23 passengers were offloaded and shot.", Stance.REPORTED, "according to"),
    ("Reports say dozens of civilians died.", Stance.REPORTED, "reports say"),
    ("At least 14 people were reported killed.", Stance.REPORTED, "were reported"),
    ("The BLA claimed responsibility, saying its fighters killed 50 soldiers.", Stance.CLAIMED, "claimed"),
    ("The group claimed to have killed 30 personnel.", Stance.CLAIMED, "claimed"),
    ("The military denied that any civilians were killed.", Stance.DENIED, "denied"),
    ("The ISPR rejected the claims of 40 soldiers killed.", Stance.DENIED, "rejected the claims"),
    ("Unconfirmed reports put the toll at 60.", Stance.UNCONFIRMED, "unconfirmed"),
    ("The figure could not be independently verified.", Stance.UNCONFIRMED, "could not be independently verified"),
    ("The denial came after reports that 12 were allegedly killed.", Stance.DENIED, "denial"),
]


@pytest.mark.parametrize(("sentence", "stance", "words"), SENTENCES, ids=[s[1].value + ":" + s[2] for s in SENTENCES])
def test_the_stance_of_a_sentence(sentence: str, stance: Stance, words: str) -> None:
    if words == "denial":  # "denial" is a noun, not the source denying: the hedge further on counts
        assert read_stance(sentence) is Stance.ALLEGED
        return
    assert read_stance(sentence) is stance
    assert stance_words(sentence) == words


@pytest.mark.parametrize(
    "sentence",
    [
        "The ISPR said 21 terrorists were killed in the operation.",
        "The blast claimed 12 lives at the market.",  # "claimed ... lives" means killed, not a claim
        "The attack claimed the lives of at least seven people.",
        "Fourteen soldiers embraced martyrdom, the military said.",
        "",
    ],
)
def test_plain_statements_have_no_stance(sentence: str) -> None:
    assert read_stance(sentence) is None


def test_the_analysts_stance_wins_and_the_figure_records_where_it_came_from() -> None:
    assert figure_stance(None, "12 people were reportedly killed", "12") == ("reported", "words")
    assert figure_stance(None, None, "allegedly seven") == ("alleged", "words")  # the quantity's own words
    assert figure_stance("stated", "12 people were reportedly killed", "12") == ("stated", "analyst")
    assert figure_stance(None, "The ISPR said 12 were killed", "12") == ("stated", "none")


_STANCE_PIECES = (
    "denied", "denies", "rejected the claims", "refuted", "dismissed reports", "unconfirmed", "unverified",
    "could not be independently verified", "has not been confirmed", "cannot be confirmed", "allegedly", "alleges",
    "said to have", "purportedly", "supposedly", "claimed", "claims", "claimed 12 lives", "took responsibility",
    "reportedly", "according to", "reports say", "were reported to", "sources told", "killed", "12", "the", "police",
    "denial", "claimant", "reported", "not", "lives", "Reportedly,", "ALLEGED", "\u2019s",
)  # fmt: skip


@given(st.lists(st.sampled_from(_STANCE_PIECES), max_size=8).map(" ".join))
@settings(max_examples=500)
def test_the_one_pattern_shortcut_reads_as_every_pattern_in_turn(text: str) -> None:
    """`read_stance` searches all stance words at once first; the answer is the stance-by-stance loop's."""
    normalized = " ".join(text.lower().replace("\u2019", "'").split())
    expected = next((stance for stance, pattern in _COMPILED if pattern.search(normalized)), None)
    assert read_stance(text) is expected
