"""Past reconciliations, as the read model keeps them (every run recorded in the ledger)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.ledger import Ledger, Rows

# reconciled_position: the log position reconciled (a read's own log_position is the envelope's).
COLUMNS = ["position", "recorded_at", "analyst", "policy", "reconciled_position", "errors", "warnings", "info",
           "new_findings", "resolved_findings", "cells_changed", "inputs_digest", "outputs_digest"]  # fmt: skip

SQL = """
SELECT position, recorded_at, analyst, policy, log_position AS reconciled_position, errors, warnings, info,
       (changes->>'new_findings')::INTEGER AS new_findings, (changes->>'resolved_findings')::INTEGER AS resolved_findings,
       (changes->>'cells_changed')::INTEGER AS cells_changed, inputs_digest, outputs_digest
FROM reconciliations
WHERE $policy IS NULL OR policy = $policy
ORDER BY position
"""


def reconciliations(ledger: Ledger, policy: str | None = None) -> Rows:
    from ledger.ledger import Rows
    from ledger.readmodel.queries import NOW, view_position

    with ledger.reading() as con:
        cursor = con.execute(SQL, {"policy": policy})
        names = [d[0] for d in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return Rows(found, NOW.describe(), view_position(con, NOW))
