"""Casualty figures as written ("at least 216", "dozens", "between 15 and 20") and the bounds they imply.

The words are kept verbatim; bounds are derived so figures can be compared. Vague words and hedged
numbers ("about 30", "nearly 50") take their bounds from a named, versioned reading table
(ledger/domain/readings.py), so a figure says which reading it used and any policy can read the
same words again with its own table.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ledger.domain.limits import MAX_COUNT_DIGITS, check_count_digits
from ledger.domain.readings import (
    ACLED_VAGUE_TABLE,
    DEFAULT2_TABLE,
    DEFAULT_VAGUE_TABLE,
    ENTRY_TABLE,
    VagueBounds,
    VagueTable,
    check_bounds,
    normalize,
)
from ledger.errors import InvalidInput

__all__ = [
    "ACLED_VAGUE_TABLE",
    "DEFAULT2_TABLE",
    "DEFAULT_VAGUE_TABLE",
    "ENTRY_TABLE",
    "BoundKind",
    "Quantity",
    "VagueBounds",
    "VagueTable",
    "parse_quantity",
    "quantities_in",
    "reference_quantities_in",
    "reference_states_quantity",
    "reread",
    "states_quantity",
]


class BoundKind(str, enum.Enum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    AT_MOST = "at_most"
    FEWER_THAN = "fewer_than"
    ABOUT = "about"
    NEARLY = "nearly"  # "nearly 50", "almost 50": just below the number
    RANGE = "range"
    VAGUE = "vague"
    UNQUANTIFIED = "unquantified"


# Only these kinds may leave the upper bound open; every other kind names its ceiling.
_OPEN_KINDS = frozenset({BoundKind.AT_LEAST, BoundKind.MORE_THAN, BoundKind.VAGUE})


def _bad(what: str, field: str, expected: str, got: object) -> InvalidInput:
    return InvalidInput(f"{what}: {field} should be {expected}, got {got!r}")


def _to_kind(value: BoundKind | str) -> BoundKind:
    try:
        return BoundKind(value)
    except ValueError:
        raise _bad("quantity", "kind", f"one of {', '.join(k.value for k in BoundKind)}", value) from None


@attrs.frozen
class Quantity:
    """A figure's words as written, with derived bounds; high None means open (or nothing, if unquantified)."""

    text: str
    kind: BoundKind = attrs.field(converter=_to_kind)
    low: int | None
    best: int | None
    high: int | None
    vague_word: str | None = None
    vague_table: str | None = None  # the table (name@version) the bounds were read with, where one mattered

    def __attrs_post_init__(self) -> None:
        what, kind, unquantified = f"quantity {self.text!r}", self.kind, self.kind is BoundKind.UNQUANTIFIED
        check_bounds(what, self.low, self.best, self.high)
        for field in ("low", "best", "high"):
            value = getattr(self, field)
            if unquantified and value is not None:
                raise _bad(what, field, "None for kind unquantified", value)
            if not unquantified and value is None and not (field == "high" and kind in _OPEN_KINDS):
                raise _bad(what, field, f"a number for kind {kind.value}", None)
        if (kind is BoundKind.VAGUE) != bool(self.vague_word) or self.vague_word == "":
            expected = "a vague word such as 'dozens'" if kind is BoundKind.VAGUE else "None"
            raise _bad(what, "vague_word", f"{expected} for kind {kind.value}", self.vague_word)

    @property
    def is_quantified(self) -> bool:
        return self.kind is not BoundKind.UNQUANTIFIED

    @property
    def is_open(self) -> bool:
        return self.is_quantified and self.high is None

    @property
    def reading(self) -> tuple[str, int | None, int | None, int | None]:
        """What the words say, whatever they were: "21" and "Twenty-one" read alike."""
        return (self.kind.value, self.low, self.best, self.high)

    def under(self, table: VagueTable) -> Quantity:
        """The same words read through another table. Only the kinds the table re-reads change; words
        the table does not know keep the reading they were recorded with (see `read_with`)."""
        if self.kind.value not in table.rereads or self.vague_table == table.label:
            return self
        reread = _reading(self.text, table)
        return self if reread is None else reread

    def read_with(self, table: VagueTable) -> str:
        """The label of the table whose reading `under(table)` gives: the table, or the recorded one."""
        if self.kind.value not in table.rereads:
            return table.label
        return table.label if self.under(table).vague_table == table.label else (self.vague_table or "the grammar")

    def to_dict(self) -> dict[str, Any]:
        # Written out, not attrs.asdict: every figure event encodes one, and the keys' order is stored.
        return {
            "text": self.text,
            "kind": self.kind.value,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "vague_word": self.vague_word,
            "vague_table": self.vague_table,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Quantity:
        return cls(
            d["text"], d["kind"], d.get("low"), d.get("best"), d.get("high"), d.get("vague_word"), d.get("vague_table")
        )


# --- the grammar ---------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
))}  # fmt: skip
_TENS = {w: 10 * i for i, w in enumerate((
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
), 2)}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
# Counted units that make a number approximate: "two dozen" is about 24, "a score" about 20.
_ROUGH_UNITS = {"dozen": 12, "score": 20}
_ROUGH = {"a couple": 2, "a couple of": 2}
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_UNQUANTIFIED = frozenset({
    "unknown", "unquantified", "casualties", "some casualties", "an unknown number", "unknown number",
    "unspecified", "unspecified number", "an unspecified number", "several casualties",
})  # fmt: skip
_NONE = frozenset({
    "no", "none", "zero", "nil", "nobody", "no one", "no-one", "no casualties", "no deaths", "no fatalities",
    "no injuries", "no one was killed", "nobody was killed",
})  # fmt: skip
_PREFIX_WORDS = {
    BoundKind.AT_LEAST: ("at least", "no fewer than", "no less than", "a minimum of", "not less than"),
    BoundKind.MORE_THAN: ("more than", "over", "in excess of", "upwards of", "just over", "well over", "above"),
    BoundKind.AT_MOST: ("up to", "at most", "as many as", "no more than", "a maximum of", "not more than"),
    BoundKind.FEWER_THAN: ("fewer than", "less than", "under", "below"),
    BoundKind.NEARLY: ("nearly", "almost", "close to", "just under", "just short of", "approaching"),
    BoundKind.ABOUT: (
        "about", "around", "approximately", "approx.", "roughly", "some", "an estimated", "estimated",
        "circa", "~", "c.", "an approximate", "in the region of",
    ),
}  # fmt: skip
_PREFIXES = tuple((prefix, kind) for kind, prefixes in _PREFIX_WORDS.items() for prefix in prefixes)
_SUFFIXES = (("or more", BoundKind.AT_LEAST), ("+", BoundKind.AT_LEAST), ("or so", BoundKind.ABOUT))
_RANGE_FORMS = (("between ", " and "), ("from ", " to "), ("", " to "), ("", " or "), ("", "-"))
# Words of stance in front of a number ("allegedly seven"): the stance is the figure's (stance.py),
# the number is read without them.
_HEDGES = (
    "allegedly", "reportedly", "purportedly", "supposedly", "an alleged", "a reported", "an unconfirmed",
    "unconfirmed", "a claimed", "claimed", "alleged", "reported",
)  # fmt: skip
_FIX = (
    "write a whole number such as '14', a bound such as 'at least 216', "
    "a range such as 'between 15 and 20', or a vague word such as 'dozens'"
)
_MAX_DIGITS = MAX_COUNT_DIGITS  # longer than any count; a slip of the keyboard, not a number (ledger/domain/limits.py)


