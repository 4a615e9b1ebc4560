"""Exports of figures and tallies in the formats analysts use, each traceable through its manifest.

figures: csv, hxl, json, parquet, and jsonl (the ledger's own bundle, importable again).
tallies: csv, json, parquet (one row per cell); hxl, ucdp (UCDP GED columns), acled (ACLED columns),
one row per incident. Each format's writer lives with the format (ledger/io/formats/).
Every export is taken as of one instant (see `manifest`), written whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs

from ledger.errors import InvalidInput
from ledger.readmodel import columns as read_columns
from ledger.readmodel import queries
from ledger.readmodel.queries import NOW
from ledger.readmodel.view import View

# The same columns as `ledger figures -f csv` and `ledger tally -f csv` write.
FIGURE_COLUMNS = read_columns.FIGURES
TALLY_COLUMNS = read_columns.TALLY

CSV_FORMATS = ("csv", "hxl", "ucdp", "acled")  # the ones a spreadsheet opens, whose text cells are neutralised
FORMATS = {
    "figures": ("csv", "hxl", "json", "jsonl", "parquet"),
    "tallies": ("csv", "hxl", "json", "parquet", "ucdp", "acled"),
}


PER_INCIDENT = ("hxl", "ucdp", "acled")  # tally exports written one row per incident


@attrs.frozen
class ExportResult:
    rows: int
    position: int  # the event-log position the export reflects
    view: str
    output: Path | None
    manifest: Path | None


def pinned(con: Any, view: View) -> View:
    """A 'now' view fixed at the last recorded fact, so the same query can be run again later."""
    if view.recorded_by is not None or view.reported_by is not None:
        return view
    # Checkpoints (issue 16) are not evidence: the one an export records must not move the next export's pin.
    row = con.execute("SELECT max(recorded_at) FROM facts WHERE topic NOT LIKE 'ledger:Checkpoint%'").fetchone()
    last = row[0] if row else None
    return view if last is None else attrs.evolve(view, recorded_by=last.astimezone(dt.UTC))


def export(
    ledger: Any,
    what: str,
    output: Path | None = None,
    fmt: str = "csv",
    policy: str | None = None,
    incident: str | None = None,
    view: View = NOW,
    manifest: bool = True,
    raw_csv: bool | None = None,
) -> ExportResult:
    """Write figures or tallies to `output` (stdout when None) and, for a file, its manifest beside it.

    CSV-like formats (csv, hxl, ucdp, acled) neutralise formula cells unless `raw_csv` (default: `--raw-csv`
    or LEDGER_CSV_RAW, see ledger/io/formats/csv_text.py); the manifest records which, so a rerun matches.
    """
    from ledger.io.formats import tables as formats
    from ledger.io.formats.csv_text import raw_cells
    from ledger.io.manifest import Query, write_manifest

    raw = raw_cells() if raw_csv is None else raw_csv

    if what not in FORMATS:
        raise InvalidInput(f"export {what!r}: unknown; export 'figures' or 'tallies'")
    if fmt not in FORMATS[what]:
        raise InvalidInput(f"export {what} --format {fmt}: not available; use one of {', '.join(FORMATS[what])}")
    if fmt == "parquet" and output is None:
        raise InvalidInput("export --format parquet: Parquet is binary; give a file with -o FILE.parquet")
    chosen = ledger.policy(policy)
    with ledger.reading() as con:
        view = pinned(con, view)
        position = queries.view_position(con, view)
        meta: dict[str, Any] = {"view": view.describe(), "log_position": position}
        if what == "tallies":
            meta = {"policy": chosen.label, **meta}
            _, rows = queries.tally_rows(con, chosen, incident, view)
            rows = [{**row, "view": meta["view"]} for row in rows]
            columns = TALLY_COLUMNS
            if fmt in PER_INCIDENT:
                rows, columns = _per_incident(con, fmt, rows, view, meta)
        elif fmt == "jsonl":
            from ledger.io.formats.ledger.bundle import bundle_records

            if incident is not None:
                raise InvalidInput("export figures --format jsonl: a bundle holds the whole ledger; drop --incident")
            rows, columns = bundle_records(con, view), []
        else:
            rows = [{**row, **meta} for row in queries.figure_rows(con, incident, view)]
            columns = FIGURE_COLUMNS
    checkpoint = None
    if output is not None:  # issue 16: every export to a file takes a checkpoint; it covers what was read
        from ledger.integrity.exports import export_checkpoint

        checkpoint = export_checkpoint(ledger)
    if fmt == "parquet":
        from ledger.io.formats.parquet import write_parquet

        assert output is not None
        _write_file(output, lambda path: write_parquet(what, columns, rows, path))
    else:
        with _target(output) as out:
            if fmt == "jsonl":
                formats.write_jsonl(rows, out)
            elif fmt == "hxl":
                from ledger.io.formats import hxl

                tags = hxl.TALLY_TAGS if what == "tallies" else hxl.FIGURE_TAGS
                hxl.write_hxl(columns, tags, [[row.get(c) for c in columns] for row in rows], out, raw)
            else:
                formats.write_table("csv" if fmt in ("ucdp", "acled") else fmt, columns, rows, out, meta, raw)
    written = None
    if output is not None and manifest:
        query = Query(
            what, fmt, chosen.label if what == "tallies" else None, incident,
            _text(view.recorded_by), _text(view.reported_by), _iso(view.occurred_from), _iso(view.occurred_to),
        )  # fmt: skip
        cells = ("raw" if raw else "neutralised") if fmt in CSV_FORMATS else None
        written = write_manifest(
            output, query, len(rows), position, meta["view"], ledger.settings.store_label, checkpoint, cells
        )
    return ExportResult(len(rows), position, meta["view"], output, written)


def _per_incident(
    con: Any, fmt: str, rows: list[dict[str, Any]], view: View, meta: dict[str, Any]
) -> tuple[list[Any], list[str]]:
    """Tally rows as one row per incident, in the columns of UCDP GED, ACLED or HXL."""
    from ledger.io.formats.per_incident import incident_rows

    if fmt == "ucdp":
        from ledger.io.formats.ucdp.writing import UCDP_COLUMNS, UcdpWriter

        return incident_rows(con, rows, view, meta, UcdpWriter()), UCDP_COLUMNS
    if fmt == "acled":
        from ledger.io.formats.acled.writing import ACLED_COLUMNS, AcledWriter

        return incident_rows(con, rows, view, meta, AcledWriter()), ACLED_COLUMNS
    from ledger.io.formats.hxl import TALLY_COLUMNS as HXL_COLUMNS
    from ledger.io.formats.hxl import tally_row

    return incident_rows(con, rows, view, meta, tally_row), HXL_COLUMNS


def export_csv(
    ledger: Any, what: str, output: Path | None, policy: str | None = None, incident: str | None = None, view: View = NOW
) -> int:
    """Figures or tallies as CSV; returns the row count (kept for callers of the first version)."""
    return export(ledger, what, output, "csv", policy, incident, view).rows


def _text(at: dt.datetime | None) -> str | None:
    return None if at is None else at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _write_file(output: Path, write: Any) -> None:
    partial = output.with_name(output.name + ".partial")
    try:
        write(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)


@contextlib.contextmanager
def _target(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            yield out
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
