"""ACLED events as ledger facts, release by release (the comparison: ledger/io/pipeline/published.py).

Each event with fatalities becomes an incident (`acled-<event_id_cnty>`) and one figure: its
`fatalities`, claimed by ACLED (the mapping's claimant, a dataset), in the victim status the
mapping's rules give (violence against civilians, and any row ACLED codes `civilian_targeting`:
civilians; else `unknown`). The release is the document; the row's `source`, `source_scale` and
`notes` are kept on the figure as the source ACLED attributes it to. ACLED's `timestamp` (when
it last changed the row) is a new event's reported time; a revision stands at the release's date.

ACLED's codebook fills in a number where reports give none ("Unspecified number of fatalities
coded as 3", "... coded as 10"): when the notes say so for the row's own number, the figure is the
vague reading the mapping's `placeholders` give it ("a few", "tens"), its words kept on the figure.
Events without fatalities are skipped unless keep_zero is set, or the ledger holds them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ledger.domain.limits import MAX_TIMESTAMP, MAX_YEAR
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.io.pipeline.catalog import IncidentSpec
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.mapping import slug
from ledger.io.pipeline.published import PublishedCsv, PublishedEvent, count, day, midnight
from ledger.io.pipeline.records import Record, csv_records

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
OLDER_COLUMNS = ("data_id", "iso3", "event_id_no_cnty", "geo_precis", "time_prec")


class Acled(PublishedCsv):
    label = "acled"
    mapping_name = "acled"
    columns = ACLED_COLUMNS + OLDER_COLUMNS
    required = (
        "event_id_cnty", "event_date", "time_precision", "event_type", "country", "location", "geo_precision",
        "source", "fatalities", "timestamp",
    )  # fmt: skip

    def __init__(self, path: Path, mapping: Path | None = None, parent: str | None = None, keep_zero: bool = False) -> None:
        super().__init__(path, mapping, parent)
        self.keep_zero = keep_zero
        self.statuses = self.mapping.rules("statuses", "event_type")
        self.publisher = ("acled", "ACLED")
        placeholders = self.mapping.data.get("placeholders", {})
        self.placeholder = re.compile(placeholders.get("pattern", r"(?!)"), re.IGNORECASE)
        self.placeholder_words = {str(k): str(v) for k, v in placeholders.get("words", {}).items()}

    def release_defaults(self) -> tuple[str, ReportedTime]:
        """The latest `timestamp` in the file: when ACLED last changed a row of this export."""
        cells = ((r.fields.get("timestamp") or "").strip() for r in csv_records(self.path, "reading dates"))
        # Timestamps beyond the limit are refused row by row; they name no release.
        stamps = [int(cell) for cell in cells if cell.isdigit() and len(cell) <= 12 and int(cell) < MAX_TIMESTAMP]
        on = dt.datetime.fromtimestamp(max(stamps), dt.UTC).date() if stamps else dt.date.today()
        return f"acled-{on.isoformat()}", midnight(on, estimated=not stamps)

    def event_key(self, fields: dict[str, str]) -> str | None:
        event = (fields.get("event_id_cnty") or "").strip()
        return f"acled-{slug(event)}" if event else None

    def read_event(self, record: Record) -> PublishedEvent:
        f = Fields(record.fields)
        event = f.required("event_id_cnty")
        on = day(f, "event_date")
        precision = self.code(f, "time_precision", "time_precision")
        where = self.code(f, "geo_precision", "geo_precision")
        fatalities = count(f, "fatalities")
        country = f.required("country")
        stamp = f.integer("timestamp")
        if stamp is None and f.raw("timestamp") is None:
            f.problem("timestamp", None, "timestamp: required, but empty; ACLED gives Unix seconds")
        elif stamp is not None and not 0 <= stamp < MAX_TIMESTAMP:
            f.problem("timestamp", str(stamp), f"timestamp {stamp}: not Unix seconds up to the year {MAX_YEAR}; check it")
        f.done()
        assert on and precision and where and fatalities is not None and stamp is not None
        key = f"acled-{slug(event)}"
        reported = ReportedTime(dt.datetime.fromtimestamp(stamp, dt.UTC), Precision.DAY)
        period = _period(on, Precision(precision))
        incident = self._incident(f, key, event, country, period, LocationPrecision(where))
        status = self.mapping.classify(self.statuses, record.fields)
        if status is None:
            self.mapping.miss("event_type", f.raw("event_type") or "")
            status = str(self.mapping.data.get("status_unmatched", "unknown"))
        words = str(fatalities)
        attributed = {name: value for name, column in (("text", "source"), ("scale", "source_scale"), ("notes", "notes"))
                      if (value := (f.raw(column) or "").strip())}  # fmt: skip
        for text in (f.raw("notes") or "", f.raw("tags") or ""):
            found = self.placeholder.search(text)
            if found and found.group("n") == words and words in self.placeholder_words:
                words = self.placeholder_words[words]
                attributed["placeholder"] = found.group(0).strip()
                break
        note = f"ACLED {event}: {f.raw('event_type')} / {f.raw('sub_event_type') or '-'}; fatalities {fatalities}"
        if "placeholder" in attributed:
            note += f" ({attributed['placeholder']!r}: ACLED's codebook placeholder, read as {words!r})"
        return PublishedEvent(key, incident, {status: words}, None, reported, note, attributed or None)

    def _incident(
        self, f: Fields, key: str, event: str, country: str, period: Period, precision: LocationPrecision
    ) -> IncidentSpec:
        place = f.raw("location")
        location = Location(
            country, f.raw("admin1"), f.raw("admin2"), place if precision is LocationPrecision.PLACE else None,
            precision,
        )  # fmt: skip
        actors = " vs ".join(a for a in (f.raw("actor1"), f.raw("actor2")) if a) or "-"
        description = (
            f"ACLED event {event}: {f.raw('disorder_type') or '-'}; {f.raw('event_type')} / {f.raw('sub_event_type') or '-'}; "
            f"actors: {actors}; where: {place or '-'} ({f.raw('latitude') or '?'}, {f.raw('longitude') or '?'}); "
            f"source scale: {f.raw('source_scale') or '-'}; tags: {f.raw('tags') or '-'}"
        )
        name = f"{f.raw('event_type')}: {place or f.raw('admin1') or f.raw('country')}, {period.start}"
        return IncidentSpec(key, name[:200], location, period, self.parent, description)


def _period(on: dt.date, precision: Precision) -> Period:
    """The days an ACLED date can mean: the day; the week around it; its month."""
    if precision is Precision.WEEK:
        return Period(on - dt.timedelta(days=3), on + dt.timedelta(days=3), precision)
    if precision is Precision.MONTH:
        following = dt.date(on.year + on.month // 12, on.month % 12 + 1, 1)
        return Period(on.replace(day=1), following - dt.timedelta(days=1), precision)
    if precision is Precision.YEAR:
        return Period(dt.date(on.year, 1, 1), dt.date(on.year, 12, 31), precision)
    return Period(on, on, precision)
