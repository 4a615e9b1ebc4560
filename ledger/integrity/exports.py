"""The checkpoint an export is taken at, in its manifest; and the checks `ledger export verify` makes of it
and of the proofs published with it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.integrity.note import CheckpointText, Note, NoteError, Verifier
from ledger.integrity.proof import SUFFIX, check_file

if TYPE_CHECKING:
    from ledger.integrity.checkpoints import CheckpointResult
    from ledger.io.manifest import Check
    from ledger.ledger import Ledger

FIGURE_REPORTED = "ledger:ClaimSeries.FigureReported"


def export_checkpoint(ledger: Ledger) -> CheckpointResult | None:
    """The checkpoint every export to a file takes (None for an empty log)."""
    from ledger.integrity.checkpoints import take_checkpoint

    return take_checkpoint(ledger, reason="export")


def manifest_entry(result: CheckpointResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "origin": result.origin,
        "tree_size": result.size,
        "root": result.root_b64,
        "last_position": result.last_position,
        "note": result.note,
        "signer": result.signer,
    }


def proof_files(paths: Sequence[Path]) -> list[Path]:
    """The .tlog-proof files named, or inside the directories named."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob(f"*{SUFFIX}")) if path.is_dir() else [path]
    return found


def manifest_checks(record: dict[str, Any], exported: Path, proofs: Sequence[Path], verifiers: list[Verifier]) -> list[Check]:
    from ledger.io.manifest import Check

    entry = record.get("checkpoint")
    if not isinstance(entry, dict):
        return [Check("checkpoint", "in the manifest", "absent (exported before checkpoints, or from an empty log)")]
    checks = []
    try:
        note = Note.parse(str(entry.get("note", "")))
        signer = note.verify(verifiers)[0]
        body = CheckpointText.parse(note.text)
        checks.append(Check("checkpoint signature", "a trusted key", "a trusted key"))
        checks.append(Check("checkpoint signer", signer.name, body.origin))
    except NoteError as error:
        return [Check("checkpoint signature", "a trusted key", str(error))]
    covered = int(entry.get("last_position") or 0) >= int(record.get("log_position") or 0)
    checks.append(Check("checkpoint covers the export", True, covered))
    query = record.get("query") or {}
    readable = query.get("what") == "figures" and query.get("format") != "parquet"  # Parquet compresses its strings
    content = exported.read_bytes() if readable else None
    for path in proof_files(proofs):
        result = check_file(path, verifiers)
        checks.append(Check(f"proof {path.name}", "valid", "valid" if result.ok else result.detail))
        if result.proven is None:
            continue
        checks.append(Check(f"proof {path.name} checkpoint", body.size, result.proven.checkpoint.size))
        position = result.proven.event.position
        checks.append(
            Check(
                f"proof {path.name} recorded before the export",
                True,
                isinstance(position, int) and position <= int(record["log_position"]),
            )
        )
        figure = result.proven.state().get("figure_id")
        if content is not None and result.proven.event.topic == FIGURE_REPORTED and isinstance(figure, dict):
            checks.append(
                Check(f"proof {path.name} figure in the export", True, _uuid_text(figure) in content.decode("utf-8", "replace"))
            )
    return checks


def _uuid_text(value: dict[str, Any]) -> str:
    """A figure id as the export writes it (the event stores the UUID's hex digits)."""
    import uuid

    return str(uuid.UUID(str(value.get("_data_"))))
