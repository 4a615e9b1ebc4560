"""`ledger`: the command line. Each command parses, makes one call into the library, renders."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from ledger.cli.render import Format, records, render
from ledger.errors import LedgerError

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
SUB_APP = {"no_args_is_help": True, "rich_markup_mode": None}
claimant_app = typer.Typer(help="Register and grade claimants (who made a claim).", **SUB_APP)
publisher_app = typer.Typer(help="Register publishers (outlets that carried claims).", **SUB_APP)
document_app = typer.Typer(help="Archive documents (the text figures are read from).", **SUB_APP)
incident_app = typer.Typer(help="Register incidents and campaigns.", **SUB_APP)
figure_app = typer.Typer(help="Record figures, revisions, withdrawals, corrections and strikes.", **SUB_APP)
for sub, name in (
    (claimant_app, "claimant"),
    (publisher_app, "publisher"),
    (document_app, "document"),
    (incident_app, "incident"),
    (figure_app, "figure"),
):
    app.add_typer(sub, name=name)

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


def _ledger(ctx: typer.Context) -> Ledger:
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


# Registration.


@claimant_app.command("add")
def claimant_add(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Short key, e.g. 'ispr'."),
    name: str = typer.Option(..., help="Full name."),
    kind: str = typer.Option(..., help="state_forces, armed_group, government, media, ngo, un, medical, residents, other."),
    reliability: str = typer.Option("F", help="Admiralty grade A-F (F: cannot be judged)."),
    role_default: list[str] = typer.Option(
        [], "--role-default", help="STATUS=ROLE, e.g. militant=enemy_losses; '*=ROLE' for the rest. Repeatable."
    ),
    description: str = typer.Option("", help="Free text."),
) -> None:
    """Register a claimant."""
    ledger = _ledger(ctx)
    roles = _pairs(role_default, "--role-default")
    ledger.app.register_claimant(key, name, kind, roles, reliability, ledger.entry(), description)
    _say(f"claimant {key} registered")


@claimant_app.command("grade")
def claimant_grade(
    ctx: typer.Context,
    key: str = typer.Argument(...),
    reliability: str = typer.Argument(..., help="Admiralty grade A-F."),
    reason: str = typer.Option(..., help="Why the grade changes."),
) -> None:
    """Set a claimant's reliability grade (kept as a new fact)."""
    ledger = _ledger(ctx)
    ledger.app.grade_claimant(key, reliability, reason, ledger.entry())
    _say(f"claimant {key} graded {reliability.upper()}")


@claimant_app.command("list")
def claimant_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List claimants."""
    _print_listing(_ledger(ctx), "claimants", fmt)


@publisher_app.command("add")
def publisher_add(
    ctx: typer.Context,
    key: str = typer.Argument(...),
    name: str = typer.Option(...),
    kind: str = typer.Option("media"),
    url: str | None = typer.Option(None),
) -> None:
    """Register a publisher."""
    ledger = _ledger(ctx)
    ledger.app.register_publisher(key, name, kind, url, ledger.entry())
    _say(f"publisher {key} registered")


@publisher_app.command("list")
def publisher_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List publishers."""
    _print_listing(_ledger(ctx), "publishers", fmt)


@document_app.command("add")
def document_add(
    ctx: typer.Context,
    file: Path | None = typer.Option(None, "--file", help="UTF-8 text to archive."),
    key: str | None = typer.Option(None, help="Short key (default: sha-<first 12 hex of SHA-256>)."),
    url: str | None = typer.Option(None),
    title: str | None = typer.Option(None),
    publisher: str | None = typer.Option(None, help="Publisher key."),
    published: str | None = typer.Option(None, help="Publication time: 2026, 2026-02, 2026-02-05 or ISO timestamp."),
    estimated: bool = typer.Option(False, help="The publication time is an estimate."),
) -> None:
    """Archive a document; its SHA-256 fixes the text quotes are checked against."""
    from ledger.domain.values import ReportedTime, parse_instant
    from ledger.errors import InvalidInput

    ledger = _ledger(ctx)
    text = None
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidInput(f"document file {file}: cannot be read as UTF-8 text ({error}); check the path") from None
    when = None
    if published:
        at, precision = parse_instant(published, "published")
        when = ReportedTime(at, precision, estimated)
    doc_id = ledger.app.archive_document(
        ledger.entry(), text=text, url=url, title=title, publisher=publisher, published=when, key=key
    )
    typer.echo(ledger.app.repository.get(doc_id).key)


