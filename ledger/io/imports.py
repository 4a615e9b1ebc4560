"""The library's import entry points: one call per format, each checking the whole file before writing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ledger.errors import InvalidInput
from ledger.io.pipeline.problems import ImportRejected
from ledger.io.pipeline.published import PublishedCsv, Release, midnight, parse_scope
from ledger.io.pipeline.records import Progress, check_file, file_sha256
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
    ledger: Any,
    path: Path,
    mapping: Path | None = None,
    parent: str | None = None,
    progress: Progress | None = None,
    release: str | None = None,
    published: dt.date | None = None,
    scope: str | None = None,
    skip_unreadable: bool = False,
) -> ImportReport:
    """A release of UCDP GED as published: each event an incident, its total and its sides' deaths."""
    from ledger.io.formats.ucdp.reading import UcdpGed

    check_file(path, "import")
    return import_release(ledger, UcdpGed(path, mapping, parent), progress, release, published, scope, skip_unreadable)


def import_acled(
    ledger: Any,
    path: Path,
    mapping: Path | None = None,
    parent: str | None = None,
    keep_zero: bool = False,
    progress: Progress | None = None,
    release: str | None = None,
    published: dt.date | None = None,
    scope: str | None = None,
    skip_unreadable: bool = False,
) -> ImportReport:
    """A release of ACLED as downloaded: each event an incident with one fatalities figure."""
    from ledger.io.formats.acled.reading import Acled

    check_file(path, "import")
    source = Acled(path, mapping, parent, keep_zero)
    return import_release(ledger, source, progress, release, published, scope, skip_unreadable)


def import_release(
    ledger: Any,
    source: PublishedCsv,
    progress: Progress | None = None,
    name: str | None = None,
    published: dt.date | None = None,
    scope: str | None = None,
    skip_unreadable: bool = False,
) -> ImportReport:
    """A dataset's release, compared event by event with what the ledger holds from the dataset
    (ledger/io/pipeline/published.py): new, revised, withdrawn, corrected and unchanged events."""
    sha = file_sha256(source.path)
    default_name, default_published = source.release_defaults() if name is None or published is None else (None, None)
    when = midnight(published) if published is not None else default_published
    assert when is not None
    release_key = (name or default_name or "").strip()
    if not release_key:
        raise InvalidInput(f"import {source.path}: no release name; give one with --release NAME")
    release = Release(release_key, source.publisher[0], when, sha, parse_scope(scope) if scope else None)
    source.skip_unreadable = skip_unreadable
    source.load(ledger, release)
    try:
        report = run_import(ledger, source, progress)
    except ImportRejected as rejected:  # a published file is never edited: say how to take the readable rows
        rejected.args = (f"{rejected.args[0]}; or import the rows that can be read with --skip-unreadable "
                         "(those left out are listed and recorded on the release)",)  # fmt: skip
        raise
    return report  # its release summary made by source.finish, within the import run