def _small(words: list[str]) -> int | None:
    """0..99 in words: "seven", "forty", "forty one"."""
    if len(words) == 1:
        return _UNITS.get(words[0], _TENS.get(words[0]))
    if len(words) == 2 and words[0] in _TENS and 1 <= _UNITS.get(words[1], 0) <= 9:
        return _TENS[words[0]] + _UNITS[words[1]]
    return None


def _count(words: list[str]) -> int | None:
    """A multiplier: "a", digits or a small number in words."""
    if words == ["a"]:
        return 1
    if len(words) == 1 and _DIGITS.fullmatch(words[0]) and len(words[0]) <= _MAX_DIGITS:
        return int(words[0].replace(",", ""))
    return _small(words)


def _whole(phrase: str) -> tuple[int, bool] | None:
    """A whole number in digits or words, and whether it is only approximate ("two dozen"); None when
    the phrase is not one."""
    if _DIGITS.fullmatch(phrase):
        digits = phrase.replace(",", "")
        if len(digits) > _MAX_DIGITS:
            check_count_digits(f"quantity {phrase[:20]!r}", digits)
        return int(digits), False
    if phrase in _ROUGH:
        return _ROUGH[phrase], True
    words = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", phrase).split()  # "twenty-one" is "twenty one"
    if len(words) >= 2 and words[-1] in _ROUGH_UNITS:
        count = _count(words[:-1])
        return (count * _ROUGH_UNITS[words[-1]], True) if count else None
    if len(words) >= 2 and words[-1] in _SCALES:
        scale = _SCALES[words.pop()]
        count = _count(words)
        return (count * scale, False) if count else None
    n = _small(words)
    return None if n is None else (n, False)


