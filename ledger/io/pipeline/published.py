"""What UCDP and ACLED imports share: a published CSV read as is, release by release.

A file is a *release* of its dataset: a document of its own (name, publisher, publication date,
SHA-256 of the file as published), and the dataset is the claimant of every number in it. Each
row is read by its format into a `PublishedEvent` (the incident, its figures by victim status, the
source the dataset attributes them to, and what is odd about the row); this module then compares
it with what the ledger already holds from the dataset:

- an event the ledger does not hold is new: its incident and figures, reported at its sources' date;
- an event whose numbers changed (to 0 included) is revised: the changed figures only, reported at
  the release's publication date, never at the row's old source date;
- an event whose date, place or precision changed is an incident correction attributed to the
  release;
- an event held, inside the release's scope and absent from it, is withdrawn "not in release NAME";
- anything else is unchanged, and writes nothing.

A release's scope is the countries and years its rows cover (so a one-country, one-year extract
touches only that), or what `--scope` declares: `all` for a complete release, or
`country=Pakistan|Afghanistan;year=2019|2020`.

Rows odd in the publisher's own terms are recorded as published and flagged (a stored fact on the
release: `Document.RowsFlagged`); rows that cannot be read at all refuse the import unless the user
passes `skip_unreadable`, and are then listed on the release as left out.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ledger import interrupts
from ledger.application.inputs import FigureInput, PartInput
from ledger.domain.base import Entry
from ledger.domain.document import Document
from ledger.domain.ids import check_key, natural_id
from ledger.domain.import_run import run_via
from ledger.domain.limits import MAX_YEAR
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.errors import InvalidInput, NotFound
from ledger.io.formats.ledger.reading import IfMissing, Item
from ledger.io.pipeline.catalog import (
    Catalog,
    ClaimantSpec,
    DocumentSpec,
    IncidentSpec,
    PublishedRowSpec,
    PublisherSpec,
    RowInvalid,
)
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.mapping import Mapping, load_mapping
from ledger.io.pipeline.problems import RowProblem
from ledger.io.pipeline.records import Progress, Record, csv_header, csv_records, file_sha256


@attrs.frozen
class Scope:
    """The events a release speaks for: absent ones inside it are withdrawn. None: any."""

    countries: frozenset[str] | None = None
    years: frozenset[int] | None = None

    def covers(self, country: str, year: int) -> bool:
        return (self.countries is None or country in self.countries) and (self.years is None or year in self.years)

    def describe(self) -> str:
        if self.countries is None and self.years is None:
            return "all events (a complete release)"
        countries = "any country" if self.countries is None else ", ".join(sorted(self.countries))
        years = "any year" if self.years is None else ", ".join(str(y) for y in sorted(self.years))
        return f"{countries}; {years}"


def parse_scope(text: str) -> Scope:
    """`all`, or `country=A|B;year=2019|2020` (either part may be left out)."""
    text = text.strip()
    if text.lower() == "all":
        return Scope()
    parts: dict[str, frozenset[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, _, values = part.partition("=")
        if name.strip().lower() not in ("country", "year") or not values.strip():
            raise InvalidInput(f"scope {text!r}: {part!r} is not country=... or year=...; "
                               "write e.g. --scope 'country=Pakistan;year=2019', or --scope all")  # fmt: skip
        parts[name.strip().lower()] = frozenset(v.strip() for v in values.split("|") if v.strip())
    try:
        years = frozenset(int(y) for y in parts["year"]) if "year" in parts else None
    except ValueError:
        raise InvalidInput(f"scope {text!r}: years are written as 2019 or 2019|2020") from None
    if not parts:
        raise InvalidInput(f"scope {text!r}: empty; write --scope all or --scope 'country=Pakistan;year=2019'")
    return Scope(parts.get("country"), years)


@attrs.frozen
class Release:
    name: str
    publisher: str  # the publisher's key: ucdp, acled
    published: ReportedTime
    sha256: str
    scope: Scope | None = None  # None: inferred from the rows

    @property
    def document(self) -> str:
        return f"release-{self.publisher}-{self.name}"


@attrs.frozen
class Flag:
    """Something odd in a published row, in the publisher's own terms: recorded as published, flagged."""

    field: str
    value: str | None
    problem: str


