"""Past reconciliations, as the read model keeps them (every run recorded in the ledger)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.ledger import Ledger

COLUMNS = ["position", "recorded_at", "analyst", "policy", "log_position", "errors", "warnings", "info",
           "new_findings", "resolved_findings", "cells_changed", "inputs_digest", "outputs_digest"]  # fmt: skip

SQL = """
SELECT position, recorded_at, analyst, policy, log_position, errors, warnings, info,
       (changes->>'new_findings')::INTEGER AS new_findings, (changes->>'resolved_findings')::INTEGER AS resolved_findings,
       (changes->>'cells_changed')::INTEGER AS cells_changed, inputs_digest, outputs_digest
FROM reconciliations
WHERE $policy IS NULL OR policy = $policy
ORDER BY position
"""


def reconciliations(ledger: Ledger, policy: str | None = None) -> list[dict[str, Any]]:
    with ledger.reading() as con:
        cursor = con.execute(SQL, {"policy": policy})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
