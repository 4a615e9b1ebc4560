"""The same facts tallied under several policies, side by side, one row per cell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ledger.domain.policy import Policy
from ledger.errors import InvalidInput
from ledger.readmodel import queries
from ledger.readmodel.view import View

if TYPE_CHECKING:
    from ledger.ledger import Ledger

FIELDS = ("low", "best", "high", "grade")


@attrs.frozen
class Comparison:
    policies: list[str]
    position: int
    view: str
    columns: list[str]
    rows: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return f"Tallies under {' and '.join(self.policies)}, {self.view}, event-log position {self.position}"


def compare_policies(
    ledger: Ledger, policies: Sequence[Policy], incident: str | None = None, view: View = queries.NOW
) -> Comparison:
    """One row per cell with each policy's low / best / high / grade; a cell absent under a policy stays blank."""
    labels = [p.label for p in policies]
    if len(policies) < 2 or len(set(labels)) != len(labels):
        raise InvalidInput(f"compare: policies {', '.join(labels) or 'none'}: give two or more different policies")
    cells: dict[tuple[str, str, str], dict[str, Any]] = {}
    with ledger.reading() as con:
        for policy in policies:
            at, rows = queries.tally_rows(con, policy, incident, view)
            for row in rows:
                key = (row["incident"], row["victim_status"], row["outcome"])
                cell = cells.setdefault(key, dict(zip(("incident", "victim_status", "outcome"), key, strict=True)))
                high = None if row["high_open"] else row["high"]
                cell.update({f"{policy.label} low": row["low"], f"{policy.label} best": row["best"],
                             f"{policy.label} high": "open" if row["high_open"] else high,
                             f"{policy.label} grade": row["grade"]})  # fmt: skip
    columns = ["incident", "victim_status", "outcome", *(f"{label} {f}" for label in labels for f in FIELDS)]
    rows = [cells[key] for key in sorted(cells)]
    rows = [{**row, "differs": _differs(row, labels)} for row in rows]
    return Comparison(labels, at, view.describe(), [*columns, "differs"], rows)


def _differs(row: dict[str, Any], labels: list[str]) -> bool:
    """Whether the policies disagree about this cell's numbers or grade."""
    values = {tuple(row.get(f"{label} {f}") for f in FIELDS) for label in labels}
    return len(values) > 1
