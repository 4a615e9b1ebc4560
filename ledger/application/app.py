"""The write side: one `eventsourcing` Application whose methods are the ledger's use-cases."""

from __future__ import annotations

import contextlib
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import attrs
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, PersistenceError, Recording, StoredEvent, Transcoder

from ledger import interrupts
from ledger.application.conflicts import retry, retrying
from ledger.application.inputs import FigureInput, figure_reference
from ledger.application.streams import select_streams, stream_positions
from ledger.application.transcoder import OrjsonTranscoder
from ledger.application.transcodings import VALUE_TRANSCODINGS
from ledger.batches import batch_done, chunks, young_collections_only
from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.claimant import Claimant, Publisher
from ledger.domain.configuration import CONFIGURATION_ID, Configuration
from ledger.domain.document import Document
from ledger.domain.ids import check_key, natural_id, sha256_text
from ledger.domain.incident import Incident
from ledger.domain.limits import check_url
from ledger.domain.policy import EARLIER_LEDGER_POLICY, NEW_LEDGER_POLICY
from ledger.domain.published import PublishedRow
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import ClaimSeries, Correction, check_figure, figure_fingerprint, series_id
from ledger.domain.stance import read_stance
from ledger.domain.values import Citation, Location, Period, ReportedTime, SubCounts
from ledger.domain.vocabulary import (
    ClaimantKind,
    Outcome,
    Reliability,
    Role,
    Stance,
    parse_enum,
    parse_victim_status,
)
from ledger.errors import Conflict, InvalidInput, LedgerError, NotFound, UnreadableEvent

A = TypeVar("A", bound=LedgerAggregate)

# Input figures per transaction. A batch and what it names are what an import holds: 1000 peaked at
# 77 MiB importing 10k CSV rows, 2000 at 92 MiB, 5000 at 139 MiB, with no clear gain in speed beyond 2000.
BATCH_SIZE = 2000


@attrs.frozen
class RecordedFigure:
    figure_id: uuid.UUID  # the figure recorded, or the statement it was found to be one more carrier of
    series_id: uuid.UUID
    is_new: bool  # a fact was added (a new figure or a new carrier)
    carried: bool = False  # the same statement as an existing figure, carried by one more source
    part_of: uuid.UUID | None = None  # the total this figure is a named part of
    parts: tuple[RecordedFigure, ...] = ()  # a total's named parts, recorded with it
    differs: tuple[str, ...] = ()  # already recorded, but given with another reported time or note (nothing changed)

    @property
    def with_parts(self) -> tuple[RecordedFigure, ...]:
        """This figure and its named parts: each a figure of its own."""
        return (self, *self.parts)


@attrs.frozen
class RowError:
    line: int | None
    message: str
    error: LedgerError | None = attrs.field(default=None, eq=False, repr=False)


