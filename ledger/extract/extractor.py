"""A document's text in, proposed figures and unread sentences out: deterministic, offline, pure.

What the ledger already knows (its claimants and incidents) comes in as a `Context`, so the same
text and the same ledger always give the same proposals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from ledger.domain.values import BODY, HEADLINE
from ledger.extract.proposals import ProposedFigure, Unread
from ledger.extract.reader import Attribution, ReadFigure, SentenceReader
from ledger.extract.ruleset import ClaimantRule, Rules, load_rules
from ledger.extract.text import Sentence, phrase_tokens, sentences, tokenize


@attrs.frozen
class IncidentRef:
    """An incident as the extractor sees it: its key, its parent, and the place words that name it."""

    key: str
    parent: str | None
    place: str | None  # its most specific location (place, else district, else province)


@attrs.frozen
class Context:
    claimants: dict[str, str] = attrs.Factory(dict)  # the ledger's claimants: key -> name
    incidents: tuple[IncidentRef, ...] = ()
    incident: str | None = None  # the analyst's: every figure belongs to this incident
    voice: str | None = None  # the claimant whose own words the document is, for unattributed numbers


@attrs.frozen
class Extraction:
    extractor: str
    proposals: tuple[ProposedFigure, ...]
    unread: tuple[Unread, ...]


def extract(
    text: str | None, headline: str | None = None, context: Context | None = None, rules: Rules | None = None
) -> Extraction:
    rules = rules or load_rules()
    context = context or Context()
    parts = [(HEADLINE, headline), (BODY, text)]
    found: list[ProposedFigure] = []
    unread: list[Unread] = []
    everywhere = " ".join(t for _, t in parts if t)
    document_incidents = _incidents_in(everywhere, context.incidents)
    for part, body in parts:
        if not body:
            continue
        carried: dict[int, Attribution | None] = {}  # the last attribution in each paragraph
        for sentence in sentences(body, part, rules.abbreviations):
            reading = SentenceReader(rules, sentence).read()
            if reading.unread:
                unread.append(Unread(part, sentence.start, sentence.end, sentence.text, reading.unread))
            incident = _incident_for(sentence, context, document_incidents)
            for figure in reading.figures:
                attribution = figure.attribution
                if attribution is None and not figure.doubts:
                    attribution = carried.get(sentence.paragraph)
                found.append(_proposal(sentence, figure, attribution, incident, context, rules))
            if reading.attributions:
                carried[sentence.paragraph] = reading.attributions[-1]
    return Extraction(rules.label, tuple(_distinct(found)), tuple(unread))


def _proposal(
    sentence: Sentence,
    figure: ReadFigure,
    attribution: Attribution | None,
    incident: str | None,
    context: Context,
    rules: Rules,
) -> ProposedFigure:
    doubts = list(figure.doubts)
    claimant = name = kind = words = None
    if attribution is not None:
        words = attribution.words
        claimant, doubt = _claimant(attribution.rule, context, rules)
        if doubt:
            doubts.append(doubt)
        if claimant not in context.claimants:
            name, kind = attribution.rule.name, attribution.rule.kind
    elif not figure.doubts and context.voice:
        claimant = context.voice
    if claimant is None:
        doubts.append("no claimant named")
    if incident is None:
        doubts.append("incident not clear")
    return ProposedFigure(
        part=sentence.part,
        quote=sentence.text,
        quote_start=sentence.start,
        victim_status=figure.victim_status,
        outcome=figure.outcome,
        quantity=figure.quantity.text,
        quantity_start=figure.span[0],
        quantity_end=figure.span[1],
        stance=figure.stance,
        claimant=claimant,
        claimant_words=words,
        claimant_name=name,
        claimant_kind=kind,
        incident=incident,
        includes=figure.includes,
        women=figure.women,
        children=figure.children,
        doubts=tuple(dict.fromkeys(doubts)),
    )


def _claimant(rule: ClaimantRule, context: Context, rules: Rules) -> tuple[str, str | None]:
    """The ledger's claimant for a rule: by key, else the one whose name holds the rule's words."""
    if rule.key in context.claimants:
        return rule.key, None
    words = [phrase_tokens(w) for w in rules.claimant_words.get(rule.key, ())]
    matches = [key for key, name in context.claimants.items() if any(_holds(phrase_tokens(name), w) for w in words)]
    if len(matches) == 1:
        return matches[0], None
    if matches:
        return rule.key, "several claimants match: " + ", ".join(sorted(matches))
    return rule.key, None


def _holds(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


def _incidents_in(text: str, incidents: Sequence[IncidentRef]) -> list[IncidentRef]:
    norms = [t.norm for t in tokenize(text)]
    return [i for i in incidents if i.place and _holds(norms, phrase_tokens(i.place))]


def _incident_for(sentence: Sentence, context: Context, in_document: list[IncidentRef]) -> str | None:
    """The analyst's incident; else the one the sentence names; else the one the document names
    (several in one tree: the smallest holding them all); else none."""
    if context.incident:
        return context.incident
    named = _incidents_in(sentence.text, in_document)
    return _common(named or in_document, context.incidents)


def _common(candidates: Sequence[IncidentRef], incidents: Sequence[IncidentRef]) -> str | None:
    if not candidates:
        return None
    parents = {i.key: i.parent for i in incidents}

    def chain(key: str | None) -> Iterator[str]:
        while key is not None:
            yield key
            key = parents.get(key)

    shared = None
    for key in chain(candidates[0].key):
        if all(key in set(chain(c.key)) for c in candidates):
            shared = key
            break
    return shared


def _distinct(found: list[ProposedFigure]) -> Iterator[ProposedFigure]:
    """One proposal per claim: the same claimant's same number for the same cell, said twice in a
    document, is proposed where it is first said."""
    seen = set()
    for p in found:
        key = (p.claimant, p.victim_status, p.outcome, p.quantity.lower(), p.incident, p.stance)
        if key not in seen:
            seen.add(key)
            yield p