@document_app.command("list")
def document_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List archived documents."""
    _print_listing(_ledger(ctx), "documents", fmt)


@incident_app.command("add")
def incident_add(
    ctx: typer.Context,
    key: str = typer.Argument(...),
    name: str = typer.Option(...),
    country: str = typer.Option(...),
    occurred: str = typer.Option(..., help="Start: 2026, 2026-02 or 2026-02-03."),
    until: str | None = typer.Option(None, help="End date (default: the end of the start's period)."),
    estimated: bool = typer.Option(False, help="The dates are estimates."),
    adm1: str | None = typer.Option(None, help="Province or state."),
    adm2: str | None = typer.Option(None, help="District."),
    place: str | None = typer.Option(None),
    precision: str | None = typer.Option(None, help="place, adm2, adm1 or country (default: the finest given)."),
    parent: str | None = typer.Option(None, help="Key of the campaign or incident this one is part of."),
    description: str = typer.Option(""),
) -> None:
    """Register an incident, optionally inside a parent incident."""
    import attrs

    from ledger.domain.values import Location, parse_period
    from ledger.domain.vocabulary import LocationPrecision, parse_enum

    ledger = _ledger(ctx)
    finest = "place" if place else "adm2" if adm2 else "adm1" if adm1 else "country"
    location = Location(country, adm1, adm2, place, parse_enum(LocationPrecision, precision or finest, "precision"))
    period = attrs.evolve(parse_period(occurred, until), estimated=estimated)
    ledger.app.register_incident(key, name, location, period, ledger.entry(), parent=parent, description=description)
    _say(f"incident {key} registered")


@incident_app.command("correct")
def incident_correct(
    ctx: typer.Context,
    key: str = typer.Argument(...),
    reason: str = typer.Option(..., help="What was mistyped."),
    name: str | None = typer.Option(None),
    country: str | None = typer.Option(None, help="Give the whole corrected location: country, adm1, adm2, place."),
    adm1: str | None = typer.Option(None),
    adm2: str | None = typer.Option(None),
    place: str | None = typer.Option(None),
    precision: str | None = typer.Option(None, help="place, adm2, adm1 or country (default: the finest given)."),
    occurred: str | None = typer.Option(None, help="Corrected start: 2026, 2026-02 or 2026-02-03."),
    until: str | None = typer.Option(None),
    estimated: bool = typer.Option(False, help="The corrected dates are estimates."),
    parent: str | None = typer.Option(None, help="Key of the corrected parent incident."),
    description: str | None = typer.Option(None),
) -> None:
    """Correct a mistyped incident registration (kept as a new fact beside the original)."""
    import attrs

    from ledger.domain.values import Location, parse_period
    from ledger.domain.vocabulary import LocationPrecision, parse_enum
    from ledger.errors import InvalidInput

    ledger = _ledger(ctx)
    location = None
    if country is None and any(v is not None for v in (adm1, adm2, place, precision)):
        raise InvalidInput(f"incident {key!r}: a location correction needs the whole location; add --country")
    if country is not None:
        finest = "place" if place else "adm2" if adm2 else "adm1" if adm1 else "country"
        location = Location(country, adm1, adm2, place, parse_enum(LocationPrecision, precision or finest, "precision"))
    period = attrs.evolve(parse_period(occurred, until), estimated=estimated) if occurred else None
    ledger.app.correct_incident(key, reason, ledger.entry(), name, location, period, parent, description)
    _say(f"incident {key} corrected")


@incident_app.command("close")
def incident_close(ctx: typer.Context, key: str = typer.Argument(...), reason: str = typer.Option(...)) -> None:
    """Mark an incident closed (no more reports expected)."""
    ledger = _ledger(ctx)
    ledger.app.close_incident(key, reason, ledger.entry())
    _say(f"incident {key} closed")


@incident_app.command("list")
def incident_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List incidents with their parents."""
    _print_listing(_ledger(ctx), "incidents", fmt)


# Figures.


@figure_app.command("add")
def figure_add(
    ctx: typer.Context,
    incident: str = typer.Option(...),
    claimant: str = typer.Option(...),
    status: str = typer.Option(..., help="Victim status, e.g. civilian, security_forces/police, militant/bla."),
    outcome: str = typer.Option(..., help="killed, injured, missing or detained."),
    quantity: str = typer.Option(..., help="The words as written: '14', 'at least 216', 'dozens'."),
    reported: str = typer.Option(..., help="When the claim was made public."),
    estimated: bool = typer.Option(False, help="The reported time is an estimate."),
    role: str | None = typer.Option(None, help="Claimant's role (default: its role for this status)."),
    publisher: str | None = typer.Option(None),
    document: str | None = typer.Option(None, help="Document key."),
    quote: str | None = typer.Option(None, help="Exact words from the document."),
    occurred: str | None = typer.Option(None, help="When these casualties occurred (default: the incident's period)."),
    until: str | None = typer.Option(None),
    women: int | None = typer.Option(None, help="How many of them were women (part of the figure)."),
    children: int | None = typer.Option(None, help="How many of them were children (part of the figure)."),
    note: str = typer.Option(""),
) -> None:
    """Record a figure; prints its id."""
    from ledger.application.inputs import FigureInput
    from ledger.domain.values import SubCounts, parse_period

    ledger = _ledger(ctx)
    result = ledger.record_figure(
        FigureInput(
            incident=incident,
            claimant=claimant,
            victim_status=status,
            outcome=outcome,
            quantity=quantity,
            reported=_reported(reported, estimated),
            role=role,
            publisher=publisher,
            document=document,
            quote=quote,
            occurred=parse_period(occurred, until) if occurred else None,
            subcounts=SubCounts(women, children),
            note=note,
        )
    )
    typer.echo(str(result.figure_id))
    if not result.is_new:
        _say("already recorded: nothing added")


