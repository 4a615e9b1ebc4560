"""What a user hands the ledger to record a figure: references by natural key, words as written."""

from __future__ import annotations

import uuid

import attrs

from ledger.domain.values import Period, ReportedTime, SubCounts
from ledger.errors import InvalidInput


@attrs.frozen
class PartInput:
    """A named part of a total given in the same breath: "41 killed, including 14 security personnel"."""

    victim_status: str
    quantity: str  # the part's words as written: "14"
    quote: str | None = None  # default: the total's quote, which must then state the part's number too
    role: str | None = None  # default: the claimant's role for this status


@attrs.frozen
class FigureInput:
    incident: str  # incident key
    claimant: str  # claimant key
    victim_status: str
    outcome: str
    quantity: str  # the words as written: "at least 216", "dozens"
    reported: ReportedTime
    role: str | None = None  # default: the claimant's role for this victim status
    publisher: str | None = None  # default: the document's publisher
    document: str | None = None  # document key
    quote: str | None = None
    quote_start: int | None = None
    occurred: Period | None = None  # default: the incident's period
    subcounts: SubCounts = SubCounts()
    note: str = ""
    line: int | None = None  # where it came from in an import file, for error messages
    stance: str | None = None  # how the source puts it; default: read from the quote's words
    derived: str | None = None  # how the number was worked out, when the quote does not state it
    includes: tuple[PartInput, ...] = ()  # the parts a total names
    carried_via: tuple[str, ...] = ()  # publisher keys the carrier cites ("Mehr News via Dawn": dawn)
    quote_part: str | None = None  # where the quote stands: body or headline (default: searched, body first)
    part_of: str | None = None  # the id of the total this figure is a named part of (bundles carry it)
    # The source a dataset attributes the figure to, as published ({"text": ..., "office": ...}); the
    # claimant stays the dataset.
    attributed: dict[str, str] | None = attrs.field(default=None, hash=False)


def figure_reference(text: str, what: str) -> uuid.UUID:
    """A figure named by its full id (as exports and bundles write it)."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r}: not a figure id; copy the total's id from `ledger figures --format csv`") from None
