"""CLI commands for extraction and review: `ledger extract` and `ledger review ...`; registered on the
main app by `register`. Each parses, makes one call into `ledger.extract.queue` and renders."""

# Real annotations, not strings: Typer reads them when it builds the commands (see ledger/cli/main.py).
from pathlib import Path
from typing import Any

import typer

from ledger.cli.render import Format, records, render

FORMAT = typer.Option(Format.table, "--format", "-f", help="Output format.")

review_app = typer.Typer(
    help="The review queue: figures proposed by `ledger extract`, to accept, edit or reject, alone or in bulk. "
    "Alone, `ledger review` lists the pending proposals.",
    invoke_without_command=True,
    rich_markup_mode=None,
)

QUEUE_COLUMNS = [
    "id", "state", "document", "incident", "claimant", "victim_status", "outcome", "quantity", "includes",
    "stance", "doubts", "sentence",
]  # fmt: skip
MORE_COLUMNS = [
    "proposal_id", "extractor", "part", "quantity_start", "quantity_end", "quote_start", "claimant_words",
    "women", "children", "role", "note", "changed", "edits", "figure_id", "recorded", "reason", "recorded_at",
    "analyst", "reviewed_at", "reviewed_by",
]  # fmt: skip
UNREAD_COLUMNS = ["document", "part", "start", "end", "reason", "text"]


def _ledger(ctx: typer.Context) -> Any:
    from ledger.cli.main import _ledger as make

    return make(ctx)


def _reported(text: str | None, estimated: bool) -> Any:
    if text is None:
        return None
    from ledger.domain.values import ReportedTime, parse_instant

    at, precision = parse_instant(text, "reported time")
    return ReportedTime(at, precision, estimated)


def _flat(row: dict[str, Any], figure: dict[str, Any]) -> dict[str, Any]:
    includes = ", ".join(f"{p['victim_status']}={p['quantity']}" for p in figure.get("includes") or ())
    return {
        **figure,
        **row,
        "id": row["id"][:8],
        "includes": includes or None,
        "doubts": "; ".join(figure.get("doubts") or ()) or None,
        "sentence": figure["quote"],
    }


def extract(
    ctx: typer.Context,
    document: str | None = typer.Argument(None, help="Key of a registered document (with --file: the key to archive it under)."),
    file: Path | None = typer.Option(None, "--file", help="Archive this UTF-8 text as a document first, then read it."),
    url: str | None = typer.Option(None, help="With --file: the document's URL."),
    title: str | None = typer.Option(None, help="With --file: its title."),
    publisher: str | None = typer.Option(None, help="With --file: its publisher's key."),
    published: str | None = typer.Option(None, help="With --file: its publication time (2026-02-05, 'Aug 2024', ...)."),
    estimated: bool = typer.Option(False, help="With --file: the publication time is an estimate."),
    headline: str | None = typer.Option(None, help="With --file: its headline (read too)."),
    incident: str | None = typer.Option(None, help="Every figure belongs to this incident (default: the one the text names)."),
    voice: str | None = typer.Option(
        None, help="Claimant whose own words the document is (a press release's issuer), for numbers it attributes to no one."
    ),
    reported: str | None = typer.Option(None, help="The figures' reported time (default: the document's publication)."),
    rules: int | None = typer.Option(None, help="Version of the extraction rules (default: the latest)."),
    fmt: Format = FORMAT,
) -> None:
    """Read a document and propose every figure it states, with its quote, into the review queue.

    Prints each proposal (new ones marked) and the sentences it could not read confidently."""
    from ledger.errors import InvalidInput
    from ledger.extract.queue import extract_document
    from ledger.extract.ruleset import LATEST

    ledger = _ledger(ctx)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidInput(f"document file {file}: cannot be read as UTF-8 text ({error}); check the path") from None
        doc_id = ledger.app.archive_document(
            ledger.entry(), text=text, url=url, title=title, publisher=publisher,
            published=_reported(published, estimated), key=document, headline=headline,
        )  # fmt: skip
        document = ledger.app.repository.get(doc_id).key
    elif document is None:
        raise InvalidInput("extract: say what to read; give a registered document's key, or --file PATH")
    elif any(v is not None for v in (url, title, publisher, published, headline)):
        raise InvalidInput("extract: --url, --title, --publisher, --published and --headline describe a new document; add --file")
    result = extract_document(ledger, document, incident, voice, _reported(reported, False), rules or LATEST)
    typer.echo(
        f"{result.document}: {len(result.proposals)} figures proposed by {result.extractor} ({result.new} new to the queue), "
        f"{len(result.unread)} sentences unread",
        err=True,
    )
    rows = [{**_flat(r, r), "proposal_id": r["id"], "new": r["new"]} for r in result.proposals]
    unread = [{"document": result.document, **u.to_dict()} for u in result.unread]
    if fmt is Format.json:
        import json

        payload = {"document": result.document, "extractor": result.extractor, "proposals": rows, "unread": unread}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        return
    columns = ["id", "new", *QUEUE_COLUMNS[3:]] if fmt is Format.table else ["new", *QUEUE_COLUMNS, *MORE_COLUMNS[1:7]]
    render(columns, records(rows, columns), fmt)
    if unread and fmt is Format.table:
        typer.echo("\nUnread (not read confidently; record what they say by hand):")
        render(UNREAD_COLUMNS, records(unread, UNREAD_COLUMNS), fmt)


