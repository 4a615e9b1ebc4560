"""Tallies as UCDP GED rows (`ledger export tallies --format ucdp`), one per incident.

The 49 columns of GED 23.1 and later, in GED's order, then the ledger's own (`LEDGER_COLUMNS`).
Numbers are the ledger's, under the chosen policy: `low`, `best` and `high` are the incident's
total of people killed (the `all` cell), the sides' deaths are the victim-status cells' bests, and
what the total leaves unattributed to them goes to `deaths_unknown`, so a row's deaths add up to
its best.

- An event imported from UCDP is written as GED published it (the latest row recorded for it:
  `ledger/domain/published.py`): ids, `relid`, sides, dyad and conflict, coordinates, type of
  violence, precision codes, `number_of_sources` and the source columns, as text (dates and admin
  levels an analyst corrected since are the ledger's). Each side's deaths come from the status the
  import's mapping gives that side (`militant/bla` for BLA), so a non-state dyad keeps its two
  sides; where two columns share a status (two governments; side B `Civilians` beside
  `deaths_civilians`), the cell is split as GED split it while the cell still holds GED's number,
  else it goes to the first column.
- An incident the ledger recorded itself (or imported before rows were kept): `id` empty (the
  ledger invents no GED ids), `relid` its key, `year`, `where_prec`/`date_prec` from its
  precisions, place names, sources summarised from its figures (`number_of_sources` the distinct
  documents), latitude and longitude from an ACLED row of it if there is one; dyad, conflict,
  sides and codes empty. Sides by the UCDP mapping's `export` section (security forces and
  militias side A, militants side B).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ledger.io.formats.per_incident import LEDGER_COLUMNS, IncidentTally, Row, cell_sum, coordinates, join
from ledger.io.formats.ucdp.reading import DEATHS, GED_COLUMNS
from ledger.io.pipeline.mapping import Mapping, load_mapping

UCDP_COLUMNS = [*GED_COLUMNS, *LEDGER_COLUMNS]
DATASET = "ucdp-ged"
WHERE_PREC = {"place": 1, "adm2": 3, "adm1": 4, "country": 6}
DATE_PREC = {"week": 3, "month": 4, "year": 5}
SIDE_OF = {"deaths_a": "side_a", "deaths_b": "side_b"}


class UcdpWriter:
    def __init__(self) -> None:
        self.mapping: Mapping = load_mapping("ucdp_ged")
        self.mapping.counting = False
        self.sides = self.mapping.rules("sides", "side")

    def __call__(self, t: IncidentTally) -> Row:
        published = t.published.get(DATASET)
        row: Row = dict(published) if published else self._own(t)
        if published:
            row.update(self._corrected(t, published))
        deaths = self._deaths(t, published) if published else self._own_deaths(t)
        total = t.total
        row.update(deaths)
        row.update(best=total["best"] or 0, high=None if total["high_open"] else total["high"] or 0, low=total["low"] or 0)
        return row

    # Events GED published: each column's status, from the sides the row names.

    def _status(self, published: dict[str, str], column: str) -> str:
        if column == "deaths_civilians":
            return "civilian"
        if column == "deaths_unknown":
            return "unknown"
        side = (published.get(SIDE_OF[column]) or "").strip()
        found = self.mapping.classify(self.sides, {"side": side})
        return found or str(self.mapping.data.get("sides_unmatched", "unknown"))

    def _deaths(self, t: IncidentTally, published: dict[str, str]) -> dict[str, int]:
        by_status: dict[str, list[str]] = {}
        for column in DEATHS:
            by_status.setdefault(self._status(published, column), []).append(column)
        deaths = dict.fromkeys(DEATHS, 0)
        for status, columns in by_status.items():
            cell = (t.subcells if "/" in status else t.cells).get(status)
            best = (cell or {}).get("best") or 0
            as_published = {c: _count(published.get(c)) for c in columns}
            if sum(as_published.values()) == best:  # GED's own split of the cell still holds
                deaths.update(as_published)
            else:
                deaths[columns[0]] += best
        # Any part of the total no side column accounts for (other statuses, an unattributed total).
        deaths["deaths_unknown"] += max(0, (t.total["best"] or 0) - sum(deaths.values()))
        return deaths

    def _corrected(self, t: IncidentTally, published: dict[str, str]) -> Row:
        """Where an analyst corrected the incident's dates or place since GED published it, the
        ledger's: its days (and year), its country and admin levels; GED's precision codes stay."""
        incident, changes = t.incident, {}
        start, end = incident["occurred_start"], incident["occurred_end"]
        if (published.get("date_start", "")[:10], published.get("date_end", "")[:10]) != (start.isoformat(), end.isoformat()):
            changes.update(date_start=_ged_date(start), date_end=_ged_date(end), year=start.year)
        place = (incident["country"], incident["adm1"] or "", incident["adm2"] or "")
        if (published.get("country", ""), published.get("adm_1", ""), published.get("adm_2", "")) != place:
            named = incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"]
            changes.update(country=place[0], adm_1=place[1], adm_2=place[2], where_coordinates=named)
            changes.update(latitude=None, longitude=None, geom_wkt=None, priogrid_gid=None)  # GED's are of its place
        return changes

    # Incidents the ledger recorded itself.

    def _own_deaths(self, t: IncidentTally) -> dict[str, int]:
        sides = {k: set(v) for k, v in self.mapping.data["export"].items()}
        listed = set().union(*sides.values())
        deaths = {column: cell_sum(t.cells, "best", statuses) for column, statuses in sides.items()}
        deaths["deaths_unknown"] += cell_sum(t.cells, "best", {s for s in t.cells if s not in listed})
        # What the total leaves unattributed to any status: UCDP's unknown, so the deaths add up to best.
        deaths["deaths_unknown"] += max(0, (t.total["best"] or 0) - sum(deaths.values()))
        return deaths

    def _own(self, t: IncidentTally) -> Row:
        incident, figures = t.incident, t.figures
        start, end = incident["occurred_start"], incident["occurred_end"]
        precision = incident["date_precision"]
        where = incident["location_precision"]
        latitude, longitude = coordinates(t)  # from an ACLED row of the same incident, if any
        return {
            "relid": incident["key"], "year": start.year,
            "number_of_sources": len({f["document"] or f["publisher"] or f["claimant"] for f in figures}),
            "source_article": join(f["document_title"] for f in figures),
            "source_office": join(f["publisher_name"] for f in figures),
            "source_date": join(_ged_date(f["reported_at"].astimezone(dt.UTC).date()) for f in figures),
            "source_original": join(f["claimant_name"] for f in figures),
            "where_prec": WHERE_PREC.get(where), "where_description": incident["name"],
            "where_coordinates": incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"],
            "adm_1": incident["adm1"], "adm_2": incident["adm2"], "country": incident["country"],
            "latitude": latitude, "longitude": longitude,
            "date_prec": DATE_PREC.get(precision, 1), "date_start": _ged_date(start), "date_end": _ged_date(end),
        }  # fmt: skip


def _ged_date(day: dt.date) -> str:
    """As GED's CSV writes its dates."""
    return f"{day.isoformat()} 00:00:00.000"


def _count(text: Any) -> int:
    try:
        return int(float(str(text).strip() or 0))
    except ValueError:
        return 0
