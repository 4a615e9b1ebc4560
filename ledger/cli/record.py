"""CLI commands that record facts: register claimants, publishers, documents and incidents; record figures.

The groups themselves (`ledger claimant`, ...) are declared in ledger/cli/main.py, so `ledger --help` lists them
without importing this module; it is imported when one of them is used.
"""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ledger.cli.main import (
    FORMAT,
    _ledger,
    _say,
    claimant_app,
    document_app,
    figure_app,
    incident_app,
    publisher_app,
)
from ledger.cli.render import Format

if TYPE_CHECKING:
    from ledger.ledger import Ledger


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
    ledger = _ledger(ctx, create=True)
    roles = _pairs(role_default, "--role-default")
    ledger.app.register_claimant(key, name, kind, roles, reliability, ledger.entry(), description)
    _say(f"claimant {key} registered")


@claimant_app.command("grade")
def claimant_grade(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The claimant's key."),
    reliability: str = typer.Argument(..., help="Admiralty grade A-F."),
    reason: str = typer.Option(..., help="Why the grade changes."),
) -> None:
    """Set a claimant's reliability grade (kept as a new fact)."""
    ledger = _ledger(ctx)
    ledger.app.grade_claimant(key, reliability, reason, ledger.entry())
    _say(f"claimant {key} graded {reliability.upper()}")


@claimant_app.command("correct")
def claimant_correct(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The claimant's key (keys never change)."),
    reason: str = typer.Option(..., help="What was mistyped."),
    name: str | None = typer.Option(None, help="The corrected full name."),
    kind: str | None = typer.Option(None, help="The corrected kind (see `ledger claimant add --help`)."),
    role_default: list[str] = typer.Option(
        [], "--role-default", help="The corrected default roles, all of them: STATUS=ROLE, repeatable."
    ),
    description: str | None = typer.Option(None, help="The corrected description."),
) -> None:
    """Correct a mistyped claimant registration (kept as a new fact beside the original; grades: `claimant grade`)."""
    ledger = _ledger(ctx)
    roles = _pairs(role_default, "--role-default") if role_default else None
    ledger.app.correct_claimant(key, reason, ledger.entry(), name, kind, roles, description)
    _say(f"claimant {key} corrected")


@claimant_app.command("list")
def claimant_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List claimants as they stand now (corrections and grades applied)."""
    _print_listing(_ledger(ctx), "claimants", fmt)


@publisher_app.command("add")
def publisher_add(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Short key, e.g. 'dawn'."),
    name: str = typer.Option(..., help="The outlet's name."),
    kind: str = typer.Option("media", help="media, ngo, government, un, state_forces, armed_group, medical, other."),
    url: str | None = typer.Option(None, help="Its web address."),
) -> None:
    """Register a publisher."""
    ledger = _ledger(ctx, create=True)
    ledger.app.register_publisher(key, name, kind, url, ledger.entry())
    _say(f"publisher {key} registered")


@publisher_app.command("correct")
def publisher_correct(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The publisher's key (keys never change)."),
    reason: str = typer.Option(..., help="What was mistyped."),
    name: str | None = typer.Option(None, help="The corrected name."),
    kind: str | None = typer.Option(None, help="The corrected kind."),
    url: str | None = typer.Option(None, help="The corrected web address."),
) -> None:
    """Correct a mistyped publisher registration (kept as a new fact beside the original)."""
    ledger = _ledger(ctx)
    ledger.app.correct_publisher(key, reason, ledger.entry(), name, kind, url)
    _say(f"publisher {key} corrected")


@publisher_app.command("list")
def publisher_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List publishers as they stand now (corrections applied)."""
    _print_listing(_ledger(ctx), "publishers", fmt)


