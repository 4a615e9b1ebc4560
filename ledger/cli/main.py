"""`ledger`: the command line. Each command parses, makes one call into the library, renders."""

# Annotations stay real objects (no `from __future__ import annotations`): Typer reads every command's
# signature when `ledger` starts, and evaluating string annotations there made building the app ~3x slower.
import gc
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from ledger.cli.edge import LedgerGroup, OneLine, WholeHelp
from ledger.cli.render import Format, records, render, set_wide, with_envelope
from ledger.errors import InvalidInput, LedgerError
from ledger.io.formats.csv_text import set_raw
from ledger.readmodel import columns as cols

if TYPE_CHECKING:
    from ledger.ledger import Ledger


app = typer.Typer(
    cls=LedgerGroup,
    help="An event-sourced casualty ledger: every figure is a claim by someone, with its source, kept forever.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help and errors: quicker start-up, output that pipes cleanly
)


class _LazyGroup(WholeHelp, TyperGroup):
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
AS_OF = typer.Option(
    None, "--as-of", help="What the ledger knew at this time (recorded axis): a date, ISO timestamp or 'now'."
)
REPORTED_BEFORE = typer.Option(
    None, "--reported-before", help="What had been claimed publicly by this time (reported axis), entered then or later."
)
OCCURRED_FROM = typer.Option(None, "--occurred-from", help="Only casualties that occurred on or after this date.")
OCCURRED_TO = typer.Option(None, "--occurred-to", help="Only casualties that occurred on or before this date.")


@app.callback()
def main(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None, envvar="LEDGER_HOME", help="Directory of the ledger (default: ./ledger-data). Before or after the command."
    ),
    store: str | None = typer.Option(
        None, envvar="LEDGER_STORE", help="Event store: a SQLite path or a postgresql:// URL (default: HOME/events.sqlite)."
    ),
    analyst: str | None = typer.Option(None, envvar="LEDGER_ANALYST", help="Who records facts (default: OS user)."),
    wide: bool = typer.Option(False, "--wide", help="Tables show every column, unwrapped, however wide."),
    raw_csv: bool = typer.Option(
        False, "--raw-csv", envvar="LEDGER_CSV_RAW",
        help="CSV cells exactly as stored, for machines: no quote in front of text starting with = + - @ (see README).",
    ),
) -> None:
    ctx.obj = {"home": home, "store": store, "analyst": analyst}
    set_wide(wide)
    set_raw(raw_csv)
    ctx.call_on_close(lambda: set_raw(None))  # the option is this command's, not the process's


def _ledger(ctx: typer.Context, create: bool = False, reads: bool = False) -> "Ledger":
    """The ledger the global options name. Only a command that records may create one (`create`), and it says so;
    for any other, a place without a ledger is one line and exit 3. A command whose first use of it is a read
    (`reads`) has its read model opening while the modules it reads with load."""
    from ledger.settings import Settings

    settings = Settings.resolve(**ctx.find_root().obj)
    opening = None
    if reads:
        from ledger.readmodel.connection import Opening

        opening = Opening(settings.readmodel_path)
    from ledger.ledger import Ledger
    from ledger.opening import describe_created

    ledger = Ledger(settings, progress=_progress, create=create, opening=opening)
    ledger.notice = _say  # an unfinished import run holding facts back: one line on stderr
    if create:
        ledger.app  # open now, to say before anything else whether this made a new ledger  # noqa: B018
        if ledger.created:
            _say(describe_created(ledger.settings))
    return ledger


def _progress(done: int, total: int) -> None:
    if total >= 2000:
        sys.stderr.write(f"\rcatching up the read model: {done:,}/{total:,} events")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _say(message: str) -> None:
    typer.echo(message, err=True)


# Creating a ledger, the demo and seeds.


@app.command()
def init(ctx: typer.Context) -> None:
    """Create an empty ledger in --home (and --store); an existing ledger is left as it is."""
    ledger = _ledger(ctx, create=True)  # says so when it creates one
    if not ledger.init():
        events = ledger.app.recorder.max_notification_id() or 0
        _say(f"a ledger is already in {ledger.settings.home} ({events} {'event' if events == 1 else 'events'}); nothing changed")