def _bounded(text: str, kind: BoundKind, n: int, table: VagueTable) -> Quantity:
    """Bounds implied by a bound word and its number, read through the table where it sets them."""
    if kind is BoundKind.FEWER_THAN and n < 1:
        raise InvalidInput(f"quantity {text!r}: fewer than {n} is impossible, counts cannot be negative; write '0'")
    if kind is BoundKind.ABOUT:
        low, best, high = table.about_band(n)
    elif kind is BoundKind.NEARLY:
        low, best, high = table.nearly_band(n)
    else:
        low, best, high = {
            BoundKind.AT_LEAST: (n, n, None),
            BoundKind.MORE_THAN: (n + 1, n + 1, None),
            BoundKind.AT_MOST: (0, n, n),
            BoundKind.FEWER_THAN: (0, n - 1, n - 1),
        }.get(kind, (n, n, n))
    label = table.label if kind.value in table.rereads else None
    return Quantity(text, kind, low, best, high, vague_table=label)


def _affixed(norm: str) -> tuple[BoundKind, int] | None:
    """A number with a bound word before it ("at least 5", "over a dozen") or after it ("5 or more", "5+")."""
    for prefix, kind in _PREFIXES:
        rest = norm.removeprefix(prefix)
        # Word prefixes need a space after them, so "over" does not match "overall".
        bounded = rest != norm and (rest.startswith(" ") or not prefix[-1].isalpha())
        if bounded and (whole := _whole(rest.strip())) is not None:
            return kind, whole[0]
    for suffix, kind in _SUFFIXES:
        if norm.endswith(suffix) and (whole := _whole(norm.removesuffix(suffix).strip())) is not None:
            return kind, whole[0]
    return None


def _range(norm: str) -> tuple[int, int] | None:
    # Try every separator position, so "twenty-one-thirty" splits after "twenty-one".
    for lead, sep in _RANGE_FORMS:
        if not norm.startswith(lead):
            continue
        body = norm.removeprefix(lead)
        for m in re.finditer(re.escape(sep), body):
            low, high = _whole(body[: m.start()].strip()), _whole(body[m.end() :].strip())
            if low is not None and high is not None:
                return low[0], high[0]
    return None


def _vague(norm: str, table: VagueTable) -> tuple[str, VagueBounds] | None:
    # "dozens of" means "dozens"; strip one trailing "of" only.
    for word in (norm, norm.removesuffix(" of")):
        if (bounds := table.lookup(word)) is not None:
            return word, bounds
    return None


def _unhedged(norm: str) -> str:
    """The phrase without stance words in front of its number ("allegedly seven" -> "seven")."""
    stripped = True
    while stripped:
        stripped = False
        for hedge in _HEDGES:
            if norm.startswith(hedge + " "):
                norm, stripped = norm[len(hedge) + 1 :], True
    return norm


def _suggestion(norm: str, table: VagueTable) -> str | None:
    forms = [*table.entries, *(p for p, _ in _PREFIXES), *_UNQUANTIFIED, *_NONE, *_UNITS, *_TENS, "a dozen", "a score"]
    words = norm.split()
    # Suggest for the phrase, or for its first word followed by the rest ("abuot 30" -> "about 30").
    close = difflib.get_close_matches(norm, forms, n=1, cutoff=0.75)
    if close:
        return close[0]
    if len(words) > 1:
        head = difflib.get_close_matches(words[0], forms, n=1, cutoff=0.75)
        if head:
            return " ".join([head[0], *words[1:]])
    return None


