"""HXL (https://hxlstandard.org): CSV with a hashtag row under the header, for humanitarian tools.

Numbers sit only under numeric hashtags (`#affected`), dates only under `#date`, and everything
else (statuses, words, flags, precisions) under `#meta`, `#description` or `#status`, so the
export passes libhxl's own schema checks (tests/io/test_hxl_export.py runs them).

- Tallies: one row per incident (not one per cell), with its people killed as `#affected+killed`
  columns: the total `+min`, `+best`, `+max`, then each victim category's with `+civ`, `+sf`,
  `+militant`, `+militia` or `+unknown` (attributes core HXL lacks are the ledger's own). A high
  left open is empty, with `#meta+killed+max_open` true. Where the incident happened and when:
  `#country+name`, `#adm1+name`, `#adm2+name`, `#loc+name`, `#geo+lat` / `#geo+lon` (from a UCDP
  or ACLED row of it, when imported), `#date+occurred+start` / `+end`, and the latest report of a
  standing figure, `#date+reported`.
- Figures: the same columns as `ledger figures -f csv`, tagged column by column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TextIO

from ledger.domain.vocabulary import ROOT_STATUS
from ledger.io.formats.csv_text import write_csv
from ledger.io.formats.per_incident import IncidentTally, Row, coordinates, join

# Victim categories and the attribute each one's columns carry.
CATEGORY_ATTRIBUTES = {
    ROOT_STATUS: "", "civilian": "+civ", "security_forces": "+sf", "militant": "+militant",
    "pro_government_militia": "+militia", "unknown": "+unknown",
}  # fmt: skip
BOUNDS = {"low": "+min", "best": "+best", "high": "+max"}


def _killed_columns() -> dict[str, str]:
    columns = {}
    for status, attribute in CATEGORY_ATTRIBUTES.items():
        prefix = "killed" if status == ROOT_STATUS else f"{status}_killed"
        for bound, bound_attribute in BOUNDS.items():
            columns[f"{prefix}_{bound}"] = f"#affected+killed{attribute}{bound_attribute}"
    return columns


# Tallies, one row per incident: column -> hashtag, in the order written.
TALLY_TAGS = {
    "incident": "#event+id", "incident_name": "#event+name", "ledger_parent": "#event+id+parent",
    "country": "#country+name", "adm1": "#adm1+name", "adm2": "#adm2+name", "place": "#loc+name",
    "latitude": "#geo+lat", "longitude": "#geo+lon", "location_precision": "#meta+precision+location",
    "occurred_start": "#date+occurred+start", "occurred_end": "#date+occurred+end",
    "date_precision": "#meta+precision+date", "reported": "#date+reported",
    **_killed_columns(),
    "high_open": "#meta+killed+max_open", "grades": "#status+grade", "claimants": "#meta+source",
    "policy": "#meta+policy", "view": "#meta+view", "log_position": "#meta+log_position",
}  # fmt: skip
TALLY_COLUMNS = list(TALLY_TAGS)

# Figures, as `ledger figures -f csv` writes them.
FIGURE_TAGS = {
    "figure_id": "#meta+id", "incident": "#event+id", "claimant": "#meta+source+claimant",
    "victim_status": "#meta+victim_status", "outcome": "#meta+outcome", "role": "#meta+source+role",
    "quantity_text": "#description+quantity", "bound_kind": "#meta+bound", "low": "#affected+min",
    "best": "#affected+best", "high": "#affected+max", "vague_word": "#meta+vague", "state": "#status",
    "corrected": "#status+corrected", "current_quantity": "#description+quantity+current",
    "current_bound_kind": "#meta+bound+current", "current_low": "#affected+min+current",
    "current_best": "#affected+best+current", "current_high": "#affected+max+current",
    "reported_at": "#date+reported", "reported_precision": "#meta+reported+precision",
    "reported_estimated": "#meta+reported+estimated", "recorded_at": "#date+recorded", "analyst": "#contact+analyst",
    "publisher": "#meta+source+publisher", "document": "#meta+source+document", "quote": "#description+quote",
    "quote_start": "#meta+quote+start", "quote_end": "#meta+quote+end", "occurred_start": "#date+occurred+start",
    "occurred_end": "#date+occurred+end", "women": "#affected+f", "children": "#affected+children",
    "note": "#description+note", "position": "#meta+log_position", "stance": "#status+stance",
    "stance_source": "#meta+stance+source", "derived": "#description+derived", "part_of": "#meta+part_of",
    "quote_part": "#meta+quote+part", "carriers": "#meta+carriers", "carried_by": "#meta+source+carriers",
    "view": "#meta+view", "log_position": "#meta+log_position",
}  # fmt: skip


def tally_row(t: IncidentTally) -> Row:
    """One incident's HXL row (the ledger's columns are added by `per_incident.incident_rows`)."""
    incident = t.incident
    latitude, longitude = coordinates(t)
    reported = [f["reported_at"] for f in t.figures]
    row: Row = {
        "incident": incident["key"], "incident_name": incident["name"], "country": incident["country"],
        "adm1": incident["adm1"], "adm2": incident["adm2"], "place": incident["place"],
        "latitude": _number(latitude), "longitude": _number(longitude),
        "location_precision": incident["location_precision"], "occurred_start": incident["occurred_start"],
        "occurred_end": incident["occurred_end"], "date_precision": incident["date_precision"],
        "reported": max(reported).astimezone(dt.UTC).date() if reported else None,
        "claimants": join(f["claimant_name"] for f in t.figures),
    }  # fmt: skip
    for status in CATEGORY_ATTRIBUTES:
        cell = t.total if status == ROOT_STATUS else t.cells.get(status)
        prefix = "killed" if status == ROOT_STATUS else f"{status}_killed"
        if cell is None:
            continue
        row[f"{prefix}_low"], row[f"{prefix}_best"] = cell["low"], cell["best"]
        row[f"{prefix}_high"] = None if cell["high_open"] else cell["high"]
    return row


def write_hxl(
    columns: Sequence[str], tags: dict[str, str], values: Sequence[Sequence[Any]], out: TextIO, raw: bool | None = None
) -> None:
    """`raw`: cells as stored, not neutralised against formulas (see csv_text.py)."""
    write_csv(columns, [[tags.get(c, "") for c in columns], *values], out, raw)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text and text.strip() else None
    except ValueError:
        return None
