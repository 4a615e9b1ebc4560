"""Tallies laid out in the columns of UCDP GED and ACLED, one row per incident, for the tools analysts use.

Each row is an incident's tally of people killed under the chosen policy, taken from the
victim-status tree: the incident's total (`all`: the larger of any total given and the sum of its
parts, never both added) gives UCDP's low / best / high, and the category cells (sub-statuses are
already rolled into them) give the sides' deaths. What a total leaves unattributed to a status goes
to `deaths_unknown`, so a row's deaths add up to its best. A campaign's row already includes its
incidents, so add up rows whose `ledger_parent` is empty (or the leaves), never both. Victim
statuses go to UCDP's sides through the UCDP mapping's `export` section (default: security forces
and militias are side A, militants side B); non-state dyads therefore land on side B whole.
Columns the ledger has no data for are present and empty. ACLED's `fatalities` is one
conservative number: the total's low (or, where a mapping counts only some statuses, the sum of
their lows; a total's unattributed part cannot be apportioned to them and is left out).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import duckdb

from ledger.domain.vocabulary import ROOT_STATUS, VICTIM_CATEGORIES
from ledger.io.formats.ucdp.reading import GED_COLUMNS
from ledger.io.pipeline.mapping import load_mapping
from ledger.readmodel import queries
from ledger.readmodel.view import View

Row = dict[str, Any]

LEDGER_COLUMNS = ["ledger_parent", "high_open", "grades", "policy", "view", "log_position"]
UCDP_COLUMNS = [*GED_COLUMNS, *LEDGER_COLUMNS]
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp", *LEDGER_COLUMNS,
]  # fmt: skip
WHERE_PREC = {"place": 1, "adm2": 3, "adm1": 4, "country": 6}
GEO_PRECISION = {"place": 1, "adm2": 2, "adm1": 3, "country": 3}
DATE_PREC = {"week": 3, "month": 4, "year": 5}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


_PARENT_JOIN = "FROM incidents i LEFT JOIN incidents p ON p.incident_id = i.parent_id"


def _incidents(con: duckdb.DuckDBPyConnection, keys: set[str]) -> dict[str, Row]:
    cursor = con.execute(
        "SELECT i.key, i.name, p.key AS parent, i.country, i.adm1, i.adm2, i.place, i.location_precision, "
        f"i.occurred_start, i.occurred_end, i.date_precision {_PARENT_JOIN}"
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return {r["key"]: r for r in rows if r["key"] in keys}


def _subtrees(incidents: dict[str, Row], all_parents: dict[str, str | None]) -> dict[str, set[str]]:
    """Each incident with itself and all its descendants."""
    tree: dict[str, set[str]] = {key: {key} for key in all_parents}
    for key in all_parents:
        parent = all_parents[key]
        while parent is not None:
            tree.setdefault(parent, {parent}).add(key)
            parent = all_parents.get(parent)
    return {k: tree.get(k, {k}) for k in incidents}


def _sources(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, list[Row]]:
    """Standing figures of people killed, with claimant, publisher and document names, by incident key."""
    rows = queries.figure_rows(con, None, view)
    names = {
        kind: dict(con.execute(f"SELECT key, {column} FROM {kind}").fetchall())
        for kind, column in (("claimants", "name"), ("publishers", "name"), ("documents", "coalesce(title, url, key)"))
    }
    by_incident: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row["state"] == "standing" and row["outcome"] == "killed":
            row["claimant_name"] = names["claimants"].get(row["claimant"], row["claimant"])
            row["publisher_name"] = names["publishers"].get(row["publisher"]) if row["publisher"] else None
            row["document_title"] = names["documents"].get(row["document"]) if row["document"] else None
            by_incident[row["incident"]].append(row)
    return by_incident


def _join(values: Any) -> str:
    return "; ".join(sorted({str(v) for v in values if v}))


def styled_rows(con: duckdb.DuckDBPyConnection, style: str, tally: list[Row], view: View, meta: dict[str, Any]) -> list[Row]:
    """UCDP-style ('ucdp') or ACLED-style ('acled') rows from the tally rows of a scope."""
    cells: dict[str, dict[str, Row]] = defaultdict(dict)
    totals: dict[str, Row] = {}
    for row in tally:
        if row["outcome"] != "killed" or "/" in row["victim_status"]:
            continue
        if row["victim_status"] == ROOT_STATUS:
            totals[row["incident"]] = row
        else:
            cells[row["incident"]][row["victim_status"]] = row
    keys = {row["incident"] for row in tally}
    incidents = _incidents(con, keys)
    parents = dict(con.execute(f"SELECT i.key, p.key {_PARENT_JOIN}").fetchall())
    subtrees = _subtrees(incidents, parents)
    sources = _sources(con, view)
    exported = load_mapping("ucdp_ged" if style == "ucdp" else "acled").data["export"]
    out = []
    for key in sorted(incidents):
        own = cells.get(key, {})
        total = totals.get(key) or _sum_row(own)
        figures = [f for k in sorted(subtrees[key]) for f in sources.get(k, [])]
        if style == "ucdp":
            row = _ucdp(incidents[key], own, total, figures, exported)
        else:
            row = _acled(incidents[key], own, total, figures, exported)
        row.update(
            ledger_parent=incidents[key]["parent"],
            high_open=bool(total["high_open"]),
            grades=_join(f"{s}: {c['grade']}" for s, c in sorted({**own, ROOT_STATUS: total}.items()) if c.get("grade")),
            **meta,
        )
        out.append(row)
    return out


def _sum_row(cells: dict[str, Row]) -> Row:
    """An incident's total where the tally has none (no cell of people killed): the sum of its cells."""
    return {
        "low": _sum(cells, "low"), "best": _sum(cells, "best"),
        "high": None if any(c["high_open"] for c in cells.values()) else _sum(cells, "high"),
        "high_open": any(c["high_open"] for c in cells.values()), "grade": None,
    }  # fmt: skip


