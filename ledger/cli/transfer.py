"""CLI commands to move data in and out: `import`, `export` (with manifests) and `chart`.

Each command parses its options, makes one call into ledger.io and reports: data on stdout,
summaries, problem tables and the progress bar on stderr. The three groups are declared in ledger/cli/main.py,
so `ledger --help` lists them without importing this module; it is imported when one of them is used.
"""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

import typer

from ledger import interrupts
from ledger.cli.main import chart_app, export_app, import_app
from ledger.cli.render import render
from ledger.errors import InvalidInput

RELEASE = typer.Option(
    None, "--release", help="The release's name (default: from the file name, e.g. GEDEvent_v23_1.csv is ged-23.1)."
)
PUBLISHED = typer.Option(
    None,
    "--published",
    help="The release's publication date, YYYY-MM-DD (default: UCDP the latest date in the file, estimated; "
    "ACLED its latest timestamp).",
)
SCOPE = typer.Option(
    None, "--scope", help="What the release covers: all, or 'country=A|B;year=2019' (default: its rows' countries and years)."
)
SKIP_UNREADABLE = typer.Option(
    False, "--skip-unreadable", help="Import the rows that can be read; those that cannot are listed and recorded as left out."
)
REJECTS = typer.Option(None, "--rejects", help="Also write every problem (line, column, value, problem) to this CSV.")
MAPPING = typer.Option(None, "--mapping", help="JSON or TOML file overriding sections of the shipped mapping.")
PARENT = typer.Option(None, "--parent", help="Register every event under this incident (its period must contain them).")
OUTPUT = typer.Option(None, "--output", "-o", help="File to write (default: stdout; Parquet needs a file).")
AS_OF = typer.Option(None, "--as-of", help="What the ledger knew at this time (recorded axis): a date, ISO timestamp or 'now'.")
REPORTED_BEFORE = typer.Option(None, "--reported-before", help="What had been claimed publicly by this time (reported axis).")
OCCURRED_FROM = typer.Option(None, "--occurred-from", help="Only casualties that occurred on or after this date.")
OCCURRED_TO = typer.Option(None, "--occurred-to", help="Only casualties that occurred on or before this date.")
NO_MANIFEST = typer.Option(False, "--no-manifest", help="Do not write FILE.manifest.json beside the export.")


def _ledger(ctx: typer.Context, create: bool = False) -> Any:
    from ledger.cli.main import _ledger as make

    return make(ctx, create)


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _view(
    as_of: str | None, reported_before: str | None, occurred_from: str | None = None, occurred_to: str | None = None
) -> Any:
    from ledger.readmodel.view import View

    return View.parse(as_of, reported_before, occurred_from, occurred_to)


class ProgressBar:
    """A one-line bar on stderr for files of a megabyte or more, redrawn at most ten times a second."""

    LARGE = 1 << 20

    def __init__(self) -> None:
        self.phase, self.drawn = "", 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total < self.LARGE:
            return
        now = time.monotonic()
        if phase == self.phase and done < total and now - self.drawn < 0.1:
            return
        if phase != self.phase and self.phase:
            sys.stderr.write("\n")
        self.phase, self.drawn = phase, now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r{phase:<17} [{bar:<30}] {share:4.0%}  {done / 1e6:,.1f}/{total / 1e6:,.1f} MB")
        sys.stderr.flush()

    def close(self) -> None:
        if self.phase:
            sys.stderr.write("\n")
            self.phase = ""


def _run_import(ctx: typer.Context, rejects: Path | None, call: Any) -> None:
    from ledger.io.pipeline.problems import PROBLEM_COLUMNS, ImportRejected, problem_rows, write_rejects

    bar = ProgressBar()
    ledger = _ledger(ctx, create=True)
    try:
        with interrupts.stoppable():
            report = call(ledger, bar)
            late = interrupts.requested()  # asked for after the last point it could be made: the import finished
    except interrupts.Interrupted as interrupted:
        bar.close()
        _say(_left(ledger, interrupted.signal_name))
        raise typer.Exit(128 + interrupted.signal_number) from None
    except ImportRejected as rejected:
        bar.close()
        render(PROBLEM_COLUMNS, problem_rows(rejected.problems), _table(), out=sys.stderr)
        if rejects is not None:
            write_rejects(rejected.problems, rejects)
            _say(f"{len(rejected.problems)} problems written to {rejects}")
            rejected.written_to(rejects)
        raise
    except BaseException:
        bar.close()  # end the progress line, so the error is a line of its own
        if ledger.import_run is not None:
            _say(_left(ledger, None))
        raise
    bar.close()
    for line in report.summary():
        _say(line)
    if report.mapping:
        _say(f"mapping {report.mapping['mapping']} ({report.mapping['file']}):")
        rows = [[a["field"], a["value"], a["status"], a["rows"]] for a in report.mapping["applied"]]
        rows += [[u["field"], u["value"], "(not mapped: default status)", u["rows"]] for u in report.mapping["unmapped"]]
        render(["field", "value", "victim status", "rows"], rows, _table(), out=sys.stderr)
        if report.mapping.get("skipped_rows"):
            _say(f"rows skipped (no fatalities): {report.mapping['skipped_rows']}")
    if report.release and report.release.get("left_out_rows"):
        render(PROBLEM_COLUMNS, problem_rows(report.release["left_out_rows"]), _table(), out=sys.stderr)
    if late is not None:
        _say(f"note: {late.signal_name} came as the import was completing; it completed, as reported above")


