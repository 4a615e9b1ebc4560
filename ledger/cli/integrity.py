"""CLI commands for tamper evidence: `verify`, `checkpoint`, `prove`, `key`; registered on the main app by `register`.

`ledger verify` exit codes: 0 the log matches its tree, checkpoints, documents and digests; 1 any
difference (named and located on stdout, the first in the error line); 3 the store cannot be opened.
"""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
from pathlib import Path
from typing import Any

import typer

from ledger.cli.render import Format, render


def _ledger(ctx: typer.Context) -> Any:
    from ledger.cli.main import _ledger as make

    return make(ctx)


def _say(message: str) -> None:
    typer.echo(message, err=True)


KEY = typer.Option([], "--key", help="A verifier key to trust (its text or a .vkey file); repeatable.")


def verify(
    ctx: typer.Context,
    since: Path | None = typer.Option(
        None, "--since", help="A checkpoint file you kept: the log must be consistent with it (an auditor's check)."
    ),
    key: list[str] = KEY,
    no_digests: bool = typer.Option(False, "--no-digests", help="Do not re-derive reconciliations' inputs digests."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """Recompute the tree from the event log; check it against every checkpoint, document SHA-256 and digest.

    Names the first position that differs and the kind of change (altered, missing, inserted, reordered,
    truncated); exit 1 on any difference.
    """
    from ledger.integrity.errors import LogTampered
    from ledger.integrity.verify import verify as run

    report = run(_ledger(ctx), since, tuple(key), digests=not no_digests)
    differences = [[d.span(), d.kind, d.message] for d in report.differences]
    if fmt is Format.json:
        import json

        payload = {
            "events": report.events, "leaves": report.size, "root": report.root, "intact": report.ok,
            "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in report.checks],
            "differences": [{"position": d.position, "last": d.last, "kind": d.kind, "detail": d.message}
                            for d in report.differences],
            "notes": report.notes,
        }  # fmt: skip
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt is Format.csv:
        render(["position", "kind", "detail"], differences, fmt)
    else:
        render(["check", "result", "detail"], [[c.name, "ok" if c.ok else "DIFFERS", c.detail] for c in report.checks], fmt)
        if differences:  # whole lines, not a table: each detail is the one place that says what happened
            typer.echo(f"\ndifferences ({len(differences)}), first one first:")
            for span, kind, detail in differences:
                typer.echo(f"  {'position ' + span if span else '-'}  {kind}: {detail}")
    for note in report.notes:
        _say(note)
    if not report.ok:
        raise LogTampered(report.verdict())
    _say(report.verdict())


def checkpoint(
    ctx: typer.Context,
    output: Path | None = typer.Option(None, "--output", "-o", help="Also write the signed checkpoint to this file."),
    accept_filled: bool = typer.Option(
        False, "--accept-filled", help="Vouch for events that were written without tree leaves (check them first)."
    ),
) -> None:
    """Sign the tree's size and root (a C2SP signed note), record it in the ledger and write it to a file."""
    from ledger.integrity.checkpoints import take_checkpoint

    result = take_checkpoint(_ledger(ctx), "cli", accept_filled, output)
    if result is None:
        _say("nothing to sign: the event log is empty")
        return
    typer.echo(result.note, nl=False)
    _say(f"{result.summary()}; written to {result.file}")
    for fill in result.held_back:
        _say(
            f"not covered: positions {fill.first_position}-{fill.last_position} were written without tree leaves; "
            "inspect them (`ledger audit`), then `ledger checkpoint --accept-filled` if they are genuine"
        )


def prove(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Figure id, or a unique prefix of six characters or more."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Directory for the proofs (default HOME/proofs/FIGURE)."),
    against: Path | None = typer.Option(
        None, "--checkpoint", help="Prove against this checkpoint file, or the checkpoint of this export manifest."
    ),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """Write an inclusion proof (C2SP tlog-proof) for each event behind a figure, against a signed checkpoint."""
    from ledger.integrity.proof import prove_figure

    written = prove_figure(_ledger(ctx), figure, output, against)
    render(["position", "topic", "file"], [[w.position, w.topic, str(w.path)] for w in written], fmt)
    if written:
        _say(f"{len(written)} proofs written to {written[0].path.parent}, with the checkpoint they are against")


def key(ctx: typer.Context) -> None:
    """Print this ledger's verifier key (for anyone who checks its checkpoints); made on first use."""
    from ledger.integrity.checkpoints import public_key

    found = public_key(_ledger(ctx))
    typer.echo(found.verifier)
    _say(f"verifier key in {found.vkey_file}; the signing key, {found.key_file}, stays private")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command()(verify)
    app.command()(checkpoint)
    app.command()(prove)
    app.command()(key)
