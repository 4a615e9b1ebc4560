"""Quantity phrases as written, and the bounds derived from them, as table default@1 reads them.

default@1 never changes its meaning: these readings hold for as long as the ledger exists. The
words that default@2 reads differently, and the wider grammar, are tested in test_grammar.py.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.quantity import (
    ACLED_VAGUE_TABLE,
    DEFAULT_VAGUE_TABLE,
    BoundKind,
    Quantity,
    VagueBounds,
    VagueTable,
    parse_quantity,
)
from ledger.errors import InvalidInput

K = BoundKind


def parse_v1(text: str, table: VagueTable = DEFAULT_VAGUE_TABLE) -> Quantity:
    return parse_quantity(text, table)


def bounds(text: str) -> tuple[BoundKind, int | None, int | None, int | None]:
    q = parse_v1(text)
    return q.kind, q.low, q.best, q.high


# --- exact numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("14", 14),
        ("0", 0),
        ("no", 0),
        ("none", 0),
        ("zero", 0),
        ("one", 1),
        ("fourteen", 14),
        ("nineteen", 19),
        ("twenty", 20),
        ("ninety", 90),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("Forty-Two", 42),
        ("a hundred", 100),
        ("one hundred", 100),
        ("two hundred", 200),
        ("a thousand", 1000),
        ("1,200", 1200),
        ("12,345,678", 12345678),
        ("  14  ", 14),
    ],
)
def test_exact_numbers_in_digits_and_words(text: str, n: int) -> None:
    assert bounds(text) == (K.EXACT, n, n, n)


@pytest.mark.parametrize(("text", "n"), [("a dozen", 12), ("a couple", 2), ("a couple of", 2)])
def test_approximate_number_words_are_about(text: str, n: int) -> None:
    assert bounds(text) == (K.ABOUT, n, n, n)


def test_text_is_kept_as_written_but_stripped() -> None:
    q = parse_v1("  At  Least 216 ")
    assert q.text == "At  Least 216"
    assert (q.kind, q.low) == (K.AT_LEAST, 216)


@pytest.mark.parametrize("text", ["1 200", "1,20", "1,2000", "twenty ten", "zero hundred", "hundred"])
def test_malformed_numbers_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput, match="write a whole number"):
        parse_v1(text)


# --- bounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["at least 216", "no fewer than 216", "no less than 216", "a minimum of 216", "216 or more", "216+"]
)
def test_at_least(text: str) -> None:
    q = parse_v1(text)
    assert (q.kind, q.low, q.best, q.high) == (K.AT_LEAST, 216, 216, None)
    assert q.is_open


@pytest.mark.parametrize("text", ["more than 20", "over 20", "in excess of 20", "upwards of twenty"])
def test_more_than_starts_one_above(text: str) -> None:
    q = parse_v1(text)
    assert (q.kind, q.low, q.best, q.high) == (K.MORE_THAN, 21, 21, None)
    assert q.is_open


@pytest.mark.parametrize("text", ["up to 30", "at most 30", "as many as 30", "no more than 30", "a maximum of 30"])
def test_at_most(text: str) -> None:
    q = parse_v1(text)
    assert (q.kind, q.low, q.best, q.high) == (K.AT_MOST, 0, 30, 30)
    assert not q.is_open


@pytest.mark.parametrize("text", ["fewer than 10", "less than 10", "under ten"])
def test_fewer_than_ends_one_below(text: str) -> None:
    assert bounds(text) == (K.FEWER_THAN, 0, 9, 9)


def test_fewer_than_one_means_zero() -> None:
    assert bounds("fewer than 1") == (K.FEWER_THAN, 0, 0, 0)


def test_fewer_than_zero_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="cannot be negative"):
        parse_v1("fewer than 0")


@pytest.mark.parametrize(
    "text",
    [
        "about 40", "around 40", "approximately 40", "roughly 40", "some 40",
        "an estimated 40", "estimated 40", "~40", "~ 40", "c. 40", "c.40", "About Forty",
    ],
)  # fmt: skip
def test_about(text: str) -> None:
    assert bounds(text) == (K.ABOUT, 40, 40, 40)


def test_bound_words_combine_with_number_words() -> None:
    assert bounds("at least a dozen") == (K.AT_LEAST, 12, 12, None)
    assert bounds("up to a thousand") == (K.AT_MOST, 0, 1000, 1000)


@pytest.mark.parametrize("text", ["overall 5", "undersized 5", "some5"])
def test_bound_words_must_be_whole_words(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_v1(text)


# --- ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "between 15 and 20", "15-20", "15 - 20", "15\u201320", "15 \u2013 20", "15 to 20", "15 or 20",
        "from 15 to 20", "between fifteen and twenty", "Between 15  and 20",
    ],
)  # fmt: skip
def test_range(text: str) -> None:
    assert bounds(text) == (K.RANGE, 15, 15, 20)


def test_range_with_compound_words_and_separators() -> None:
    assert bounds("twenty-one-thirty") == (K.RANGE, 21, 21, 30)
    assert bounds("1,200-1,500") == (K.RANGE, 1200, 1200, 1500)


def test_range_of_equal_ends_is_allowed() -> None:
    assert bounds("between 7 and 7") == (K.RANGE, 7, 7, 7)


@pytest.mark.parametrize("text", ["between 20 and 15", "20-15", "from twenty to fifteen"])
def test_reversed_range_is_an_error(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"range is reversed.*lower number first.*'between 15 and 20'"):
        parse_v1(text)


# --- vague words --------------------------------------------------------------------------------

DEFAULT_WORDS = {
    "several": 3, "a few": 3, "few": 3, "some": 3, "many": 3, "numerous": 3, "a number of": 3,
    "tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000,
}  # fmt: skip


@pytest.mark.parametrize(("word", "n"), DEFAULT_WORDS.items())
def test_every_default_vague_word(word: str, n: int) -> None:
    q = parse_v1(word)
    assert (q.kind, q.low, q.best, q.high, q.vague_word) == (K.VAGUE, n, n, None, word)
    assert q.is_open


def test_default_table_holds_only_the_listed_words() -> None:
    assert dict(DEFAULT_VAGUE_TABLE.entries) == {w: VagueBounds(n, n, None) for w, n in DEFAULT_WORDS.items()}
    assert DEFAULT_VAGUE_TABLE.label == "default@1"


def test_acled_table_is_a_separate_table_with_the_same_values() -> None:
    assert ACLED_VAGUE_TABLE.label == "acled@1"
    assert ACLED_VAGUE_TABLE != DEFAULT_VAGUE_TABLE
    assert dict(ACLED_VAGUE_TABLE.entries) == dict(DEFAULT_VAGUE_TABLE.entries)


def test_vague_word_is_normalized_and_may_end_in_of() -> None:
    q = parse_v1("  Dozens   of ")
    assert (q.text, q.kind, q.vague_word, q.low) == ("Dozens   of", K.VAGUE, "dozens", 12)
    assert parse_v1("a number of").vague_word == "a number of"


@pytest.mark.parametrize("text", ["a handful", "scores", "dozens of of", "several dozen"])
def test_words_outside_the_table_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput, match="default@1"):
        parse_v1(text)


def test_table_lookup_normalizes_and_entries_are_read_only() -> None:
    assert DEFAULT_VAGUE_TABLE.lookup("  A   FEW ") == VagueBounds(3, 3, None)
    assert DEFAULT_VAGUE_TABLE.lookup("handful") is None
    with pytest.raises(TypeError):
        DEFAULT_VAGUE_TABLE.entries["dozens"] = VagueBounds(1, 1, 1)  # type: ignore[index]


def test_tables_compare_and_hash_by_content() -> None:
    a = VagueTable("t", 1, {"Dozens": VagueBounds(12, 24, 99)})
    b = VagueTable("t", 1, [("dozens", VagueBounds(12, 24, 99))])
    assert a == b
    assert hash(a) == hash(b)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.name = "u"  # type: ignore[misc]


CUSTOM = VagueTable("custom", 2, {"dozens": VagueBounds(24, 36, 99), "a handful": VagueBounds(2, 4, 6)})


def test_parse_with_a_custom_table() -> None:
    q = parse_v1("a handful", CUSTOM)
    assert (q.kind, q.low, q.best, q.high, q.vague_word) == (K.VAGUE, 2, 4, 6, "a handful")
    assert not q.is_open
    assert CUSTOM.label == "custom@2"


def test_under_rereads_a_vague_figure() -> None:
    q = parse_v1("dozens of")
    again = q.under(CUSTOM)
    assert (again.text, again.vague_word) == ("dozens of", "dozens")
    assert (again.low, again.best, again.high) == (24, 36, 99)
    assert again.under(DEFAULT_VAGUE_TABLE) == q


def test_under_leaves_other_kinds_alone() -> None:
    q = parse_v1("between 15 and 20")
    assert q.under(CUSTOM) is q


@pytest.mark.parametrize("text", ["nearly 40", "almost 40", "close to 40"])
def test_default_1_reads_nearly_as_exactly_the_number(text: str) -> None:
    """default@1 always read "nearly 40" as 40 / 40 / 40, and still does; the kind now records the word."""
    assert bounds(text) == (K.NEARLY, 40, 40, 40)


def test_under_keeps_the_recorded_reading_of_a_word_missing_from_the_table() -> None:
    """A table that does not know a word cannot read it; the figure keeps the bounds it was recorded with."""
    recorded = parse_v1("several")
    assert recorded.under(CUSTOM) == recorded
    assert recorded.read_with(CUSTOM) == "default@1"


# --- unquantified -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["unknown", "Unquantified", "casualties", "some casualties", "an unknown number",
     "unspecified", "unspecified number"],
)  # fmt: skip
def test_unquantified(text: str) -> None:
    q = parse_v1(text)
    assert (q.kind, q.low, q.best, q.high, q.vague_word) == (K.UNQUANTIFIED, None, None, None, None)
    assert not q.is_quantified
    assert not q.is_open


def test_quantified_figures_say_so() -> None:
    assert parse_v1("14").is_quantified
    assert parse_v1("dozens").is_quantified


# --- rejected input -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["-3", "at least -3", "between -3 and 5", "\u22123"])
def test_negative_is_an_error(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"^quantity .*: counts cannot be negative; write "):
        parse_v1(text)


@pytest.mark.parametrize("text", ["2.5", "about 2.5", "between 1.5 and 3"])
def test_decimal_is_an_error(text: str) -> None:
    with pytest.raises(InvalidInput, match="whole numbers, not decimals"):
        parse_v1(text)


@pytest.mark.parametrize(
    "text", ["abc", "lots and lots", "12 abc", "14 killed", "at least 216 people", "dozens of militants", "at least"]
)
def test_junk_is_an_error_with_a_one_line_fix(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_v1(text)
    message = str(caught.value)
    assert message.startswith(f"quantity {text!r}: ")
    assert "'at least 216'" in message and "'between 15 and 20'" in message and "'dozens'" in message
    assert "\n" not in message


def test_non_text_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="should be text"):
        parse_v1(14)  # type: ignore[arg-type]


# --- the value object ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["14", "at least 216", "more than 5", "up to 9", "fewer than 3", "about 40", "15-20", "dozens of"]
)
def test_dict_round_trip(text: str) -> None:
    q = parse_v1(text)
    d = q.to_dict()
    assert set(d) == {"text", "kind", "low", "best", "high", "vague_word", "vague_table"}
    assert d["kind"] == q.kind.value and type(d["kind"]) is str
    assert Quantity.from_dict(d) == q


def test_to_dict_values() -> None:
    assert parse_v1("dozens").to_dict() == {
        "text": "dozens", "kind": "vague", "low": 12, "best": 12, "high": None, "vague_word": "dozens",
        "vague_table": "default@1",
    }  # fmt: skip


def test_from_dict_rejects_unknown_kind() -> None:
    with pytest.raises(InvalidInput, match="kind should be one of exact"):
        Quantity.from_dict({"text": "14", "kind": "lots", "low": 14, "best": 14, "high": 14})


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("x", K.RANGE, 20, 20, 15), r"high should be at least best \(20\), got 15"),
        (("x", K.RANGE, 5, 3, 9), r"best should be at least low \(5\), got 3"),
        (("x", K.EXACT, -1, -1, -1), r"low should be 0 or more .*got -1"),
        (("x", K.EXACT, 1.5, 1.5, 1.5), r"low should be a whole number"),
        (("x", K.EXACT, True, True, True), r"low should be a whole number"),
        (("x", K.UNQUANTIFIED, 3, None, None), r"low should be None for kind unquantified, got 3"),
        (("x", K.EXACT, None, None, None), r"low should be a number for kind exact, got None"),
        (("x", K.ABOUT, 4, 4, None), r"high should be a number for kind about, got None"),
        (("x", K.VAGUE, 3, 3, None), r"vague_word should be a vague word .* for kind vague, got None"),
        (("x", K.EXACT, 3, 3, 3, "dozens"), r"vague_word should be None for kind exact, got 'dozens'"),
        (("x", K.EXACT, 3, 3, 3, ""), r"vague_word should be None for kind exact, got ''"),
        (("x", K.VAGUE, 3, 3, None, ""), r"vague_word should be a vague word .* for kind vague, got ''"),
    ],
)
def test_validators_name_field_expectation_and_value(args: tuple, pattern: str) -> None:
    with pytest.raises(InvalidInput, match=r"^quantity 'x': " + pattern):
        Quantity(*args)


def test_open_kinds_may_omit_high() -> None:
    assert Quantity("x", K.AT_LEAST, 4, 4, None).is_open
    assert Quantity("x", "vague", 4, 4, None, "many").kind is K.VAGUE


def test_vague_bounds_are_validated() -> None:
    with pytest.raises(InvalidInput, match=r"high should be at least best \(5\), got 2"):
        VagueBounds(1, 5, 2)


# --- properties ---------------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=10**6)


@given(counts)
def test_any_count_in_digits_is_exact(n: int) -> None:
    q = parse_v1(str(n))
    assert (q.kind, q.low, q.best, q.high) == (K.EXACT, n, n, n)


@given(counts)
def test_any_count_with_thousands_separators_is_exact(n: int) -> None:
    assert parse_v1(f"{n:,}").best == n


@given(counts)
def test_at_least_any_count_is_open_from_it(n: int) -> None:
    q = parse_v1(f"at least {n}")
    assert (q.kind, q.low) == (K.AT_LEAST, n)
    assert q.is_open


@given(counts, counts)
def test_between_any_ordered_counts(a: int, b: int) -> None:
    low, high = min(a, b), max(a, b)
    q = parse_v1(f"between {low} and {high}")
    assert (q.kind, q.low, q.best, q.high) == (K.RANGE, low, low, high)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_quantity_is_an_error_not_a_silent_unquantified(text: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        parse_v1(text)


@pytest.mark.parametrize("words", ["3", "at least 10", "dozens", "casualties", "between 12 and 40", "about 7"])
def test_to_dict_names_every_field_in_declaration_order_and_round_trips(words: str) -> None:
    # Stored events hold this dict: a new field must appear in it, and the keys' order must not move.
    quantity = parse_v1(words)
    assert list(quantity.to_dict()) == [f.name for f in attrs.fields(Quantity)]
    assert quantity.to_dict()["kind"] == quantity.kind.value
    assert Quantity.from_dict(quantity.to_dict()) == quantity
