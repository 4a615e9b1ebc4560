"""CLI commands for policies, side-by-side tallies and reconciliation; registered on the main app by `register`.

`ledger reconcile` exit codes (documented for schedulers):
0 clean (no finding at or above --fail-on); 1 findings at or above --fail-on; 2 usage error;
4 could not run (event store or read model unavailable, disk error...); 5 another reconciliation holds the lock.
"""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
import enum
from pathlib import Path
from typing import Any

import typer

from ledger.cli.render import Format, records, render, with_envelope

policy_app = typer.Typer(
    help="List and show tally policies (named, versioned data).", no_args_is_help=True, rich_markup_mode=None
)


class FailOn(str, enum.Enum):
    info = "info"
    warning = "warning"
    error = "error"


def _ledger(ctx: typer.Context) -> Any:
    from ledger.cli.main import _ledger as make

    return make(ctx)


def _policy(name: str, tolerance: float | None = None, option: str = "--policy", ledger_default: str | None = None) -> Any:
    """A policy by name (the bare 'default': the ledger's own), or a usage error (exit 2) naming the known ones."""
    from ledger.domain.policy import get_policy
    from ledger.errors import LedgerError

    try:
        chosen = get_policy(name, ledger_default)
        return chosen if tolerance is None else chosen.with_tolerance(tolerance)
    except LedgerError as error:
        raise typer.BadParameter(str(error), param_hint=option) from None