@document_app.command("add")
def document_add(
    ctx: typer.Context,
    file: Path | None = typer.Option(None, "--file", help="UTF-8 text to archive."),
    key: str | None = typer.Option(None, help="Short key (default: sha-<first 12 hex of SHA-256>)."),
    url: str | None = typer.Option(None, help="Where the document was published."),
    title: str | None = typer.Option(None, help="Its title or headline."),
    publisher: str | None = typer.Option(None, help="Publisher key."),
    published: str | None = typer.Option(
        None, help="Publication time: 2026, 2026-02, 'Aug 2024', 2026-W06, 2026-02-05 or an ISO timestamp."
    ),
    estimated: bool = typer.Option(False, help="The publication time is an estimate."),
    headline: str | None = typer.Option(None, help="The headline, kept apart from the body text; quotes may come from it."),
) -> None:
    """Archive a document; its SHA-256 fixes the text quotes are checked against."""
    from ledger.domain.values import ReportedTime, parse_instant
    from ledger.errors import InvalidInput

    ledger = _ledger(ctx, create=True)
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
        ledger.entry(), text=text, url=url, title=title, publisher=publisher, published=when, key=key, headline=headline
    )
    typer.echo(ledger.app.repository.get(doc_id).key)


@document_app.command("list")
def document_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List archived documents."""
    _print_listing(_ledger(ctx), "documents", fmt)


@incident_app.command("add")
def incident_add(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="Short key, e.g. 'nushki-standoff'."),
    name: str = typer.Option(..., help="A descriptive name."),
    country: str = typer.Option(..., help="Country where it happened."),
    occurred: str = typer.Option(..., help="Start: 2026, 2026-02 or 2026-02-03."),
    until: str | None = typer.Option(None, help="End date (default: the end of the start's period)."),
    estimated: bool = typer.Option(False, help="The dates are estimates."),
    adm1: str | None = typer.Option(None, help="Province or state."),
    adm2: str | None = typer.Option(None, help="District."),
    place: str | None = typer.Option(None, help="Town, village or site."),
    precision: str | None = typer.Option(None, help="place, adm2, adm1 or country (default: the finest given)."),
    parent: str | None = typer.Option(None, help="Key of the campaign or incident this one is part of."),
    description: str = typer.Option("", help="Free text."),
) -> None:
    """Register an incident, optionally inside a parent incident."""
    import attrs

    from ledger.domain.values import Location, parse_period
    from ledger.domain.vocabulary import LocationPrecision, parse_enum

    ledger = _ledger(ctx, create=True)
    finest = "place" if place else "adm2" if adm2 else "adm1" if adm1 else "country"
    location = Location(country, adm1, adm2, place, parse_enum(LocationPrecision, precision or finest, "precision"))
    period = attrs.evolve(parse_period(occurred, until), estimated=estimated)
    ledger.app.register_incident(key, name, location, period, ledger.entry(), parent=parent, description=description)
    _say(f"incident {key} registered")


@incident_app.command("correct")
def incident_correct(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The incident's key (keys never change)."),
    reason: str = typer.Option(..., help="What was mistyped."),
    name: str | None = typer.Option(None, help="The corrected name."),
    country: str | None = typer.Option(None, help="Give the whole corrected location: country, adm1, adm2, place."),
    adm1: str | None = typer.Option(None, help="Corrected province or state (with --country)."),
    adm2: str | None = typer.Option(None, help="Corrected district (with --country)."),
    place: str | None = typer.Option(None, help="Corrected town, village or site (with --country)."),
    precision: str | None = typer.Option(None, help="place, adm2, adm1 or country (default: the finest given)."),
    occurred: str | None = typer.Option(None, help="Corrected start: 2026, 2026-02 or 2026-02-03."),
    until: str | None = typer.Option(None, help="Corrected end date (with --occurred)."),
    estimated: bool = typer.Option(False, help="The corrected dates are estimates."),
    parent: str | None = typer.Option(None, help="Key of the corrected parent incident."),
    description: str | None = typer.Option(None, help="The corrected description."),
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
def incident_close(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The incident's key."),
    reason: str = typer.Option(..., help="Why no more reports are expected."),
) -> None:
    """Mark an incident closed (no more reports expected)."""
    ledger = _ledger(ctx)
    ledger.app.close_incident(key, reason, ledger.entry())
    _say(f"incident {key} closed")


@incident_app.command("reopen")
def incident_reopen(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The incident's key."),
    reason: str = typer.Option(..., help="Why reports are expected again."),
) -> None:
    """Reopen a closed incident."""
    ledger = _ledger(ctx)
    ledger.app.reopen_incident(key, reason, ledger.entry())
    _say(f"incident {key} reopened")


@incident_app.command("list")
def incident_list(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """List incidents with their parents."""
    _print_listing(_ledger(ctx), "incidents", fmt)


# Figures.


@figure_app.command("add")
def figure_add(
    ctx: typer.Context,
    incident: str = typer.Option(..., help="Incident key."),
    claimant: str = typer.Option(..., help="Claimant key: who made the claim."),
    status: str = typer.Option(
        ..., help="Victim status, e.g. civilian, security_forces/police, militant/bla, or 'all' for a total."
    ),
    outcome: str = typer.Option(..., help="killed, injured, missing or detained."),
    quantity: str = typer.Option(..., help="The words as written: '14', 'at least 216', 'dozens', 'allegedly seven'."),
    reported: str = typer.Option(..., help="When the claim was made public: 2026-02-05, 'Aug 2024', 2026-W06, 2026..."),
    estimated: bool = typer.Option(False, help="The reported time is an estimate."),
    role: str | None = typer.Option(None, help="Claimant's role (default: its role for this status)."),
    publisher: str | None = typer.Option(None, help="Publisher key (default: the document's publisher)."),
    document: str | None = typer.Option(None, help="Document key."),
    quote: str | None = typer.Option(None, help="Exact words from the document; they must state the number."),
    quote_part: str | None = typer.Option(None, "--quote-part", help="body or headline (default: the body, then the headline)."),
    stance: str | None = typer.Option(
        None, help="stated, reported, alleged, claimed, denied or unconfirmed (default: read from the words)."
    ),
    derived: str | None = typer.Option(
        None, help="How the number was worked out, when no quote states it: '41 total minus 14 security personnel'."
    ),
    includes: list[str] = typer.Option(
        [], "--includes", help="A named part of a total, STATUS=QUANTITY, e.g. security_forces=14. Repeatable."
    ),
    includes_quote: list[str] = typer.Option(
        [], "--includes-quote", help="The part's own quote, in the order of --includes (default: the total's quote)."
    ),
    carried_via: list[str] = typer.Option(
        [], "--carried-via", help="Publisher key the carrier cites ('Mehr News via Dawn': dawn). Repeatable, nearest first."
    ),
    occurred: str | None = typer.Option(None, help="When these casualties occurred (default: the incident's period)."),
    until: str | None = typer.Option(None, help="Last day of that period (with --occurred)."),
    women: int | None = typer.Option(None, help="How many of them were women (part of the figure)."),
    children: int | None = typer.Option(None, help="How many of them were children (part of the figure)."),
    note: str = typer.Option("", help="Free text."),
) -> None:
    """Record a figure (a total with its named parts, in one go); prints its id.

    The same claimant's same number for the same cell, reported the same day through another
    publisher or document, is recorded as one more carrier of that statement, not a revision."""
    from ledger.application.inputs import FigureInput, PartInput
    from ledger.domain.values import SubCounts, parse_period
    from ledger.errors import InvalidInput

    if len(includes_quote) > len(includes):
        raise InvalidInput("--includes-quote: more quotes than --includes parts; give one --includes per quote")
    parts = []
    for n, (part_status, part_quantity) in enumerate(_pairs(includes, "--includes").items()):
        part_quote = includes_quote[n] if n < len(includes_quote) else None
        parts.append(PartInput(part_status, part_quantity, part_quote))
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
            stance=stance,
            derived=derived,
            includes=tuple(parts),
            carried_via=tuple(carried_via),
            quote_part=quote_part,
        )
    )
    typer.echo(str(result.figure_id))
    if result.carried:
        _say(f"the same statement as figure {result.figure_id}, now carried by one more source")
    elif not result.is_new:
        _say("already recorded: nothing added")


@figure_app.command("revise")
def figure_revise(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Id (or unique prefix) of the claimant's earlier figure."),
    quantity: str = typer.Option(..., help="The revised words as written: '14', 'at least 230'."),
    reported: str = typer.Option(..., help="When the revision was made public."),
    estimated: bool = typer.Option(False, help="The reported time is an estimate."),
    document: str | None = typer.Option(None, help="Document key of the revision (default: none; the publisher stays)."),
    quote: str | None = typer.Option(None, help="Exact words from that document."),
    note: str = typer.Option("", help="Free text."),
) -> None:
    """Record the claimant's revised figure: a new fact in the same claim series."""
    result = _ledger(ctx).revise_figure(figure, quantity, _reported(reported, estimated), document, quote, note)
    typer.echo(str(result.figure_id))


