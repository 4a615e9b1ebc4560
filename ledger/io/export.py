"""CSV exports of figures and tallies, ready for a spreadsheet."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ledger.cli.render import write_csv
from ledger.errors import InvalidInput
from ledger.ledger import Ledger
from ledger.readmodel.queries import NOW
from ledger.readmodel.view import View

FIGURE_COLUMNS = [
    "figure_id", "incident", "claimant", "victim_status", "outcome", "role", "quantity_text", "bound_kind",
    "low", "best", "high", "vague_word", "state", "corrected", "current_quantity", "reported_at",
    "reported_precision", "reported_estimated", "recorded_at", "analyst", "publisher", "document", "quote",
    "quote_start", "quote_end", "occurred_start", "occurred_end", "women", "children", "note", "position",
]  # fmt: skip

TALLY_COLUMNS = [
    "incident", "incident_name", "victim_status", "outcome", "low", "best", "high", "high_open", "grade",
    "basis", "claims", "claimants", "policy", "view", "log_position",
]  # fmt: skip


def export_csv(
    ledger: Ledger, what: str, output: Path | None, policy: str = "default", incident: str | None = None, view: View = NOW
) -> int:
    """Write figures or tallies as CSV to a file (written whole or not at all) or stdout; returns the row count."""
    if what == "figures":
        columns, rows = FIGURE_COLUMNS, ledger.figures(incident, view)
    elif what == "tallies":
        columns, rows = TALLY_COLUMNS, ledger.tally(policy, incident, view).rows
    else:
        raise InvalidInput(f"export {what!r}: unknown; export 'figures' or 'tallies'")
    with _target(output) as out:
        write_csv(columns, [[row.get(c) for c in columns] for row in rows], out)
    return len(rows)


@contextlib.contextmanager
def _target(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        yield out
    partial.replace(output)
