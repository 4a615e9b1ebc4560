"""Facts that act on recorded figures or claimants, as carried by the ledger's JSON Lines bundles.

Each checks itself before anything is written, and applies itself only when the ledger does not
already hold it, so importing a bundle twice adds nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

import attrs
from eventsourcing.application import AggregateNotFoundError

from ledger.domain.base import Entry
from ledger.domain.series import ClaimSeries, Correction
from ledger.domain.values import ReportedTime
from ledger.domain.vocabulary import Reliability, parse_enum
from ledger.errors import LedgerError
from ledger.io.pipeline.catalog import Catalog, FieldProblem, RowInvalid


def _reason(reason: str | None, what: str) -> None:
    if not reason or not reason.strip():
        raise RowInvalid([FieldProblem("reason", reason, f"{what}: a reason is required; say why")])


def _series(app: Any, series_id: uuid.UUID) -> ClaimSeries | None:
    try:
        found = app.repository.get(series_id)
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, ClaimSeries) else None


@attrs.frozen
class FigureFact:
    """Base of the facts about one figure: it names the figure's claim series and the figure."""

    series_id: uuid.UUID
    figure_id: uuid.UUID
    reason: str

    def check(self, catalog: Catalog, file_figures: set[uuid.UUID]) -> None:
        _reason(self.reason, self.KIND)
        if self.figure_id in file_figures:
            return
        series = _series(catalog.app, self.series_id)
        if series is None or self.figure_id not in series.figures:
            raise RowInvalid(
                [
                    FieldProblem(
                        "figure_id",
                        str(self.figure_id),
                        f"figure {self.figure_id}: neither in the ledger nor among this file's figures "
                        f"(series {self.series_id}); put the figure record above this one",
                    )
                ]
            )

    KIND = "fact"


@attrs.frozen
class Withdrawal(FigureFact):
    KIND = "withdrawal"
    reported: ReportedTime | None = None
    document: str | None = None
    quote: str | None = None

    def check(self, catalog: Catalog, file_figures: set[uuid.UUID]) -> None:
        super().check(catalog, file_figures)
        if self.document:
            try:
                doc = catalog.get("document", self.document)
                if self.quote:
                    doc.locate(self.quote)
            except LedgerError as error:
                raise RowInvalid([FieldProblem("document", self.document, str(error))]) from None

    def apply(self, app: Any, entry: Entry) -> bool:
        series = _series(app, self.series_id)
        state = series.figures.get(self.figure_id) if series else None
        if state is None or state.withdrawn or state.struck:
            return False
        app.withdraw_figure(self.series_id, self.figure_id, self.reason, entry, self.reported, self.document, self.quote)
        return True


@attrs.frozen
class CorrectionFact(FigureFact):
    KIND = "correction"
    correction: Correction = Correction()

    def check(self, catalog: Catalog, file_figures: set[uuid.UUID]) -> None:
        super().check(catalog, file_figures)
        if self.correction.is_empty:
            raise RowInvalid([FieldProblem("correction", None, "correction: nothing to change; give the corrected values")])

    def apply(self, app: Any, entry: Entry) -> bool:
        series = _series(app, self.series_id)
        state = series.figures.get(self.figure_id) if series else None
        if state is None or state.struck:
            return False
        for event in app.events.get(self.series_id):
            same = (getattr(event, "figure_id", None), getattr(event, "correction", None), getattr(event, "reason", None))
            if same == (self.figure_id, self.correction, self.reason):
                return False  # this correction is already recorded
        app.correct_figure(self.series_id, self.figure_id, self.correction, self.reason, entry)
        return True


@attrs.frozen
class Strike(FigureFact):
    KIND = "strike"

    def apply(self, app: Any, entry: Entry) -> bool:
        series = _series(app, self.series_id)
        state = series.figures.get(self.figure_id) if series else None
        if state is None or state.struck:
            return False
        app.strike_figure(self.series_id, self.figure_id, self.reason, entry)
        return True


@attrs.frozen
class Grade:
    """A claimant's later reliability grade. Applied only to claimants the same import registers."""

    KIND = "grade"
    claimant: str
    reliability: str
    reason: str

    def check(self, catalog: Catalog, file_figures: set[uuid.UUID]) -> None:
        _reason(self.reason, "grade")
        try:
            parse_enum(Reliability, self.reliability, "reliability")
        except LedgerError as error:
            raise RowInvalid([FieldProblem("reliability", self.reliability, str(error))]) from None
        try:
            catalog.get("claimant", self.claimant)
        except LedgerError as error:
            raise RowInvalid([FieldProblem("claimant", self.claimant, str(error))]) from None

    def apply(self, app: Any, entry: Entry, registered: set[tuple[str, str]]) -> bool:
        if ("claimant", self.claimant.strip().lower()) not in registered:
            return False  # a claimant already in the ledger keeps the grades its analysts gave it
        before = app.claimant(self.claimant).reliability
        app.grade_claimant(self.claimant, self.reliability, self.reason, entry)
        return bool(before != self.reliability.strip().upper())


LaterFact = Withdrawal | CorrectionFact | Strike | Grade