ARTICLE = typer.Option(
    None,
    "--article",
    help="The full seed article, to archive in full (default: from $LEDGER_SHARED or ../shared beside the project when "
    "it is there, else the excerpt of it shipped in seeds/).",
)


@app.command()
def demo(ctx: typer.Context, article: Path | None = ARTICLE) -> None:
    """Load the seed article's figures, then print the tallies and one figure's audit trail."""
    from ledger.io.seed import load_seed

    ledger = _ledger(ctx, create=True)
    result = load_seed(ledger, article=article)
    _say(result.describe(ledger.settings.home))
    _print_tally(ledger.tally(), Format.table)
    figure = next(r for r in ledger.figures() if r["victim_status"] == "militant")
    what = f"{figure['quantity_text']} {figure['victim_status']} {figure['outcome']}"
    typer.echo("")
    rows = ledger.audit(figure=figure["figure_id"])
    _print_audit(rows, Format.table, f"Audit trail of figure {figure['figure_id']} ({what})")


@app.command()
def seed(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, help="Seed JSON (default: the Balochistan seed)."),
    article: Path | None = ARTICLE,
) -> None:
    """Load a seed file (registrations and figures); loading it twice adds nothing."""
    from ledger.io.seed import DEFAULT_SEED, load_seed

    ledger = _ledger(ctx, create=True)
    _say(load_seed(ledger, path or DEFAULT_SEED, article=article).describe(ledger.settings.home))


# Reading: every read states its view and log position (and its policy, where one applies) in every format.


