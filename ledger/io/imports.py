"""The library's import entry points: one call per format, each checking the whole file before writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput
from ledger.io.pipeline.records import Progress, check_file
from ledger.io.pipeline.run import ImportReport, run_import

LEDGER_FORMATS = ("csv", "jsonl")


def import_figures(
    ledger: Any, path: Path, fmt: str | None = None, register_missing: bool = False, progress: Progress | None = None
) -> ImportReport:
    """The ledger's own CSV (figures) or JSON Lines (figures, registrations, later facts)."""
    from ledger.io.formats.ledger.reading import LedgerCsv, LedgerJsonl

    check_file(path, "import")
    fmt = fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    if fmt not in LEDGER_FORMATS:
        raise InvalidInput(f"import format {fmt!r}: unknown; use csv or jsonl")
    source = LedgerJsonl(path, register_missing) if fmt == "jsonl" else LedgerCsv(path, register_missing)
    return run_import(ledger, source, progress)


def import_ucdp(
    ledger: Any, path: Path, mapping: Path | None = None, parent: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """A UCDP GED CSV as published: each event an incident, its deaths figures by side."""
    from ledger.io.formats.ucdp.reading import UcdpGed

    check_file(path, "import")
    return run_import(ledger, UcdpGed(path, mapping, parent), progress)


def import_acled(
    ledger: Any,
    path: Path,
    mapping: Path | None = None,
    parent: str | None = None,
    keep_zero: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """An ACLED export as downloaded: each event an incident with one fatalities figure."""
    from ledger.io.formats.acled.reading import Acled

    check_file(path, "import")
    return run_import(ledger, Acled(path, mapping, parent, keep_zero), progress)
