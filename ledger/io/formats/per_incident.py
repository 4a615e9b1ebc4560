"""One row per incident, for the formats that write tallies that way (UCDP GED, ACLED, HXL).

Each incident brings its tally of people killed under the chosen policy, taken from the
victim-status tree: its total (`all`: the larger of any total given and the sum of its parts,
never both added), its category cells (sub-statuses already rolled into them) and its sub-status
cells; the standing figures of it and of the incidents inside it, with their claimants',
publishers' and documents' names; and the rows a dataset published for it (`published_rows`,
migration 060), latest first. A campaign's row already includes its incidents, so add up rows
whose `ledger_parent` is empty (or the leaves), never both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import attrs
import duckdb

from ledger.domain.vocabulary import ROOT_STATUS
from ledger.readmodel import queries
from ledger.readmodel.view import View

Row = dict[str, Any]

# What every per-incident row ends with: where the incident sits and what the numbers reflect.
LEDGER_COLUMNS = ["ledger_parent", "high_open", "grades", "policy", "view", "log_position"]

_PARENT_JOIN = "FROM incidents i LEFT JOIN incidents p ON p.incident_id = i.parent_id"


@attrs.frozen
class IncidentTally:
    """What one incident's row is written from."""

    incident: Row  # key, name, parent, country, adm1, adm2, place, location_precision, occurred_*, date_precision
    total: Row  # the `all` cell of people killed (or the sum of the cells, where the tally has none)
    cells: dict[str, Row]  # category cells of people killed, by status
    subcells: dict[str, Row]  # sub-status cells (`militant/bla`), by status
    figures: list[Row]  # standing figures of people killed, of the incident and those inside it
    published: dict[str, dict[str, str]]  # dataset -> the row it last published for the incident (as text)


def incident_rows(
    con: duckdb.DuckDBPyConnection, tally: list[Row], view: View, meta: dict[str, Any], write: Callable[[IncidentTally], Row]
) -> list[Row]:
    """`write` applied to each incident of the tally rows, in key order, with the ledger's columns added."""
    cells: dict[str, dict[str, Row]] = defaultdict(dict)
    subcells: dict[str, dict[str, Row]] = defaultdict(dict)
    totals: dict[str, Row] = {}
    for row in tally:
        if row["outcome"] != "killed":
            continue
        if row["victim_status"] == ROOT_STATUS:
            totals[row["incident"]] = row
        elif "/" in row["victim_status"]:
            subcells[row["incident"]][row["victim_status"]] = row
        else:
            cells[row["incident"]][row["victim_status"]] = row
    keys = {row["incident"] for row in tally}
    incidents = _incidents(con, keys)
    parents = dict(con.execute(f"SELECT i.key, p.key {_PARENT_JOIN}").fetchall())
    subtrees = _subtrees(incidents, parents)
    sources = _sources(con, view)
    published = published_rows(con, view)
    out = []
    for key in sorted(incidents):
        own = cells.get(key, {})
        total = totals.get(key) or _sum_row(own)
        figures = [f for k in sorted(subtrees[key]) for f in sources.get(k, [])]
        row = write(IncidentTally(incidents[key], total, own, subcells.get(key, {}), figures, published.get(key, {})))
        row.update(
            ledger_parent=incidents[key]["parent"],
            high_open=bool(total["high_open"]),
            grades=join(f"{s}: {c['grade']}" for s, c in sorted({**own, ROOT_STATUS: total}.items()) if c.get("grade")),
            **meta,
        )
        out.append(row)
    return out


def published_rows(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, dict[str, dict[str, str]]]:
    """Incident key -> dataset -> the columns of the row last recorded as that dataset published it."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'published_rows'").fetchone()[0]:  # type: ignore[index]
        return {}
    found = con.execute(
        "SELECT i.key, r.dataset, arg_max(r.columns, r.position)::VARCHAR FROM published_rows r "
        "JOIN incidents i ON i.incident_id = r.incident_id "
        "WHERE $recorded IS NULL OR r.recorded_at <= $recorded GROUP BY ALL",
        {"recorded": view.recorded_by},
    ).fetchall()
    import json

    out: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for key, dataset, columns in found:
        out[key][dataset] = json.loads(columns)
    return out


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


def coordinates(t: IncidentTally) -> tuple[str | None, str | None]:
    """Latitude and longitude from a dataset's row of the incident, as text, while the row names the
    place the incident is registered at (an analyst may have moved it since); else none."""
    incident = t.incident
    where = (incident["country"] or "", incident["adm1"] or "", incident["adm2"] or "")
    for row in t.published.values():
        named = (row.get("country", ""), row.get("adm_1", row.get("admin1", "")), row.get("adm_2", row.get("admin2", "")))
        if row.get("latitude") and row.get("longitude") and named == where:
            return row["latitude"], row["longitude"]
    return None, None


def join(values: Any) -> str:
    return "; ".join(sorted({str(v) for v in values if v}))


def _sum_row(cells: dict[str, Row]) -> Row:
    """An incident's total where the tally has none (no cell of people killed): the sum of its cells."""
    return {
        "low": cell_sum(cells, "low"), "best": cell_sum(cells, "best"),
        "high": None if any(c["high_open"] for c in cells.values()) else cell_sum(cells, "high"),
        "high_open": any(c["high_open"] for c in cells.values()), "grade": None,
    }  # fmt: skip


def cell_sum(cells: dict[str, Row], bound: str, statuses: Any = None) -> int:
    return sum(c[bound] or 0 for s, c in cells.items() if statuses is None or s in statuses)