@attrs.frozen
class PublishedEvent:
    """One row as its format reads it: the incident, its figures and what is odd about it."""

    key: str
    incident: IncidentSpec
    figures: dict[str, str]  # victim status -> quantity words
    total: str | None  # the status whose figure is the event's total (the others are its parts), if any
    reported: ReportedTime  # when its sources gave it: the first import's reported time
    note: str
    attributed: dict[str, str] | None
    flags: tuple[Flag, ...] = ()


@attrs.frozen
class HeldEvent:
    """What the ledger holds from the dataset about one event: its incident and standing figures."""

    location: Location
    period: Period
    figures: dict[str, str]  # victim status -> the standing figure's words


@attrs.frozen
class ReleaseSpec(DocumentSpec):
    """The release as a document: no text is archived, and its SHA-256 names the file as published."""

    sha256: str = ""

    def build(self, catalog: Catalog, entry: Entry) -> Document:
        publisher = catalog.get("publisher", self.publisher).id if self.publisher else None
        return Document(
            key=check_key(self.key, "document"), sha256=self.sha256, text=None, url=self.url, title=self.title,
            publisher_id=publisher,
            published=self.published, entry=entry, headline=None,
        )  # fmt: skip


class PublishedCsv:
    label = "published csv"
    mapping_name = ""
    publisher = ("", "")  # key, name of the dataset's publisher
    columns: tuple[str, ...] = ()  # every column of the published layout
    required: tuple[str, ...] = ()  # the columns the import reads
    # Datasets revise their rows between releases: a registration that differs is kept and reported.
    strict = False
    row_local = frozenset({"incident", "document", "published_row"})
    unregistered_hint = "register it with `ledger claimant add`, or remove it from the mapping's claimants"

    def __init__(self, path: Path, mapping: Path | None, parent: str | None) -> None:
        self.path, self.parent = path, parent
        self.mapping: Mapping = load_mapping(self.mapping_name, mapping)
        header = csv_header(path)
        missing = [c for c in self.required if c not in header]
        if missing:
            raise InvalidInput(
                f"{path}: column {missing[0]!r} is missing; is this a {self.label} file as published? "
                f"It needs {', '.join(self.required)}"
            )
        self.ignored_columns = [c for c in header if c not in self.columns]
        self.skipped = 0
        self.keep_zero = True
        self.skip_unreadable = False
        self.release: Release | None = None
        self.held: dict[str, HeldEvent] = {}
        self.claimant = self.mapping.data["claimant"]
        self._sha256: str | None = None
        self.phase = ""
        self._reset()

    def _reset(self) -> None:
        self.seen: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.flags: list[dict[str, Any]] = []
        self.left_out: list[RowProblem] = []
        self.corrections: list[tuple[str, Location | None, Period | None, str]] = []
        self.countries: set[str] = set()
        self.years: set[int] = set()
        self.unnamed_left_out = 0  # rows left out whose event cannot be named

    # What the format gives.

    def read_event(self, record: Record) -> PublishedEvent | None:
        raise NotImplementedError

    def event_key(self, fields: dict[str, Any]) -> str | None:
        """The incident key of a row that could not be read whole, when its id can be (None: it cannot)."""
        raise NotImplementedError

    def release_defaults(self) -> tuple[str, ReportedTime]:
        """The release's name and publication date when the user gives neither."""
        raise NotImplementedError

    def published_row(self, incident: str, record: Record) -> list[PublishedRowSpec]:
        """The row as published, every column of the layout it has, as text: what a faithful export
        gives back. Registered with the incident; the pass that writes figures has no use for it."""
        if self.phase == "writing figures":
            return []
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path)
        columns = {c: _text(record.fields[c]) for c in self.columns if c in record.fields}
        return [PublishedRowSpec(incident, self.label, self.path.name, self._sha256, record.line, columns)]

    # The pipeline's side (run.Source).

    def records(self, phase: str, progress: Progress | None = None) -> Iterator[Record]:
        self.mapping.counting = phase == "checking"
        self.phase = phase
        if self.mapping.counting:
            self.skipped = 0
            self._reset()
        for record in csv_records(self.path, phase, progress):
            if record.problem is not None and self.skip_unreadable:
                if self.mapping.counting:
                    self.left_out.append(record.problem)
                    self._left_out_event(record)
                continue
            yield record

    def report(self) -> dict[str, Any]:
        return {**self.mapping.report(), "skipped_rows": self.skipped}

    def parse(self, record: Record) -> list[Item]:
        assert self.release is not None, "load() the release before importing"
        counting = self.mapping.counting
        try:
            event = self.read_event(record)
        except RowInvalid as invalid:
            if not self.skip_unreadable:
                raise
            if counting:
                self.left_out += [RowProblem(record.line, p.column, p.value, p.problem) for p in invalid.problems[:1]]
                self._left_out_event(record)
            return []
        if event is None:
            return []
        if event.reported.last_day < event.incident.period.start:  # the publisher's own dates disagree
            flag = Flag("reported", event.reported.describe(), f"reported {event.reported.describe()}: before the event "
                        f"({event.incident.period.start}); the event's end is used, estimated")  # fmt: skip
            event = attrs.evolve(event, reported=midnight(event.incident.period.end, True), flags=(*event.flags, flag))
        held = self.held.get(event.key)
        if held is None and not self.keep_zero and all(w == "0" for w in event.figures.values()):
            if counting:
                self.skipped += 1
            return []
        if counting:
            self._note(record, event, held)
        items: list[Item] = self._registrations()
        if held is None:
            items.append(event.incident)
        items += self.published_row(event.key, record)  # the row whole, for `export --format ucdp|acled`
        if held is None:
            return items + self._figure_items(event, event.figures, event.reported, record.line)
        return items + self._figure_items(event, _changed(event, held), self.release.published, record.line)

    def _left_out_event(self, record: Record) -> None:
        """A row left out is still in the release: its event, if it can be named, is not withdrawn."""
        key = self.event_key(record.fields) if record.fields else None
        if key is None:
            self.unnamed_left_out += 1
        else:
            self.seen.add(key)

    def _registrations(self) -> list[Item]:
        assert self.release is not None
        claimant, (publisher, name) = self.claimant, self.publisher
        return [
            IfMissing(ClaimantSpec(
                claimant["key"], claimant["name"], claimant.get("kind", "dataset"), claimant.get("reliability", "F"),
                claimant.get("default_roles", {}), f"the {name} dataset, claimant of its own numbers",
            )),
            IfMissing(PublisherSpec(publisher, name, "dataset")),
            IfMissing(ReleaseSpec(
                self.release.document, title=f"{name} release {self.release.name}", publisher=publisher,
                published=self.release.published, sha256=self.release.sha256,
            )),
        ]  # fmt: skip

    def _figure_items(self, event: PublishedEvent, figures: dict[str, str], reported: ReportedTime, line: int) -> list[Item]:
        """The figures to write: a total with its parts named, or figures on their own."""
        assert self.release is not None
        if not figures:
            return []

        def one(status: str, words: str, includes: tuple[PartInput, ...] = ()) -> FigureInput:
            return FigureInput(
                incident=event.key, claimant=self.claimant["key"], victim_status=status, outcome="killed",
                quantity=words, reported=reported, document=self.release.document if self.release else None,
                note=event.note, line=line, includes=includes, attributed=event.attributed,
            )  # fmt: skip

        if event.total in figures:
            parts = tuple(PartInput(s, w) for s, w in figures.items() if s != event.total)
            return [one(event.total, figures[event.total], parts)]
        return [one(status, words) for status, words in figures.items()]

    def _note(self, record: Record, event: PublishedEvent, held: HeldEvent | None) -> None:
        """Pass 1 only: what this release does to the event, for the summary and for finish()."""
        assert self.release is not None
        self.seen.add(event.key)
        self.countries.add(event.incident.location.country)
        self.years.add(event.incident.period.start.year)
        for flag in event.flags:
            self.flags.append({"kind": "odd", "incident": event.key, "line": record.line, "field": flag.field,
                               "value": flag.value, "problem": flag.problem})  # fmt: skip
        if held is None:
            self.counts["new"] += 1
            return
        revised = bool(_changed(event, held))
        location = event.incident.location if event.incident.location != held.location else None
        period = event.incident.period if event.incident.period != held.period else None
        if location or period:
            what = []
            if period is not None:
                what.append(f"dates {_period(held.period)} -> {_period(period)}")
            if location is not None:
                what.append(f"place {_place(held.location)} -> {_place(location)}")
            self.corrections.append((event.key, location, period, f"release {self.release.name}: {'; '.join(what)}"))
        self.counts["revised"] += revised
        self.counts["corrected"] += bool(location or period)
        self.counts["unchanged"] += not (revised or location or period)

    # Before and after the pipeline.

    def load(self, ledger: Any, release: Release) -> None:
        """What the ledger holds from this dataset, read once: the comparison's other side."""
        self.release = release
        claimant = str(natural_id("claimant", self.claimant["key"].strip().lower()))
        for key in (self.mapping.data.get("claimants") or {}).values():
            try:
                ledger.app.claimant(key)
            except NotFound:
                raise InvalidInput(
                    f"mapping {self.mapping.label}: claimant {key!r} (in claimants) is not registered; {self.unregistered_hint}"
                ) from None
        with ledger.reading() as con:
            self._check_order(con, release)
            rows = con.execute(_HELD, [claimant]).fetchall()
        # Held whole for the comparison, so kept small: the same names and words are one string each.
        held: dict[str, HeldEvent] = {}
        text = _Interned()
        for key, country, adm1, adm2, place, lprec, start, end, dprec, estimated, status, words in rows:
            event = held.get(key)
            if event is None:
                location = Location(text(country), text(adm1), text(adm2), text(place), LocationPrecision(lprec))
                event = held[key] = HeldEvent(location, Period(start, end, Precision(dprec), estimated), {})
            if status is not None:  # an event whose figures were all withdrawn is held with none: back at the release's date
                event.figures[text(status)] = text(words)
        self.held = held

    def _check_order(self, con: Any, release: Release) -> None:
        """A release imported again after a later one would revise the later one's numbers back: refused."""
        later = con.execute(
            "SELECT d.key, d.published_at FROM documents d JOIN publishers p USING (publisher_id) "
            "WHERE p.key = ? AND d.key LIKE 'release-%' AND d.key <> ? AND d.published_at > ? ORDER BY d.published_at DESC",
            [release.publisher, release.document, release.published.at],
        ).fetchone()
        if later is not None:
            raise InvalidInput(
                f"release {release.name} (published {release.published.at.date()}): {later[0]} was published later "
                f"({later[1].date()}) and is imported; importing an earlier release now would revise its numbers back. "
                "Give the right --published date if this release is the newer one"
            )

    def finish(self, ledger: Any, sha256: str) -> dict[str, Any]:
        """After the figures: corrections, withdrawals and flags, all attributed to the release."""
        assert self.release is not None
        release, app = self.release, ledger.app
        entry = ledger.entry(run_via(sha256))  # the import run's own facts
        for key, location, period, reason in self.corrections:
            interrupts.check()
            app.correct_incident(key, reason, entry, location=location, period=period)
        scope = release.scope or Scope(frozenset(self.countries), frozenset(self.years))
        reason = f"not in release {release.name}"
        absent: list[str] = []
        # A row left out that cannot be named may be any event held: withdraw none rather than a wrong one.
        for key, event in (self.held if not self.unnamed_left_out else {}).items():
            if key in self.seen or not scope.covers(event.location.country, event.period.start.year):
                continue
            if event.figures:
                absent.append(key)
        claimant = str(natural_id("claimant", self.claimant["key"].strip().lower()))
        with ledger.reading() as con:
            standing = con.execute(_STANDING, [claimant, absent]).fetchall() if absent else []
        for series, figure in standing:
            interrupts.check()
            app.withdraw_figure(uuid.UUID(series), uuid.UUID(figure), reason, entry, release.published, release.document)
        self.counts["withdrawn"] = len(absent)
        document = app.document(release.document)
        flags = self.flags + [
            {"kind": "left_out", "incident": None, "line": p.line, "field": p.column, "value": p.value, "problem": p.problem}
            for p in self.left_out
        ]  # fmt: skip
        if flags and not getattr(document, "flagged", False):
            document.flag_rows(flags, entry)
            app.save(document)
        return {
            "release": release.name, "document": release.document, "published": release.published.at.date().isoformat(),
            "scope": scope.describe(), "left_out": len(self.left_out), "flagged": len(self.flags),
            "left_out_rows": list(self.left_out), "withdrawals_skipped": bool(self.unnamed_left_out),
            **{kind: self.counts[kind] for kind in ("new", "revised", "withdrawn", "corrected", "unchanged")},
        }  # fmt: skip

    def code(self, f: Fields, column: str, section: str) -> str | None:
        """A numeric code looked up in a mapping section; an unknown code is a row problem."""
        raw = (f.raw(column) or "").strip()
        table = self.mapping.codes(section)
        if raw.endswith(".0"):
            raw = raw[:-2]
        if raw not in table:
            f.problem(column, raw, f"{column} {raw!r}: not in mapping {self.mapping.label} ({', '.join(table)}); "
                      "fix the row or add the code to your --mapping file")  # fmt: skip
            return None
        return table[raw]


