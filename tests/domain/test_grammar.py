"""The words reporters use, read by table default@2 (and where default@1 and acled@1 read them otherwise).

Each documented phrase with its bounds, each refused phrase with its message; the README's table of
words is this table.
"""

from __future__ import annotations

import pytest

from ledger.domain.quantity import (
    ACLED_VAGUE_TABLE,
    DEFAULT2_TABLE,
    DEFAULT_VAGUE_TABLE,
    BoundKind,
    parse_quantity,
    quantities_in,
    states_quantity,
)
from ledger.errors import InvalidInput

K = BoundKind

# phrase, kind, default@2 bounds (low, best, high; None: open), default@1 bounds
PHRASES = [
    ("14", K.EXACT, (14, 14, 14), (14, 14, 14)),
    ("Twenty-one", K.EXACT, (21, 21, 21), (21, 21, 21)),
    ("a dozen", K.ABOUT, (10, 12, 14), (12, 12, 12)),
    ("two dozen", K.ABOUT, (21, 24, 27), (24, 24, 24)),
    ("2 dozen", K.ABOUT, (21, 24, 27), (24, 24, 24)),
    ("a score", K.ABOUT, (18, 20, 22), (20, 20, 20)),
    ("three score", K.ABOUT, (54, 60, 66), (60, 60, 60)),
    ("around 30", K.ABOUT, (27, 30, 33), (30, 30, 30)),
    ("about 7", K.ABOUT, (6, 7, 8), (7, 7, 7)),
    ("some 40", K.ABOUT, (36, 40, 44), (40, 40, 40)),
    ("30 or so", K.ABOUT, (27, 30, 33), (30, 30, 30)),
    ("nearly 50", K.NEARLY, (45, 49, 49), (50, 50, 50)),
    ("almost 50", K.NEARLY, (45, 49, 49), (50, 50, 50)),
    ("close to 100", K.NEARLY, (90, 99, 99), (100, 100, 100)),
    ("at least 216", K.AT_LEAST, (216, 216, None), (216, 216, None)),
    ("over a dozen", K.MORE_THAN, (13, 13, None), (13, 13, None)),
    ("more than two dozen", K.MORE_THAN, (25, 25, None), (25, 25, None)),
    ("up to 40", K.AT_MOST, (0, 40, 40), (0, 40, 40)),
    ("fewer than 10", K.FEWER_THAN, (0, 9, 9), (0, 9, 9)),
    ("30-40", K.RANGE, (30, 30, 40), (30, 30, 40)),
    ("between 15 and 20", K.RANGE, (15, 15, 20), (15, 15, 20)),
    ("several", K.VAGUE, (3, 3, None), (3, 3, None)),
    ("dozens", K.VAGUE, (24, 24, None), (12, 12, None)),
    ("dozens of", K.VAGUE, (24, 24, None), (12, 12, None)),
    ("several dozen", K.VAGUE, (36, 36, None), None),
    ("a few dozen", K.VAGUE, (24, 24, None), None),
    ("scores", K.VAGUE, (40, 40, None), None),
    ("scores of", K.VAGUE, (40, 40, None), None),
    ("tens", K.VAGUE, (20, 20, None), (10, 10, None)),
    ("hundreds", K.VAGUE, (200, 200, None), (100, 100, None)),
    ("several hundred", K.VAGUE, (300, 300, None), None),
    ("no casualties", K.EXACT, (0, 0, 0), (0, 0, 0)),
    ("none", K.EXACT, (0, 0, 0), (0, 0, 0)),
    ("nobody", K.EXACT, (0, 0, 0), (0, 0, 0)),
    ("allegedly seven", K.EXACT, (7, 7, 7), (7, 7, 7)),
    ("reportedly dozens", K.VAGUE, (24, 24, None), (12, 12, None)),
    ("an estimated 300", K.ABOUT, (270, 300, 330), (300, 300, 300)),
    ("casualties", K.UNQUANTIFIED, (None, None, None), (None, None, None)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "bounds", "v1"), PHRASES, ids=[p[0] for p in PHRASES])