@figure_app.command("withdraw")
def figure_withdraw(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Id (or 6+ characters of it) of the figure withdrawn."),
    reason: str = typer.Option(..., help="What the claimant said, or why the figure no longer stands."),
    reported: str | None = typer.Option(None, help="When the claimant withdrew it."),
    document: str | None = typer.Option(None, help="Document key of the withdrawal."),
    quote: str | None = typer.Option(None, help="Exact words from that document."),
) -> None:
    """Record that the claimant withdrew a figure."""
    when = _reported(reported, False) if reported else None
    figure_id = _ledger(ctx).withdraw_figure(figure, reason, when, document, quote)
    _say(f"figure {figure_id} withdrawn")


@figure_app.command("correct")
def figure_correct(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Id (or 6+ characters of it) of the figure mistyped."),
    reason: str = typer.Option(..., help="What was mistyped."),
    quantity: str | None = typer.Option(None, help="The right words."),
    role: str | None = typer.Option(None, help="The right role of the claimant for this figure."),
    reported: str | None = typer.Option(None, help="The right reported time."),
    stance: str | None = typer.Option(None, help="The right stance: stated, reported, alleged, claimed, denied, unconfirmed."),
    derived: str | None = typer.Option(None, help="How the figure was in fact worked out, when its quote does not state it."),
    document: str | None = typer.Option(None, help="The document the figure was really read from (its key)."),
    quote: str | None = typer.Option(None, help="The exact words it was read from (in --document, else its own)."),
) -> None:
    """Correct an analyst's data-entry mistake (not a claimant's revision): words, role, time or citation."""
    when = _reported(reported, False) if reported else None
    figure_id = _ledger(ctx).correct_figure(
        figure, reason, quantity, role, when, stance=stance, derived=derived, document=document, quote=quote
    )
    _say(f"figure {figure_id} corrected")


@figure_app.command("strike")
def figure_strike(
    ctx: typer.Context,
    figure: str = typer.Argument(..., help="Id (or 6+ characters of it) of the figure entered in error."),
    reason: str = typer.Option(..., help="What the entry error was."),
) -> None:
    """Strike out a figure entered in error (wrong incident, duplicate entry)."""
    figure_id = _ledger(ctx).strike_figure(figure, reason)
    _say(f"figure {figure_id} struck")


# Helpers.


def _print_listing(ledger: "Ledger", table: str, fmt: Format) -> None:
    from ledger.cli.main import _print_read
    from ledger.readmodel.columns import LISTINGS, READ_ENVELOPE

    rows = ledger.listing(table)
    title = f"{table.capitalize()}, {rows.view}, event-log position {rows.position}"
    _print_read(title, rows, [*LISTINGS[table], *READ_ENVELOPE], LISTINGS[table], fmt)


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
