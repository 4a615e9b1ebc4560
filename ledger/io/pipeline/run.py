"""One import pipeline for every format: check the whole file, then write; a bad row writes nothing.

Pass 1 reads every record and checks it (registrations, figures, later facts) against the ledger
and the records before it, collecting every problem. Only a clean file goes on: its registrations
are saved in batches, its figures go through `LedgerApplication.iter_record_figures` (told they
are checked, so it reads the file once more, to write), then its later facts. Each pass re-opens
the file, so memory does not grow with it. Everything carries `via = import:<SHA-256 of the
file>`, and recording again what is already there changes nothing, so importing a file twice
adds nothing. Both passes read one private copy of the file (checked_copy.py), and the write pass
is one import run (ledger/domain/import_run.py): readers see all of it once it completes, or none.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import attrs
from eventsourcing.persistence import IntegrityError

from ledger import interrupts
from ledger.application.app import BATCH_SIZE
from ledger.application.conflicts import retry
from ledger.application.inputs import FigureInput
from ledger.batches import batch_done, chunks, young_collections_only
from ledger.domain.base import Entry
from ledger.domain.import_run import run_via
from ledger.errors import LedgerError, NotFound
from ledger.io.formats.ledger.facts import Grade
from ledger.io.formats.ledger.reading import IfMissing, Item
from ledger.io.formats.ledger.registry_records import RegistryFact
from ledger.io.pipeline.catalog import Catalog, FieldProblem, RowInvalid
from ledger.io.pipeline.checked_copy import checked_copy
from ledger.io.pipeline.problems import ImportRejected, RowProblem
from ledger.io.pipeline.records import Progress, Record

_NAMED = {"reported": "reported time"}
KEPT_LISTED = 50  # registrations kept as they were: list this many, count the rest
PREFETCH_ROWS = 500  # rows whose references are looked up together; well under the catalog's cache


class Source(Protocol):
    path: Path
    label: str
    strict: bool  # registrations that differ from the ledger's are problems (else: kept and reported)
    row_local: frozenset[str]  # kinds registered once per row (UCDP events): not remembered across rows
    ignored_columns: list[str]

    def records(self, phase: str, progress: Progress | None = None) -> Iterator[Record]: ...

    def parse(self, record: Record) -> list[Item]: ...

    def report(self) -> dict[str, Any] | None: ...


@attrs.frozen
class ImportReport:
    source: str
    format: str
    sha256: str
    rows: int
    figures_new: int
    figures_known: int
    registered: dict[str, int]  # registrations written, by kind
    known: dict[str, int]  # registrations already in the ledger, as the file has them
    kept: list[str]  # registrations the ledger holds differently: kept as they were
    facts: dict[str, int]  # withdrawals, corrections, strikes and grades written
    ignored_columns: list[str]
    mapping: dict[str, Any] | None = None
    release: dict[str, Any] | None = None  # a dataset's release: what it did to the events held (published.py)
    differing: list[str] = attrs.Factory(list)  # rows already recorded that the file gives otherwise (not changed)

    def summary(self) -> list[str]:
        def counts(c: dict[str, int]) -> str:
            return ", ".join(f"{n} {kind.replace('_', ' ')}s" for kind, n in sorted(c.items()) if n) or "none"

        lines = [
            f"imported {self.source} ({self.format}, sha256 {self.sha256[:12]}…): {self.rows} records",
            f"figures: {self.figures_new} new, {self.figures_known} already recorded",
            f"registered: {counts(self.registered)}; already registered: {counts(self.known)}",
        ]
        if self.release:
            r = self.release
            lines.append(f"release {r['release']} (published {r['published']}, scope: {r['scope']}): "
                         f"events {r['new']} new, {r['revised']} revised, {r['withdrawn']} withdrawn, "
                         f"{r['corrected']} corrected, {r['unchanged']} unchanged")  # fmt: skip
            if r["flagged"] or r["left_out"]:
                lines.append(f"rows flagged as odd (recorded as published): {r['flagged']}; "
                             f"rows left out (unreadable): {r['left_out']}")  # fmt: skip
            if r.get("withdrawals_skipped"):
                lines.append("no event withdrawn: a row left out cannot be named, so any event held may be in it")
        if any(self.facts.values()):
            lines.append(f"later facts written: {counts(self.facts)}")
        if self.kept:
            lines.append(f"kept as registered (the file differs): {len(self.kept)}")
            lines += [f"  {k}" for k in self.kept[:KEPT_LISTED]]
        if self.ignored_columns:
            lines.append(f"columns read but not imported: {', '.join(self.ignored_columns)}")
        if self.differing:
            lines.append(
                f"{len(self.differing)} rows already recorded, but the file gives them otherwise; nothing was changed: "
                "record a corrected reported time with `ledger figure correct ID --reported T --reason WHY` "
                "(a note stays as first recorded: say what changed in the --reason)"
            )
            lines += [f"  {d}" for d in self.differing[:KEPT_LISTED]]
            if len(self.differing) > KEPT_LISTED:
                lines.append(f"  ... and {len(self.differing) - KEPT_LISTED} more")
        return lines


@young_collections_only()
def run_import(ledger: Any, source: Source, progress: Progress | None = None, batch_size: int = BATCH_SIZE) -> ImportReport:
    """Check the file, then write it as one import run: readers see all of it once the run completes, or none.

    Both passes read one private copy of the file, hashed as it was copied. The run's `Started` is
    recorded just before the first write (a file that adds nothing records nothing), its `Completed`
    after the last; a run left unfinished is resumed by importing the same file again."""
    with checked_copy(source.path) as sha:
        entry = ledger.entry(run_via(sha))
        checked = _check(ledger.app, source, entry, progress)
        run = _Run(ledger, sha, source, checked, entry)
        with run.before_first_write():
            report = _write(ledger, source, checked, entry, sha, progress, batch_size)
            finish = getattr(source, "finish", None)
            if finish is not None:  # a release's corrections, withdrawals and flags belong to the same run
                report = attrs.evolve(report, release=finish(ledger, sha))
        run.complete(report)
        return report


def _write(
    ledger: Any, source: Source, checked: _Checked, entry: Entry, sha: str, progress: Progress | None, batch_size: int
) -> ImportReport:
    """Pass 2: registrations, corrections of them, figures, then the later facts."""
    registered, new_slots = _register(ledger.app, source, entry, progress, batch_size) if checked.new else (Counter(), set())
    facts: Counter[str] = Counter()
    for _, fact in checked.later:  # corrections of what this import registers, before its figures are checked
        interrupts.check()
        if isinstance(fact, RegistryFact):
            facts[fact.KIND] += fact.apply(ledger.app, entry, new_slots)
    new = known = 0
    differing: list[str] = []
    if checked.figures:
        figures = _Figures(source, progress)
        results = ledger.app.iter_record_figures(figures, entry, batch_size, checked=True)
        for result in results:  # one result per figure of the file, in its order
            line = figures.lines.popleft()
            for one in result.with_parts:  # a total's named parts are figures of their own
                new, known = new + one.is_new, known + (not one.is_new)
                if one.differs:
                    named = " and ".join(_NAMED.get(d, d) for d in one.differs)
                    differing.append(f"line {line}: figure {one.figure_id} has another {named}")
    for _, fact in checked.later:
        interrupts.check()
        if isinstance(fact, RegistryFact):
            continue
        applied = fact.apply(ledger.app, entry, new_slots) if isinstance(fact, Grade) else fact.apply(ledger.app, entry)
        facts[fact.KIND] += applied
    return ImportReport(
        source=str(source.path),
        format=source.label,
        sha256=sha,
        rows=checked.rows,
        figures_new=new,
        figures_known=known,
        registered=dict(registered),
        known=dict(checked.known),
        kept=checked.kept,
        facts=dict(facts),
        ignored_columns=source.ignored_columns,
        mapping=source.report(),
        differing=differing,
    )


class _Run:
    """The import run of this write pass, started when the pass first writes (so a file adding nothing records nothing)."""

    def __init__(self, ledger: Any, sha: str, source: Source, checked: _Checked, entry: Entry) -> None:
        self.ledger, self.sha, self.source, self.checked, self.entry = ledger, sha, source, checked, entry
        self.run: Any = None

    def start(self) -> None:
        from ledger.application.import_runs import start_run

        expected = {"rows": self.checked.rows, "figures": self.checked.figures, "registrations": self.checked.new}
        self.run = start_run(self.ledger.app, self.sha, self.source.label, str(self.source.path), expected, self.entry)
        self.ledger.import_run = self.run.label  # what an interrupted import says it left (ledger/cli/transfer.py)

    @contextlib.contextmanager
    def before_first_write(self) -> Iterator[None]:
        app = self.ledger.app
        app.before_first_write = self.start
        try:
            yield
        finally:
            app.before_first_write = None

    def complete(self, report: ImportReport) -> None:
        from ledger.application.import_runs import complete_run, latest_run

        if self.run is None:
            # Nothing left to write: an interrupted run of this file that had written everything is complete now.
            latest = latest_run(self.ledger.app, self.sha)
            if latest is None or latest.state != "started":
                return
            self.run = latest

        written = {"figures": report.figures_new, **report.registered, **report.facts}
        complete_run(self.ledger.app, self.run, written, self.entry)
        self.ledger.import_run = None


@attrs.define
class _Checked:
    rows: int = 0
    figures: int = 0
    new: int = 0
    known: Counter[str] = attrs.field(factory=Counter)
    kept: list[str] = attrs.field(factory=list)
    later: list[tuple[int, Any]] = attrs.field(factory=list)


def _check(app: Any, source: Source, entry: Entry, progress: Progress | None) -> _Checked:
    """Pass 1: every record checked, every problem kept; raises ImportRejected when there is any."""
    catalog = Catalog(app, entry, strict=source.strict, missing_hint=getattr(source, "missing_hint", None))
    checked, problems = _Checked(), []
    file_figures: set[uuid.UUID] = set()
    keep_ids = getattr(source, "later_facts", False)  # bundles: facts may name the file's own figures
    for chunk in _parsed(source, "checking", progress, catalog):
        batch_done()
        for record, items in chunk:
            checked.rows += 1
            if record.problem is not None:
                problems.append(record.problem)
                continue
            if isinstance(items, RowInvalid):
                found = items.problems + _missing_references(catalog, source, record, items.problems)
                problems += [RowProblem(record.line, p.column, p.value, p.problem) for p in found]
                continue
            try:
                for item in items:
                    _check_item(catalog, source, item, record.line, checked, file_figures if keep_ids else None)
            except RowInvalid as invalid:
                problems += [RowProblem(record.line, p.column, p.value, p.problem) for p in invalid.problems]
            except LedgerError as error:  # a check outside any one column: still this row's problem
                problems.append(RowProblem(record.line, None, None, str(error)))
            finally:
                catalog.end_row()
    for line, fact in checked.later:
        try:
            fact.check(catalog, file_figures)
        except RowInvalid as invalid:
            problems += [RowProblem(line, p.column, p.value, p.problem) for p in invalid.problems]
    if problems:
        raise ImportRejected(str(source.path), problems)
    return checked


def _missing_references(catalog: Catalog, source: Source, record: Record, known: list[FieldProblem]) -> list[FieldProblem]:
    """A row that could not be read whole still gets its unknown keys reported, so one pass shows everything."""
    missing = []
    for kind in getattr(source, "reference_columns", ()):
        key = record.fields.get(kind)
        if isinstance(key, str) and key.strip() and all(p.column != kind for p in known):
            try:
                catalog.get(kind, key)
            except NotFound as error:
                missing.append(FieldProblem(kind, key, str(error)))
    return missing


def _check_item(
    catalog: Catalog, source: Source, item: Item, line: int, checked: _Checked, file_figures: set[uuid.UUID] | None
) -> None:
    if isinstance(item, FigureInput):
        ids = catalog.validate_figure(item)
        checked.figures += 1
        if file_figures is not None:
            file_figures.add(ids()[1])
        return
    if isinstance(item, IfMissing):
        try:
            catalog.get(item.spec.KIND, item.spec.key)
            return
        except NotFound:
            pass
        try:
            catalog.offer(item.spec)
        except RowInvalid as invalid:  # the row's column is the claimant or publisher it names
            raise RowInvalid([attrs.evolve(p, column=item.spec.KIND) for p in invalid.problems]) from None
        checked.new += 1
        return
    if hasattr(item, "build"):
        offer = catalog.offer(item, keep=item.KIND not in source.row_local)  # type: ignore[arg-type]
        if offer.status == "new":
            checked.new += 1
        else:
            checked.known[item.KIND] += 1
        if offer.status == "kept":
            checked.kept.append(f"{item.KIND} {item.key}: the file has a different {', '.join(offer.differing)}")
        return
    if isinstance(item, RegistryFact):
        item.amend(catalog)  # the rows below see the registration as corrected
    checked.later.append((line, item))


def _register(
    app: Any, source: Source, entry: Entry, progress: Progress | None, batch_size: int
) -> tuple[Counter[str], set[tuple[str, str]]]:
    """Pass 2: save the registrations the ledger lacks, a batch per transaction."""
    writer = Catalog(app, entry, strict=False)
    registered: Counter[str] = Counter()
    slots: set[tuple[str, str]] = set()  # (kind, key) of every registration written

    def save_pending() -> None:
        try:
            app.save(*writer.pending.values())
        except IntegrityError:
            # Another writer registered some of these meanwhile: theirs stand (pass 1 checked this file's
            # against the ledger as it was), the rest are saved on the next attempt.
            taken = {slot for slot, found in app.find_registered(writer.pending).items() if found is not None}
            for slot in taken:
                del writer.pending[slot]
                registered[slot[0]] -= 1
                slots.discard(slot)
            raise

    def flush() -> None:
        if writer.pending:
            retry(save_pending, lambda: f"registrations ({', '.join(sorted({k for k, _ in writer.pending}))})")
            for kind, key in writer.pending:
                writer.forget(kind, key)
            writer.pending.clear()

    records = (items for chunk in _parsed(source, "registering", progress, writer) for _, items in chunk)
    for items in records:
        assert not isinstance(items, RowInvalid)  # pass 1 found no problems
        for item in items:
            spec = item.spec if isinstance(item, IfMissing) else item
            if not hasattr(spec, "build"):
                continue
            built = spec.build(writer, entry)  # type: ignore[union-attr]
            slot = (spec.KIND, built.key)  # type: ignore[union-attr]
            if slot in writer.pending or writer.existing(*slot) is not None:
                continue
            writer.pending[slot] = built
            registered[slot[0]] += 1
            slots.add(slot)
            if len(writer.pending) >= batch_size:
                flush()
    flush()
    return registered, slots


def _parsed(
    source: Source, phase: str, progress: Progress | None, catalog: Catalog
) -> Iterator[list[tuple[Record, list[Item] | RowInvalid]]]:
    """The records a chunk at a time, each parsed (or its problems), with what they name looked up at once."""
    for chunk in chunks(source.records(phase, progress), PREFETCH_ROWS):
        parsed: list[tuple[Record, list[Item] | RowInvalid]] = []
        for record in chunk:
            try:
                parsed.append((record, [] if record.problem is not None else source.parse(record)))
            except RowInvalid as invalid:
                parsed.append((record, invalid))
        catalog.prefetch(item for _, items in parsed if not isinstance(items, RowInvalid) for item in items)
        yield parsed


class _Figures:
    """The file's figures, read from the file as they are written; pass 1 has checked them all."""

    def __init__(self, source: Source, progress: Progress | None) -> None:
        self.source, self.progress = source, progress
        self.lines: deque[int] = deque()  # the line of each figure given out and not yet written (a batch or so)

    def __iter__(self) -> Iterator[FigureInput]:
        self.lines.clear()
        for record in self.source.records("writing figures", self.progress):
            for item in self.source.parse(record):
                if isinstance(item, FigureInput):
                    self.lines.append(record.line)
                    yield item