def _sum(cells: dict[str, Row], bound: str, statuses: Any = None) -> int:
    return sum(c[bound] or 0 for s, c in cells.items() if statuses is None or s in statuses)


def _ucdp(incident: Row, cells: dict[str, Row], total: Row, figures: list[Row], exported: dict[str, list[str]]) -> Row:
    sides = {k: set(v) for k, v in exported.items()}
    listed = set().union(*sides.values())
    start, end = incident["occurred_start"], incident["occurred_end"]
    precision = incident["date_precision"]
    deaths = {column: _sum(cells, "best", statuses) for column, statuses in sides.items()}
    deaths["deaths_unknown"] += _sum(cells, "best", {s for s in cells if s not in listed})
    # What the total leaves unattributed to any status: UCDP's unknown, so the deaths add up to best.
    deaths["deaths_unknown"] += max(0, (total["best"] or 0) - sum(deaths.values()))
    where = incident["location_precision"]
    return {
        "id": incident["key"], "relid": incident["key"], "year": start.year, "conflict_name": incident["name"],
        "number_of_sources": len({f["document"] or f["publisher"] or f["claimant"] for f in figures}),
        "source_article": _join(f["document_title"] for f in figures),
        "source_office": _join(f["publisher_name"] for f in figures),
        "source_date": _join(f["reported_at"].astimezone(dt.UTC).date().isoformat() for f in figures),
        "source_headline": _join(f["document_title"] for f in figures),
        "source_original": _join(f["claimant_name"] for f in figures),
        "where_prec": WHERE_PREC.get(where), "where_description": incident["name"],
        "where_coordinates": incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"],
        "adm_1": incident["adm1"], "adm_2": incident["adm2"], "country": incident["country"],
        "date_prec": DATE_PREC.get(precision, 1 if start == end else 2),
        "date_start": start.isoformat(), "date_end": end.isoformat(), **deaths,
        "best": total["best"] or 0, "high": None if total["high_open"] else total["high"] or 0, "low": total["low"] or 0,
    }  # fmt: skip


def _range(cell: Row) -> str:
    """A cell's bounds in words: 'no number' for a claim without one (pending), never 'None-None'."""
    if cell["low"] is None and not cell["high_open"]:
        return "no number"
    return f"{cell['low']}-{'open' if cell['high_open'] else cell['high']}"


def _acled(incident: Row, cells: dict[str, Row], total: Row, figures: list[Row], exported: dict[str, list[str]]) -> Row:
    start = incident["occurred_start"]
    counted = set(exported["fatalities"])
    every_status = counted >= set(VICTIM_CATEGORIES)
    words = "; ".join(
        f"{s} killed: {_range(c)} ({c['grade']})" for s, c in sorted({**cells, "all victims": total}.items()) if c.get("grade")
    )
    reported = [f["reported_at"] for f in figures]
    return {
        "event_id_cnty": incident["key"], "event_date": start.isoformat(), "year": start.year,
        "time_precision": TIME_PRECISION.get(incident["date_precision"], 1),
        "country": incident["country"], "admin1": incident["adm1"], "admin2": incident["adm2"],
        "location": incident["place"] or incident["adm2"] or incident["adm1"] or incident["country"],
        "geo_precision": GEO_PRECISION.get(incident["location_precision"], 3),
        "source": _join(f["publisher_name"] or f["claimant_name"] for f in figures),
        "notes": f"{incident['name']}. Tally: {words or 'no figures'}. Claimants: {_join(f['claimant_name'] for f in figures)}",
        "fatalities": (total["low"] or 0) if every_status else _sum(cells, "low", counted),
        "timestamp": int(max(reported).timestamp()) if reported else None,
    }  # fmt: skip
