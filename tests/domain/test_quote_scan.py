"""The quote check's shortcut (ledger/domain/quantity.py `quantities_in`) against the reference scan
that parses every phrase it tries: the same phrases, readings and answers on generated quotes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain import series
from ledger.domain.quantity import (
    ACLED_VAGUE_TABLE,
    DEFAULT2_TABLE,
    DEFAULT_VAGUE_TABLE,
    parse_quantity,
    quantities_in,
    reference_quantities_in,
    reference_states_quantity,
    states_quantity,
)
from ledger.domain.values import Period, ReportedTime, SubCounts
from ledger.domain.vocabulary import Precision
from ledger.errors import InvalidInput

TABLES = (DEFAULT2_TABLE, DEFAULT_VAGUE_TABLE, ACLED_VAGUE_TABLE)

_NUMBER_WORDS = (
    "one", "two", "three", "seven", "ten", "twelve", "nineteen", "twenty", "forty", "ninety",
    "twenty-one", "Twenty-one", "forty-five", "Ninety-Nine", "hundred", "thousand", "dozen", "score",
    "a", "an", "couple", "of", "zero", "no", "none", "nil",
)  # fmt: skip
_DIGITS = ("0", "1", "3", "21", "216", "1,000", "12,345", "1,00", "007", "9" * 12, "\u0663", "\u00b2", "15-20", "5-seven")
_BOUNDS = (
    "at least", "at", "least", "no fewer than", "more than", "over", "overall", "in excess of", "up to", "at most",
    "as many as", "fewer than", "under", "below", "nearly", "almost", "close to", "just under", "about", "around",
    "approx.", "approx.30", "some", "an estimated", "circa", "~", "~30", "c.", "c.12", "or more", "+", "30+", "or so",
    "between", "and", "from", "to", "or", "-", "\u2013", "best", ", best",
)  # fmt: skip
_HEDGES = ("allegedly", "reportedly", "an alleged", "a reported", "unconfirmed", "claimed", "were reportedly")
_FILLER = (
    "said", "civilians", "people", "killed", "were", "wounded", "injured", "including", "children", "women",
    "casualties", "deaths", "nobody", "no one", "was", "unknown", "number", "unspecified", "several", "Ms.",
    "Smith", "report", "(", ")", "\u201c", "\u201d", ".", ",", ";", "overall", "somewhere", "tenfold", "2024-05-01",
    "-3", "2.5", "\u0130stanbul", "\u1e9e", "\u03a3\u039f\u03a3",
    "hundredor", "sevenor", "twentyor", "major", "doctor", "the", "militants", "source", "Synthetic",
)  # fmt: skip
_VAGUE = tuple(sorted({w for t in TABLES for w in t.entries}))

_word = st.sampled_from(_NUMBER_WORDS + _DIGITS + _BOUNDS + _HEDGES + _FILLER + _VAGUE)
_glue = st.sampled_from(("", "", "", ",", ".", ")", "\u201d", ";"))
_piece = st.one_of(
    st.tuples(_word, _glue).map("".join),
    st.text(alphabet="abcdefghilmnorstuwyz0123456789-~+.,'\u2013 ", max_size=8),
)
quotes = st.lists(_piece, max_size=16).map(" ".join)
_number = st.sampled_from(
    ("3", "21", "216", "1,000", "seven", "twenty", "Twenty-one", "forty five", "a dozen", "two dozen", "five hundred", "a couple")
)
_hedge = st.sampled_from(("", "", "allegedly ", "reportedly ", "an unconfirmed "))
quantity_words = st.one_of(
    st.tuples(_hedge, _number).map("".join),
    st.tuples(_hedge, st.sampled_from(("at least", "more than", "up to", "fewer than", "nearly", "about", "~")), _number).map(
        " ".join
    ),
    st.tuples(_number, st.sampled_from(("or more", "+", "or so"))).map(" ".join),
    st.tuples(st.sampled_from(("between {} and {}", "from {} to {}", "{} to {}", "{}-{}", "{} or {}")), _number, _number).map(
        lambda t: t[0].format(t[1], t[2])
    ),
    st.sampled_from((*_VAGUE, "no one was killed", "nobody", "unknown number", "casualties")),
    st.lists(st.sampled_from(_NUMBER_WORDS + _DIGITS + _BOUNDS + _HEDGES + _VAGUE), min_size=1, max_size=6).map(" ".join),
)


def _quantity(words: str, table):
    try:
        return parse_quantity(words, table)
    except InvalidInput:
        return None


@settings(max_examples=1500, deadline=None)
@given(quotes, st.sampled_from(TABLES))
def test_the_shortcut_finds_the_phrases_the_reference_scan_finds(quote: str, table) -> None:
    assert quantities_in(quote, table) == reference_quantities_in(quote, table)


@settings(max_examples=1500, deadline=None)
@given(st.data(), quotes, quantity_words, st.sampled_from(TABLES))
def test_a_quote_states_a_quantity_as_the_reference_scan_says(data, quote: str, words: str, table) -> None:
    # Half the time the quote carries the quantity's own words somewhere, as real quotes do.
    if data.draw(st.booleans()):
        cut = data.draw(st.integers(0, len(quote)))
        quote = f"{quote[:cut]} {words} {quote[cut:]}"
    quantity = _quantity(words, table)
    if quantity is not None:
        assert states_quantity(quote, quantity, table) == reference_states_quantity(quote, quantity, table)


@pytest.mark.parametrize(
    ("quote", "phrases"),
    [
        ("Twenty-one civilians were reportedly killed, including 3 children.", ["twenty-one", "3"]),
        ("the army said at least 216 militants died", ["at least 216"]),
        ("between 15 and 20 dead", ["between 15 and 20"]),
        ("Dozens of people were hurt", ["dozens of"]),
        ("Reportedly no one was killed; an unknown number were hurt", ["reportedly no one was killed", "an unknown number"]),
        ("~30 dead and 15\u201320 hurt, 40+ missing, nearly fifty displaced", ["~30", "15-20", "40+", "nearly fifty"]),
        ("overall, a couple of dozen sources", ["a couple of"]),
        ("seven hundredor more died, the doctor said 5 or so", ["seven hundredor more", "5 or so"]),
        ("Synthetic media source 3 said at least 12 militant/group-a killed", ["3", "at least 12"]),
    ],
)
def test_the_shortcut_on_quotes_as_written(quote: str, phrases: list[str]) -> None:
    found = quantities_in(quote)
    assert [words for words, _ in found] == phrases
    assert found == reference_quantities_in(quote)


def _refusal(quote: str, words: str) -> str | None:
    reported = ReportedTime(dt.datetime(2024, 5, 2, tzinfo=dt.UTC), Precision.DAY)
    period = Period(dt.date(2024, 5, 1), dt.date(2024, 5, 1))
    try:
        series.check_figure(parse_quantity(words), SubCounts(), None, reported, period, quote=quote)
    except InvalidInput as refused:
        return str(refused)
    return None


@settings(max_examples=300, deadline=None)
@given(quotes, st.sampled_from(("21", "twenty-one", "at least 5", "between 15 and 20", "dozens", "about 30")))
def test_a_refused_quote_is_refused_with_the_reference_scans_words(quote: str, words: str) -> None:
    fast = _refusal(quote, words)
    with pytest.MonkeyPatch.context() as m:  # the same guard, through the reference scan
        m.setattr(series, "states_quantity", reference_states_quantity)
        m.setattr(series, "quantities_in", reference_quantities_in)
        assert _refusal(quote, words) == fast


@pytest.mark.parametrize("quote", ["\u0130 said 3 died", "\u1e9e\u03a3 said twenty-one died", "KELVIN \u212a 5"])
def test_words_that_normalize_again_give_the_reference_answer(quote: str) -> None:
    # (the shortcut declines where normalizing the words again would change them)
    assert quantities_in(quote) == reference_quantities_in(quote)