@app.command()
def figures(
    ctx: typer.Context,
    incident: str | None = typer.Option(None, help="Only this incident's figures (not its sub-incidents')."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    source_text: str | None = typer.Option(
        None, "--source-text", help="Only figures a dataset attributes to a source whose words contain this (UCDP, ACLED)."
    ),
    fmt: Format = FORMAT,
) -> None:
    """Every figure as reported, with its state (standing, superseded, withdrawn, struck) and its bounds in force.

    low / best / high are the bounds as first recorded; current_quantity and current_low / best / high are
    the ones in force after any correction.
    """
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    rows = _ledger(ctx, reads=True).figures(incident, view, source_text)
    title = f"Figures, {rows.view}, event-log position {rows.position}"
    columns = cols.FIGURES
    if fmt is Format.table:
        for row in rows:
            _figure_bounds(row)
        columns = [*cols.FIGURES, "bounds", "in_force"]
    _print_read(title, rows, columns, cols.FIGURES_TABLE, fmt, optional=cols.FIGURES_OPTIONAL)


@app.command()
def tally(
    ctx: typer.Context,
    incident: str | None = typer.Option(None, help="Only this incident and its sub-incidents."),
    policy: str = typer.Option(
        "default", help="Policy name or name@version (default: the ledger's own, see `ledger policy list`)."
    ),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    occurred_from: str | None = OCCURRED_FROM,
    occurred_to: str | None = OCCURRED_TO,
    fmt: Format = FORMAT,
) -> None:
    """Tallies per incident x victim status x outcome: low / best / high and grade."""
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    _print_tally(_ledger(ctx, reads=True).tally(policy, incident, view), fmt)


@app.command()
def audit(
    ctx: typer.Context,
    incident: str | None = typer.Option(None, help="Every fact behind this incident and its sub-incidents."),
    figure: str | None = typer.Option(None, help="Every fact of this figure's claim series (id or 6+ characters of it)."),
    claimant: str | None = typer.Option(None, help="Every fact about this claimant: registration, grades, corrections."),
    publisher: str | None = typer.Option(None, help="Every fact about this publisher: registration, corrections."),
    as_of: str | None = AS_OF,
    reported_before: str | None = REPORTED_BEFORE,
    fmt: Format = FORMAT,
) -> None:
    """Who said what, when (occurred, reported, recorded), from which document and words."""
    rows = _ledger(ctx, reads=True).audit(incident, figure, _view(as_of, reported_before), claimant, publisher)
    _print_audit(rows, fmt)


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
    ledger = _ledger(ctx)
    if view.is_now:
        columns, rows = ledger.query(sql)
        meta: dict[str, Any] = {"view": view.describe(), "log_position": _position(ledger)}
    else:
        from ledger.history.facade import query_as_of

        columns, rows = query_as_of(ledger, sql, view, policy)
        _say(f"figures_asof, tallies_asof and tally_claims_asof: {view.describe()}")
        meta = {"policy": ledger.policy(policy).label, "view": view.describe(), "log_position": _position(ledger, view)}
    title = f"Query, {meta['view']}, event-log position {meta['log_position']}"
    render(columns, rows, fmt, title=title, meta={**meta, "columns": list(columns)})


@app.command()
def rebuild(ctx: typer.Context) -> None:
    """Delete the read model and derive it again from the event log."""
    reached = _ledger(ctx).rebuild()
    _say(f"read model rebuilt up to log position {reached}")


# Rendering helpers.


def _print_read(
    title: str, rows: Any, columns: list[str], table_columns: list[str], fmt: Format, optional: list[str] | None = None
) -> None:
    """A read's rows in `fmt`: every column in CSV and JSON (the envelope's fields on every row), a choice in tables."""
    envelope = {"view": rows.view, "log_position": rows.position}
    render(columns, records(with_envelope(rows, envelope), columns), fmt, title=title, meta=envelope,
           table_columns=table_columns, optional=optional or ())  # fmt: skip


def _figure_bounds(row: dict[str, Any]) -> None:
    """A figure's bounds as the table shows them: as first recorded, and in force where a correction changed them."""

    def text(low: Any, best: Any, high: Any) -> str:
        if low is None and best is None:
            return "no number"
        return f"{low}/{best}/{'open' if high is None else high}"

    row["bounds"] = text(row["low"], row["best"], row["high"])
    if row.get("corrected"):
        row["in_force"] = f"{row['current_quantity']} ({text(row['current_low'], row['current_best'], row['current_high'])})"


def _print_tally(result: Any, fmt: Format) -> None:
    rows = [{**r, "high": "open" if r["high_open"] and fmt is Format.table else r["high"]} for r in result.rows]
    meta = {"policy": result.policy, "view": result.view, "log_position": result.position}
    table_columns = cols.TALLY_TABLE
    if any(r.get("unattributed") for r in rows):  # a total that no victim status fully accounts for
        table_columns = [*table_columns[:6], cols.TALLY_UNATTRIBUTED, *table_columns[6:]]
    render(cols.TALLY, records(with_envelope(rows, meta), cols.TALLY), fmt, title=result.title, meta=meta,
           table_columns=table_columns, optional=cols.TALLY_OPTIONAL)  # fmt: skip


def _print_audit(rows: Any, fmt: Format, what: str = "Audit trail") -> None:
    title = f"{what}, {rows.view}, event-log position {rows.position}"
    _print_read(title, rows, cols.AUDIT, cols.AUDIT_TABLE, fmt, optional=cols.AUDIT_OPTIONAL)


def _position(ledger: "Ledger", view: Any = None) -> int:
    from ledger.readmodel.queries import NOW, view_position

    with ledger.reading() as con:
        return view_position(con, view or NOW)



def _view(
    as_of: str | None, reported_before: str | None, occurred_from: str | None = None, occurred_to: str | None = None
) -> Any:
    from ledger.readmodel.view import View

    return View.parse(as_of, reported_before, occurred_from, occurred_to)


def _register_extensions() -> None:
    from ledger.cli import extract, history, integrity, reconcile

    for module in (history, reconcile, extract, integrity):
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
    """Console entry point: every error becomes one line on stderr and its exit code (see ledger/cli/edge.py)."""
    from ledger.cli import lean_duckdb

    lean_duckdb.install()  # DuckDB's engine without its package's Python front, until something needs that
    try:
        code = app(standalone_mode=False)  # returns the exit code of typer.Exit when not standalone
    except LedgerError as error:  # raised outside a command (none is expected); still one line
        OneLine(str(error), error.exit_code).show()
        sys.exit(error.exit_code)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except Exception as error:  # OneLine and Click's help-on-no-arguments carry their own show() and exit code
        if hasattr(error, "show") and hasattr(error, "exit_code"):
            error.show()
            sys.exit(error.exit_code)
        raise
    finally:
        # The interpreter's exit collects every object still loaded, the modules' classes among them:
        # a tenth of a second after a read. Frozen, they are left to the process's end instead.
        gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)