@review_app.callback()
def review(ctx: typer.Context, fmt: Format = FORMAT) -> None:
    """The review queue; with no command, the pending proposals beside their sentences."""
    if ctx.invoked_subcommand is None:
        review_list(ctx, "pending", None, fmt)


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    state: str = typer.Option("pending", help="pending, accepted, rejected or all."),
    document: str | None = typer.Option(None, help="Only this document's proposals."),
    fmt: Format = FORMAT,
) -> None:
    """The queue's proposals beside their sentences (pending ones by default)."""
    from ledger.extract.queue import queue

    rows = queue(_ledger(ctx), None if state == "all" else state, document)
    flat = [_flat({**r, "id": r["proposal_id"]}, r["proposed"]) for r in rows]
    for row, raw in zip(flat, rows, strict=True):
        row.update(state=raw["state"], changed=", ".join(raw["changed"]) or None)
    columns = QUEUE_COLUMNS if fmt is Format.table else [*QUEUE_COLUMNS, *MORE_COLUMNS]
    render(columns, records(flat, columns), fmt)


@review_app.command("unread")
def review_unread(
    ctx: typer.Context,
    document: str | None = typer.Option(None, help="Only this document's sentences."),
    fmt: Format = FORMAT,
) -> None:
    """The sentences extraction could not read confidently, to record by hand."""
    from ledger.extract.queue import unread

    rows = unread(_ledger(ctx), document)
    render(["extractor", *UNREAD_COLUMNS], records(rows, ["extractor", *UNREAD_COLUMNS]), fmt)


IDS = typer.Argument(None, help="Proposal ids (or 6+ characters of each).")
DOCUMENT = typer.Option(None, "--document", help="Every pending proposal of this document.")
ALL = typer.Option(False, "--all", help="Every pending proposal.")


def _changes(**given: str | None) -> dict[str, str | None]:
    names = {"status": "victim_status"}
    return {names.get(k, k): v for k, v in given.items() if v is not None}


@review_app.command("edit")
def review_edit(
    ctx: typer.Context,
    ids: list[str] | None = IDS,
    document: str | None = DOCUMENT,
    every: bool = ALL,
    incident: str | None = typer.Option(None, help="Incident key."),
    claimant: str | None = typer.Option(None, help="Claimant key."),
    status: str | None = typer.Option(None, help="Victim status, e.g. civilian, security_forces/police, all."),
    outcome: str | None = typer.Option(None, help="killed, injured, missing or detained."),
    quantity: str | None = typer.Option(None, help="The number's words, as the sentence states them."),
    stance: str | None = typer.Option(None, help="stated, reported, alleged, claimed, denied or unconfirmed."),
    role: str | None = typer.Option(None, help="The claimant's role for this figure."),
    quote: str | None = typer.Option(None, help="A shorter quote from the document that still states the number."),
    includes: str | None = typer.Option(None, help="The total's parts, STATUS=QUANTITY,... ('' for none)."),
    note: str | None = typer.Option(None, help="Free text."),
    reason: str = typer.Option("", help="Why (kept with the edit)."),
) -> None:
    """Change fields of pending proposals; each edit is kept as a fact (field, before, after, who, when)."""
    from ledger.extract.queue import edit

    changes = _changes(incident=incident, claimant=claimant, status=status, outcome=outcome, quantity=quantity,
                       stance=stance, role=role, quote=quote, includes=includes, note=note)  # fmt: skip
    done = edit(_ledger(ctx), ids or [], changes, reason, document, every)
    typer.echo(f"{len(done)} proposals edited", err=True)


@review_app.command("accept")
def review_accept(
    ctx: typer.Context,
    ids: list[str] | None = IDS,
    document: str | None = DOCUMENT,
    every: bool = ALL,
    incident: str | None = typer.Option(None, help="Set the incident first (kept as an edit)."),
    claimant: str | None = typer.Option(None, help="Set the claimant first (kept as an edit)."),
    reason: str = typer.Option("", help="Why, for the edit made with --incident / --claimant."),
    fmt: Format = FORMAT,
) -> None:
    """Record proposals as figures, through the same path as `ledger figure add` (all or none); prints the figures."""
    from ledger.extract.queue import accept

    done = accept(_ledger(ctx), ids or [], _changes(incident=incident, claimant=claimant), document, every, reason)
    rows = [{"proposal": str(a.proposal_id)[:8], "figure_id": str(a.figure_id), "recorded": a.recorded} for a in done]
    render(["proposal", "figure_id", "recorded"], records(rows, ["proposal", "figure_id", "recorded"]), fmt)
    typer.echo(f"{len(done)} proposals accepted", err=True)


@review_app.command("reject")
def review_reject(
    ctx: typer.Context,
    ids: list[str] | None = IDS,
    document: str | None = DOCUMENT,
    every: bool = ALL,
    reason: str = typer.Option(..., help="Why the proposal is no figure to record."),
) -> None:
    """Reject proposals (kept as facts, with the reason); extracting again will not propose them."""
    from ledger.extract.queue import reject

    done = reject(_ledger(ctx), ids or [], reason, document, every)
    typer.echo(f"{len(done)} proposals rejected", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("extract")(extract)
    app.add_typer(review_app, name="review")