def _rejection(text: str, norm: str, table: VagueTable) -> InvalidInput:
    hint = ""
    if re.search(r"(?:^|[\s~.])-\d", norm):
        problem = "counts cannot be negative"
    elif re.search(r"\d\.\d", norm):
        problem = "counts are whole numbers, not decimals"
    else:
        problem = f"not a number, bound, range or vague word that table {table.label} reads"
        hint = f" (did you mean {suggested!r}?)" if (suggested := _suggestion(norm, table)) else ""
    return InvalidInput(
        f"quantity {text!r}: {problem}{hint}; {_FIX}; `ledger policy show {table.label}` lists every accepted word"
    )


def parse_quantity(text: str, table: VagueTable = ENTRY_TABLE) -> Quantity:
    """Read a quantity phrase (the phrase only, no nouns) into a Quantity; raise InvalidInput if unreadable."""
    if not isinstance(text, str):
        raise InvalidInput(f"quantity {text!r}: should be text; {_FIX}")
    return _parse_cached(text, table)


# The same words come again and again in an import ("3", "at least 10", "dozens"), each row read
# twice or more; a Quantity is immutable, so a reading can be shared.
@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, table: VagueTable) -> Quantity:
    try:
        return _parse(text, table)
    except _Unread as unread:
        raise _rejection(unread.text, unread.norm, table) from None


class _Unread(Exception):  # not an error to report: the words are simply not a quantity
    """Words no rule reads. Only a rejection shown to someone needs its "did you mean" suggestion,
    which costs a hundred times the parse; scanning running text tries many such phrases."""

    def __init__(self, text: str, norm: str) -> None:
        self.text, self.norm = text, norm


def _parse(text: str, table: VagueTable) -> Quantity:
    text = text.strip()
    if not text:
        # An empty cell is more likely a slip than a claim; make "no number given" explicit.
        raise InvalidInput("quantity '': empty; write the words as reported, or 'casualties' / 'unquantified' if none")
    if len(text) > 200:
        raise InvalidInput(f"quantity {text[:40]!r}...: {len(text)} characters is longer than any quantity; give the words only")
    norm = _unhedged(normalize(text))
    if norm in _UNQUANTIFIED:
        return Quantity(text, BoundKind.UNQUANTIFIED, None, None, None)
    if norm in _NONE:
        return _bounded(text, BoundKind.EXACT, 0, table)
    if (whole := _whole(norm)) is not None:
        n, rough = whole
        return _bounded(text, BoundKind.ABOUT if rough else BoundKind.EXACT, n, table)
    if (vague := _vague(norm, table)) is not None:
        word, bounds = vague
        return Quantity(text, BoundKind.VAGUE, bounds.low, bounds.best, bounds.high, word, table.label)
    if (affixed := _affixed(norm)) is not None:
        return _bounded(text, *affixed, table)
    if (estimate := _estimate(text, norm)) is not None:
        return estimate
    if (pair := _range(norm)) is not None:
        low, high = pair
        if low > high:
            raise InvalidInput(
                f"quantity {text!r}: the range is reversed ({low} is above {high}); "
                f"write the lower number first, as 'between {high} and {low}'"
            )
        return Quantity(text, BoundKind.RANGE, low, low, high)
    raise _Unread(text, norm)


_BEST = re.compile(r"^(?P<range>.+), best (?P<best>[^,]+)$")


def _estimate(text: str, norm: str) -> Quantity | None:
    """A range with its best estimate inside it, as datasets give them: "8 to 12, best 10"
    (UCDP's low, high and best). A range alone takes its best at its low."""
    match = _BEST.match(norm)
    if match is None or (pair := _range(match["range"])) is None or (best := _whole(match["best"].strip())) is None:
        return None
    low, high = pair
    if not low <= best[0] <= high:
        raise InvalidInput(
            f"quantity {text!r}: the best estimate {best[0]} lies outside its range {low} to {high}; "
            "write a best between the low and the high"
        )
    return Quantity(text, BoundKind.RANGE, low, best[0], high)


@functools.lru_cache(maxsize=16384)
def _reading(text: str, table: VagueTable) -> Quantity | None:
    """`parse_quantity`, or None where the table cannot read the words."""
    try:
        return _parse(text, table)
    except (InvalidInput, _Unread):
        return None


