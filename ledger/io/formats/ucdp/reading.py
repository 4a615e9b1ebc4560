"""UCDP GED events as ledger facts.

Each event becomes an incident (`ucdp-ged-<id>`) with its location and date precision; its sources
become a claimant (`source_original`), a publisher (the first `source_office`) and a document
(`source_article`, without text). Its deaths become figures attributed to that claimant:

- deaths_a, deaths_b, deaths_civilians and deaths_unknown are UCDP's best estimates per side; each
  side's deaths are an exact figure in the victim status the mapping gives the side (sides mapped
  to the same status are added up, and a zero records no figure);
- low and high are UCDP's range for the event *total* only, so they cannot be put on any one
  side. The part of the range the per-side figures do not already account for goes to the status
  `unknown`: its figure is deaths_unknown widened upwards by (high - best) and downwards by up to
  (best - low). Per event, the tally's bests then add up to UCDP's best and its highs to UCDP's
  high, and nothing is counted twice. The quantity grammar's ranges take their best at their low,
  so when that widened figure would need a best strictly inside it, its low is raised to
  deaths_unknown: the tally's low is then above UCDP's low. Every figure's note keeps UCDP's own
  low, best and high.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
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
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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

    def parse(self, record: Record) -> list[Item]:
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
        low, best, high = deaths["low"] or 0, deaths["best"] or 0, deaths["high"] or 0
        sides = sum(deaths[c] or 0 for c in DEATHS)
        if sides != best or not low <= best <= high:
            problem = f"best {best}: UCDP's best is the sum of deaths_a..deaths_unknown ({sides}) and lies between low {low}"
            f.problem("best", str(best), f"{problem} and high {high}; fix the row")
        period = f.check("date_end", end, lambda: Period(start, end, Precision(date_precision)))
        f.done()
        assert period is not None
        key = f"ucdp-ged-{event}"
        claimant, claimant_item = self._claimant(f)
        publisher = _first(f.raw("source_office"))
        items: list[Item] = [claimant_item]
        if publisher:
            items.append(IfMissing(PublisherSpec(slug(publisher), publisher, "media")))
        reported = _reported(f, end)
        items.append(DocumentSpec(
            key, None, None, f.raw("source_article") or f.raw("source_headline") or f"UCDP GED event {event} sources",
            slug(publisher) if publisher else None, reported,
        ))  # fmt: skip
        items.append(self._incident(f, key, event, country, period, LocationPrecision(where_precision)))
        note = f"UCDP GED event {event}: low {low}, best {best}, high {high}"
        for status, (quantity, columns) in self._figures(f, deaths).items():
            items.append(FigureInput(
                incident=key, claimant=claimant, victim_status=status, outcome="killed", quantity=quantity,
                reported=reported, document=key, note=f"{note}; from {columns}", line=record.line,
            ))  # fmt: skip
        items += self.published_row(key, record)  # the row whole, for `export --format ucdp`
        return items

    def _claimant(self, f: Fields) -> tuple[str, Item]:
        original = (f.raw("source_original") or "").strip()
        if not original:
            spec = self.mapping.data["fallback_claimant"]
            return spec["key"], IfMissing(ClaimantSpec(spec["key"], spec["name"], spec["kind"], spec.get("reliability", "F")))
        key = self.claimants.get(original.lower())
        settings = self.mapping.data["claimant"]
        key = key or f"{settings.get('prefix', '')}{slug(original)}"
        description = "named in UCDP GED source_original; registered by the UCDP import"
        spec = ClaimantSpec(key, original, settings.get("kind", "other"), settings.get("reliability", "F"), {}, description)
        return key, IfMissing(spec)

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

    def _figures(self, f: Fields, deaths: dict[str, int | None]) -> dict[str, tuple[str, str]]:
        """Victim status -> (quantity words, source columns) for one event."""
        by_status: Counter[str] = Counter()
        columns: dict[str, list[str]] = {}
        for column, side_column in (("deaths_a", "side_a"), ("deaths_b", "side_b")):
            side = (f.raw(side_column) or "").strip()
            status = self.mapping.classify(self.sides, {"side": side})
            if status is None:
                self.mapping.miss(side_column, side)
                status = str(self.mapping.data.get("sides_unmatched", "unknown"))
            by_status[status] += deaths[column] or 0
            columns.setdefault(status, []).append(f"{column} ({side})")
        for column, status in (("deaths_civilians", "civilian"), ("deaths_unknown", "unknown")):
            by_status[status] += deaths[column] or 0
            columns.setdefault(status, []).append(column)
        low, best, high = deaths["low"] or 0, deaths["best"] or 0, deaths["high"] or 0
        figures = {s: (str(n), " + ".join(columns[s])) for s, n in by_status.items() if n and s != "unknown"}
        unknown = by_status["unknown"]
        words = _widened(unknown, max(0, unknown - (best - low)), unknown + (high - best))
        if words is not None:
            figures["unknown"] = (words, " + ".join(columns["unknown"]) + ", widened by the event's low..high")
        return figures


def _widened(best: int, low: int, high: int) -> str | None:
    """Words for the status-unknown figure; see the module's docstring for the raised low."""
    if high == low == best:
        return str(best) if best else None
    if low == 0 and best == high:
        return f"up to {best}"
    return f"between {best} and {high}" if high > best else str(best)


def _first(text: str | None) -> str | None:
    first = (text or "").split(";")[0].strip()
    return first or None


def _reported(f: Fields, end: dt.date) -> ReportedTime:
    """The latest source date: the figure stands as of UCDP's last source; else the event's end, estimated."""
    dates = [dt.date.fromisoformat(d) for d in _DATE.findall(f.raw("source_date") or "") if _valid(d)]
    if dates:
        return ReportedTime(dt.datetime.combine(max(dates), dt.time(), tzinfo=dt.UTC), Precision.DAY)
    return ReportedTime(dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC), Precision.DAY, estimated=True)


def _valid(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
