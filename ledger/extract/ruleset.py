"""The extractor's rules: versioned data files under rules/vN/, read once and compiled into phrase tables.

A published version never changes (its files' SHA-256 is fixed below and checked when loaded), so a
figure whose entry says `extract:ledger-rules@1` can always be traced to the exact words and
patterns that proposed it. Growing the rules means adding rules/v2 and publishing its digest.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from pathlib import Path
from typing import Any

import attrs

from ledger.domain.vocabulary import parse_victim_status
from ledger.errors import InvalidInput
from ledger.extract.text import PhraseTable, phrase_tokens

NAME = "ledger-rules"
LATEST = 1
RULES_DIR = Path(__file__).parent / "rules"
FILES = ("statuses.toml", "outcomes.toml", "attribution.toml", "sentences.toml")

# The digest of each published version's files (in FILES order); a mismatch means a published
# rule file was edited in place, which would change what an old label stands for.
PUBLISHED = {1: "136ea4b7b6e288040035c2f6af01b1a5d41cbd548ffc0fd92e5edd2f59eef6c6"}


@attrs.frozen
class ClaimantRule:
    key: str
    name: str
    kind: str


@attrs.frozen
class Outcome:
    outcome: str
    how: str  # after, before, noun, lead


@attrs.frozen
class Rules:
    version: int
    digest: str
    nouns: PhraseTable  # victim noun -> status
    groups: PhraseTable  # group name -> slug
    adjectives: PhraseTable  # status adjective -> status
    subcounts: PhraseTable  # women / children
    modifiers: frozenset[tuple[str, ...]]
    after: PhraseTable  # outcome phrase after the victims -> outcome
    before: PhraseTable  # outcome verb right before the number
    outcome_nouns: PhraseTable
    lead: PhraseTable  # phrase ending right before the number
    auxiliaries: frozenset[str]
    perpetrator: frozenset[str]
    claimants: PhraseTable  # claimant words -> ClaimantRule
    claimant_words: dict[str, tuple[str, ...]]  # key -> its words, for matching the ledger's names
    cues_after: PhraseTable
    cues_before: PhraseTable
    fillers: frozenset[str]
    abbreviations: frozenset[str]
    clause_breaks: frozenset[str]
    not_count_after: frozenset[str]
    not_count_before: frozenset[str]
    never_start: frozenset[str]  # stance words a proposed number's words never start with
    toll_rises: PhraseTable  # "rose to", "reached"
    toll_rises_right_after: PhraseTable  # "at", "to": only right after the toll's name
    tolls: PhraseTable  # "death toll" -> killed
    part_leads: PhraseTable  # "the dead included": parts of a total named before

    @property
    def label(self) -> str:
        return f"{NAME}@{self.version}"


def digest_of(version: int) -> str:
    folder = RULES_DIR / f"v{version}"
    if not folder.is_dir():
        known = ", ".join(str(v) for v in sorted(PUBLISHED))
        raise InvalidInput(f"extraction rules version {version}: not published; use one of {known}")
    sha = hashlib.sha256()
    for name in FILES:
        sha.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return sha.hexdigest()


@functools.cache
def load_rules(version: int = LATEST) -> Rules:
    digest = digest_of(version)
    if PUBLISHED.get(version) != digest:
        raise InvalidInput(
            f"extraction rules v{version}: its files differ from the published version (sha256 {digest[:12]}); "
            "restore them and put changed rules in a new version folder"
        )
    data = {name: tomllib.loads((RULES_DIR / f"v{version}" / name).read_text(encoding="utf-8")) for name in FILES}
    return compile_rules(version, digest, data)


def compile_rules(version: int, digest: str, data: dict[str, dict[str, Any]]) -> Rules:
    statuses, outcomes, attribution, splitting = (data[name] for name in FILES)
    nouns = [(w, parse_victim_status(entry["status"])) for entry in statuses["noun"] for w in entry["words"]]
    adjectives = [(w, parse_victim_status(entry["status"])) for entry in statuses["adjective"] for w in entry["words"]]
    groups = [(w, slug) for slug, words in statuses["groups"].items() for w in words]
    subcounts = [(w, field) for field, words in statuses["subcounts"].items() for w in words]

    def outcome_table(how: str) -> PhraseTable:
        return PhraseTable((w, Outcome(e["outcome"], how)) for e in outcomes["outcome"] for w in e[how])

    claimants = [(w, ClaimantRule(e["key"], e["name"], e["kind"])) for e in attribution["claimant"] for w in e["words"]]
    return Rules(
        version=version,
        digest=digest,
        nouns=PhraseTable(nouns),
        groups=PhraseTable(groups),
        adjectives=PhraseTable(adjectives),
        subcounts=PhraseTable(subcounts),
        modifiers=frozenset(phrase_tokens(w) for w in statuses["modifiers"]["words"]),
        after=outcome_table("after"),
        before=outcome_table("before"),
        outcome_nouns=outcome_table("nouns"),
        lead=outcome_table("lead"),
        auxiliaries=frozenset(outcomes["auxiliaries"]["words"]),
        perpetrator=frozenset(outcomes["perpetrator"]["words"]),
        claimants=PhraseTable(claimants),
        claimant_words={e["key"]: tuple(e["words"]) for e in attribution["claimant"]},
        cues_after=PhraseTable((w, True) for w in attribution["cues_after"]),
        cues_before=PhraseTable((w, True) for w in attribution["cues_before"]),
        fillers=frozenset(attribution["fillers"]),
        abbreviations=frozenset(splitting["abbreviations"]),
        clause_breaks=frozenset(splitting["clause_breaks"]),
        not_count_after=frozenset(splitting["not_counts"]["after"]),
        not_count_before=frozenset(splitting["not_counts"]["before"]),
        never_start=frozenset(splitting["quantities"]["never_start"]),
        toll_rises=PhraseTable((w, True) for w in outcomes["tolls"]["rises"]),
        toll_rises_right_after=PhraseTable((w, True) for w in outcomes["tolls"]["rises_right_after"]),
        tolls=PhraseTable((w, Outcome(o, "toll")) for w, o in outcomes["tolls"]["nouns"].items()),
        part_leads=PhraseTable((w, True) for w in outcomes["tolls"]["part_leads"]),
    )
