"""CLI commands for history: `explain`, `diff`, `timeline`, `lineage`; registered on the main app by `register`.

Each parses, makes one call into `ledger.history.facade` and renders. Heavy modules load inside commands.
"""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
import enum
from pathlib import Path
from typing import Any

import typer

from ledger.cli.render import Format, records, render, with_envelope

FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format (table is prose or a chart).")
POLICY = typer.Option("default", "--policy", help="Policy name or name@version.")
AS_OF = typer.Option(
    None, "--as-of", help="What the ledger knew at this time (recorded axis): a date, ISO timestamp or 'now'."
)
REPORTED_BEFORE = typer.Option(
    None, "--reported-before", help="What had been claimed publicly by this time (reported axis), entered then or later."
)
OCCURRED_FROM = typer.Option(None, "--occurred-from", help="Only casualties that occurred on or after this date.")
OCCURRED_TO = typer.Option(None, "--occurred-to", help="Only casualties that occurred on or before this date.")


class Axis(str, enum.Enum):
    recorded = "recorded"
    reported = "reported"


def _ledger(ctx: typer.Context) -> Any:
    """The ledger, its read model opening (every command here reads) while the history modules load:
    so each command asks for it before it imports them."""
    from ledger.cli.main import _ledger as make

    return make(ctx, reads=True)


def _view(as_of: str | None, reported_before: str | None, occurred_from: str | None, occurred_to: str | None) -> Any:
    from ledger.readmodel.view import View

    return View.parse(as_of, reported_before, occurred_from, occurred_to)


