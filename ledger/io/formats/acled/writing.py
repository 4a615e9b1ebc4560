"""Tallies as ACLED rows (`ledger export tallies --format acled`), one per incident.

The 31 columns of an ACLED export, in ACLED's order, then the ledger's own (`LEDGER_COLUMNS`).
`fatalities` is the ledger's one conservative number under the chosen policy: the total's low
(or, where the ACLED mapping's `export` section counts only some statuses, the sum of their lows;
a total's unattributed part cannot be apportioned to them and is left out).

- An event imported from ACLED is written as ACLED published it (the latest row recorded for it:
  `ledger/domain/published.py`): `event_id_cnty`, `event_date` as given at its `time_precision`
  (a week- or month-dated event keeps its date), actors, admin levels, coordinates, source, notes
  and tags, as text (dates and admin levels an analyst corrected since are the ledger's).
  `timestamp` is ACLED's, or the latest reported time of the figures behind the number where that
  is later (a revision the ledger recorded since).
- An incident the ledger recorded itself (or imported before rows were kept): `event_id_cnty` its
  key; `event_date` its day, or the middle of its week or month (ACLED's `time_precision` 2 or 3,
  which the import reads back as the same week or month); `geo_precision` from its place's
  precision; `source` its outlets (or claimants); `notes` its name and its tally in words;
  `timestamp` the latest reported time; latitude and longitude from a GED row of it if there is one.
"""

from __future__ import annotations

import datetime as dt

from ledger.domain.vocabulary import VICTIM_CATEGORIES
from ledger.io.formats.acled.reading import ACLED_COLUMNS as PUBLISHED_COLUMNS
from ledger.io.formats.per_incident import LEDGER_COLUMNS, IncidentTally, Row, cell_sum, coordinates, join
from ledger.io.pipeline.mapping import load_mapping

ACLED_COLUMNS = [*PUBLISHED_COLUMNS, *LEDGER_COLUMNS]
DATASET = "acled"
GEO_PRECISION = {"place": 1, "adm2": 2, "adm1": 3, "country": 3}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


class AcledWriter:
    def __init__(self) -> None:
        self.counted = set(load_mapping("acled").data["export"]["fatalities"])

    def __call__(self, t: IncidentTally) -> Row:
        published = t.published.get(DATASET)
        row: Row = dict(published) if published else self._own(t)
        if published:
            row.update(_corrected(t, published))
        every_status = self.counted >= set(VICTIM_CATEGORIES)
        row["fatalities"] = (t.total["low"] or 0) if every_status else cell_sum(t.cells, "low", self.counted)
        reported = [int(f["reported_at"].timestamp()) for f in t.figures]
        if published and (published.get("timestamp") or "").strip().isdigit():
            reported.append(int(published["timestamp"]))
        row["timestamp"] = max(reported) if reported else None
        return row

    def _own(self, t: IncidentTally) -> Row:
        incident, cells, total, figures = t.incident, t.cells, t.total, t.figures
        start, end = incident["occurred_start"], incident["occurred_end"]
        precision = incident["date_precision"]
        on = start if precision == "day" else start + (end - start) // 2
        every_cell = sorted({**cells, "all victims": total}.items())
        words = "; ".join(f"{s} killed: {_range(c)} ({c['grade']})" for s, c in every_cell if c.get("grade"))
        latitude, longitude = coordinates(t)  # from a GED row of the same incident, if any
        return {
            "event_id_cnty": incident["key"], "event_date": on.isoformat(), "year": on.year,
            "time_precision": TIME_PRECISION.get(precision, 1),
            "country": incident["country"], "admin1": incident["adm1"], "admin2": incident["adm2"],
            "location": incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"],
            "latitude": latitude, "longitude": longitude,
            "geo_precision": GEO_PRECISION.get(incident["location_precision"], 3),
            "source": join(f["publisher_name"] or f["claimant_name"] for f in figures),
            "notes": f"{incident['name']}. Tally: {words or 'no figures'}. "
                     f"Claimants: {join(f['claimant_name'] for f in figures)}",
        }  # fmt: skip


def _corrected(t: IncidentTally, published: dict[str, str]) -> Row:
    """Where an analyst corrected the incident's dates or place since ACLED published it, the
    ledger's: the period's day or middle (ACLED's date no longer lies in it), its country, admin
    levels and place, without ACLED's coordinates."""
    incident, changes = t.incident, {}
    start, end = incident["occurred_start"], incident["occurred_end"]
    given = _day(published.get("event_date", ""))
    if given is None or not start <= given <= end:
        on = start if incident["date_precision"] == "day" else start + (end - start) // 2
        changes.update(event_date=on.isoformat(), year=on.year)
    place = (incident["country"], incident["adm1"] or "", incident["adm2"] or "")
    if (published.get("country", ""), published.get("admin1", ""), published.get("admin2", "")) != place:
        named = incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"]
        changes.update(country=place[0], admin1=place[1], admin2=place[2], location=named)
        changes.update(latitude=None, longitude=None)  # ACLED's coordinates are of the place it named
    return changes


def _day(text: str) -> dt.date | None:
    """ACLED's date as it writes it ('2024-01-30' or '30 January 2024')."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d %B %Y").date()
    except ValueError:
        return None


def _range(cell: Row) -> str:
    """A cell's bounds in words: 'no number' for a claim without one (pending), never 'None-None'."""
    if cell["low"] is None and not cell["high_open"]:
        return "no number"
    return f"{cell['low']}-{'open' if cell['high_open'] else cell['high']}"
