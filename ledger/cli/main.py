"""`ledger`: the command line. Each command parses, makes one call into the library, renders."""

# Annotations stay real objects (no `from __future__ import annotations`): Typer reads every command's
# signature when `ledger` starts, and evaluating string annotations there made building the app ~3x slower.
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from ledger.cli.render import Format, records, render
from ledger.errors import InvalidInput, LedgerError

if TYPE_CHECKING:
    from ledger.ledger import Ledger


class _LedgerGroup(TyperGroup):
    """Turns a library error into one "Error: ..." line and its exit code, whoever invokes the app (run(), CliRunner)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=_LedgerGroup,
    help="An event-sourced casualty ledger: every figure is a claim by someone, with its source, kept forever.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help and errors: quicker start-up, output that pipes cleanly
)


class _LazyGroup(TyperGroup):
    """A command group whose commands are defined in another module, imported only when the group is used.

    `ledger --help` lists the group by the name and help declared here, without compiling or building its commands.
    """

    def _load(self) -> None:
        if not self.commands:  # none yet: this group's module was not imported before the app was built
            sub, module = _LAZY_GROUPS[self.name]
            importlib.import_module(module)  # its decorators add the commands to `sub`
            self.commands.update(typer.main.get_group(sub).commands)

    def list_commands(self, ctx: Any) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load()
        return super().get_command(ctx, cmd_name)


class _ExportGroup(_LazyGroup):
    """`ledger export WHAT`: an unknown WHAT is a data error naming the choices, as it was before verify existed."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.list_commands(ctx) and not args[0].startswith("-"):
            raise InvalidInput(f"export {args[0]!r}: unknown; export 'figures' or 'tallies', or 'verify' a manifest")
        return super().resolve_command(ctx, args)


_LAZY_GROUPS: dict[str, tuple[typer.Typer, str]] = {}  # group name -> (its Typer, the module adding its commands)


def _group(name: str, module: str, help: str, cls: type[_LazyGroup] = _LazyGroup) -> typer.Typer:
    """Add `ledger NAME` to the app (listed in the order added); `module` adds its commands."""
    sub = typer.Typer(cls=cls, help=help, no_args_is_help=True, rich_markup_mode=None)
    _LAZY_GROUPS[name] = (sub, module)
    app.add_typer(sub, name=name)
    return sub


claimant_app = _group("claimant", "ledger.cli.record", help="Register and grade claimants (who made a claim).")
publisher_app = _group("publisher", "ledger.cli.record", help="Register publishers (outlets that carried claims).")
document_app = _group("document", "ledger.cli.record", help="Archive documents (the text figures are read from).")
incident_app = _group("incident", "ledger.cli.record", help="Register incidents and campaigns.")
figure_app = _group("figure", "ledger.cli.record", help="Record figures, revisions, withdrawals, corrections and strikes.")

FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format.")
AS_OF = typer.Option(None, "--as-of", help="What the ledger knew at this time (recorded axis): a date or ISO timestamp.")
REPORTED_BEFORE = typer.Option(
    None, "--reported-before", help="What had been claimed publicly by this time (reported axis), entered then or later."
)
OCCURRED_FROM = typer.Option(None, "--occurred-from", help="Only casualties that occurred on or after this date.")
OCCURRED_TO = typer.Option(None, "--occurred-to", help="Only casualties that occurred on or before this date.")


@app.callback()
def main(
    ctx: typer.Context,
    home: Path | None = typer.Option(None, envvar="LEDGER_HOME", help="Directory of the ledger (default: ./ledger-data)."),
    store: str | None = typer.Option(
        None, envvar="LEDGER_STORE", help="Event store: a SQLite path or a postgresql:// URL (default: HOME/events.sqlite)."
    ),
    analyst: str | None = typer.Option(None, envvar="LEDGER_ANALYST", help="Who records facts (default: OS user)."),
) -> None:
    ctx.obj = {"home": home, "store": store, "analyst": analyst}


def _ledger(ctx: typer.Context) -> "Ledger":
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    return Ledger(Settings.resolve(**ctx.obj), progress=_progress)


def _progress(done: int, total: int) -> None:
    if total >= 2000:
        sys.stderr.write(f"\rcatching up the read model: {done:,}/{total:,} events")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _say(message: str) -> None:
    typer.echo(message, err=True)


# Demo and seed.


@app.command()
def demo(ctx: typer.Context) -> None:
    """Load the seed article's figures, then print the tallies and one figure's audit trail."""
    from ledger.io.seed import load_seed

    ledger = _ledger(ctx)
    result = load_seed(ledger)
    _say(f"seed loaded into {ledger.settings.home}: {result.figures_new} new figures, {result.figures_known} already there")
    _print_tally(ledger.tally(), Format.table)
    figure = next(r for r in ledger.figures() if r["victim_status"] == "militant")
    what = f"{figure['quantity_text']} {figure['victim_status']} {figure['outcome']}"
    typer.echo(f"\nAudit trail of figure {figure['figure_id']} ({what}):")
    _print_audit(ledger.audit(figure=figure["figure_id"]), Format.table)


@app.command()
def seed(ctx: typer.Context, path: Path | None = typer.Argument(None, help="Seed JSON (default: the Balochistan seed).")) -> None:
    """Load a seed file (registrations and figures); loading it twice adds nothing."""
    from ledger.io.seed import DEFAULT_SEED, load_seed

    result = load_seed(_ledger(ctx), path or DEFAULT_SEED)
    _say(f"{result.figures_new} new figures, {result.figures_known} already recorded")


# Reading.