def test_each_phrase_and_its_bounds_under_default_2_and_default_1(
    text: str, kind: BoundKind, bounds: tuple[int | None, ...], v1: tuple[int | None, ...] | None
) -> None:
    q = parse_quantity(text, DEFAULT2_TABLE)
    assert (q.kind, (q.low, q.best, q.high)) == (kind, bounds)
    assert q.text == text  # the words are kept as written
    if v1 is None:  # a word default@1 never had: it cannot read it, and says so
        with pytest.raises(InvalidInput, match="table default@1"):
            parse_quantity(text, DEFAULT_VAGUE_TABLE)
        assert q.under(DEFAULT_VAGUE_TABLE) == q  # a tally under default@1 keeps the recorded reading
    else:
        old = parse_quantity(text, DEFAULT_VAGUE_TABLE)
        assert (old.low, old.best, old.high) == v1
        assert q.under(DEFAULT_VAGUE_TABLE).reading[1:] == v1  # recorded by default@2, read by default@1


def test_acled_keeps_its_codebook_where_default_2_reads_as_an_analyst_would() -> None:
    for word, acled, default2 in (("dozens", 12, 24), ("tens", 10, 20), ("hundreds", 100, 200), ("several", 3, 3)):
        assert parse_quantity(word, ACLED_VAGUE_TABLE).best == acled
        assert parse_quantity(word, DEFAULT2_TABLE).best == default2
    assert dict(DEFAULT_VAGUE_TABLE.entries) == dict(ACLED_VAGUE_TABLE.entries)  # default@1 and acled@1 agree


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dozns", r"quantity 'dozns': not a number, bound, range or vague word that table default@2 reads "
                  r"\(did you mean 'dozens'\?\); .*`ledger policy show default@2` lists every accepted word"),
        ("abuot 30", r"\(did you mean 'about 30'\?\)"),
        ("a great many", r"not a number, bound, range or vague word that table default@2 reads; write"),
        ("-3", r"counts cannot be negative; write"),
        ("2.5", r"counts are whole numbers, not decimals"),
        ("between 20 and 10", r"the range is reversed \(20 is above 10\)"),
        ("", r"empty; write the words as reported"),
        ("1" * 20, r"20 digits is longer than any count"),
    ],
)  # fmt: skip
def test_refused_phrases_say_why_and_point_to_the_word_list(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_quantity(text, DEFAULT2_TABLE)


@pytest.mark.parametrize(
    ("quote", "words", "states"),
    [
        ("41 people, including 14 security personnel, were martyred", "41", True),
        ("41 people, including 14 security personnel, were martyred", "14", True),
        ("41 people, including 14 security personnel, were martyred", "27", False),
        ("eighteen brave sons of the soil embraced martyrdom", "1", False),
        ("eighteen brave sons of the soil embraced martyrdom", "18", True),
        ("Twenty-one terrorists were sent to hell", "21", True),
        ("killed at least 216 militants", "at least 216", True),
        ("killed at least 216 militants", "216", False),  # the bound is part of the number
        ("dozens of civilian deaths, including women and children", "dozens", True),
        ("casualties among law enforcement and military ranks", "casualties", True),
        ("around 30 people were wounded", "about 30", True),  # the same reading in other words
        ("seven security personnel have allegedly been martyred", "allegedly seven", True),
    ],
)
def test_a_quote_states_a_number_in_digits_or_words_with_its_bound(quote: str, words: str, states: bool) -> None:
    assert states_quantity(quote, parse_quantity(words)) is states


def test_numbers_are_found_in_running_text_longest_first() -> None:
    text = "The ISPR said at least 216 terrorists were killed, while between 15 and 20 civilians and twenty-one soldiers died."
    assert [words for words, _ in quantities_in(text)] == ["at least 216", "between 15 and 20", "twenty-one"]