def reread(text: str, table: VagueTable) -> Quantity | None:
    """The words read again by another table, or None where that table cannot read them."""
    return _reading(text, table)


# --- numbers inside running text ----------------------------------------------------------------

_LONGEST_PHRASE = 7  # words: "between twenty one and thirty five"
_TRIM = ".,;:!?\"'()[]{}\u201c\u201d\u2018\u2019"
# Words a quantity phrase can begin with; other words are skipped without trying to parse.
_STARTERS = frozenset(
    {p.split()[0] for p, _ in _PREFIXES} | {h.split()[0] for h in _HEDGES} | set(_UNITS) | set(_TENS)
    | {w.split()[0] for w in _UNQUANTIFIED | _NONE} | {"a", "an", "between", "from", "dozens", "scores", "tens",
       "hundreds", "thousands", "several", "few", "many", "numerous", "some", "unknown", "unspecified"}
)  # fmt: skip


def quantities_in(text: str, table: VagueTable = ENTRY_TABLE) -> list[tuple[str, Quantity]]:
    """Every quantity phrase in running text, left to right, each the longest that reads as one
    ("killed at least 216 militants" gives 'at least 216', not also '216')."""
    tokens = _tokens(text)
    words = " ".join(t for t in tokens if t)
    if normalize(words) != words:
        return _scan(tokens, table, _reading)  # words normalize would change again: no shortcut taken
    read, may_end = _quick_reader(tokens, table)
    return _scan(tokens, table, read, may_end, _reach(tokens, table))


def reference_quantities_in(text: str, table: VagueTable = ENTRY_TABLE) -> list[tuple[str, Quantity]]:
    """`quantities_in` parsing every phrase it tries: the reference its shortcut is tested against."""
    return _scan(_tokens(text), table, _reading)


def _tokens(text: str) -> list[str]:
    return [t.strip(_TRIM) for t in normalize(text).split()]


def _scan(
    tokens: list[str],
    table: VagueTable,
    read: Callable[[str, VagueTable], Quantity | None],
    may_end: list[bool] | None = None,
    reach: list[int] | None = None,
) -> list[tuple[str, Quantity]]:
    """The longest phrase from each starting word that `read` reads; `may_end[j]` False says a phrase
    ending at word j cannot read, so it is not even joined; a phrase from word i cannot read past
    word `reach[i]` (exclusive), so none longer is tried."""
    found = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token and (token.split("-")[0] in _STARTERS or token[0].isdigit() or token[0] in "~"):  # "twenty-one"
            longest = min(_LONGEST_PHRASE, len(tokens) - i) if reach is None else min(_LONGEST_PHRASE, reach[i] - i)
            for length in range(longest, 0, -1):
                if may_end is not None and not may_end[i + length - 1]:
                    continue
                phrase = " ".join(t for t in tokens[i : i + length] if t)
                reading = read(phrase, table) if phrase else None
                if reading is not None:
                    found.append((phrase, reading))
                    i += length
                    break
            else:
                i += 1
            continue
        i += 1
    return found


# --- the shortcut: most phrases tried cannot be a quantity, and their last word says so --------------

# Every rule but the fixed phrases ends its words with a number: digits ("216", "~30", "15-20"), a
# number word ("twenty-one", "a dozen", "five hundred"), or a bound after one ("or more", "+", "or so",
# "a couple of"). A phrase ending otherwise reads only as one of the fixed phrases or a vague word.
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES) | frozenset(_ROUGH_UNITS)
_NUMBER_ENDINGS = frozenset({"couple", "of", "more", "so"})
_TRAILING_LETTERS = re.compile(r"[a-z]+$")


@functools.lru_cache(maxsize=65536)  # the same words recur quote after quote
def _ends_in_number(word: str) -> bool:
    if word[-1].isdigit() or word[-1] == "+" or word in _NUMBER_ENDINGS:
        return True
    letters = _TRAILING_LETTERS.search(word)
    return letters is not None and letters[0] in _NUMBER_WORDS