@policy_app.command("list")
def policy_list(fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format.")) -> None:
    """Every published policy, by label (name@version)."""
    from ledger.domain.policy import POLICIES

    columns = ["label", "name", "version", "best_rule", "single_number", "excluded_roles", "tolerance", "vague_table",
               "description"]  # fmt: skip
    rows = [p.to_dict() for p in POLICIES.values()]
    columns = columns if fmt is not Format.table else columns[:8]
    render(columns, records(rows, columns), fmt)


@policy_app.command("show")
def policy_show(
    name: str = typer.Argument(..., help="Policy name (latest version) or name@version."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """A policy's definition, its vague-word table included."""
    import json

    policy = _policy(name, option="NAME").to_dict()
    if fmt is Format.json:
        typer.echo(json.dumps(policy, indent=2, ensure_ascii=False))
        return
    settings = [[k, v] for k, v in policy.items() if k != "vague_words"]
    words = [[w, b["low"], b["best"], "open" if b["high"] is None else b["high"]] for w, b in policy["vague_words"].items()]
    if fmt is Format.csv:
        render(["word", "low", "best", "high"], words, fmt)
        return
    render(["setting", "value"], settings, fmt)
    typer.echo("")
    render(["vague word", "low", "best", "high"], words, fmt, title=f"Vague words ({policy['vague_table']})")


def compare(
    ctx: typer.Context,
    policy: list[str] = typer.Option(
        [], "--policy", "-p", help="A policy to compare; give two or more (default: default@1, default@2 and the others)."
    ),
    incident: str | None = typer.Option(None, help="Only this incident and its sub-incidents."),
    as_of: str | None = typer.Option(None, "--as-of", help="What the ledger knew at this time (recorded axis)."),
    reported_before: str | None = typer.Option(None, "--reported-before", help="What had been claimed by this time."),
    only_differences: bool = typer.Option(False, "--only-differences", help="Only cells where the policies disagree."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """The same facts tallied under several policies, side by side (low / best / high / grade per policy)."""
    from ledger.domain.policy import POLICIES
    from ledger.readmodel.view import View
    from ledger.reconcile.compare import compare_policies

    # By default both versions of the default policy, then the latest of each other one, as published.
    latest = {p.name: p.label for p in POLICIES.values()}
    names = policy or ["default@1", *dict.fromkeys(latest.values())]
    ledger = _ledger(ctx)
    chosen = list({p.label: p for p in (_policy(name, ledger_default=ledger.app.default_policy()) for name in names)}.values())
    if len(chosen) < 2:
        hint = "give two or more different policies, e.g. --policy default@1 --policy default@2"
        raise typer.BadParameter(hint, param_hint="--policy")
    result = compare_policies(ledger, chosen, incident, View.parse(as_of, reported_before))
    rows = [r for r in result.rows if r["differs"]] if only_differences else result.rows
    meta = {"policies": result.policies, "view": result.view, "log_position": result.position}
    columns = [*result.columns, "view", "log_position"]
    shown = result.columns
    if fmt is Format.table:  # one column per policy, "low/best/high grade", so several fit side by side
        rows = [{**r, **{p: _cell(r, p) for p in result.policies}} for r in rows]
        columns, shown = [*columns, *result.policies], ["incident", "victim_status", "outcome", *result.policies, "differs"]
    render(columns, records(with_envelope(rows, meta), columns), fmt, title=result.title, meta=meta,
           table_columns=shown)  # fmt: skip


def _cell(row: dict[str, Any], policy: str) -> str:
    low, best, high, grade = (row.get(f"{policy} {f}") for f in ("low", "best", "high", "grade"))
    if grade is None:
        return ""
    bounds = "no number" if low is None and best is None else f"{low}/{best}/{high}"
    return f"{bounds} {grade}"


def reconcile(
    ctx: typer.Context,
    policy: str = typer.Option("default", "--policy", "-p", help="Policy name or name@version (default: the ledger's own)."),
    tolerance: float | None = typer.Option(None, help="Disagreement tolerance for grading (default: the policy's)."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Exit 1 when a finding is at least this severe."),
    stale_after: int = typer.Option(30, "--stale-after", min=1, help="Days without a report before a series is stale."),
    report_dir: Path | None = typer.Option(None, "--report-dir", help="Where to write the reports (default: HOME/reports)."),
    lock_wait: float = typer.Option(10.0, "--lock-wait", min=0, help="Seconds to wait for another run to finish."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report, but record nothing in the ledger."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table: summary and findings; json: the report."),
) -> None:
    """Re-derive the read model afresh, compare, check the evidence, record the outcome and write a report.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, 4 could not run,
    5 another reconciliation holds the lock (after --lock-wait seconds).
    """
    import datetime as dt
    import json

    from ledger.reconcile import report
    from ledger.reconcile.findings import Severity
    from ledger.reconcile.run import Options
    from ledger.reconcile.run import reconcile as run_reconcile

    if tolerance is not None and not 0 <= tolerance < 1:
        raise typer.BadParameter("should be a fraction from 0 up to (not including) 1, e.g. 0.2", param_hint="--tolerance")
    ledger = _ledger(ctx)
    chosen = _policy(policy, tolerance, ledger_default=ledger.app.default_policy())
    severity = Severity(fail_on.value)
    directory = report_dir or ledger.settings.home / "reports"
    options = Options(chosen, dt.timedelta(days=stale_after), lock_wait, not dry_run, directory, severity)
    result = run_reconcile(ledger, options)
    typer.echo("report written: " + ", ".join(str(p) for p in result.files.values()), err=True)
    if result.checkpoint is not None:  # issue 16
        typer.echo(f"{result.checkpoint.summary()}; written to {result.checkpoint.file}", err=True)
    if fmt is Format.json:
        typer.echo(json.dumps(report.to_dict(result, severity), indent=2, ensure_ascii=False))
    elif fmt is Format.csv:
        rows = [f.to_dict() for f in result.findings]
        render(report.FINDING_COLUMNS, records(rows, report.FINDING_COLUMNS), fmt)
    else:
        for line in report.summary(result):
            typer.echo(line)
        if result.findings:
            typer.echo("")
            rows = [f.to_dict() for f in result.findings]
            render(["severity", "kind", "message"], records(rows, ["severity", "kind", "message"]), fmt)
    code = result.exit_code(severity)
    if code:
        raise typer.Exit(code)


def reconciliations(
    ctx: typer.Context,
    policy: str | None = typer.Option(None, "--policy", "-p", help="Only runs under this policy label, e.g. default@1."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """Every reconciliation recorded in the ledger, oldest first."""
    from ledger.cli.main import _print_read
    from ledger.reconcile.listing import COLUMNS
    from ledger.reconcile.listing import reconciliations as listing

    rows = listing(_ledger(ctx), policy)
    title = f"Reconciliations, {rows.view}, event-log position {rows.position}"
    _print_read(title, rows, [*COLUMNS, "view", "log_position"], COLUMNS[:11], fmt)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(policy_app, name="policy")
    app.command("compare")(compare)
    app.command("reconcile")(reconcile)
    app.command("reconciliations")(reconciliations)
