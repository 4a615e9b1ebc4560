"""UCDP GED events as ledger facts, release by release (the comparison: ledger/io/pipeline/published.py).

Each event becomes an incident (`ucdp-ged-<id>`) with its location and date precision. UCDP is
the claimant (the mapping's `claimant`, a dataset) and the release is the document; the event's
own sources (source_original, source_office, source_article, source_headline, source_date) are kept
on each figure as the source UCDP attributes it to, and a mapping's `claimants` may name a
registered claimant for a source_original.

UCDP's `low`, `best` and `high` are the event's total: a figure at the all-victims root (`all`),
"low to high, best best". Its named parts are the sides' deaths: deaths_a and deaths_b in the
victim status the mapping gives each side (sides mapped to the same status are added up),
deaths_civilians as `civilian`, deaths_unknown as `unknown`; a zero records no part. UCDP gives
each side a best only, so a part is its best with the event's best-to-low gap below it ("3 to 5,
best 5" for a side of 5 in an event of low 8, best 10): the parts' lows then never add up above
UCDP's low, nor their highs above UCDP's high. Per event the tally's low, best and high are
UCDP's, and each side's best is its deaths column.

A row odd in UCDP's own terms (best above high, low 0 / best 3 / high 0 for aggregated events,
sides that do not add up to best, a source date before the event or as early as 1753-01-01) is
recorded as published and flagged: its total is its best alone when low..high cannot hold it, its
reported time the event's end (estimated) when no source date can be; the flag says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.io.pipeline.catalog import IncidentSpec
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.published import Flag, PublishedCsv, PublishedEvent, count, day, midnight, release_name
from ledger.io.pipeline.records import Record, csv_records

GED_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
# Older releases name some columns differently or add some; they are known, read or ignored quietly.
OLDER_COLUMNS = ("gwnoa2nd", "gwnob2nd", "electoral_violence", "source_headline_2", "best_est", "low_est", "high_est")
DEATHS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
SOURCES = {"text": "source_original", "office": "source_office", "article": "source_article",
           "headline": "source_headline", "date": "source_date"}  # fmt: skip
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# GEDEvent_v23_1.csv, ged231.csv, GEDEvent_v24_0_1.csv (a monthly candidate release)
RELEASE_FILE = r"ged\D{0,8}?(\d{2})[_.]?(\d)(?:[_.](\d+))?"


class UcdpGed(PublishedCsv):
    label = "ucdp-ged"
    mapping_name = "ucdp_ged"
    columns = GED_COLUMNS + OLDER_COLUMNS
    required = (
        "id", "side_a", "side_b", "source_article", "source_office", "source_date", "source_original", "where_prec",
        "where_coordinates", "adm_1", "adm_2", "country", "date_prec", "date_start", "date_end", *DEATHS, "best",
        "high", "low",
    )  # fmt: skip

    def __init__(self, path: Path, mapping: Path | None = None, parent: str | None = None) -> None:
        super().__init__(path, mapping, parent)
        self.sides = self.mapping.rules("sides", "side")
        self.claimants = {k.strip().lower(): v for k, v in self.mapping.codes("claimants").items()}
        self.publisher = ("ucdp", "UCDP")

    def release_defaults(self) -> tuple[str, ReportedTime]:
        """The name from the file name (else its stem); the date: the latest the file mentions, estimated."""
        match = re.search(RELEASE_FILE, self.path.name, re.IGNORECASE)
        name = (f"ged-{int(match[1])}.{match[2]}" + (f".{match[3]}" if match[3] else "")) if match else None
        latest = None
        for record in csv_records(self.path, "reading dates"):
            for column in ("date_end", "source_date"):
                for found in _DATE.findall(record.fields.get(column) or ""):
                    if _valid(found) and (latest is None or found > latest):
                        latest = found
        on = dt.date.fromisoformat(latest) if latest else dt.date.today()
        return name or release_name(self.path, r"^(.+?)\.csv$", "{0}") or self.path.stem, midnight(on, estimated=True)

    def event_key(self, fields: dict[str, str]) -> str | None:
        event = (fields.get("id") or "").strip().removesuffix(".0")
        return f"ucdp-ged-{event}" if event.isdigit() else None

    def read_event(self, record: Record) -> PublishedEvent:
        f = Fields(record.fields)
        event = (f.raw("id") or "").strip().removesuffix(".0")
        if not event.isdigit():
            f.problem("id", event, f"id {event!r}: not a UCDP event id; it should be a whole number")
        start, end = day(f, "date_start"), day(f, "date_end")
        date_precision = self.code(f, "date_prec", "date_prec")
        where_precision = self.code(f, "where_prec", "where_prec")
        deaths = {c: count(f, c) for c in (*DEATHS, "low", "best", "high")}
        country = f.required("country")
        f.done()
        assert start and end and date_precision and where_precision
        period = f.check("date_end", end, lambda: Period(start, end, Precision(date_precision)))
        f.done()
        assert period is not None
        key = f"ucdp-ged-{event}"
        flags: list[Flag] = []
        figures = self._figures(f, deaths, flags)
        reported = _reported(f, start, end, flags)
        incident = self._incident(f, key, event, country, period, LocationPrecision(where_precision))
        low, best, high = deaths["low"], deaths["best"], deaths["high"]
        attributed = {name: value for name, column in SOURCES.items() if (value := (f.raw(column) or "").strip())}
        if (claimant := self.claimants.get(attributed.get("text", "").lower())) is not None:
            attributed["claimant"] = claimant
        note = f"UCDP GED event {event}: low {low}, best {best}, high {high}"
        return PublishedEvent(key, incident, figures, "all", reported, note, attributed or None, tuple(flags))

    def _incident(
        self, f: Fields, key: str, event: str, country: str, period: Period, precision: LocationPrecision
    ) -> IncidentSpec:
        where = f.raw("where_coordinates") or f.raw("adm_2") or f.raw("adm_1") or country
        who = f.raw("dyad_name") or f.raw("conflict_name") or "UCDP GED event"
        violence = VIOLENCE.get((f.raw("type_of_violence") or "").strip(), f.raw("type_of_violence") or "?")
        parts = [
            f"UCDP GED event {event}, {violence}",
            f"conflict: {f.raw('conflict_name') or '-'}",
            f"dyad: {f.raw('dyad_name') or '-'} ({f.raw('side_a') or '-'} vs {f.raw('side_b') or '-'})",
            f"where: {f.raw('where_description') or '-'} ({f.raw('latitude') or '?'}, {f.raw('longitude') or '?'})",
            f"event clarity {f.raw('event_clarity') or '?'}",
        ]
        place = f.raw("where_coordinates") if precision is LocationPrecision.PLACE else None
        location = Location(country, f.raw("adm_1"), f.raw("adm_2"), place, precision)
        return IncidentSpec(key, f"{who}: {where}, {period.start}"[:200], location, period, self.parent, "; ".join(parts))

    def _figures(self, f: Fields, deaths: dict[str, int | None], flags: list[Flag]) -> dict[str, str]:
        """Victim status -> words: the total at `all`, the sides' deaths as its parts."""
        by_status: Counter[str] = Counter()
        for column, side_column in (("deaths_a", "side_a"), ("deaths_b", "side_b")):
            side = (f.raw(side_column) or "").strip()
            status = self.mapping.classify(self.sides, {"side": side})
            if status is None:
                self.mapping.miss(side_column, side)
                status = str(self.mapping.data.get("sides_unmatched", "unknown"))
            by_status[status] += deaths[column] or 0
        by_status["civilian"] += deaths["deaths_civilians"] or 0
        by_status["unknown"] += deaths["deaths_unknown"] or 0
        low, best, high = deaths["low"] or 0, deaths["best"] or 0, deaths["high"] or 0
        sides = sum(deaths[c] or 0 for c in DEATHS)
        if sides != best:
            flags.append(Flag("best", str(best), f"best {best}: the sides' deaths add up to {sides}; recorded as published"))
        if low <= best <= high:
            total = str(best) if low == best == high else f"{low} to {high}, best {best}"
            gap = best - low
        else:
            total, gap = str(best), 0
            flags.append(Flag("best", str(best), (
                f"low {low}, best {best}, high {high}: not low <= best <= high; the total is recorded as best {best} "
                "alone, its published low and high kept here"
            )))  # fmt: skip
        figures = {"all": total}
        for status, n in by_status.items():
            if n:
                figures[status] = str(n) if gap == 0 else f"{max(0, n - gap)} to {n}, best {n}"
        return figures


def _reported(f: Fields, start: dt.date, end: dt.date, flags: list[Flag]) -> ReportedTime:
    """The latest source date on or after the event's start: the figure stands as of UCDP's last source;
    else the event's end, estimated. Source dates before the event are flagged, never used."""
    dates = []
    for text in _DATE.findall(f.raw("source_date") or ""):
        if not _valid(text):
            flags.append(Flag("source_date", text, f"source date {text}: not a date; the event's end is used"))
        elif (on := dt.date.fromisoformat(text)) < start:
            flags.append(Flag("source_date", text, f"source date {text}: before the event ({start}); not used as "
                              "the reported date"))  # fmt: skip
        else:
            dates.append(on)
    return midnight(max(dates)) if dates else midnight(end, estimated=True)


def _valid(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
