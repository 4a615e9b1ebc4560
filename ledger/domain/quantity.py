"""Casualty figures as written ("at least 216", "dozens", "between 15 and 20") and the bounds they imply.

The words are kept verbatim; bounds are derived so figures can be compared. Vague words take their
bounds from a named, versioned table, so a figure can say which reading of "dozens" it used.
"""

from __future__ import annotations

import enum
import functools
import re
import types
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ledger.errors import InvalidInput


class BoundKind(str, enum.Enum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    MORE_THAN = "more_than"
    AT_MOST = "at_most"
    FEWER_THAN = "fewer_than"
    ABOUT = "about"
    RANGE = "range"
    VAGUE = "vague"
    UNQUANTIFIED = "unquantified"


# Only these kinds may leave the upper bound open; every other kind names its ceiling.
_OPEN_KINDS = frozenset({BoundKind.AT_LEAST, BoundKind.MORE_THAN, BoundKind.VAGUE})


_DASHES = str.maketrans("\u2013\u2014\u2212", "---")  # en dash, em dash, minus sign


def _normalize(text: str) -> str:
    """Lower-case, single spaces, ASCII dashes: the form every rule below matches against."""
    return " ".join(text.lower().translate(_DASHES).split())


def _bad(what: str, field: str, expected: str, got: object) -> InvalidInput:
    return InvalidInput(f"{what}: {field} should be {expected}, got {got!r}")


def _check_bounds(what: str, low: int | None, best: int | None, high: int | None) -> None:
    named = {"low": low, "best": best, "high": high}
    for field, value in named.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(what, field, "a whole number or None", value)
        if value < 0:
            raise _bad(what, field, "0 or more (counts cannot be negative)", value)
    for lesser, greater in (("low", "best"), ("best", "high"), ("low", "high")):
        if named[lesser] is not None and named[greater] is not None and named[greater] < named[lesser]:
            raise _bad(what, greater, f"at least {lesser} ({named[lesser]})", named[greater])


@attrs.frozen
class VagueBounds:
    low: int
    best: int
    high: int | None  # None: no upper bound

    def __attrs_post_init__(self) -> None:
        _check_bounds("vague bounds", self.low, self.best, self.high)


def _entry_pairs(
    entries: Mapping[str, VagueBounds] | Iterable[tuple[str, VagueBounds]],
) -> tuple[tuple[str, VagueBounds], ...]:
    # A sorted tuple keeps the table frozen, hashable and comparable; `entries` exposes it as a mapping.
    items = entries.items() if isinstance(entries, Mapping) else entries
    return tuple(sorted({_normalize(word): bounds for word, bounds in items}.items()))


@attrs.frozen(cache_hash=True)  # a key of the parse cache: hashed once, not per figure read
class VagueTable:
    """A named, versioned reading of vague words, so a figure can cite e.g. "default@1"."""

    name: str
    version: int
    _entries: tuple[tuple[str, VagueBounds], ...] = attrs.field(converter=_entry_pairs, alias="entries")

    def __attrs_post_init__(self) -> None:
        for word, bounds in self._entries:
            if not isinstance(bounds, VagueBounds):
                raise _bad(f"vague table {self.label}", f"entry {word!r}", "VagueBounds", bounds)

    @property
    def entries(self) -> Mapping[str, VagueBounds]:
        return types.MappingProxyType(dict(self._entries))

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def lookup(self, word: str) -> VagueBounds | None:
        return dict(self._entries).get(_normalize(word))


# ACLED's reading: the smallest number the word can mean, with no ceiling.
_ACLED_WORDS = {
    "several": 3, "a few": 3, "few": 3, "some": 3, "many": 3, "numerous": 3, "a number of": 3,
    "tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000,
}  # fmt: skip


def _floor_table(name: str, words: Mapping[str, int]) -> VagueTable:
    return VagueTable(name, 1, {word: VagueBounds(n, n, None) for word, n in words.items()})


# Same values today, but separate objects: the default may change, while "acled@1" must not.
DEFAULT_VAGUE_TABLE = _floor_table("default", _ACLED_WORDS)
ACLED_VAGUE_TABLE = _floor_table("acled", _ACLED_WORDS)


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
    vague_table: str | None = None  # the table (name@version) the vague word's bounds came from

    def __attrs_post_init__(self) -> None:
        what, kind, unquantified = f"quantity {self.text!r}", self.kind, self.kind is BoundKind.UNQUANTIFIED
        _check_bounds(what, self.low, self.best, self.high)
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

    def under(self, table: VagueTable) -> Quantity:
        """The same words read through another vague table; only vague figures change."""
        if self.kind is not BoundKind.VAGUE:
            return self
        bounds = table.lookup(self.vague_word or "")
        if bounds is None:
            raise InvalidInput(
                f"quantity {self.text!r}: vague word {self.vague_word!r} is not in table {table.label}; "
                "add it to that table or read the figure with a table that has it"
            )
        return attrs.evolve(self, low=bounds.low, best=bounds.best, high=bounds.high, vague_table=table.label)

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


# --- parsing -------------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
))}  # fmt: skip
_TENS = {w: 10 * i for i, w in enumerate((
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
), 2)}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
_ROUGH = {"a dozen": 12, "a couple": 2, "a couple of": 2}  # numbers that are only ever approximate
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_UNQUANTIFIED = frozenset({
    "unknown", "unquantified", "casualties", "some casualties", "an unknown number", "unknown number",
    "unspecified", "unspecified number", "an unspecified number",
})  # fmt: skip
_PREFIX_WORDS = {
    BoundKind.AT_LEAST: ("at least", "no fewer than", "no less than", "a minimum of"),
    BoundKind.MORE_THAN: ("more than", "over", "in excess of", "upwards of"),
    BoundKind.AT_MOST: ("up to", "at most", "as many as", "no more than", "a maximum of"),
    BoundKind.FEWER_THAN: ("fewer than", "less than", "under"),
    BoundKind.ABOUT: (
        "about", "around", "approximately", "roughly", "some", "nearly", "almost",
        "an estimated", "estimated", "close to", "~", "c.",
    ),
}  # fmt: skip
_PREFIXES = tuple((prefix, kind) for kind, prefixes in _PREFIX_WORDS.items() for prefix in prefixes)
_SUFFIXES = (("or more", BoundKind.AT_LEAST), ("+", BoundKind.AT_LEAST))
_RANGE_FORMS = (("between ", " and "), ("from ", " to "), ("", " to "), ("", " or "), ("", "-"))
_FIX = (
    "write a whole number such as '14', a bound such as 'at least 216', "
    "a range such as 'between 15 and 20', or a vague word such as 'dozens'"
)


