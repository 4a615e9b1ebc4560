"""ACLED events as ledger facts.

Each event with fatalities becomes an incident (`acled-<event_id_cnty>`) and one figure: its
`fatalities`, attributed to ACLED (the mapping's claimant), in the victim status the mapping's
rules give (default `unknown`), carried by the first outlet in `source` and a document naming all
of them. ACLED's `timestamp` (Unix seconds: when ACLED published or last changed the row) is the
figure's reported time, so a later export with a changed number is a revision that stands, and an
unchanged row is the same figure. Events without fatalities are skipped unless keep_zero is set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ledger.application.inputs import FigureInput
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.io.formats.ledger.reading import IfMissing, Item
from ledger.io.pipeline.catalog import ClaimantSpec, DocumentSpec, IncidentSpec, PublisherSpec
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.mapping import slug
from ledger.io.pipeline.published import PublishedCsv, count, day
from ledger.io.pipeline.records import Record

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

    def parse(self, record: Record) -> list[Item]:
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
        f.done()
        assert on and precision and where and fatalities is not None and stamp is not None
        if fatalities == 0 and not self.keep_zero:
            if self.mapping.counting:
                self.skipped += 1
            return []
        key = f"acled-{slug(event)}"
        reported = ReportedTime(dt.datetime.fromtimestamp(stamp, dt.UTC), Precision.DAY)
        claimant = self.mapping.data["claimant"]
        items: list[Item] = [IfMissing(ClaimantSpec(
            claimant["key"], claimant["name"], claimant.get("kind", "ngo"), claimant.get("reliability", "F"),
            claimant.get("default_roles", {}), "registered by the ACLED import",
        ))]  # fmt: skip
        outlets = [s.strip() for s in (f.raw("source") or "").split(";") if s.strip()]
        if outlets:
            items.append(IfMissing(PublisherSpec(slug(outlets[0]), outlets[0], "media")))
        items.append(DocumentSpec(
            key, None, None, f"ACLED {event}: {'; '.join(outlets) or 'no source named'}",
            slug(outlets[0]) if outlets else None, reported,
        ))  # fmt: skip
        period = _period(on, Precision(precision))
        items.append(self._incident(f, key, event, country, period, LocationPrecision(where)))
        status = self.mapping.classify(self.statuses, record.fields)
        if status is None:
            self.mapping.miss("event_type", f.raw("event_type") or "")
            status = str(self.mapping.data.get("status_unmatched", "unknown"))
        note = f"ACLED {event}: {f.raw('event_type')} / {f.raw('sub_event_type') or '-'}; notes: {f.raw('notes') or '-'}"
        items.append(FigureInput(
            incident=key, claimant=claimant["key"], victim_status=status, outcome="killed", quantity=str(fatalities),
            reported=reported, document=key, note=note, line=record.line,
        ))  # fmt: skip
        items += self.published_row(key, record)  # the row whole, for `export --format acled`
        return items

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