FIGURE_COLUMNS = [
    "figure_id", "incident", "claimant", "victim_status", "outcome", "role", "quantity_text", "bound_kind",
    "low", "best", "high", "state", "corrected", "current_quantity", "reported_at", "reported_precision",
    "reported_estimated", "recorded_at", "analyst", "publisher", "document", "quote", "quote_start", "quote_end",
    "occurred_start", "occurred_end", "women", "children", "note", "position",
]  # fmt: skip


@app.command()
def figures(
    ctx: typer.Context,
    incident: str | None = typer.Option(None),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    fmt: Format = FORMAT,
) -> None:
    """Every figure as reported, with its state: standing, superseded, withdrawn, struck; corrected or not."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    rows = _ledger(ctx).figures(incident, view)
    columns = FIGURE_COLUMNS if fmt is not Format.table else FIGURE_COLUMNS[:14]
    render(columns, records(rows, columns), fmt)


@app.command()
def tally(
    ctx: typer.Context,
    incident: str | None = typer.Option(None, help="Only this incident and its sub-incidents."),
    policy: str = typer.Option("default", help="Policy name or name@version."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    fmt: Format = FORMAT,
) -> None:
    """Tallies per incident x victim status x outcome: low / best / high and grade."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    _print_tally(_ledger(ctx).tally(policy, incident, view), fmt)


@app.command()
def audit(
    ctx: typer.Context,
    incident: str | None = typer.Option(None, help="Every fact behind this incident and its sub-incidents."),
    figure: str | None = typer.Option(None, help="Every fact of this figure's claim series."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    fmt: Format = FORMAT,
) -> None:
    """Who said what, when (occurred, reported, recorded), from which document and words."""
    _print_audit(_ledger(ctx).audit(incident, figure, _view(as_of, reported_before)), fmt)


# `ledger export ...` lives in ledger/cli/transfer.py with the imports and charts (groups declared below).


@app.command()
def query(
    ctx: typer.Context,
    sql: str = typer.Argument(..., help="Read-only SQL over the read model."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    policy: str = typer.Option("default", help="Policy of tallies_asof (with a view option)."),
    fmt: Format = FORMAT,
) -> None:
    """Run read-only SQL against the DuckDB read model (tables: figures, tallies, tally_claims, facts, ...).

    The tables hold the whole history: filter on recorded_at / reported_at yourself, or give a view
    option (--as-of, --reported-before, --occurred-*) to get temporary tables of that view:
    figures_asof (each figure with its state then), tallies_asof (the policy's tally then) and
    tally_claims_asof (the figures each cell counted), all with `view` and `log_position` columns.
    """
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    if view.is_now:
        columns, rows = _ledger(ctx).query(sql)
    else:
        from ledger.history.facade import query_as_of

        _say(f"figures_asof, tallies_asof and tally_claims_asof: {view.describe()}")
        columns, rows = query_as_of(_ledger(ctx), sql, view, policy)
    render(columns, rows, fmt)


@app.command()
def rebuild(ctx: typer.Context) -> None:
    """Delete the read model and derive it again from the event log."""
    reached = _ledger(ctx).rebuild()
    _say(f"read model rebuilt up to log position {reached}")


# Rendering helpers.

TALLY_COLUMNS = ["incident", "victim_status", "outcome", "low", "best", "high", "grade", "basis", "claims", "claimants"]


def _print_tally(result: Any, fmt: Format) -> None:
    rows = [{**r, "high": "open" if r["high_open"] and fmt is Format.table else r["high"]} for r in result.rows]
    if fmt is Format.csv:
        columns = [*TALLY_COLUMNS, "high_open", "policy", "view", "log_position"]
    else:
        columns = TALLY_COLUMNS
    meta = {"policy": result.policy, "view": result.view, "log_position": result.position}
    render(columns, records(rows, columns), fmt, title=result.title, meta=meta)


AUDIT_COLUMNS = [
    "position", "recorded_at", "analyst", "summary", "claimant", "incident", "victim_status", "outcome",
    "reported", "occurred_start", "occurred_end", "document", "quote", "figure_id",
]  # fmt: skip


def _print_audit(rows: list[dict[str, Any]], fmt: Format) -> None:
    columns = AUDIT_COLUMNS if fmt is not Format.table else AUDIT_COLUMNS[:-1]
    render(columns, records(rows, columns), fmt)


def _view(
    as_of: str | None, reported_before: str | None, occurred_from: str | None = None, occurred_to: str | None = None
) -> Any:
    from ledger.readmodel.view import View

    return View.parse(as_of, reported_before, occurred_from, occurred_to)


def _register_extensions() -> None:
    from ledger.cli import history, integrity, reconcile

    for module in (history, reconcile, integrity):
        module.register(app)


_register_extensions()

# After reconcile's `policy` group, as `ledger --help` lists them; their commands are in ledger/cli/transfer.py.
import_app = _group(
    "import",
    "ledger.cli.transfer",
    help="Import figures: the ledger's own CSV or JSON Lines, a UCDP GED CSV, an ACLED export. "
    "A file is checked whole first: every row is recorded, or none is.",
)
export_app = _group(
    "export",
    "ledger.cli.transfer",
    help="Export figures or tallies (CSV, HXL, JSON, JSON Lines, Parquet, UCDP or ACLED columns); "
    "each file gets a manifest beside it to trace and re-create it.",
    cls=_ExportGroup,
)
chart_app = _group("chart", "ledger.cli.transfer", help="Charts to PNG or SVG.")


def run() -> None:
    """Console entry point: library errors become one line on stderr and a non-zero exit."""
    try:
        code = app(standalone_mode=False)  # returns the exit code of typer.Exit when not standalone
    except LedgerError as error:
        typer.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except Exception as error:  # usage errors carry their own exit code (2)
        if hasattr(error, "show") and hasattr(error, "exit_code"):
            error.show()
            sys.exit(error.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)