def _small(words: list[str]) -> int | None:
    """0..99 in words: "seven", "forty", "forty one"."""
    if len(words) == 1:
        return _UNITS.get(words[0], _TENS.get(words[0]))
    if len(words) == 2 and words[0] in _TENS and 1 <= _UNITS.get(words[1], 0) <= 9:
        return _TENS[words[0]] + _UNITS[words[1]]
    return None


def _whole(phrase: str) -> int | None:
    """A whole number in digits or words, or None when the phrase is not one."""
    if _DIGITS.fullmatch(phrase):
        return int(phrase.replace(",", ""))
    if phrase in _ROUGH:
        return _ROUGH[phrase]
    words = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", phrase).split()  # "twenty-one" is "twenty one"
    if len(words) >= 2 and words[-1] in _SCALES:
        scale = _SCALES[words.pop()]
        count = 1 if words == ["a"] else _small(words)
        return None if not count else count * scale
    return _small(words)


def _bounded(text: str, kind: BoundKind, n: int) -> Quantity:
    """Bounds implied by a bound word and its number; exact and about figures are a single point."""
    if kind is BoundKind.FEWER_THAN and n < 1:
        raise InvalidInput(f"quantity {text!r}: fewer than {n} is impossible, counts cannot be negative; write '0'")
    low, best, high = {
        BoundKind.AT_LEAST: (n, n, None),
        BoundKind.MORE_THAN: (n + 1, n + 1, None),
        BoundKind.AT_MOST: (0, n, n),
        BoundKind.FEWER_THAN: (0, n - 1, n - 1),
    }.get(kind, (n, n, n))
    return Quantity(text, kind, low, best, high)


