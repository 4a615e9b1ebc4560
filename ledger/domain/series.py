"""A claim series: every figure one claimant gave about one incident x victim status x outcome.

Revisions are new figures in the series; withdrawals, corrections and strikes name the figure
they act on. Nothing is ever edited, so the whole story stays readable.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

import attrs
from eventsourcing.domain import event

from ledger import clock
from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.correction import Correction
from ledger.domain.ids import text_fingerprint, unique_natural_id
from ledger.domain.limits import REPORTED_AHEAD, check_reported
from ledger.domain.quantity import Quantity, quantities_in, states_quantity
from ledger.domain.values import Citation, Period, ReportedTime, SubCounts
from ledger.errors import Conflict, InvalidInput, NotFound


@attrs.define
class FigureState:
    """What the series remembers of a figure to guard later facts about it."""

    quantity: Quantity
    subcounts: SubCounts
    occurred: Period | None
    reported: ReportedTime
    quote: str | None = None
    derived: str | None = None
    withdrawn: bool = False
    struck: bool = False
    carried_at: list[ReportedTime] = attrs.Factory(list)  # when each carrier published it, its own first


@attrs.frozen
class Reported:
    """What `ClaimSeries.report` did: a new figure, one more carrier of an existing one, or nothing."""

    figure_id: uuid.UUID
    outcome: str  # "new", "carried", "known"
    differs: tuple[str, ...] = ()  # known, but given with another reported time or note than recorded (not changed)

    @property
    def is_new(self) -> bool:
        return self.outcome != "known"


@functools.lru_cache(maxsize=65536)  # asked for figure after figure of the same series
def series_id(incident_id: uuid.UUID, claimant_id: uuid.UUID, victim_status: str, outcome: str) -> uuid.UUID:
    return unique_natural_id("series", str(incident_id), str(claimant_id), victim_status, outcome)


def figure_fingerprint(
    series: uuid.UUID,
    document_sha: str | None,
    publisher_id: uuid.UUID | None,
    words: str,
    quote: str | None,
    reported: ReportedTime,
) -> tuple[str, uuid.UUID]:
    """A figure's fingerprint and id: the same claim from the same document is the same figure.

    Without a document, the reported time tells two statements apart.
    """
    digest = text_fingerprint(
        {
            "series": str(series),
            "document": document_sha,
            "publisher": str(publisher_id),
            "quantity": words,
            "quote": quote,
            "reported": reported.at.isoformat() if document_sha is None else None,
        }
    )
    return digest, unique_natural_id("figure", digest)


class ClaimSeries(LedgerAggregate):
    TOPIC = "ledger:ClaimSeries"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:ClaimSeries.Created"  # the base of the named creation event

    @staticmethod
    def create_id(incident_id: uuid.UUID, claimant_id: uuid.UUID, victim_status: str, outcome: str) -> uuid.UUID:
        return series_id(incident_id, claimant_id, victim_status, outcome)

    class Opened(Created):
        """A series opened by its first figure. Version 2 records who opened it and how (entry);
        version 1 did not, so those read with no entry, and the figure after them names the analyst."""

        TOPIC = "ledger:ClaimSeries.Opened"
        class_version = 2
        incident_id: uuid.UUID
        claimant_id: uuid.UUID
        victim_status: str
        outcome: str
        entry: Entry | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["entry"] = None

    @event(Opened)
    def __init__(
        self, incident_id: uuid.UUID, claimant_id: uuid.UUID, victim_status: str, outcome: str, entry: Entry | None
    ) -> None:
        self.incident_id = incident_id
        self.claimant_id = claimant_id
        self.victim_status = victim_status
        self.outcome = outcome
        self.figures: dict[uuid.UUID, FigureState] = {}
        self.fingerprints: dict[str, uuid.UUID] = {}  # every carrier's fingerprint, the figure's own included
        self.as_recorded: dict[str, tuple[ReportedTime, str]] = {}  # per fingerprint: its reported time and note

    def _as_recorded(self) -> dict[str, tuple[ReportedTime, str]]:
        if not hasattr(self, "as_recorded"):  # a series from a snapshot taken before it was kept
            self.as_recorded = {}
        return self.as_recorded

    def differences(self, fingerprint: str, reported: ReportedTime, note: str) -> tuple[str, ...]:
        """What a statement given again says otherwise than it was recorded: its reported time, its note.
        A reported time an analyst has since corrected to is no difference."""
        recorded = self._as_recorded().get(fingerprint)
        if recorded is None:
            return ()
        was_reported, was_note = recorded
        figure = self.figures.get(self.fingerprints[fingerprint])
        differing = []
        if reported != was_reported and (figure is None or reported != figure.reported):
            differing.append("reported")
        if (note or "") != (was_note or ""):
            differing.append("note")
        return tuple(differing)

    # Commands: guards first, then the event.

    def report(
        self,
        figure_id: uuid.UUID,
        quantity: Quantity,
        role: str,
        publisher_id: uuid.UUID | None,
        citation: Citation | None,
        occurred: Period | None,
        reported: ReportedTime,
        subcounts: SubCounts,
        fingerprint: str,
        note: str,
        entry: Entry,
        incident_period: Period,
        stance: str = "stated",
        stance_source: str = "none",
        derived: str | None = None,
        part_of: uuid.UUID | None = None,
        carried_via: tuple[str, ...] = (),
        attributed: dict[str, str] | None = None,
        checked: bool = False,
    ) -> Reported:
        """Record a figure, or one more carrier of the same statement; nothing when it is already here.

        The same number from this claimant, reported the same day through another publisher or
        document, is the same statement carried again (a republication), not a revision.
        checked: the caller has run `check_figure` on these very values (an import checks every
        figure before it writes any); scanning a quote again for its number is most of a write.
        """
        known = self.fingerprints.get(fingerprint, figure_id if figure_id in self.figures else None)
        if known is not None:
            return Reported(known, "known", self.differences(fingerprint, reported, note))
        quote = citation.quote if citation else None
        if not checked:
            check_figure(quantity, subcounts, occurred, reported, incident_period, quote, derived)
        carried = self.statement_for(quantity, reported)
        if carried is not None:
            self._figure_carried(
                carried, publisher_id, citation, reported, quantity.text, stance, stance_source, list(carried_via),
                fingerprint, note, entry,
            )  # fmt: skip
            return Reported(carried, "carried")
        self._figure_reported(
            figure_id, quantity, role, publisher_id, citation, occurred, reported, subcounts, fingerprint, note, entry,
            stance, stance_source, derived, part_of, list(carried_via), attributed,
        )  # fmt: skip
        return Reported(figure_id, "new")

    def statement_for(self, quantity: Quantity, reported: ReportedTime) -> uuid.UUID | None:
        """The figure this claimant's same number, reported the same day, is a carrier of (if any)."""
        for figure_id, figure in self.figures.items():
            if figure.struck or figure.derived or figure.quantity.reading != quantity.reading:
                continue
            if any(reported.same_day(at) for at in figure.carried_at):
                return figure_id
        return None

    def withdraw(
        self,
        figure_id: uuid.UUID,
        reason: str,
        reported: ReportedTime | None,
        citation: Citation | None,
        entry: Entry,
    ) -> None:
        figure = self._existing(figure_id, "withdraw")
        if figure.withdrawn:
            raise Conflict(f"figure {figure_id}: already withdrawn; nothing to do")
        _require_reason(reason, "withdrawal")
        self._figure_withdrawn(figure_id, reason, reported, citation, entry)

    def correct(
        self, figure_id: uuid.UUID, correction: Correction, reason: str, entry: Entry, incident_period: Period
    ) -> None:
        figure = self._existing(figure_id, "correct")
        _require_reason(reason, "correction")
        if correction.is_empty:
            raise InvalidInput(f"correction of figure {figure_id}: nothing to change; give the corrected value")
        # The corrected figure must pass the same checks as a newly recorded one.
        check_figure(
            correction.quantity or figure.quantity,
            correction.subcounts or figure.subcounts,
            correction.occurred or figure.occurred,
            correction.reported or figure.reported,
            incident_period,
            correction.citation.quote if correction.citation else figure.quote,
            correction.derived or figure.derived,
        )
        self._figure_corrected(figure_id, correction, reason, entry)

    def strike(self, figure_id: uuid.UUID, reason: str, entry: Entry) -> None:
        self._existing(figure_id, "strike")
        _require_reason(reason, "strike")
        self._figure_struck(figure_id, reason, entry)

    def _existing(self, figure_id: uuid.UUID, verb: str) -> FigureState:
        figure = self.figures.get(figure_id)
        if figure is None:
            raise NotFound(f"figure {figure_id}: not in this claim series; check the id with `ledger figures`")
        if figure.struck:
            raise Conflict(f"figure {figure_id}: struck out as an entry error; cannot {verb} it")
        return figure

    # Events: past-tense facts.

    class FigureReported(LedgerAggregate.Event):
        """A figure as its first carrier gave it. Version 2 adds how its source put it (stance, and
        whether the stance was read from the quote or given by the analyst), how a derived figure
        was worked out, the total it is a named part of, and what its publisher carried it via;
        version-1 figures read as stated, not derived, part of nothing, carried directly. Version 3
        adds the source a dataset attributes the figure to (UCDP's source_original, office, article
        and headline, ACLED's source and notes, as published); earlier figures have none."""

        TOPIC = "ledger:ClaimSeries.FigureReported"
        class_version = 3
        figure_id: uuid.UUID
        quantity: Quantity
        role: str
        publisher_id: uuid.UUID | None
        citation: Citation | None
        occurred: Period | None
        reported: ReportedTime
        subcounts: SubCounts
        fingerprint: str
        note: str
        entry: Entry
        stance: str
        stance_source: str
        derived: str | None
        part_of: uuid.UUID | None
        carried_via: list[str]
        attributed: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(stance="stated", stance_source="none", derived=None, part_of=None, carried_via=[])

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["attributed"] = None

    @event(FigureReported)
    def _figure_reported(
        self,
        figure_id: uuid.UUID,
        quantity: Quantity,
        role: str,
        publisher_id: uuid.UUID | None,
        citation: Citation | None,
        occurred: Period | None,
        reported: ReportedTime,
        subcounts: SubCounts,
        fingerprint: str,
        note: str,
        entry: Entry,
        stance: str,
        stance_source: str,
        derived: str | None,
        part_of: uuid.UUID | None,
        carried_via: list[str],
        attributed: dict[str, str] | None,
    ) -> None:
        quote = citation.quote if citation else None
        self.figures[figure_id] = FigureState(quantity, subcounts, occurred, reported, quote, derived, carried_at=[reported])
        self.fingerprints[fingerprint] = figure_id
        self._as_recorded()[fingerprint] = (reported, note)

    @event("FigureCarried", topic="ledger:ClaimSeries.FigureCarried")
    def _figure_carried(
        self,
        figure_id: uuid.UUID,
        publisher_id: uuid.UUID | None,
        citation: Citation | None,
        reported: ReportedTime,
        words: str,
        stance: str,
        stance_source: str,
        carried_via: list[str],
        fingerprint: str,
        note: str,
        entry: Entry,
    ) -> None:
        """The same statement carried by one more publisher or document (its words as that one wrote them)."""
        self.figures[figure_id].carried_at.append(reported)
        self.fingerprints[fingerprint] = figure_id
        self._as_recorded()[fingerprint] = (reported, note)

    @event("FigureWithdrawn", topic="ledger:ClaimSeries.FigureWithdrawn")
    def _figure_withdrawn(
        self,
        figure_id: uuid.UUID,
        reason: str,
        reported: ReportedTime | None,
        citation: Citation | None,
        entry: Entry,
    ) -> None:
        self.figures[figure_id].withdrawn = True

    @event("FigureCorrected", topic="ledger:ClaimSeries.FigureCorrected")
    def _figure_corrected(self, figure_id: uuid.UUID, correction: Correction, reason: str, entry: Entry) -> None:
        figure = self.figures[figure_id]
        figure.quantity = correction.quantity or figure.quantity
        figure.subcounts = correction.subcounts or figure.subcounts
        figure.occurred = correction.occurred or figure.occurred
        if correction.reported is not None:
            figure.carried_at[0] = figure.reported = correction.reported
        figure.quote = correction.citation.quote if correction.citation else figure.quote
        figure.derived = correction.derived or figure.derived

    @event("FigureStruck", topic="ledger:ClaimSeries.FigureStruck")
    def _figure_struck(self, figure_id: uuid.UUID, reason: str, entry: Entry) -> None:
        self.figures[figure_id].struck = True