class RejectedImport(InvalidInput):
    """Some inputs were bad, so none was recorded."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        where = f"line {first.line}: " if first.line is not None else ""
        more = f" (and {len(self.errors) - 1} more bad rows)" if len(self.errors) > 1 else ""
        super().__init__(f"{where}{first.message}{more}; nothing was recorded")


# What a conflict names (ledger/application/conflicts.py), from a use-case's arguments.
def _named(kind: str) -> Callable[..., str]:
    return lambda app, key, *_, **__: f"{kind} {key!r}"


def _figure_label(app: Any, series_id: uuid.UUID, figure_id: uuid.UUID, *_: Any, **__: Any) -> str:
    return f"figure {figure_id} (claim series {series_id})"


def _configuration_label(*_: Any, **__: Any) -> str:
    return "the ledger's configuration"


def _batch_label(batch: Sequence[Sequence[_PreparedFigure]]) -> str:
    series = sorted({str(item.series_id) for figure in batch for item in figure})
    more = f" and {len(series) - 1} more" if len(series) > 1 else ""
    return f"figures in claim series {series[0]}{more}" if series else "figures"



class LedgerApplication(Application[uuid.UUID]):
    name = "Ledger"
    before_first_write: Callable[[], None] | None = None  # called once, before the next save (ledger/io/pipeline/run.py)

    def construct_transcoder(self) -> Transcoder:
        # The stock JSON, written by orjson (the same bytes); a TRANSCODER_TOPIC setting still wins.
        if self.env.get(self.factory.TRANSCODER_TOPIC):
            transcoder = super().construct_transcoder()
        else:
            transcoder = OrjsonTranscoder()
            self.register_transcodings(transcoder)
        for transcoding in VALUE_TRANSCODINGS:
            transcoder.register(transcoding)  # type: ignore[attr-defined]
        return transcoder

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[uuid.UUID]]:
        """The library's `save`, without its runtime-protocol checks for the ledger's own aggregates.

        `isinstance` against a typing Protocol costs about 25 µs on Python 3.11, a tenth of
        recording a figure; a `LedgerAggregate` is known to collect events, so it is asked directly.
        """
        if self.before_first_write is not None:  # an import's run is started before the import writes anything
            start, self.before_first_write = self.before_first_write, None
            start()
        if not all(isinstance(obj, LedgerAggregate) for obj in objs):
            return super().save(*objs, **kwargs)
        self.configure_new_ledger()
        processing_event: ProcessingEvent[uuid.UUID] = ProcessingEvent()
        for aggregate in objs:
            processing_event.events.extend(aggregate.collect_events())
            processing_event.aggregates[aggregate.id] = aggregate
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library still calls its deprecated hook; so do we
        return recordings

    def configure_new_ledger(self) -> None:
        """Before a new ledger's first fact, record which policy it tallies under by default.

        Asked once per process: a store with facts but no configuration was written before
        configurations existed, and keeps `default@1`."""
        if getattr(self, "_configured", False):
            return
        self._configured = True
        if self.recorder.max_notification_id():  # type: ignore[attr-defined]
            return
        with contextlib.suppress(IntegrityError):  # another process configured it first
            self.save(Configuration(default_policy=NEW_LEDGER_POLICY, entry=Entry("ledger", "init")))

    def default_policy(self) -> str:
        """The policy this ledger tallies under when none is named."""
        try:
            configuration = self.repository.get(CONFIGURATION_ID)
        except AggregateNotFoundError:
            return EARLIER_LEDGER_POLICY if self.recorder.max_notification_id() else NEW_LEDGER_POLICY  # type: ignore[attr-defined]
        return str(configuration.default_policy)

    @retrying(_configuration_label)
    def set_default_policy(self, label: str, reason: str, entry: Entry) -> None:
        try:
            configuration = self.repository.get(CONFIGURATION_ID)
        except AggregateNotFoundError:
            configuration = Configuration(default_policy=self.default_policy(), entry=Entry("ledger", "init"))
        if configuration.default_policy != label:
            configuration.set_default_policy(label, _required(reason, "reason"), entry)
        self.save(configuration)

    # Registration of the things figures refer to.

    def register_claimant(
        self,
        key: str,
        name: str,
        kind: str,
        default_roles: dict[str, str],
        reliability: str,
        entry: Entry,
        description: str = "",
    ) -> uuid.UUID:
        key = check_key(key, "claimant")
        roles = _roles(default_roles)
        claimant = Claimant(
            key=key,
            name=_required(name, f"claimant {key!r} name"),
            kind=parse_enum(ClaimantKind, kind, "claimant kind").value,
            default_roles=roles,
            reliability=parse_enum(Reliability, reliability, "reliability").value,
            description=description,
            entry=entry,
        )
        return self._save_new(claimant, f"claimant {key!r}", ("name", "kind", "default_roles", "reliability"))

    @retrying(_named("claimant"))
    def grade_claimant(self, key: str, reliability: str, reason: str, entry: Entry) -> None:
        claimant = self.claimant(key)
        grade = parse_enum(Reliability, reliability, "reliability").value
        if grade == claimant.reliability:
            return
        claimant.grade(grade, _required(reason, "grading reason"), entry)
        self.save(claimant)

    @retrying(_named("claimant"))
    def correct_claimant(
        self,
        key: str,
        reason: str,
        entry: Entry,
        name: str | None = None,
        kind: str | None = None,
        default_roles: dict[str, str] | None = None,
        description: str | None = None,
    ) -> None:
        """Fix a mistyped claimant registration (its grade is `grade_claimant`): a new fact beside the original."""
        claimant = self.claimant(key)
        claimant.correct(
            reason,
            entry,
            name=_required(name, f"claimant {key!r} name") if name is not None else None,
            kind=parse_enum(ClaimantKind, kind, "claimant kind").value if kind is not None else None,
            default_roles=_roles(default_roles) if default_roles is not None else None,
            description=description,
        )
        self.save(claimant)

    @retrying(_named("publisher"))
    def correct_publisher(
        self, key: str, reason: str, entry: Entry, name: str | None = None, kind: str | None = None, url: str | None = None
    ) -> None:
        """Fix a mistyped publisher registration: a new fact beside the original."""
        publisher = self.publisher(key)
        check_url(f"publisher {key!r}", url)
        publisher.correct(
            reason,
            entry,
            name=_required(name, f"publisher {key!r} name") if name is not None else None,
            kind=parse_enum(ClaimantKind, kind, "publisher kind").value if kind is not None else None,
            url=url,
        )
        self.save(publisher)

    def register_publisher(self, key: str, name: str, kind: str, url: str | None, entry: Entry) -> uuid.UUID:
        key = check_key(key, "publisher")
        check_url(f"publisher {key!r}", url)
        publisher = Publisher(
            key=key,
            name=_required(name, f"publisher {key!r} name"),
            kind=parse_enum(ClaimantKind, kind, "publisher kind").value,
            url=url,
            entry=entry,
        )
        return self._save_new(publisher, f"publisher {key!r}", ("name", "kind", "url"))

    def archive_document(
        self,
        entry: Entry,
        *,
        text: str | None,
        url: str | None = None,
        title: str | None = None,
        publisher: str | None = None,
        published: ReportedTime | None = None,
        key: str | None = None,
        headline: str | None = None,
    ) -> uuid.UUID:
        if text is None and not (url or title):
            raise InvalidInput("document: give its text, or at least a URL or title to refer to it")
        digest = sha256_text(text) if text is not None else None
        if key is None:
            key = f"sha-{digest[:12]}" if digest else f"ref-{sha256_text(url or title or '')[:12]}"
        key = check_key(key, "document")
        check_url(f"document {key!r}", url)
        publisher_id = self.publisher(publisher).id if publisher else None
        document = Document(
            key=key,
            sha256=digest,
            text=text,
            url=url,
            title=title,
            publisher_id=publisher_id,
            published=published,
            entry=entry,
            headline=headline.strip() if headline else None,
        )
        return self._save_new(document, f"document {key!r}", ("sha256", "url", "title", "publisher_id", "headline"))

    def register_incident(
        self,
        key: str,
        name: str,
        location: Location,
        period: Period,
        entry: Entry,
        parent: str | None = None,
        description: str = "",
    ) -> uuid.UUID:
        key = check_key(key, "incident")
        parent_id = None
        if parent is not None:
            parent_incident = self.incident(parent)
            if period.start < parent_incident.period.start or period.end > parent_incident.period.end:
                raise InvalidInput(
                    f"incident {key!r}: period {period.start}..{period.end} lies outside its parent "
                    f"{parent_incident.key!r} ({parent_incident.period.start}..{parent_incident.period.end}); "
                    "widen the parent or fix the dates"
                )
            parent_id = parent_incident.id
        incident = Incident(
            key=key,
            name=_required(name, f"incident {key!r} name"),
            parent_id=parent_id,
            location=location,
            period=period,
            description=description,
            entry=entry,
        )
        return self._save_new(incident, f"incident {key!r}", ("name", "parent_id", "location", "period"))

    @retrying(_named("incident"))
    def correct_incident(
        self,
        key: str,
        reason: str,
        entry: Entry,
        name: str | None = None,
        location: Location | None = None,
        period: Period | None = None,
        parent: str | None = None,
        description: str | None = None,
    ) -> None:
        """Fix a mistyped incident registration; the parent must exist and must not lie below it."""
        incident = self.incident(key)
        parent_id = None
        if parent is not None:
            ancestor: Incident | None = self.incident(parent)
            parent_id = ancestor.id if ancestor else None
            while ancestor is not None:
                if ancestor.id == incident.id:
                    raise InvalidInput(
                        f"incident {key!r}: parent {parent!r} lies inside it; choose a parent outside its subtree"
                    )
                ancestor = self.repository.get(ancestor.parent_id) if ancestor.parent_id else None
        incident.correct(reason, entry, name, parent_id, location, period, description)
        self.save(incident)

    @retrying(_named("incident"))
    def close_incident(self, key: str, reason: str, entry: Entry) -> None:
        incident = self.incident(key)
        if incident.is_open:
            incident.close(_required(reason, "closing reason"), entry)
            self.save(incident)

    @retrying(_named("incident"))
    def reopen_incident(self, key: str, reason: str, entry: Entry) -> None:
        incident = self.incident(key)
        if not incident.is_open:
            incident.reopen(_required(reason, "reopening reason"), entry)
            self.save(incident)

    # Figures.

    def record_figure(self, figure: FigureInput, entry: Entry) -> RecordedFigure:
        try:
            return self.record_figures([figure], entry)[0]
        except RejectedImport as rejected:
            # One figure: raise its own error (NotFound stays NotFound), not the batch's summary.
            raise (rejected.errors[0].error or rejected) from None

    def record_figures(
        self, figures: Iterable[FigureInput], entry: Entry, batch_size: int = BATCH_SIZE
    ) -> list[RecordedFigure]:
        """Validate every input first, then write one transaction per batch: bad input writes nothing."""
        return list(self.iter_record_figures(figures, entry, batch_size))

    def iter_record_figures(
        self, figures: Iterable[FigureInput], entry: Entry, batch_size: int = BATCH_SIZE, *, checked: bool = False
    ) -> Iterator[RecordedFigure]:
        """Validate all, then write in batches, so bad input writes nothing.

        A list is prepared once and kept; a re-iterable source (a file reader) is read twice
        instead, so memory does not grow with the file; a one-shot iterator is read into a list.
        `checked`: the caller has already made every check recording makes (an import's first
        pass does), so the figures are read once, to write.
        """
        if iter(figures) is figures:
            figures = list(figures)
        with young_collections_only():
            resolver = _Resolver(self, checked)
            keep = not checked and isinstance(figures, Sequence)
            prepared = [] if checked else self._validate(resolver, figures, batch_size, keep)
            # Batches are cut between input figures, never inside one: a total and its parts are one write.
            batches: Iterable[list[list[_PreparedFigure]]]
            if keep:
                batches = chunks(prepared, batch_size)
            else:
                batches = (resolver.prepare_all(chunk) for chunk in chunks(figures, batch_size))
            for batch in batches:
                interrupts.check()  # between writes, never inside one
                yield from self._write_batch(batch, entry)
                batch_done()

    def _validate(
        self, resolver: _Resolver, figures: Iterable[FigureInput], batch_size: int, keep: bool
    ) -> list[list[_PreparedFigure]]:
        """Prepare every figure, collecting every error; the prepared ones are returned when `keep`."""
        errors: list[RowError] = []
        prepared: list[list[_PreparedFigure]] = []
        for chunk in chunks(figures, batch_size):
            batch_done()
            resolver.prefetch(chunk)
            for figure in chunk:
                try:
                    items = resolver.prepare(figure)
                except LedgerError as error:
                    errors.append(RowError(figure.line, str(error), error))
                    continue
                if keep:
                    prepared.append(items)
        if errors:
            raise RejectedImport(errors)
        return prepared

    def _write_batch(self, batch: Sequence[Sequence[_PreparedFigure]], entry: Entry) -> list[RecordedFigure]:
        """One transaction for a batch of input figures; another writer's figures in the same series meanwhile:
        the batch is prepared again on the series as they now stand (ledger/application/conflicts.py)."""
        return retry(lambda: self._try_batch(batch, entry), lambda: _batch_label(batch))

    def _try_batch(self, batch: Sequence[Sequence[_PreparedFigure]], entry: Entry) -> list[RecordedFigure]:
        """One transaction for a batch of input figures, each a figure and its named parts; one result each."""
        # The series the batch names, read with one query; any not found are new and opened here.
        series = self.get_many({item.series_id for figure in batch for item in figure})
        pending: dict[uuid.UUID, ClaimSeries] = {}

        def write(item: _PreparedFigure, part_of: uuid.UUID | None) -> RecordedFigure:
            one = series.get(item.series_id)
            if one is None:
                one = series[item.series_id] = _open_series(item, entry)
            # Every figure was checked as it was prepared (or by the import's first pass): not again here.
            reported = one.report(entry=entry, checked=True, **{**item.report_kwargs, "part_of": part_of})
            if reported.is_new:
                pending[item.series_id] = one
            return RecordedFigure(
                reported.figure_id, item.series_id, reported.is_new, reported.outcome == "carried", part_of,
                differs=reported.differs,
            )  # fmt: skip

        results = []
        for total, *parts in batch:
            recorded = write(total, total.report_kwargs["part_of"])
            # A total found to be one more carrier of an earlier statement: its parts belong to that one.
            named = tuple(write(part, recorded.figure_id) for part in parts)
            results.append(attrs.evolve(recorded, parts=named) if named else recorded)  # most name no parts
        if pending:
            self.save(*pending.values())
        return results

    def get_many(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """The aggregates with these ids that exist, read with one query per few hundred ids."""
        found = {}
        for aggregate_id, stored in select_streams(self.recorder, ids).items():
            aggregate = None
            try:
                for event in map(self.mapper.to_domain_event, stored):
                    # As the library's `project_aggregate`, without its per-event protocol check (slow on 3.11).
                    aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
            except Exception as error:
                raise self.unreadable(aggregate_id, error) from None
            found[aggregate_id] = aggregate
        return found

    def unreadable(self, aggregate_id: uuid.UUID, error: BaseException) -> UnreadableEvent:
        """The stored event of this aggregate that cannot be read back, named by its position and topic."""
        for number, (position, topic, state) in enumerate(stream_positions(self, aggregate_id), start=1):
            try:
                event = self.mapper.to_domain_event(StoredEvent(aggregate_id, number, topic, state))
                event.mutate(None if number == 1 else _Probe())  # type: ignore[attr-defined]
            except Exception as failed:
                if number > 1 and isinstance(failed, (AttributeError, TypeError)):
                    continue  # a later event cannot be tried without the aggregate before it
                detail = " ".join(f"{type(failed).__name__}: {failed}".split())[:200]
                return UnreadableEvent(
                    f"event log: position {position} ({topic}, aggregate {aggregate_id} version {number}) cannot be read "
                    f"({detail}); nothing was recorded; report it with this line (the log itself is unchanged)",
                    position=position or 0,
                    topic=topic,
                )
        detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        return UnreadableEvent(
            f"event log: aggregate {aggregate_id} cannot be read ({detail}); nothing was recorded; report it with this line",
            position=0,
            topic="",
        )

    def find_registered(self, slots: Iterable[tuple[str, str]]) -> dict[tuple[str, str], LedgerAggregate | None]:
        """The claimants, publishers, documents and incidents these (kind, normalised key) pairs
        name, read with one query per few hundred; None for each not registered as that kind."""
        wanted = {natural_id(*slot): slot for slot in slots}
        found = self.get_many(wanted)
        return {
            slot: aggregate if isinstance(aggregate := found.get(aggregate_id), _KINDS[slot[0]]) else None
            for aggregate_id, slot in wanted.items()
        }

    @retrying(_figure_label)
    def withdraw_figure(
        self,
        series_id: uuid.UUID,
        figure_id: uuid.UUID,
        reason: str,
        entry: Entry,
        reported: ReportedTime | None = None,
        document: str | None = None,
        quote: str | None = None,
    ) -> None:
        series = self.series(series_id, figure_id)
        citation = _Resolver(self).citation(document, quote, None) if document else None
        series.withdraw(figure_id, reason, reported, citation, entry)
        self.save(series)

    @retrying(_figure_label)
    def correct_figure(
        self, series_id: uuid.UUID, figure_id: uuid.UUID, correction: Correction, reason: str, entry: Entry
    ) -> None:
        series = self.series(series_id, figure_id)
        incident = self._get(Incident, series.incident_id, f"incident of figure {figure_id}", "incident add")
        series.correct(figure_id, correction, reason, entry, incident.period)
        self.save(series)

    @retrying(_figure_label)
    def strike_figure(self, series_id: uuid.UUID, figure_id: uuid.UUID, reason: str, entry: Entry) -> None:
        series = self.series(series_id, figure_id)
        series.strike(figure_id, reason, entry)
        self.save(series)

    # Lookups by natural key, with errors that say what to do.

    def claimant(self, key: str) -> Claimant:
        return self._get(Claimant, natural_id("claimant", key.strip().lower()), f"claimant {key!r}", "claimant add")

    def publisher(self, key: str) -> Publisher:
        return self._get(Publisher, natural_id("publisher", key.strip().lower()), f"publisher {key!r}", "publisher add")

    def document(self, key: str) -> Document:
        return self._get(Document, natural_id("document", key.strip().lower()), f"document {key!r}", "document add")

    def incident(self, key: str) -> Incident:
        return self._get(Incident, natural_id("incident", key.strip().lower()), f"incident {key!r}", "incident add")

    def published_row(self, key: str) -> PublishedRow:
        return self._get(PublishedRow, natural_id("published_row", key), f"published row {key!r}", "import ucdp")

    def series(self, series_id: uuid.UUID, figure_id: uuid.UUID) -> ClaimSeries:
        return self._get(ClaimSeries, series_id, f"figure {figure_id}", "figures")

    def _get(self, cls: type[A], aggregate_id: uuid.UUID, label: str, command: str) -> A:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"{label}: not in the ledger; register it first with `ledger {command}`") from None
        except (LedgerError, PersistenceError):
            raise
        except Exception as error:  # an event of it that cannot be read back: named, not a traceback
            raise self.unreadable(aggregate_id, error) from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{label}: not a {cls.__name__.lower()}")
        return aggregate

    def _save_new(self, aggregate: LedgerAggregate, label: str, compared: Sequence[str]) -> uuid.UUID:
        """Save a newly registered thing; registering the same thing again changes nothing."""
        try:
            self.save(aggregate)
        except IntegrityError:
            # Compare with what was registered, not the current state: a later grade is its own fact.
            existing = self.repository.get(aggregate.id, version=1)
            differing = [name for name in compared if getattr(existing, name) != getattr(aggregate, name)]
            if differing:  # the same as it stands after analysts' corrections is the same thing too
                current = self.repository.get(aggregate.id)
                differing = [n for n in differing if n == "reliability" or getattr(current, n) != getattr(aggregate, n)]
            if differing:
                raise Conflict(f"{label}: already registered with a different {', '.join(differing)}; "
                               f"{_differs_hint(aggregate, differing)}") from None  # fmt: skip
        return aggregate.id


@attrs.frozen
class _PreparedFigure:
    series_id: uuid.UUID
    figure_id: uuid.UUID
    incident_id: uuid.UUID
    claimant_id: uuid.UUID
    victim_status: str
    outcome: str
    report_kwargs: dict[str, Any]


class _Resolver:
    """Resolves natural keys for an import and turns a FigureInput into event arguments.

    The things a batch names are read together (`prefetch`); the most recently used are kept, a
    bounded number, so a file naming 400,000 incidents does not hold them all.
    """

    CACHE = 10_000

    def __init__(self, app: LedgerApplication, checked: bool = False) -> None:
        self.app = app
        self.checked = checked  # the caller made every figure check (an import's first pass): not made again here
        self._cache: OrderedDict[tuple[str, str], Any] = OrderedDict()

    def _cached(self, kind: str, key: str) -> Any:
        slot = (kind, key.strip().lower())
        found = self._cache.get(slot)
        if found is None:
            found = getattr(self.app, kind)(key)  # raises NotFound, saying what to do
            self._remember(slot, found)
        else:
            self._cache.move_to_end(slot)
        return found

    def _remember(self, slot: tuple[str, str], found: Any) -> None:
        self._cache[slot] = found
        if len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)

    def prefetch(self, figures: Iterable[FigureInput]) -> None:
        """Read what these figures name and is not yet at hand, in one query."""
        slots = {
            (kind, key.strip().lower())
            for figure in figures
            for kind, key in (
                ("incident", figure.incident),
                ("claimant", figure.claimant),
                ("document", figure.document),
                ("publisher", figure.publisher),
            )
            if key
        }
        for slot, aggregate in self.app.find_registered(slot for slot in slots if slot not in self._cache).items():
            if aggregate is not None:  # a missing one: `_cached` says what is wrong
                self._remember(slot, aggregate)

    def prepare_all(self, figures: Sequence[FigureInput]) -> list[list[_PreparedFigure]]:
        self.prefetch(figures)
        return [self.prepare(figure) for figure in figures]

    def citation(
        self, document: str, quote: str | None, quote_start: int | None, part: str | None = None
    ) -> Citation:
        doc: Document = self._cached("document", document)
        if not quote:
            return Citation(str(doc.id), None)
        start, end, found_in = doc.locate(quote, quote_start, part)
        return Citation(str(doc.id), quote, start, end, found_in)

    def prepare(self, figure: FigureInput) -> list[_PreparedFigure]:
        """The figure's event arguments, and its named parts' after it (each in its own series)."""
        total = self._prepare_one(figure)
        parts = []
        for part in figure.includes:
            as_part = attrs.evolve(
                figure,
                victim_status=part.victim_status,
                quantity=part.quantity,
                quote=part.quote or figure.quote,
                quote_start=None if part.quote else figure.quote_start,
                role=part.role,
                subcounts=SubCounts(),
                derived=None,
                includes=(),
            )
            prepared = self._prepare_one(as_part, part_of=total.figure_id)
            if prepared.series_id == total.series_id:
                raise InvalidInput(
                    f"includes {part.victim_status}={part.quantity}: the same victim status as the total; "
                    "a part names a status below it, e.g. security_forces=14"
                )
            parts.append(prepared)
        return [total, *parts]

    def _prepare_one(self, figure: FigureInput, part_of: uuid.UUID | None = None) -> _PreparedFigure:
        if part_of is None and figure.part_of:
            part_of = figure_reference(figure.part_of, "part_of")
        incident: Incident = self._cached("incident", figure.incident)
        claimant: Claimant = self._cached("claimant", figure.claimant)
        victim_status = parse_victim_status(figure.victim_status)
        outcome = parse_enum(Outcome, figure.outcome, "outcome").value
        quantity = parse_quantity(figure.quantity)
        role = parse_enum(Role, figure.role, "role").value if figure.role else claimant.role_for(victim_status)
        citation = None
        document_sha = None
        publisher_id = None
        if figure.document:
            citation = self.citation(figure.document, figure.quote, figure.quote_start, figure.quote_part)
            doc: Document = self._cached("document", figure.document)
            document_sha = doc.sha256 or doc.key
            publisher_id = doc.publisher_id
        elif figure.quote:
            raise InvalidInput(f"quote {figure.quote!r}: no document given; add --document or drop the quote")
        if figure.publisher:
            publisher_id = self._cached("publisher", figure.publisher).id
        carried_via = tuple(str(self._cached("publisher", key).id) for key in figure.carried_via)
        stance, stance_source = figure_stance(figure.stance, figure.quote, figure.quantity)
        quote = citation.quote if citation else None
        if not self.checked:  # (the series' own guard still checks it as it records it)
            check_figure(quantity, figure.subcounts, figure.occurred, figure.reported, incident.period, quote, figure.derived)
        sid = series_id(incident.id, claimant.id, victim_status, outcome)
        digest, figure_id = figure_fingerprint(sid, document_sha, publisher_id, quantity.text, quote, figure.reported)
        return _PreparedFigure(
            series_id=sid,
            figure_id=figure_id,
            incident_id=incident.id,
            claimant_id=claimant.id,
            victim_status=victim_status,
            outcome=outcome,
            report_kwargs={
                "figure_id": figure_id,
                "quantity": quantity,
                "role": role,
                "publisher_id": publisher_id,
                "citation": citation,
                "occurred": figure.occurred,
                "reported": figure.reported,
                "subcounts": figure.subcounts,
                "fingerprint": digest,
                "note": figure.note,
                "incident_period": incident.period,
                "stance": stance,
                "stance_source": stance_source,
                "derived": figure.derived.strip() if figure.derived else None,
                "part_of": part_of,
                "carried_via": carried_via,
                "attributed": dict(figure.attributed) if figure.attributed else None,
            },
        )


class _Probe:
    """Stands in for the aggregate a later event would mutate, when only its own readability is tried."""


_KINDS: dict[str, type] = {
    "incident": Incident, "claimant": Claimant, "document": Document, "publisher": Publisher,
    "published_row": PublishedRow,
}  # fmt: skip


def _open_series(item: _PreparedFigure, entry: Entry) -> ClaimSeries:
    """`ClaimSeries(...)` with the id already known: the library's `_create` then skips `create_id`
    (a uuid5) and argument coercion, the better part of the cost. Same event, same id."""
    return ClaimSeries._create(  # type: ignore[no-any-return]
        ClaimSeries.Opened,  # type: ignore[attr-defined]
        id=item.series_id,
        incident_id=item.incident_id,
        claimant_id=item.claimant_id,
        victim_status=item.victim_status,
        outcome=item.outcome,
        entry=entry,
    )


def figure_stance(given: str | None, quote: str | None, words: str) -> tuple[str, str]:
    """The stance a figure is recorded with, and where it came from: the analyst's, else the words'
    (the quantity's own, "allegedly seven", or the quote's), else stated."""
    if given:
        return parse_enum(Stance, given, "stance").value, "analyst"
    read = read_stance(words) or read_stance(quote)
    return (read.value, "words") if read else (Stance.STATED.value, "none")
def _roles(default_roles: dict[str, str]) -> dict[str, str]:
    """Default roles by victim status ('*' for the rest), each checked."""
    return {
        (status if status == "*" else parse_victim_status(status)): parse_enum(Role, role, "role").value
        for status, role in default_roles.items()
    }


def _differs_hint(aggregate: LedgerAggregate, differing: Sequence[str]) -> str:
    """How to fix a registration that differs from the ledger's: a command that exists for that kind."""
    key = getattr(aggregate, "key", "KEY")
    if isinstance(aggregate, Claimant):
        if list(differing) == ["reliability"]:
            return f"its grade changes with `ledger claimant grade {key} GRADE --reason ...`"
        return f"use a new key, or correct the registration with `ledger claimant correct {key} --reason ...`"
    if isinstance(aggregate, Publisher):
        return f"use a new key, or correct the registration with `ledger publisher correct {key} --reason ...`"
    if isinstance(aggregate, Incident):
        return f"use a new key, or correct the registration with `ledger incident correct {key} --reason ...`"
    return "a document's text and references never change: archive the other one under a new key (--key)"


def _required(value: str, what: str) -> str:
    if not value or not value.strip():
        raise InvalidInput(f"{what}: must not be empty; give a short text")
    return value.strip()
