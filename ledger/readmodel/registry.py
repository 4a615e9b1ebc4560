"""Reads of the registry's own history: every fact about a claimant or publisher (registered, graded,
corrected), for the audit trail, from the `facts` and `registry_facts` tables (migration 010)."""

from __future__ import annotations

from typing import Any

import duckdb

from ledger.errors import NotFound
from ledger.readmodel.view import View

REGISTRY_AUDIT_SQL = """
SELECT fa.position, fa.recorded_at, fa.analyst, fa.via, fa.topic, fa.summary, NULL AS figure_id,
       c.key AS claimant, NULL AS incident, NULL AS victim_status, NULL AS outcome, NULL AS reported,
       NULL AS occurred_start, NULL AS occurred_end, NULL AS document, NULL AS quote
FROM facts fa LEFT JOIN claimants c ON c.claimant_id = fa.aggregate_id
WHERE fa.aggregate_id = $aggregate AND ($recorded IS NULL OR fa.recorded_at <= $recorded)
ORDER BY fa.position
"""


def registry_audit_rows(
    con: duckdb.DuckDBPyConnection, claimant: str | None, publisher: str | None, view: View
) -> list[dict[str, Any]]:
    """Every fact about one claimant or one publisher, in log order, as the view sees them."""
    table, key = ("claimants", claimant) if claimant is not None else ("publishers", publisher or "")
    kind = table[:-1]
    found = con.execute(f"SELECT {kind}_id FROM {table} WHERE key = ?", [key.strip().lower()]).fetchone()
    if found is None:
        raise NotFound(f"{kind} {key!r}: not in the ledger; list them with `ledger {kind} list`")
    cursor = con.execute(REGISTRY_AUDIT_SQL, {"aggregate": found[0], "recorded": view.recorded_by})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