def _require_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise InvalidInput(f"{what}: a reason is required; say why with --reason")


def check_figure(
    quantity: Quantity,
    subcounts: SubCounts,
    occurred: Period | None,
    reported: ReportedTime,
    incident_period: Period,
    quote: str | None = None,
    derived: str | None = None,
) -> None:
    """Guards every figure passes before it is recorded."""
    now = clock.now()
    if reported.at > now + REPORTED_AHEAD:  # its message is written only when it is needed: a tenth of the check
        check_reported(f"reported time {reported.describe()}:", reported.at, now)
    start = (occurred or incident_period).start
    # A coarse report ("Aug 2024") is consistent with casualties on any day up to its period's end.
    if reported.last_day < start:
        raise InvalidInput(
            f"reported time {reported.describe()}: before the casualties occurred "
            f"({start}); check the dates or give --occurred"
        )
    # Women and children are part of the figure, so together they cannot exceed its upper bound.
    parts = (subcounts.women or 0) + (subcounts.children or 0)
    if quantity.high is not None and parts > quantity.high:
        raise InvalidInput(
            f"sub-counts {parts} (women + children): exceed the figure's upper bound {quantity.high}; "
            "sub-counts are part of the figure, not extra"
        )
    if derived is not None and not derived.strip():
        raise InvalidInput("derived: say how the figure was worked out, e.g. '41 total minus 14 security personnel'")
    if quote and derived is None and not states_quantity(quote, quantity):
        stated = ", ".join(repr(words) for words, _ in quantities_in(quote)) or "no number"
        raise InvalidInput(
            f"quote {_clip(quote)!r}: does not state {quantity.text!r} (it states {stated}); quote the words that "
            "give the number, or mark the figure derived with --derived 'how it was worked out', "
            "e.g. --derived '41 total minus 14 security personnel'"
        )


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