# The dataset's standing figures, event by event: per series the latest figure not withdrawn (the
# words a comparison reads) and every figure not withdrawn (what a withdrawal acts on).
_HELD = """
WITH gone AS (SELECT DISTINCT figure_id FROM figure_events WHERE kind IN ('withdrawn', 'struck')),
mine AS (SELECT * FROM figures WHERE claimant_id = ? AND outcome = 'killed'),
live AS (
    SELECT f.incident_id, f.victim_status, f.quantity_text FROM mine f
    WHERE f.figure_id NOT IN (SELECT figure_id FROM gone)
    QUALIFY row_number() OVER (PARTITION BY f.series_id ORDER BY f.reported_at DESC, f.position DESC) = 1
),
events AS (SELECT DISTINCT incident_id FROM mine)
SELECT i.key, i.country, i.adm1, i.adm2, i.place, i.location_precision, i.occurred_start, i.occurred_end,
       i.date_precision, i.date_estimated, l.victim_status, l.quantity_text
FROM events e JOIN incidents i USING (incident_id) LEFT JOIN live l ON l.incident_id = e.incident_id
"""
# Every figure of the dataset not withdrawn, for the events a release no longer has: a withdrawal
# acts on each (the standing one alone would let an earlier one stand again).
_STANDING = """
SELECT f.series_id, f.figure_id FROM figures f JOIN incidents i USING (incident_id)
WHERE f.claimant_id = ? AND f.outcome = 'killed' AND list_contains(?, i.key)
  AND f.figure_id NOT IN (SELECT figure_id FROM figure_events WHERE kind IN ('withdrawn', 'struck'))
ORDER BY f.position
"""