@figure_app.command("revise")
def figure_revise(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Id (or unique prefix) of the claimant's earlier figure."),
    quantity: str = typer.Option(...),
    reported: str = typer.Option(...),
    estimated: bool = typer.Option(False),
    document: str | None = typer.Option(None),
    quote: str | None = typer.Option(None),
    note: str = typer.Option(""),
) -> None:
    """Record the claimant's revised figure: a new fact in the same claim series."""
    result = _ledger(ctx).revise_figure(figure, quantity, _reported(reported, estimated), document, quote, note)
    typer.echo(str(result.figure_id))


@figure_app.command("withdraw")
def figure_withdraw(
    ctx: typer.Context,
    figure: str = typer.Argument(...),
    reason: str = typer.Option(..., help="What the claimant said, or why the figure no longer stands."),
    reported: str | None = typer.Option(None, help="When the claimant withdrew it."),
    document: str | None = typer.Option(None),
    quote: str | None = typer.Option(None),
) -> None:
    """Record that the claimant withdrew a figure."""
    when = _reported(reported, False) if reported else None
    figure_id = _ledger(ctx).withdraw_figure(figure, reason, when, document, quote)
    _say(f"figure {figure_id} withdrawn")


@figure_app.command("correct")
def figure_correct(
    ctx: typer.Context,
    figure: str = typer.Argument(...),
    reason: str = typer.Option(..., help="What was mistyped."),
    quantity: str | None = typer.Option(None, help="The right words."),
    role: str | None = typer.Option(None),
    reported: str | None = typer.Option(None),
) -> None:
    """Correct an analyst's data-entry mistake (not a claimant's revision)."""
    when = _reported(reported, False) if reported else None
    figure_id = _ledger(ctx).correct_figure(figure, reason, quantity, role, when)
    _say(f"figure {figure_id} corrected")


@figure_app.command("strike")
def figure_strike(ctx: typer.Context, figure: str = typer.Argument(...), reason: str = typer.Option(...)) -> None:
    """Strike out a figure entered in error (wrong incident, duplicate entry)."""
    figure_id = _ledger(ctx).strike_figure(figure, reason)
    _say(f"figure {figure_id} struck")


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


# `ledger export ...` lives in ledger/cli/transfer.py with the imports and charts.


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
    """Run read-only SQL against the DuckDB read model (tables: figures, tallies, facts, ...).

    The tables hold the whole history: filter on recorded_at / reported_at yourself, or give a view
    option (--as-of, --reported-before, --occurred-*) to get two temporary tables of that view:
    figures_asof (each figure with its state then) and tallies_asof (the policy's tally then),
    both with `view` and `log_position` columns.
    """
    view = _view(as_of, reported_before, occurred_from, occurred_to)
    if view.is_now:
        columns, rows = _ledger(ctx).query(sql)
    else:
        from ledger.history.facade import query_as_of

        _say(f"figures_asof and tallies_asof: {view.describe()}")
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


def _print_listing(ledger: Ledger, table: str, fmt: Format) -> None:
    rows = ledger.listing(table)
    columns = list(rows[0]) if rows else ["key"]
    render(columns, records(rows, columns), fmt)


def _view(
    as_of: str | None, reported_before: str | None, occurred_from: str | None = None, occurred_to: str | None = None
) -> Any:
    from ledger.readmodel.view import View

    return View.parse(as_of, reported_before, occurred_from, occurred_to)


def _reported(text: str, estimated: bool) -> Any:
    from ledger.domain.values import ReportedTime, parse_instant

    at, precision = parse_instant(text, "reported time")
    return ReportedTime(at, precision, estimated)


def _pairs(items: list[str], option: str) -> dict[str, str]:
    from ledger.errors import InvalidInput

    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise InvalidInput(f"{option} {item!r}: expected KEY=VALUE, e.g. militant=enemy_losses")
        pairs[key.strip()] = value.strip()
    return pairs


def _register_extensions() -> None:
    from ledger.cli import history, reconcile, transfer

    for module in (history, reconcile, transfer):
        module.register(app)


_register_extensions()


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
