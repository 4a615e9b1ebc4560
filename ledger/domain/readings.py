"""Reading tables: how a policy reads the words of a figure into bounds.

A table names what each vague word means ("dozens": at least 12, or at least 24) and how wide a
hedged number is ("about 30": exactly 30, or 27 to 33). Tables are named and versioned like the
policies that use them, and never change once published: `default@1` and `acled@1` read exactly as
they always have; `default@2` reads as a careful analyst would. Every figure keeps its words, so
any table can read them again.
"""

from __future__ import annotations

import functools
import math
import types
from collections.abc import Iterable, Mapping

import attrs

from ledger.domain.limits import check_count
from ledger.errors import InvalidInput

# Bound kinds whose bounds a table sets: vague words, "about N", "nearly N".
REREAD_KINDS = frozenset({"vague", "about", "nearly"})

_DASHES = str.maketrans("\u2013\u2014\u2212", "---")  # en dash, em dash, minus sign


def normalize(text: str) -> str:
    """Lower-case, single spaces, ASCII dashes: the form every rule matches against."""
    return " ".join(text.lower().translate(_DASHES).split())


def check_bounds(what: str, low: int | None, best: int | None, high: int | None) -> None:
    named = {"low": low, "best": best, "high": high}
    for field, value in named.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{what}: {field} should be a whole number or None, got {value!r}")
        if value < 0:
            raise InvalidInput(f"{what}: {field} should be 0 or more (counts cannot be negative), got {value!r}")
        check_count(f"{what}: {field}", value)
    for lesser, greater in (("low", "best"), ("best", "high"), ("low", "high")):
        if named[lesser] is not None and named[greater] is not None and named[greater] < named[lesser]:  # type: ignore[operator]
            raise InvalidInput(f"{what}: {greater} should be at least {lesser} ({named[lesser]}), got {named[greater]!r}")


@attrs.frozen
class VagueBounds:
    low: int
    best: int
    high: int | None  # None: no upper bound

    def __attrs_post_init__(self) -> None:
        check_bounds("vague bounds", self.low, self.best, self.high)


def _entry_pairs(
    entries: Mapping[str, VagueBounds] | Iterable[tuple[str, VagueBounds]],
) -> tuple[tuple[str, VagueBounds], ...]:
    # A sorted tuple keeps the table frozen, hashable and comparable; `entries` exposes it as a mapping.
    items = entries.items() if isinstance(entries, Mapping) else entries
    return tuple(sorted({normalize(word): bounds for word, bounds in items}.items()))


@attrs.frozen(cache_hash=True)  # a key of the parse cache: hashed once, not per figure read
class VagueTable:
    """A named, versioned reading of words, so a figure can cite e.g. "default@2".

    - entries: vague words and their bounds;
    - about: the half-width of the band "about N" reads as, a fraction of N (0: exactly N);
    - nearly: the width below N that "nearly N" reads as (None: read it as "about N").

    The kinds of figure whose bounds depend on the table (REREAD_KINDS) are read again from their
    words by every policy that tallies them, whichever table recorded them.
    """

    name: str
    version: int
    _entries: tuple[tuple[str, VagueBounds], ...] = attrs.field(converter=_entry_pairs, alias="entries")
    about: float = 0.0
    nearly: float | None = None

    @property
    def rereads(self) -> frozenset[str]:
        return REREAD_KINDS

    def __attrs_post_init__(self) -> None:
        for word, bounds in self._entries:
            if not isinstance(bounds, VagueBounds):
                raise InvalidInput(f"vague table {self.label}: entry {word!r} should be VagueBounds, got {bounds!r}")

    @property
    def entries(self) -> Mapping[str, VagueBounds]:
        return types.MappingProxyType(dict(self._entries))

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    def lookup(self, word: str) -> VagueBounds | None:
        return _entry_map(self).get(normalize(word))

    def about_band(self, n: int) -> tuple[int, int, int]:
        """low, best, high of "about n"."""
        d = math.ceil(n * self.about)
        return max(0, n - d), n, n + d

    def nearly_band(self, n: int) -> tuple[int, int, int]:
        """low, best, high of "nearly n": just below n (or as "about n" in a table without its own reading)."""
        if self.nearly is None:
            return self.about_band(n)
        below = max(0, n - 1)
        return max(0, n - max(1, math.ceil(n * self.nearly))), below, below


# ACLED's codebook: the smallest number the word can mean, with no ceiling.
_ACLED_WORDS = {
    "several": 3, "a few": 3, "few": 3, "some": 3, "many": 3, "numerous": 3, "a number of": 3,
    "tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000,
}  # fmt: skip

# default@2: a plural of a unit means at least two of it ("dozens" is at least two dozen, "scores"
# at least forty); "several" of a unit at least three; the small words agree with ACLED.
_DEFAULT2_WORDS = {
    **{word: n for word, n in _ACLED_WORDS.items() if n == 3},
    "tens": 20, "dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000,
    "a few dozen": 24, "several dozen": 36, "many dozens": 24,
    "a few hundred": 200, "several hundred": 300, "many hundreds": 200,
    "a few thousand": 2000, "several thousand": 3000, "many thousands": 2000,
    "tens of thousands": 20000,
}  # fmt: skip


def _floor_table(name: str, version: int, words: Mapping[str, int], **reading: object) -> VagueTable:
    return VagueTable(name, version, {word: VagueBounds(n, n, None) for word, n in words.items()}, **reading)  # type: ignore[arg-type]


# Separate objects with the same words: "default@1" and "acled@1" agree today and may never change.
DEFAULT_VAGUE_TABLE = _floor_table("default", 1, _ACLED_WORDS)
ACLED_VAGUE_TABLE = _floor_table("acled", 1, _ACLED_WORDS)
DEFAULT2_TABLE = _floor_table("default", 2, _DEFAULT2_WORDS, about=0.1, nearly=0.1)

# The table a figure's words are read with when it is recorded (its stored bounds); any policy
# reads them again with its own table when it tallies.
ENTRY_TABLE = DEFAULT2_TABLE

TABLES = {t.label: t for t in (DEFAULT_VAGUE_TABLE, ACLED_VAGUE_TABLE, DEFAULT2_TABLE)}


def vocabulary_words(table: VagueTable) -> list[str]:
    """Every vague word of a table, for suggestions."""
    return [word for word, _ in table._entries]


# Every phrase tried in running text looks its words up; the table is frozen, so its mapping is built once.
@functools.lru_cache(maxsize=64)
def _entry_map(table: VagueTable) -> Mapping[str, VagueBounds]:
    return types.MappingProxyType(dict(table._entries))