def _affixed(norm: str) -> tuple[BoundKind, int] | None:
    """A number with a bound word before it ("at least 5") or after it ("5 or more", "5+")."""
    for prefix, kind in _PREFIXES:
        rest = norm.removeprefix(prefix)
        # Word prefixes need a space after them, so "over" does not match "overall".
        bounded = rest != norm and (rest.startswith(" ") or not prefix[-1].isalpha())
        if bounded and (n := _whole(rest.strip())) is not None:
            return kind, n
    for suffix, kind in _SUFFIXES:
        if norm.endswith(suffix) and (n := _whole(norm.removesuffix(suffix).strip())) is not None:
            return kind, n
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
                return low, high
    return None


def _vague(norm: str, table: VagueTable) -> tuple[str, VagueBounds] | None:
    # "dozens of" means "dozens"; strip one trailing "of" only.
    for word in (norm, norm.removesuffix(" of")):
        if (bounds := table.lookup(word)) is not None:
            return word, bounds
    return None


def _rejection(text: str, norm: str, table: VagueTable) -> InvalidInput:
    if re.search(r"(?:^|[\s~.])-\d", norm):
        problem = "counts cannot be negative"
    elif re.search(r"\d\.\d", norm):
        problem = "counts are whole numbers, not decimals"
    else:
        problem = f"not a number, bound, range or vague word of table {table.label}"
    return InvalidInput(f"quantity {text!r}: {problem}; {_FIX}")


def parse_quantity(text: str, table: VagueTable = DEFAULT_VAGUE_TABLE) -> Quantity:
    """Read a quantity phrase (the phrase only, no nouns) into a Quantity; raise InvalidInput if unreadable."""
    if not isinstance(text, str):
        raise InvalidInput(f"quantity {text!r}: should be text; {_FIX}")
    return _parse_cached(text, table)


# The same words come again and again in an import ("3", "at least 10", "dozens"), each row read
# twice or more; a Quantity is immutable, so a reading can be shared.
@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str, table: VagueTable) -> Quantity:
    text = text.strip()
    if not text:
        # An empty cell is more likely a slip than a claim; make "no number given" explicit.
        raise InvalidInput("quantity '': empty; write the words as reported, or 'casualties' / 'unquantified' if none")
    norm = _normalize(text)
    if norm in _UNQUANTIFIED:
        return Quantity(text, BoundKind.UNQUANTIFIED, None, None, None)
    if norm in ("no", "none"):
        return _bounded(text, BoundKind.EXACT, 0)
    if (n := _whole(norm)) is not None:
        return _bounded(text, BoundKind.ABOUT if norm in _ROUGH else BoundKind.EXACT, n)
    if (vague := _vague(norm, table)) is not None:
        word, bounds = vague
        return Quantity(text, BoundKind.VAGUE, bounds.low, bounds.best, bounds.high, word, table.label)
    if (affixed := _affixed(norm)) is not None:
        return _bounded(text, *affixed)
    if (pair := _range(norm)) is not None:
        low, high = pair
        if low > high:
            raise InvalidInput(
                f"quantity {text!r}: the range is reversed ({low} is above {high}); "
                f"write the lower number first, as 'between {high} and {low}'"
            )
        return Quantity(text, BoundKind.RANGE, low, low, high)
    raise _rejection(text, norm, table)