def _left(ledger: Any, signal_name: str | None) -> str:
    """One line: what an import that did not finish left behind, and how to settle it."""
    cause = f"interrupted ({signal_name})" if signal_name else "stopped"
    if ledger.import_run is None:
        return f"{cause}: nothing was recorded"
    run = ledger.import_run
    return (
        f"{cause}: import run {run} is unfinished and its facts are held back from every read; "
        f"re-run the import, or `ledger import abort {run}`"
    )


def _table() -> Any:
    from ledger.cli.render import Format

    return Format.table


@import_app.command("figures")
def import_figures(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV of figures, or JSON Lines of records (.jsonl)."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="csv or jsonl (default: from the file's extension)."),
    register_missing: bool = typer.Option(
        False, "--register-missing", help="Register claimants and publishers the file names but the ledger lacks."
    ),
    rejects: Path | None = REJECTS,
) -> None:
    """Import the ledger's own CSV or JSON Lines (see `ledger import template`); importing twice adds nothing."""
    from ledger.io.imports import import_figures as run

    _run_import(ctx, rejects, lambda ledger, bar: run(ledger, file, fmt, register_missing, bar))


@import_app.command("ucdp")
def import_ucdp(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A UCDP GED CSV as published (an HXL row under the header is fine)."),
    mapping: Path | None = MAPPING,
    parent: str | None = PARENT,
    release: str | None = RELEASE,
    published: str | None = PUBLISHED,
    scope: str | None = SCOPE,
    skip_unreadable: bool = SKIP_UNREADABLE,
    rejects: Path | None = REJECTS,
) -> None:
    """Import a UCDP GED release: each event an incident, UCDP's low/best/high its total, the sides' deaths its parts.

    A later release of the same dataset revises, withdraws and corrects what the ledger holds from it."""
    from ledger.io.imports import import_ucdp as run

    on = _date(published, "--published")
    _run_import(ctx, rejects, lambda ledger, bar: run(ledger, file, mapping, parent, bar, release, on, scope, skip_unreadable))


@import_app.command("acled")
def import_acled(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="An ACLED export CSV as downloaded."),
    mapping: Path | None = MAPPING,
    parent: str | None = PARENT,
    keep_zero: bool = typer.Option(False, "--keep-zero", help="Also import events without fatalities (as a figure of 0)."),
    release: str | None = RELEASE,
    published: str | None = PUBLISHED,
    scope: str | None = SCOPE,
    skip_unreadable: bool = SKIP_UNREADABLE,
    rejects: Path | None = REJECTS,
) -> None:
    """Import an ACLED release: each event an incident with one fatalities figure (default name and date: its latest timestamp).

    A later release of the same dataset revises, withdraws and corrects what the ledger holds from it."""
    from ledger.io.imports import import_acled as run

    on = _date(published, "--published")
    _run_import(
        ctx, rejects, lambda ledger, bar: run(ledger, file, mapping, parent, keep_zero, bar, release, on, scope, skip_unreadable)
    )


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{option} {text!r}: not a date; write YYYY-MM-DD, e.g. 2023-06-15") from None


@import_app.command("abort")
def import_abort(
    ctx: typer.Context,
    run: str = typer.Argument(..., help="The run, as the notice names it (e.g. 3f2a9c01b7de-1)."),
    reason: str = typer.Option(..., "--reason", help="Why the run will not be completed."),
) -> None:
    """End an unfinished import run for good: what it wrote stays out of every read (nothing is deleted)."""
    label = _ledger(ctx).abort_import(run, reason)
    _say(f"import run {label} aborted: what it wrote stays out of the read model")


@import_app.command("template")
def import_template(fmt: str = typer.Option("csv", "--format", "-f", help="csv or jsonl.")) -> None:
    """Print a file to start from: every column with an example row (CSV), or one record of each kind (JSON Lines)."""
    from ledger.io.formats.ledger.reading import template

    sys.stdout.write(template(fmt))


@import_app.command("mapping")
def import_mapping(dataset: str = typer.Argument(..., help="ucdp or acled")) -> None:
    """Print the shipped mapping of a dataset, to copy and override with --mapping."""
    from ledger.errors import InvalidInput
    from ledger.io.pipeline.mapping import shipped_path

    names = {"ucdp": "ucdp_ged", "acled": "acled"}
    if dataset not in names:
        raise InvalidInput(f"mapping {dataset!r}: unknown; use ucdp or acled")
    sys.stdout.write(shipped_path(names[dataset]).read_text(encoding="utf-8"))


