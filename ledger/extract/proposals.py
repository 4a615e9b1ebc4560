"""What the extractor proposes: a figure read from one sentence, every number with its span, and
the sentences it could not read. Plain values, stored in events as dicts."""

from __future__ import annotations

from typing import Any

import attrs

EDITABLE = ("incident", "claimant", "victim_status", "outcome", "quantity", "stance", "role", "quote", "note")


@attrs.frozen
class ProposedPart:
    """A named part of a proposed total ("including 14 security personnel"), with its number's span."""

    victim_status: str
    quantity: str  # the words as written
    start: int  # offsets of the words in the document part the figure was read from
    end: int

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ProposedPart:
        return cls(d["victim_status"], d["quantity"], d["start"], d["end"])


@attrs.frozen
class ProposedFigure:
    part: str  # "body" or "headline": where the sentence stands
    quote: str  # the sentence, exactly as archived
    quote_start: int
    victim_status: str
    outcome: str
    quantity: str  # the words as written, a slice of the text: text[quantity_start:quantity_end]
    quantity_start: int
    quantity_end: int
    stance: str
    claimant: str | None = None  # a claimant key; None when the text does not make it clear
    claimant_words: str | None = None  # who the text names ("police officials"), as written
    claimant_name: str | None = None  # for registering a claimant the ledger lacks
    claimant_kind: str | None = None
    incident: str | None = None  # an incident key; None when the text and the ledger do not make it clear
    includes: tuple[ProposedPart, ...] = ()
    women: int | None = None
    children: int | None = None
    role: str | None = None  # set by the analyst only; by default the claimant's role for the status
    note: str = ""
    doubts: tuple[str, ...] = ()  # what the extractor was unsure of (shown in review)

    @property
    def quote_end(self) -> int:
        return self.quote_start + len(self.quote)

    def numbers(self) -> list[tuple[str, int, int]]:
        """Every number the proposal carries, with its span: the figure's own, then its parts'."""
        return [(self.quantity, self.quantity_start, self.quantity_end)] + [(p.quantity, p.start, p.end) for p in self.includes]

    def to_dict(self) -> dict[str, Any]:
        d = attrs.asdict(self, recurse=False)
        d["includes"] = [p.to_dict() for p in self.includes]
        d["doubts"] = list(self.doubts)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ProposedFigure:
        fields = {f.name for f in attrs.fields(cls)}
        values = {k: v for k, v in d.items() if k in fields}
        values["includes"] = tuple(ProposedPart.from_dict(p) for p in d.get("includes") or ())
        values["doubts"] = tuple(d.get("doubts") or ())
        return cls(**values)


@attrs.frozen
class Unread:
    """A sentence the extractor could not read confidently: listed for the analyst, never guessed."""

    part: str
    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Unread:
        return cls(d["part"], d["start"], d["end"], d["text"], d["reason"])
