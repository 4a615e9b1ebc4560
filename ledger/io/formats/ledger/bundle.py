"""The whole ledger as JSON Lines records that `ledger import figures FILE.jsonl` reads back.

Registrations first, as first made (in log order, so a parent comes before its incidents), the
rows UCDP and ACLED published for imported incidents, then the registrations' later facts in log
order (grades, corrections, closings, reopenings), then every figure as reported, then
withdrawals, corrections and strikes. Natural ids make a figure's id the same in any ledger, so
the later facts name figures by id. Imported into an empty ledger
it gives the same tallies and the same provenance; recorded times are the importing ledger's own.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from ledger.errors import InvalidInput
from ledger.io.formats.ledger.registry_records import later_records
from ledger.readmodel.view import View

Row = dict[str, Any]

SQL = {
    # Claimants, publishers and incidents as registered (registry_facts), whatever was corrected later.
    "claimant": """
        SELECT c.key, r.fields->>'name' AS name, r.fields->>'kind' AS kind, g.reliability,
               r.fields->'default_roles' AS default_roles, r.fields->>'description' AS description
        FROM claimants c JOIN claimant_grades g ON g.claimant_id = c.claimant_id AND g.position = c.position
        JOIN registry_facts r ON r.aggregate_id = c.claimant_id AND r.position = c.position
        WHERE $at IS NULL OR c.recorded_at <= $at ORDER BY c.position""",
    "publisher": """
        SELECT p.key, r.fields->>'name' AS name, r.fields->>'kind' AS kind, r.fields->>'url' AS url
        FROM publishers p JOIN registry_facts r ON r.aggregate_id = p.publisher_id AND r.position = p.position
        WHERE $at IS NULL OR p.recorded_at <= $at ORDER BY p.position""",
    "document": """
        SELECT d.key, d.text, d.url, d.title, p.key AS publisher, d.published_at AS published,
               d.published_precision, d.published_estimated, d.headline
        FROM documents d LEFT JOIN publishers p USING (publisher_id)
        WHERE $at IS NULL OR d.recorded_at <= $at ORDER BY d.position""",
    "incident": """
        SELECT i.key, r.fields->>'name' AS name, p.key AS parent, r.fields->'location'->>'country' AS country,
               r.fields->'location'->>'adm1' AS adm1, r.fields->'location'->>'adm2' AS adm2,
               r.fields->'location'->>'place' AS place, r.fields->'location'->>'precision' AS location_precision,
               r.fields->'period'->>'start' AS occurred_start, r.fields->'period'->>'end' AS occurred_end,
               r.fields->'period'->>'precision' AS date_precision,
               (r.fields->'period'->>'estimated')::BOOLEAN AS estimated, r.fields->>'description' AS description
        FROM incidents i JOIN registry_facts r ON r.aggregate_id = i.incident_id AND r.position = i.position
        LEFT JOIN incidents p ON p.incident_id = r.fields->>'parent_id'
        WHERE $at IS NULL OR i.recorded_at <= $at ORDER BY i.position""",
    # Rows as UCDP and ACLED published them (migration 060), after the incidents they belong to.
    "published_row": """
        SELECT i.key AS incident, r.dataset, r.file, r.sha256, r.line, r.columns::VARCHAR AS columns
        FROM published_rows r JOIN incidents i USING (incident_id)
        WHERE $at IS NULL OR r.recorded_at <= $at ORDER BY r.position""",
    "grade": """
        SELECT g.position, c.key AS claimant, g.reliability, g.reason
        FROM claimant_grades g JOIN claimants c USING (claimant_id)
        WHERE g.position <> c.position AND ($at IS NULL OR g.recorded_at <= $at) ORDER BY g.position""",
    # Every figure as first reported, and each more source that carried it (as the figure record it
    # was entered as: the same claimant, cell and number the same day, so importing it carries it again).
    "figure": """
        SELECT * EXCLUDE (position) FROM (
            SELECT i.key AS incident, c.key AS claimant, f.victim_status, f.outcome, f.quantity_text AS quantity,
                   f.reported_at AS reported, f.reported_precision, f.reported_estimated, f.role, p.key AS publisher,
                   d.key AS document, f.quote, f.quote_start, NULLIF(f.quote_part, 'body') AS quote_part,
                   CASE WHEN f.stance_source = 'analyst' THEN f.stance END AS stance, f.derived, f.part_of,
                   f.carried_via, f.occurred_start, f.occurred_end, f.occurred_precision,
                   f.women, f.children, f.note, f.figure_id, f.attributed, f.position
            FROM figures f JOIN incidents i USING (incident_id) JOIN claimants c USING (claimant_id)
            LEFT JOIN publishers p ON p.publisher_id = f.publisher_id LEFT JOIN documents d ON d.document_id = f.document_id
            WHERE $at IS NULL OR f.recorded_at <= $at
            UNION ALL
            SELECT i.key, c.key, f.victim_status, f.outcome, k.words, k.reported_at, k.reported_precision,
                   k.reported_estimated, f.role, p.key, d.key, k.quote, k.quote_start, NULLIF(k.quote_part, 'body'),
                   CASE WHEN k.stance_source = 'analyst' THEN k.stance END, NULL, NULL, k.carried_via,
                   f.occurred_start, f.occurred_end, f.occurred_precision, NULL, NULL, k.note, k.figure_id, NULL, k.position
            FROM later_carriers k JOIN figures f USING (figure_id) JOIN incidents i USING (incident_id)
            JOIN claimants c USING (claimant_id)
            LEFT JOIN publishers p ON p.publisher_id = k.publisher_id LEFT JOIN documents d ON d.document_id = k.document_id
            WHERE $at IS NULL OR k.recorded_at <= $at
        ) ORDER BY position""",
    "later": """
        SELECT e.kind, e.series_id, e.figure_id, e.reason, e.correction, e.reported_at AS reported, d.key AS document, e.quote
        FROM figure_events e LEFT JOIN documents d ON d.document_id = e.document_id
        WHERE $at IS NULL OR e.recorded_at <= $at ORDER BY e.position""",
}
LATER_RECORDS = {"withdrawn": "withdrawal", "corrected": "correction", "struck": "strike"}


def bundle_records(con: duckdb.DuckDBPyConnection, view: View) -> list[Row]:
    if view.reported_by or view.occurred_from or view.occurred_to:
        raise InvalidInput(
            "export figures --format jsonl: a bundle is the ledger as recorded; only --as-of applies, "
            "drop --reported-before and --occurred-from/--occurred-to"
        )
    params = {"at": view.recorded_by}
    publishers = dict(con.execute("SELECT publisher_id, key FROM publishers").fetchall())
    records: list[Row] = []
    for kind in ("claimant", "publisher", "document", "incident"):
        for row in _rows(con, SQL[kind], params):
            records.append({"record": kind, **_clean(kind, row)})
    for row in _rows(con, SQL["published_row"], params):
        records.append({"record": "published_row", **row, "columns": json.loads(row["columns"])})
    later = [(row.pop("position"), {"record": "grade", **_clean("grade", row)}) for row in _rows(con, SQL["grade"], params)]
    later += later_records(con, view.recorded_by)
    records += [record for _, record in sorted(later, key=lambda pair: pair[0])]
    for row in _rows(con, SQL["figure"], params):
        # Carriers cite publishers by id in the log; a bundle names them by key, as imports do.
        row["carried_via"] = [publishers.get(i, i) for i in json.loads(row["carried_via"] or "[]")] or None
        row["attributed"] = json.loads(row["attributed"]) if row["attributed"] else None  # a dataset's source, as published
        records.append({"record": "figure", **_clean("figure", row)})
    for row in _rows(con, SQL["later"], params):
        kind = row.pop("kind")
        if kind == "corrected":
            row["correction"] = json.loads(row["correction"])
        else:
            row.pop("correction")
        records.append({"record": LATER_RECORDS[kind], **{k: v for k, v in row.items() if v is not None}})
    return records


def _clean(kind: str, row: Row) -> Row:
    if kind == "claimant":
        row["default_roles"] = json.loads(row["default_roles"]) if isinstance(row["default_roles"], str) else row["default_roles"]
    for key, value in list(row.items()):
        if isinstance(value, dt.datetime):
            row[key] = value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        elif isinstance(value, dt.date):
            row[key] = value.isoformat()
    return {k: v for k, v in row.items() if v is not None and v != ""}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[Row]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
