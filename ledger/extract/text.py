"""Running text cut into sentences and tokens, every piece keeping its offsets in the archived text.

Offsets are what make a proposal checkable: a proposed number is a slice of the document's body
or headline, never a string the extractor wrote itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import attrs

# Words (with inner hyphens and apostrophes), numbers (with thousands separators, or glued to a
# hyphenated word as in "30-year-old", which is no count), a possessive "'s", or one punctuation mark.
_TOKEN = re.compile(
    r"\d+(?:-[A-Za-z]+)+"  # 30-year-old, 12-member: one token, read as no number
    r"|\d{1,3}(?:,\d{3})+(?!\d)|\d+"
    r"|['\u2019]s\b"
    r"|[A-Za-z][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+|['\u2019](?!s\b)[A-Za-z0-9]+)*"
    r"|[^\sA-Za-z0-9]"
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


@attrs.frozen
class Token:
    text: str  # as written
    norm: str  # lower-case, ASCII apostrophes and dashes: what rules match
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.norm[:1].isalnum()


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [
        Token(m.group(), m.group().lower().translate(_APOSTROPHES), offset + m.start(), offset + m.end())
        for m in _TOKEN.finditer(text)
    ]


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A rule's phrase as the token norms it matches."""
    return tuple(t.norm for t in tokenize(phrase))


class PhraseTable:
    """Phrases (token tuples) to values; finds the longest phrase starting or ending at a token."""

    def __init__(self, entries: Iterable[tuple[str, object]]) -> None:
        self._table: dict[tuple[str, ...], object] = {}
        for phrase, value in entries:
            key = phrase_tokens(phrase)
            if key:
                self._table.setdefault(key, value)
        self.longest = max((len(k) for k in self._table), default=0)

    def __contains__(self, phrase: tuple[str, ...]) -> bool:
        return phrase in self._table

    def at(self, norms: Sequence[str], i: int) -> tuple[int, object] | None:
        """(end index, value) of the longest phrase starting at token i."""
        for length in range(min(self.longest, len(norms) - i), 0, -1):
            value = self._table.get(tuple(norms[i : i + length]))
            if value is not None:
                return i + length, value
        return None

    def ending(self, norms: Sequence[str], end: int) -> tuple[int, object] | None:
        """(start index, value) of the longest phrase ending right before token `end`."""
        for length in range(min(self.longest, end), 0, -1):
            value = self._table.get(tuple(norms[end - length : end]))
            if value is not None:
                return end - length, value
        return None


@attrs.frozen
class Sentence:
    part: str  # "body" or "headline"
    start: int  # offsets in that part's text
    end: int
    text: str
    paragraph: int


_END = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])")


def sentences(text: str, part: str, abbreviations: frozenset[str]) -> Iterator[Sentence]:
    """Sentences of a text, paragraph by paragraph (a paragraph ends at a line break).

    A full stop ends a sentence when a capital letter or a digit follows, unless it closes an
    abbreviation ("Lt. Col.", "No. 5") or a single initial ("A. Khan")."""
    paragraph = 0
    for line in re.finditer(r"[^\n]+", text):
        body = line.group()
        if not body.strip():
            continue
        begin = 0
        for stop in _END.finditer(body):
            word = re.search(r"(?:^|[^A-Za-z./])([A-Za-z][A-Za-z./]*)$", body[begin : stop.start()])
            last = word.group(1).lower() if word else ""
            if body[stop.start()] == "." and (last in abbreviations or (len(last) == 1 and last.isalpha())):
                continue
            yield from _sentence(body, begin, stop.end(), line.start(), part, paragraph)
            begin = stop.end()
        yield from _sentence(body, begin, len(body), line.start(), part, paragraph)
        paragraph += 1


def _sentence(body: str, begin: int, end: int, offset: int, part: str, paragraph: int) -> Iterator[Sentence]:
    chunk = body[begin:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        start = offset + begin + lead
        yield Sentence(part, start, start + len(stripped), stripped, paragraph)
