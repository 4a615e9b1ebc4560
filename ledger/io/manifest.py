"""The manifest written beside every exported file: enough to trace a published table to its source
and to re-create it byte for byte.

An export taken "now" is pinned to the recorded time of the last fact it saw, so the manifest's
query is an as-of query: run again later, it sees exactly the same facts (as long as recorded
times grow with the log, which the ledger's clock ensures). `verify` checks the file against the
manifest (size, SHA-256, rows) and, with `rerun`, exports again and compares the bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import attrs

from ledger import clock
from ledger.errors import InvalidInput

MANIFEST_VERSION = 1
SUFFIX = ".manifest.json"


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + SUFFIX)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@attrs.frozen
class Query:
    """What was exported: enough to run the same export again."""

    what: str
    format: str
    policy: str | None
    incident: str | None
    as_of: str | None
    reported_before: str | None
    occurred_from: str | None
    occurred_to: str | None

    def command(self, output: str) -> str:
        parts = ["ledger", "export", self.what, "--format", self.format]
        for option, value in (
            ("--policy", self.policy), ("--incident", self.incident), ("--as-of", self.as_of),
            ("--reported-before", self.reported_before), ("--occurred-from", self.occurred_from),
            ("--occurred-to", self.occurred_to),
        ):  # fmt: skip
            if value is not None:
                parts += [option, value]
        return " ".join([*parts, "-o", output])


def write_manifest(
    output: Path,
    query: Query,
    rows: int,
    position: int,
    view: str,
    store: str,
    checkpoint: Any = None,
    csv_cells: str | None = None,
) -> Path:
    """`csv_cells`: "neutralised" or "raw" for a CSV-like export (how formula cells were written), else None."""
    from ledger import __version__
    from ledger.integrity.exports import manifest_entry  # issue 16: the signed checkpoint the export was taken at

    record = {
        "manifest_version": MANIFEST_VERSION,
        "file": output.name,
        "bytes": output.stat().st_size,
        "sha256": sha256_file(output),
        "rows": rows,
        "query": attrs.asdict(query),
        "command": query.command(output.name),
        "policy": query.policy,
        "log_position": position,
        "view": view,
        "store": store,
        "exported_at": clock.now().astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "ledger_version": __version__,
        "checkpoint": manifest_entry(checkpoint),
    }
    if csv_cells is not None:
        record["csv_cells"] = csv_cells
    path = manifest_path(output)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@attrs.frozen
class Check:
    name: str
    expected: Any
    found: Any

    @property
    def ok(self) -> bool:
        return bool(self.expected == self.found)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"manifest {path}: no such file; give the .manifest.json written beside the export") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(f"manifest {path}: not valid JSON ({error.msg}); restore the manifest") from None
    if not isinstance(record, dict) or record.get("manifest_version") != MANIFEST_VERSION or "sha256" not in record:
        raise InvalidInput(f"manifest {path}: not an export manifest (version {MANIFEST_VERSION}); give the .manifest.json file")
    return record


def verify(path: Path, ledger: Any = None, verifiers: Any = None, proofs: Any = ()) -> list[Check]:
    """Check the exported file against its manifest; with a ledger, also export again and compare.
    With `verifiers` (trusted keys), also its signed checkpoint and the tlog proofs in `proofs` (issue 16)."""
    from ledger.io.formats.tables import count_rows

    record = read_manifest(path)
    exported = path.parent / record["file"]
    if not exported.is_file():
        return [Check("file exists", record["file"], None)]
    checks = [
        Check("bytes", record["bytes"], exported.stat().st_size),
        Check("sha256", record["sha256"], sha256_file(exported)),
    ]
    try:
        found_rows: Any = count_rows(record["query"]["format"], exported)
    except Exception as error:  # a damaged file may not even parse; that is what verify reports
        found_rows = f"unreadable ({type(error).__name__})"
    checks.append(Check("rows", record["rows"], found_rows))
    if verifiers is not None:
        from ledger.integrity.exports import manifest_checks

        checks += manifest_checks(record, exported, proofs, verifiers)
    if ledger is not None:
        checks += _rerun(record, ledger)
    return checks


def _rerun(record: dict[str, Any], ledger: Any) -> list[Check]:
    from ledger.io.export import export
    from ledger.readmodel.view import View

    query = record["query"]
    view = View.parse(query["as_of"], query["reported_before"], query["occurred_from"], query["occurred_to"])
    with tempfile.TemporaryDirectory() as scratch:
        again = Path(scratch) / record["file"]
        result = export(
            ledger, query["what"], again, query["format"], query["policy"] or "default", query["incident"], view, manifest=False,
            raw_csv=record.get("csv_cells", "raw") == "raw",  # manifests from before neutralising were written raw
        )  # fmt: skip
        return [
            Check("re-exported log position", record["log_position"], result.position),
            Check("re-exported sha256", record["sha256"], sha256_file(again)),
        ]