def explain(
    ctx: typer.Context,
    incident: str = typer.Argument(..., help="Incident key."),
    victim_status: str = typer.Argument(..., help="Victim status, e.g. civilian or security_forces/police."),
    outcome: str = typer.Argument(..., help="killed, injured, missing or detained."),
    policy: str = POLICY,
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    fmt: Format = FORMAT,
) -> None:
    """Why a tally cell reads what it reads: every figure counted or set aside, each bound, the grade, the parts."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    ledger = _ledger(ctx)
    from ledger.history.facade import explain_cell

    result = explain_cell(ledger, incident, victim_status, outcome, policy, view)
    if fmt is Format.table:
        typer.echo(result.text(), nl=False)
        return
    columns = ["section", "text", "figure_id", "position", "document", "quote", "policy", "view", "log_position"]
    meta = {
        "incident": result.incident,
        "victim_status": result.victim_status,
        "outcome": result.outcome,
        "policy": result.policy,
        "view": result.view,
        "log_position": result.position,
        "low": result.bounds.low if result.bounds else None,
        "best": result.bounds.best if result.bounds else None,
        "high": result.bounds.high if result.bounds else None,
        "high_open": bool(result.bounds and result.bounds.high is None),
        "grade": result.grade,
        "basis": result.basis,
    }
    lines = [{c: getattr(line, c) for c in columns[:6]} for line in result.lines]
    render(columns, records(with_envelope(lines, meta), columns), fmt, meta=meta)


# A diff's rows: one per change and cause, the cell's bounds before and after as fields of their own, then one
# per field of each incident correction (`corrected` names the field; no cell, so no bounds), and its
# envelope: the policy, the later view and its log position (view, log_position), the earlier ones (from_*).
CELL_FIELDS = ("low", "best", "high", "high_open", "grade", "basis")
DIFF_COLUMNS = [
    "incident", "victim_status", "outcome", "change", "corrected", "before", "after",
    *(f"{when}_{field}" for when in ("before", "after") for field in CELL_FIELDS),
    "cause_position", "cause", "cause_text", "figure_id", "document", "quote",
    "axis", "from_view", "from_position", "policy", "view", "log_position",
]  # fmt: skip


def _diff_rows(result: Any) -> list[dict[str, Any]]:
    from ledger.history.diff import rows

    cells = {(c.incident, c.victim_status, c.outcome): c for c in result.changes}
    flat = []
    for row in rows(result):
        change = cells.get((row["incident"], row["victim_status"], row["outcome"]))
        for when, state in (("before", change.before if change else None), ("after", change.after if change else None)):
            row.update({f"{when}_{f}": getattr(state, f) if state is not None else None for f in CELL_FIELDS})
        flat.append({**row, "from_position": result.before_position})
    return flat


def diff(
    ctx: typer.Context,
    start: str = typer.Argument(..., help="The earlier instant: a date or ISO timestamp."),
    end: str = typer.Argument("now", help="The later instant, or 'now'."),
    axis: Axis = typer.Option(Axis.recorded, "--axis", help="recorded (what we knew) or reported (what had been claimed)."),
    policy: str = POLICY,
    incident: str | None = typer.Option(None, "--incident", help="Only this incident and its sub-incidents."),
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    fmt: Format = FORMAT,
) -> None:
    """Which tally cells changed between two instants, from what to what, and the facts that changed them."""
    ledger = _ledger(ctx)
    from ledger.history.facade import diff_instants

    result = diff_instants(ledger, start, end, axis.value, policy, incident, occurred_from, occurred_to)
    meta = {"policy": result.policy, "view": result.after, "log_position": result.after_position, "axis": result.axis,
            "from_view": result.before, "from_position": result.before_position}  # fmt: skip
    if fmt is not Format.table:
        render(DIFF_COLUMNS, records(with_envelope(_diff_rows(result), meta), DIFF_COLUMNS), fmt, meta=meta)
    else:
        typer.echo(result.title)
        for change in result.changes:
            typer.echo(f"{change.incident} / {change.victim_status} / {change.outcome}: {change.text} ({change.change})")
            for cause in change.causes:
                cite = f' — {cause.document}: "{cause.quote}"' if cause.document and cause.quote else ""
                typer.echo(f"  [#{cause.position}] {cause.kind}: {cause.text}{cite}")
        if result.corrections:
            typer.echo("Incidents corrected:")
        for correction in result.corrections:
            typer.echo(f"{correction.incident}: {correction.text}")
            typer.echo(f"  [#{correction.position}] incident correction {correction.cause}")


def timeline(
    ctx: typer.Context,
    figure: str | None = typer.Option(None, "--figure", help="Any figure of the series (id or 6+ characters of it)."),
    incident: str | None = typer.Option(None, "--incident", help="With --claimant, --victim-status and --outcome: a series."),
    claimant: str | None = typer.Option(None, "--claimant", help="The series' claimant key."),
    victim_status: str | None = typer.Option(None, "--victim-status", help="The series' victim status."),
    outcome: str | None = typer.Option(None, "--outcome", help="The series' outcome."),
    policy: str = typer.Option("default", "--policy", help="Whose vague-word table reads the figures."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    fmt: Format = FORMAT,
) -> None:
    """One claimant's figures for one cell through reported time: a text chart, or the rows as CSV / JSON."""
    view = _view(as_of, reported_before, None, None)
    ledger = _ledger(ctx)
    from ledger.history.facade import series_timeline
    from ledger.history.timeline import COLUMNS, chart

    result = series_timeline(ledger, figure, incident, claimant, victim_status, outcome, policy, view)
    if fmt is Format.table:
        typer.echo(chart(result), nl=False)
        return
    meta = {"series_id": result.series_id, "claimant": result.claimant, "incident": result.incident,
            "victim_status": result.victim_status, "outcome": result.outcome, "policy": result.policy,
            "view": result.view, "log_position": result.position}  # fmt: skip
    columns = [*COLUMNS, "policy", "view", "log_position"]
    render(columns, records(with_envelope(result.rows(), meta), columns), fmt, meta=meta)


def lineage(
    ctx: typer.Context,
    figure: str | None = typer.Option(None, "--figure", help="A figure (id or 6+ characters of it)."),
    incident: str | None = typer.Option(None, "--incident", help="With --victim-status and --outcome: a tally cell."),
    victim_status: str | None = typer.Option(None, "--victim-status", help="The cell's victim status."),
    outcome: str | None = typer.Option(None, "--outcome", help="The cell's outcome."),
    policy: str = POLICY,
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """The lineage of a figure or a tally cell in W3C PROV (PROV-JSON)."""
    from ledger.errors import InvalidInput

    named = [v for v in (incident, victim_status, outcome) if v is not None]
    if named and len(named) < 3:
        raise InvalidInput("lineage: a tally cell needs all of --incident, --victim-status and --outcome")
    cell = (incident, victim_status, outcome) if len(named) == 3 else None
    view = _view(as_of, reported_before, None, None)
    ledger = _ledger(ctx)
    from ledger.history.facade import lineage as trace

    text = trace(ledger, figure, cell, policy, view)  # type: ignore[arg-type]
    if output is None:
        typer.echo(text, nl=False)
        return
    partial = output.with_name(output.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(output)
    typer.echo(f"lineage written to {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command()(explain)
    app.command()(diff)
    app.command()(timeline)
    app.command()(lineage)
