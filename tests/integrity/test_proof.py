"""Inclusion proofs in C2SP tlog-proof form for the events behind a figure, checked by the ledger, by
`ledger export verify` against a published export's checkpoint, and by the standalone script an outside
reader runs without the ledger."""

from __future__ import annotations

import ast
import base64
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import World

from ledger.errors import InvalidInput
from ledger.integrity import keys
from ledger.integrity.merkle import ProofError
from ledger.integrity.note import NoteError, Signer
from ledger.integrity.proof import TlogProof, check, check_file, prove_figure
from ledger.io.export import export
from ledger.io.manifest import manifest_path, verify

SCRIPT = Path(__file__).parents[2] / "scripts" / "verify_tlog_proof.py"


@pytest.fixture
def proved(world: World, tmp_path: Path) -> tuple[World, str, list[Path]]:
    recorded = world.ledger.record_figure(world.figure())
    written = prove_figure(world.ledger, str(recorded.figure_id)[:8], tmp_path / "proofs")
    return world, str(recorded.figure_id), [w.path for w in written]


def trusted(world: World) -> list:  # type: ignore[type-arg]
    return keys.trusted(world.ledger.settings.home / "keys")


def test_a_figure_is_proved_event_by_event(proved: tuple[World, str, list[Path]]) -> None:
    world, figure_id, paths = proved
    names = [p.name.split("-", 1)[1] for p in paths]
    assert names == [
        "Claimant-Registered.tlog-proof", "Publisher-Registered.tlog-proof", "Document-Archived.tlog-proof",
        "Incident-Registered.tlog-proof", "ClaimSeries-Opened.tlog-proof", "ClaimSeries-FigureReported.tlog-proof",
    ]  # fmt: skip
    for path in paths:
        result = check_file(path, trusted(world))
        assert result.ok, result.detail
        assert result.proven is not None and result.proven.checkpoint.size == 10  # configuration, 7 registrations, series, figure
    reported = check_file(paths[-1], trusted(world)).proven
    assert reported is not None and reported.state()["figure_id"]["_data_"] == figure_id.replace("-", "")
    assert (paths[0].parent / "checkpoint.txt").read_text() == TlogProof.parse(paths[0].read_text()).checkpoint


def test_the_proof_text_follows_c2sp_tlog_proof(proved: tuple[World, str, list[Path]]) -> None:
    _, _, paths = proved
    text = paths[-1].read_text()
    head, checkpoint = text.split("\n\n", 1)
    lines = head.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1" and lines[1].startswith("extra ") and lines[2].startswith("index ")
    assert all(len(base64.b64decode(line)) == 32 for line in lines[3:])
    assert checkpoint.split("\n")[0].startswith("casualty-ledger/") and "\n\n\u2014 casualty-ledger/" in checkpoint
    assert TlogProof.parse(text).text() == text


def test_a_changed_proof_or_an_unknown_key_does_not_verify(proved: tuple[World, str, list[Path]]) -> None:
    world, _, paths = proved
    proof = TlogProof.parse(paths[-1].read_text())
    check(proof, trusted(world))
    flipped = (bytes([proof.path[0][0] ^ 1]) + proof.path[0][1:], *proof.path[1:])
    with pytest.raises(ProofError):
        check(TlogProof(proof.index, flipped, proof.checkpoint, proof.extra), trusted(world))
    assert proof.extra is not None
    with pytest.raises(ProofError):  # the event as published was changed
        check(TlogProof(proof.index, proof.path, proof.checkpoint, proof.extra.replace(b"216", b"261")), trusted(world))
    with pytest.raises(ProofError):
        check(TlogProof(proof.index + 1, proof.path, proof.checkpoint, proof.extra), trusted(world))
    with pytest.raises(NoteError, match="not trusted here"):
        check(proof, [Signer.generate("someone/else").verifier])
    with pytest.raises(ProofError, match="first line"):
        TlogProof.parse("c2sp.org/tlog-proof@v2\nindex 1\n\n" + proof.checkpoint)


def test_an_outside_reader_checks_a_proof_with_the_script_and_the_published_key(
    proved: tuple[World, str, list[Path]], tmp_path: Path
) -> None:
    world, figure_id, paths = proved
    imported = {
        node.names[0].name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(SCRIPT.read_text()))
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert imported <= {"base64", "hashlib", "json", "struct", "sys", "uuid", "cryptography"}  # nothing of the ledger
    [vkey] = (world.ledger.settings.home / "keys").glob("*.vkey")
    ok = subprocess.run([sys.executable, "-I", str(SCRIPT), str(paths[-1]), str(vkey)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("VERIFIED: leaf 9 of the 10-event tree of casualty-ledger/")
    assert "topic ledger:ClaimSeries.FigureReported" in ok.stdout and '"text": "at least 216"' in ok.stdout
    assert figure_id.replace("-", "") in ok.stdout
    forged = tmp_path / "forged.tlog-proof"
    forged.write_text(paths[-1].read_text().replace(paths[-1].read_text().split("\n")[3], base64.b64encode(b"\0" * 32).decode()))
    bad = subprocess.run([sys.executable, "-I", str(SCRIPT), str(forged), str(vkey)], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.strip() == "NOT VERIFIED: the path does not lead to the signed root"
    other = tmp_path / "other.vkey"
    other.write_text(Signer.generate("someone/else").verifier.text())
    stranger = subprocess.run([sys.executable, "-I", str(SCRIPT), str(paths[-1]), str(other)], capture_output=True, text=True)
    assert stranger.returncode == 1 and "not signed by this key" in stranger.stderr


def test_export_verify_checks_a_published_figures_proofs_against_the_exports_checkpoint(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    recorded = ledger.record_figure(world.figure())
    target = tmp_path / "figures.csv"
    export(ledger, "figures", target)
    proofs = tmp_path / "proofs"
    prove_figure(ledger, str(recorded.figure_id), proofs, manifest_path(target))
    checks = verify(manifest_path(target), None, trusted(world), [proofs])
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    names = [c.name for c in checks]
    assert "proof 10-ClaimSeries-FigureReported.tlog-proof figure in the export" in names
    assert sum(name.startswith("proof ") and name.endswith(".tlog-proof") for name in names) == 6
    # A proof against a later checkpoint is not the one the export was taken at.
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry("test"))
    later = tmp_path / "later"
    prove_figure(ledger, str(recorded.figure_id), later)
    failed = [c.name for c in verify(manifest_path(target), None, trusted(world), [later]) if not c.ok]
    assert failed and all(name.endswith(" checkpoint") for name in failed)
    # An event the given checkpoint does not cover cannot be proved against it.
    dunya = ledger.record_figure(world.figure(quantity="at least 230", document=None, quote=None, publisher="dunya"))
    with pytest.raises(InvalidInput, match="not covered by the checkpoint"):
        prove_figure(ledger, str(dunya.figure_id), tmp_path / "none", manifest_path(target))
