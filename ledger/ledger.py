"""The library's front door: one method per thing a user can do. The CLI is a thin shell over it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

import attrs
import duckdb

from ledger.domain.policy import EARLIER_LEDGER_POLICY, Policy, get_policy
from ledger.errors import InvalidInput
from ledger.opening import translated
from ledger.readmodel import queries
from ledger.readmodel.model import ReadModel
from ledger.readmodel.queries import NOW
from ledger.readmodel.runs import unfinished_runs
from ledger.readmodel.view import View
from ledger.settings import Settings
from ledger.store import sqlite_head

if TYPE_CHECKING:
    # Imported where used: a read that finds the read model current loads neither the event-sourcing
    # library nor the aggregates (issue 18: `ledger tally` and `ledger explain` start in proportion).
    from ledger.application.app import LedgerApplication, RecordedFigure
    from ledger.application.inputs import FigureInput
    from ledger.domain.base import Entry
    from ledger.domain.values import Citation, ReportedTime
    from ledger.readmodel.catchup import Progress
    from ledger.readmodel.connection import Opening
    from ledger.readmodel.runs import UnfinishedRun

@attrs.frozen
class TallyResult:
    policy: str
    position: int
    view: str  # which time axis and instant the tally reflects
    rows: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return f"Tallies under policy {self.policy}, {self.view}, event-log position {self.position}"


class Rows(list[dict[str, Any]]):
    """Rows of a read (a plain list of dicts), also saying which view and event-log position they reflect."""

    def __init__(self, rows: Iterable[dict[str, Any]], view: str, position: int) -> None:
        super().__init__(rows)
        self.view = view
        self.position = position


class Ledger:
    """A ledger in a home directory, its events in the home's SQLite file or on a PostgreSQL server.

    create: whether opening may make the home and the event store when no ledger is there (commands that
    record facts, `init`); False makes every open of a place without a ledger a StoreUnavailable line.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        progress: Progress | None = None,
        create: bool = True,
        opening: Opening | None = None,
    ) -> None:
        """opening: the read model's connection begun early (`Opening`), for the first read to use."""
        self.settings = settings or Settings.resolve()
        self._opening = opening
        self.progress = progress
        self.create = create
        self.created = False  # set when opening made a new ledger
        self.read_model = ReadModel(self.settings.readmodel_path)
        self.import_run: str | None = None  # the label of the import run this process has started and not completed
        self.notice: Callable[[str], None] | None = None  # told once of an import run that holds facts back
        self._noticed = False

    @cached_property
    def app(self) -> LedgerApplication:
        from ledger.opening import open_application

        app, self.created = open_application(self.settings, self.create)
        return app

    def init(self) -> bool:
        """Make the ledger here (home, event store, read model) unless one is; returns whether it was made.

        A new ledger's first fact is its configuration: the policy it tallies under by default."""
        self.app.configure_new_ledger()
        with self.reading():
            pass
        return self.created

    def policy(self, name: str | None = None, con: duckdb.DuckDBPyConnection | None = None) -> Policy:
        """A policy by name; none, or the bare name 'default', is the policy this ledger tallies under.

        con: a connection from `reading()`; when that found the read model current without opening the
        log, the ledger's default is read from the read model's `configuration` (it has every event)."""
        if con is None or "app" in self.__dict__:
            return get_policy(name, self.app.default_policy())
        row = con.execute("SELECT default_policy FROM configuration ORDER BY position DESC LIMIT 1").fetchone()
        return get_policy(name, str(row[0]) if row else EARLIER_LEDGER_POLICY)  # no configuration: as the app says

    def entry(self, via: str = "cli") -> Entry:
        from ledger.domain.base import Entry

        return Entry(self.settings.analyst, via)

    def close(self) -> None:
        if "app" in self.__dict__:
            self.app.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-model connection caught up with the event log.

        When the log is a SQLite file whose last position the read model has already derived, the log is
        not opened: one query tells, and nothing needs catching up."""
        current = self._current()
        if current is None:
            app = self.app
            with translated(self.settings), self.read_model.caught_up(app, self.settings.store_label, self.progress) as con:
                self._notice(con)
                yield con
            return
        try:
            with translated(self.settings):
                self._notice(current)
                yield current
        finally:
            current.close()

    def _current(self) -> duckdb.DuckDBPyConnection | None:
        """The read model's connection when it is current with a log this process has not opened; else None."""
        opening, self._opening = self._opening, None
        head = None if "app" in self.__dict__ else sqlite_head(self.settings.store)  # an open log: catch up
        if head is None:
            if opening is not None:
                opening.discard()
            return None
        return self.read_model.current(self.settings.store_label, head, opening)

    def _notice(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.notice is not None and not self._noticed:
            self._noticed = True
            if self.read_model.unreadable is not None:
                self.notice(f"note: {self.read_model.unreadable}")
            for run in unfinished_runs(con)[:1]:  # the first holds back everything after it
                self.notice(run.notice())

    def unfinished_imports(self) -> list[UnfinishedRun]:
        """Import runs started and not ended, as the read model has met them: the first holds back all after it."""
        with self.reading() as con:
            return unfinished_runs(con)

    def abort_import(self, label: str, reason: str) -> str:
        """End an unfinished import run for good: its facts stay out of the read model; returns its label."""
        from ledger.application.import_runs import abort_run

        return abort_run(self.app, label, reason, self.entry()).label

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
        from ledger.application.inputs import FigureInput

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
        stance: str | None = None,
        derived: str | None = None,
        document: str | None = None,
        quote: str | None = None,
    ) -> uuid.UUID:
        """An analyst's fix of a mistyped figure; `document` and `quote` correct its citation (a quote alone:
        the words in the figure's own document)."""
        from ledger.domain.quantity import parse_quantity
        from ledger.domain.series import Correction
        from ledger.domain.vocabulary import Role, Stance, parse_enum

        found = self._figure(reference)
        correction = Correction(
            quantity=parse_quantity(quantity) if quantity is not None else None,
            role=parse_enum(Role, role, "role").value if role else None,
            reported=reported,
            stance=parse_enum(Stance, stance, "stance").value if stance else None,
            derived=derived.strip() if derived and derived.strip() else None,
            citation=self._citation(found["figure_id"], document, quote) if document or quote else None,
        )
        self.app.correct_figure(
            uuid.UUID(found["series_id"]), uuid.UUID(found["figure_id"]), correction, reason, self.entry()
        )
        return uuid.UUID(found["figure_id"])

    def _citation(self, figure_id: str, document: str | None, quote: str | None) -> Citation:
        from ledger.domain.values import Citation

        if document is None:
            with self.reading() as con:
                row = con.execute(
                    "SELECT d.key FROM figures f JOIN documents d USING (document_id) WHERE f.figure_id = ?", [figure_id]
                ).fetchone()
            if row is None:
                raise InvalidInput(f"quote {quote!r}: figure {figure_id} cites no document; give --document KEY too")
            document = str(row[0])
        doc = self.app.document(document)
        start, end = doc.locate(quote) if quote else (None, None)
        return Citation(str(doc.id), quote, start, end)

    def strike_figure(self, reference: str, reason: str) -> uuid.UUID:
        found = self._figure(reference)
        self.app.strike_figure(uuid.UUID(found["series_id"]), uuid.UUID(found["figure_id"]), reason, self.entry())
        return uuid.UUID(found["figure_id"])

    def _figure(self, reference: str) -> dict[str, Any]:
        """A figure by id or unique prefix, with the keys of its claim series."""
        with self.reading() as con:
            return queries.resolve_figure(con, reference)

    # Reading.

    def tally(self, policy: str | None = None, incident: str | None = None, view: View = NOW) -> TallyResult:
        with self.reading() as con:
            chosen = self.policy(policy, con)
            at, rows = queries.tally_rows(con, chosen, incident, view)
        described = view.describe()
        return TallyResult(chosen.label, at, described, [{**row, "view": described} for row in rows])

    def figures(self, incident: str | None = None, view: View = NOW, source_text: str | None = None) -> Rows:
        """Every figure; source_text: only those a dataset attributes to a source whose words contain it."""
        with self.reading() as con:
            rows = queries.figure_rows(con, incident, view, source_text)
            return Rows(rows, view.describe(), queries.view_position(con, view))

    def audit(
        self,
        incident: str | None = None,
        figure: str | None = None,
        view: View = NOW,
        claimant: str | None = None,
        publisher: str | None = None,
    ) -> Rows:
        """Every fact behind an incident (its sub-incidents included), a figure's claim series, a claimant or a publisher."""
        if incident is None and figure is None and claimant is None and publisher is None:
            raise InvalidInput("audit: say what to audit; give --incident KEY, --figure ID, --claimant KEY or --publisher KEY")
        with self.reading() as con:
            if claimant is not None or publisher is not None:
                from ledger.readmodel.registry import registry_audit_rows

                rows = registry_audit_rows(con, claimant, publisher, view)
            else:
                rows = queries.audit_rows(con, incident, figure, view)
            return Rows(rows, view.describe(), queries.view_position(con, view))

    def listing(self, table: str) -> Rows:
        """Registered claimants, publishers, documents or incidents, as they stand now."""
        if table not in LISTINGS:
            raise InvalidInput(f"listing {table!r}: unknown; use one of {', '.join(LISTINGS)}")
        with self.reading() as con:
            return Rows(queries._rows(con, LISTINGS[table]), NOW.describe(), queries.view_position(con, NOW))

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Read-only SQL over the caught-up read model, its `tallies` current for the ledger's default policy."""
        from ledger.readmodel.sealed import checked_statement

        checked_statement(sql)  # refused before anything is caught up
        default = self.policy()
        with self.reading() as con:
            queries.tallies(con, default)
        with self.read_model.read_only(self.app, self.settings.store_label, self.progress) as con:
            return queries.run_sql(con, sql)

    def rebuild(self) -> int:
        app = self.app
        with translated(self.settings):
            return self.read_model.rebuild(app, self.settings.store_label, self.progress)


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