def _export(ctx: typer.Context, what: str, output: Path | None, fmt: str, policy: str, incident: str | None,
            view: Any, no_manifest: bool) -> None:  # fmt: skip
    from ledger.io.export import export

    result = export(_ledger(ctx), what, output, fmt, policy, incident, view, manifest=not no_manifest)
    if output is not None:  # the manifest, beside it as FILE.manifest.json, holds the log position and view
        _say(f"{result.rows} rows written to {output}")


@export_app.command("figures")
def export_figures(
    ctx: typer.Context,
    output: Path | None = OUTPUT,
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, hxl, json, jsonl (an importable bundle) or parquet."),
    incident: str | None = typer.Option(None, help="Only this incident's figures."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    no_manifest: bool = NO_MANIFEST,
) -> None:
    """Export every figure as reported, with its state in the view."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    _export(ctx, "figures", output, fmt, "default", incident, view, no_manifest)


@export_app.command("tallies")
def export_tallies(
    ctx: typer.Context,
    output: Path | None = OUTPUT,
    fmt: str = typer.Option(
        "csv", "--format", "-f", help="csv, json or parquet (a row per cell); hxl, ucdp or acled (a row per incident)."
    ),
    policy: str = typer.Option("default", help="Policy name or name@version (default: the ledger's own)."),
    incident: str | None = typer.Option(None, help="Only this incident and its sub-incidents."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    no_manifest: bool = NO_MANIFEST,
) -> None:
    """Export tallies (policy, view and log position in every row)."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    _export(ctx, "tallies", output, fmt, policy, incident, view, no_manifest)


@export_app.command("verify")
def export_verify(
    ctx: typer.Context,
    manifest: Path = typer.Argument(..., help="The FILE.manifest.json written beside an export."),
    rerun: bool = typer.Option(False, "--rerun", help="Also export again from this ledger and compare the bytes."),
    proofs: list[Path] = typer.Option([], "--proofs", help="tlog proofs (files or directories, from `ledger prove`) to check."),
    key: list[str] = typer.Option([], "--key", help="A verifier key to trust (text or .vkey file); repeatable."),
) -> None:
    """Check an exported file against its manifest (size, SHA-256, rows), its signed checkpoint and any proofs
    given; exit 1 when anything differs."""
    from ledger.errors import InvalidInput
    from ledger.io.manifest import read_manifest, verify

    checks = verify(manifest, _ledger(ctx) if rerun else None, _trusted(ctx, key), proofs)
    rows = [[c.name, c.expected, c.found, "ok" if c.ok else "DIFFERS"] for c in checks]
    render(["check", "manifest", "found", "result"], rows, _table())
    failed = [c.name for c in checks if not c.ok]
    if failed:
        name = read_manifest(manifest)["file"]
        raise InvalidInput(
            f"export {name}: {', '.join(failed)} differ from its manifest; the file was changed or replaced after export "
            "(or the ledger no longer gives the same rows); restore the file or export it again"
        )


def _trusted(ctx: typer.Context, extra: list[str]) -> Any:
    """The verifier keys trusted here (issue 16): the ledger home's keys directory, and any given."""
    from ledger.integrity.keys import keys_dir, trusted
    from ledger.settings import Settings

    return trusted(keys_dir(Settings.resolve(**ctx.obj).home), extra)


@chart_app.command("claims")
def chart_claims(
    ctx: typer.Context,
    incident: str = typer.Option(..., help="Incident key."),
    status: str = typer.Option(..., help="Victim status, e.g. militant or security_forces/police."),
    outcome: str = typer.Option("killed", help="killed, injured, missing or detained."),
    output: Path = typer.Option(..., "--output", "-o", help="PNG or SVG file to write."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="png or svg (default: from the file's extension)."),
    policy: str = typer.Option("default", help="Policy whose vague-word table reads the figures."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
) -> None:
    """Each claimant's figures for one cell over reported time: a line per claimant, bounds as a band."""
    from ledger.io.charts import claims_chart

    result = claims_chart(_ledger(ctx), incident, status, outcome, output, policy, _view(as_of, reported_before), fmt)
    _say(f"chart written to {output}: {result.series} claimants, {result.points} figures")


@chart_app.command("tallies")
def chart_tallies(
    ctx: typer.Context,
    incident: str = typer.Option(..., help="Incident key: the chart covers it and its sub-incidents."),
    outcome: str = typer.Option("killed", help="killed, injured, missing or detained."),
    output: Path = typer.Option(..., "--output", "-o", help="PNG or SVG file to write."),
    fmt: str | None = typer.Option(None, "--format", "-f", help="png or svg (default: from the file's extension)."),
    policy: str = typer.Option("default", help="Policy name or name@version (default: the ledger's own)."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
) -> None:
    """Tallies per victim status over occurrence time (cumulative), best as a line, low-high as a band."""
    from ledger.io.charts import tallies_chart

    view = _view(as_of, reported_before, occurred_from, occurred_to)
    result = tallies_chart(_ledger(ctx), incident, output, outcome, policy, view, fmt)
    _say(f"chart written to {output}: {result.series} victim statuses, {result.points} points")