class _Interned(dict[str, str]):
    def __call__(self, value: str | None) -> str | None:
        return None if value is None else self.setdefault(value, value)


def _changed(event: PublishedEvent, held: HeldEvent) -> dict[str, str]:
    """The figures a release changes, by victim status: new words, or 0 for a status it no longer gives."""
    changed = {s: w for s, w in event.figures.items() if held.figures.get(s, "0") != w}
    changed |= {s: "0" for s, words in held.figures.items() if s not in event.figures and words != "0"}
    return changed


def _period(period: Period) -> str:
    span = str(period.start) if period.start == period.end else f"{period.start}..{period.end}"
    return f"{span} ({period.precision.value})"


def _place(location: Location) -> str:
    parts = [p for p in (location.place, location.adm2, location.adm1, location.country) if p]
    return f"{', '.join(parts)} ({location.precision.value})"


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def day(f: Fields, column: str) -> dt.date | None:
    """A date as UCDP ('2019-01-05 00:00:00.000') or ACLED ('2024-01-30' or '30 January 2024') write it."""
    raw = (f.raw(column) or "").strip()
    if not raw:
        f.problem(column, None, f"{column}: required, but empty; give the date")
        return None
    for parse in (lambda: dt.date.fromisoformat(raw[:10]), lambda: dt.datetime.strptime(raw, "%d %B %Y").date()):
        try:
            parsed = parse()
        except ValueError:
            continue
        if parsed.year > MAX_YEAR:
            f.problem(column, raw, f"{column} {raw!r}: after the year {MAX_YEAR}; check the year")
            return None
        return parsed
    f.problem(column, raw, f"{column} {raw!r}: not a date; the published formats are 2024-01-30 or 30 January 2024")
    return None


def count(f: Fields, column: str) -> int | None:
    value = f.integer(column)
    if value is None and f.raw(column) is None:
        f.problem(column, None, f"{column}: required, but empty; give a number (0 when none)")
    elif value is not None and value < 0:
        f.problem(column, str(value), f"{column} {value}: counts cannot be negative")
        return None
    return value


def midnight(on: dt.date, estimated: bool = False) -> ReportedTime:
    return ReportedTime(dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC), Precision.DAY, estimated=estimated)


def release_name(path: Path, pattern: str, form: str) -> str | None:
    """A release name read from the file name (GEDEvent_v23_1.csv -> ged-23.1), or None."""
    match = re.search(pattern, path.name, re.IGNORECASE)
    return form.format(*match.groups()) if match else None
