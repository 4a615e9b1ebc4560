"""Reading a figure's stance from the words that carry it: "allegedly", "reportedly", "denied".

The words are data (STANCE_WORDS), tried from the strongest stance down, so "denied reports that
twelve were allegedly killed" reads as denied. A quote with none of them reads as stated; the
analyst can always give the stance instead, and the figure records which it was.
"""

from __future__ import annotations

import functools
import re

from ledger.domain.vocabulary import Stance

# Patterns match whole words in lower-cased text with single spaces.
STANCE_WORDS: tuple[tuple[Stance, tuple[str, ...]], ...] = (
    (Stance.DENIED, (
        r"den(?:y|ies|ied|ying)", r"rejected (?:the )?(?:claims?|reports?|figures?)", r"refut(?:e|es|ed|ing)",
        r"dismissed (?:the )?(?:claims?|reports?)",
    )),
    (Stance.UNCONFIRMED, (
        r"unconfirmed", r"unverified", r"could not (?:be )?(?:independently )?(?:verif|confirm)\w*",
        r"(?:has|have|had)? ?not (?:been )?(?:independently )?(?:verified|confirmed)",
        r"cannot (?:be )?(?:independently )?(?:verif|confirm)\w*",
    )),
    (Stance.ALLEGED, (
        r"alleged(?:ly)?", r"alleges?", r"said to (?:have|be|number)", r"purported(?:ly)?", r"supposedly",
    )),
    (Stance.CLAIMED, (
        # "claimed 12 lives" means killed, not a claim: a following "lives" or "life" is excluded.
        r"claim(?:s|ed|ing)?(?! (?:\S+ ){0,4}(?:lives|life)\b)", r"took responsibility",
    )),
    (Stance.REPORTED, (
        r"reportedly", r"according to", r"reports? (?:say|said|says|suggest(?:s|ed)?|indicate[sd]?)",
        r"(?:was|were|is|are|had been|have been) reported(?: to)?", r"sources (?:said|say|told)",
    )),
)  # fmt: skip

_COMPILED = tuple(
    (stance, re.compile(r"\b(?:" + "|".join(patterns) + r")\b")) for stance, patterns in STANCE_WORDS
)
# Every stance's words in one pattern: it matches exactly where one of them does, so most text
# (a plain statement) is searched once, not once per stance.
_ANY = re.compile(r"\b(?:" + "|".join(p for _, patterns in STANCE_WORDS for p in patterns) + r")\b")


@functools.lru_cache(maxsize=4096)  # a figure's words ("7", "at least 7") recur row after row
def read_stance(text: str | None) -> Stance | None:
    """The stance the words express, or None when they express none (a plain statement)."""
    if not text:
        return None
    normalized = " ".join(text.lower().replace("\u2019", "'").split())
    if not _ANY.search(normalized):
        return None
    for stance, pattern in _COMPILED:
        if pattern.search(normalized):
            return stance
    return None


def stance_words(text: str | None) -> str | None:
    """The words that gave the stance, for explanations ("'allegedly'")."""
    if not text:
        return None
    normalized = " ".join(text.lower().replace("\u2019", "'").split())
    for _, pattern in _COMPILED:
        if found := pattern.search(normalized):
            return found.group(0)
    return None
