"""The library's front door: one method per thing a user can do. The CLI is a thin shell over it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

import attrs
import duckdb

from ledger.application.app import LedgerApplication, RecordedFigure
from ledger.application.inputs import FigureInput
from ledger.domain.base import Entry
from ledger.domain.policy import DEFAULT_POLICY, get_policy
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import Correction
from ledger.domain.values import ReportedTime
from ledger.domain.vocabulary import Role, parse_enum
from ledger.errors import InvalidInput
from ledger.integrity.settings import integrity_env
from ledger.readmodel import queries
from ledger.readmodel.catchup import Progress
from ledger.readmodel.model import ReadModel
from ledger.readmodel.queries import NOW
from ledger.readmodel.view import View
from ledger.settings import Settings
from ledger.store import store_env


@attrs.frozen
class TallyResult:
    policy: str
    position: int
    view: str  # which time axis and instant the tally reflects
    rows: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return f"Tallies under policy {self.policy}, {self.view}, event-log position {self.position}"


class Ledger:
    def __init__(self, settings: Settings | None = None, progress: Progress | None = None) -> None:
        self.settings = settings or Settings.resolve()
        self.progress = progress
        self.read_model = ReadModel(self.settings.readmodel_path)

    @cached_property
    def app(self) -> LedgerApplication:
        return LedgerApplication(env={**store_env(self.settings.store), **integrity_env(self.settings.home)})

    def entry(self, via: str = "cli") -> Entry:
        return Entry(self.settings.analyst, via)

    def close(self) -> None:
        if "app" in self.__dict__:
            self.app.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-model connection caught up with the event log."""
        with self.read_model.caught_up(self.app, self.settings.store_label, self.progress) as con:
            yield con

    # Recording figures and what happens to them.

    def record_figure(self, figure: FigureInput, via: str = "cli") -> RecordedFigure:
        return self.app.record_figure(figure, self.entry(via))

    def record_figures(self, figures: Iterable[FigureInput], via: str) -> list[RecordedFigure]:
        return self.app.record_figures(figures, self.entry(via))

    def revise_figure(
        self,
        reference: str,
        quantity: str,
        reported: ReportedTime,
        document: str | None = None,
        quote: str | None = None,
        note: str = "",
    ) -> RecordedFigure:
        """The same claimant's new figure for the same cell: a new fact in the same claim series."""
        row = self._figure(reference)
        return self.record_figure(
            FigureInput(
                incident=row["incident"],
                claimant=row["claimant"],
                victim_status=row["victim_status"],
                outcome=row["outcome"],
                quantity=quantity,
                reported=reported,
                role=row["role"],
                publisher=None if document else row["publisher"],
                document=document,
                quote=quote,
                note=note,
            )
        )

    def withdraw_figure(
        self,
        reference: str,
        reason: str,
        reported: ReportedTime | None = None,
        document: str | None = None,
        quote: str | None = None,
    ) -> uuid.UUID:
        found = self._figure(reference)
        self.app.withdraw_figure(
            uuid.UUID(found["series_id"]), uuid.UUID(found["figure_id"]), reason, self.entry(), reported, document, quote
        )
        return uuid.UUID(found["figure_id"])

    def correct_figure(
        self,
        reference: str,
        reason: str,
        quantity: str | None = None,
        role: str | None = None,
        reported: ReportedTime | None = None,
    ) -> uuid.UUID:
        found = self._figure(reference)
        correction = Correction(
            quantity=parse_quantity(quantity) if quantity is not None else None,
            role=parse_enum(Role, role, "role").value if role else None,
            reported=reported,
        )
        self.app.correct_figure(
            uuid.UUID(found["series_id"]), uuid.UUID(found["figure_id"]), correction, reason, self.entry()
        )
        return uuid.UUID(found["figure_id"])

    def strike_figure(self, reference: str, reason: str) -> uuid.UUID:
        found = self._figure(reference)
        self.app.strike_figure(uuid.UUID(found["series_id"]), uuid.UUID(found["figure_id"]), reason, self.entry())
        return uuid.UUID(found["figure_id"])

    def _figure(self, reference: str) -> dict[str, Any]:
        """A figure by id or unique prefix, with the keys of its claim series."""
        with self.reading() as con:
            return queries.resolve_figure(con, reference)

    # Reading.

    def tally(self, policy: str = "default", incident: str | None = None, view: View = NOW) -> TallyResult:
        chosen = get_policy(policy)
        with self.reading() as con:
            at, rows = queries.tally_rows(con, chosen, incident, view)
        described = view.describe()
        return TallyResult(chosen.label, at, described, [{**row, "view": described} for row in rows])

    def figures(self, incident: str | None = None, view: View = NOW) -> list[dict[str, Any]]:
        with self.reading() as con:
            return queries.figure_rows(con, incident, view)

    def audit(self, incident: str | None = None, figure: str | None = None, view: View = NOW) -> list[dict[str, Any]]:
        with self.reading() as con:
            return queries.audit_rows(con, incident, figure, view)

    def listing(self, table: str) -> list[dict[str, Any]]:
        """Registered claimants, publishers, documents or incidents."""
        if table not in LISTINGS:
            raise InvalidInput(f"listing {table!r}: unknown; use one of {', '.join(LISTINGS)}")
        with self.reading() as con:
            return queries._rows(con, LISTINGS[table])

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Read-only SQL over the caught-up read model, its `tallies` current for the default policy."""
        with self.reading() as con:
            queries.tallies(con, DEFAULT_POLICY)
        with self.read_model.read_only(self.app, self.settings.store_label, self.progress) as con:
            return queries.run_sql(con, sql)

    def rebuild(self) -> int:
        return self.read_model.rebuild(self.app, self.settings.store_label, self.progress)


LISTINGS = {
    "claimants": "SELECT key, name, kind, reliability, default_roles, description FROM claimants ORDER BY key",
    "publishers": "SELECT key, name, kind, url FROM publishers ORDER BY key",
    "documents": "SELECT d.key, d.title, d.url, p.key AS publisher, d.published_at, d.published_precision, "
    "d.published_estimated, d.sha256, length(d.text) AS characters "
    "FROM documents d LEFT JOIN publishers p USING (publisher_id) ORDER BY d.key",
    "incidents": "SELECT i.key, i.name, p.key AS parent, i.country, i.adm1, i.adm2, i.place, i.location_precision, "
    "i.occurred_start, i.occurred_end, i.date_precision, i.date_estimated, i.is_open "
    "FROM incidents i LEFT JOIN incidents p ON p.incident_id = i.parent_id ORDER BY i.key",
}
