"""What a user hands the ledger to record a figure: references by natural key, words as written."""

from __future__ import annotations

import attrs

from ledger.domain.values import Period, ReportedTime, SubCounts


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