@functools.lru_cache(maxsize=64)
def _fixed_phrases(table: VagueTable) -> tuple[frozenset[str], frozenset[str]]:
    """The phrases that read whole, without a number (after any hedge), and their last words: the
    only other endings. (A vague word with "of" after it ends in "of", which counts as a number's.)"""
    phrases = frozenset({*_UNQUANTIFIED, *_NONE, *table.entries})
    return phrases, frozenset(words.split()[-1] for words in phrases)


def _quick_reader(
    tokens: list[str], table: VagueTable
) -> tuple[Callable[[str, VagueTable], Quantity | None], list[bool]]:
    """`_reading`, answering None at once for a phrase whose last word no rule ends with, and trying
    only the fixed phrases and vague words where it does not end in a number; and, for each word,
    whether a phrase ending there (at its last non-empty word) may read at all."""
    fixed, fixed_last = _fixed_phrases(table)
    numbered = {t for t in tokens if t and _ends_in_number(t)}
    unnumbered = {t for t in tokens if t in fixed_last} - numbered

    def read(phrase: str, table: VagueTable) -> Quantity | None:
        last = phrase.rpartition(" ")[2]
        if last in numbered:
            return _reading(phrase, table)
        # As `_parse` has it (the words are normalized already, so a vague word is looked up as is).
        if last in unnumbered and _unhedged(phrase) in fixed:
            return _reading(phrase, table)
        return None

    may_end, last_may = [], False
    for t in tokens:
        if t:  # an empty word (punctuation alone) leaves the phrase ending at the word before
            last_may = t in numbered or t in unnumbered
        may_end.append(last_may)
    return read, may_end


# Words no rule reads: a phrase holding one cannot be a quantity. Every rule matches whole words
# (a prefix or hedge with a space after it, a range's " and ", a table's words), or text that is not
# letters alone ("~30", "c.12", "15-20", "1,000"), save one: a suffix, "or more" or "or so", is found
# at the end of the words, so "hundredor more" reads as "hundred" and "or more". So a word of letters
# alone is inert when no rule's text has it and it does not end in "or".
_LETTERS = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=64)
def _rule_words(table: VagueTable) -> frozenset[str]:
    """Every run of letters in the grammar's phrases and the table's words (more than are needed: safe)."""
    texts = [
        *_UNITS, *_TENS, *_SCALES, *_ROUGH_UNITS, *_ROUGH, *_UNQUANTIFIED, *_NONE, *_HEDGES, *table.entries,
        *(p for p, _ in _PREFIXES), *(s for s, _ in _SUFFIXES), *(part for form in _RANGE_FORMS for part in form),
        _BEST.pattern, "a", "an", "of",
    ]  # fmt: skip
    return frozenset(word for text in texts for word in _LETTERS.findall(text))


def _reach(tokens: list[str], table: VagueTable) -> list[int]:
    """For each word, the first inert word at or after it (or the end): no phrase from it reaches that far."""
    known = _rule_words(table)
    reach, stop = [0] * len(tokens), len(tokens)
    for j in range(len(tokens) - 1, -1, -1):
        t = tokens[j]
        if t and t not in known and not t.endswith("or") and t.isalpha() and t.isascii():  # an inert word
            stop = j
        reach[j] = stop
    return reach


def states_quantity(text: str, quantity: Quantity, table: VagueTable = ENTRY_TABLE) -> bool:
    """Whether running text states this quantity, in digits or words, with its bound ("at least")."""
    wanted = _reading(quantity.text, table) or quantity
    return (wanted.reading, wanted.vague_word) in _stated(text, table)


def reference_states_quantity(text: str, quantity: Quantity, table: VagueTable = ENTRY_TABLE) -> bool:
    """`states_quantity` through the reference scan, for tests."""
    wanted = _reading(quantity.text, table) or quantity
    return (wanted.reading, wanted.vague_word) in {(q.reading, q.vague_word) for _, q in reference_quantities_in(text, table)}


# A figure's quote is checked where the import checks the row, where it is prepared and in its
# series' guard; scanning running text is the dearest of those checks, so the last few are kept.
@functools.lru_cache(maxsize=4096)
def _stated(text: str, table: VagueTable) -> frozenset[tuple[tuple[str, int | None, int | None, int | None], str | None]]:
    return frozenset((q.reading, q.vague_word) for _, q in quantities_in(text, table))
