"""The use-cases of extraction and review, one function each, over a `Ledger`: extract a document
into the queue, list the queue, edit, accept (through the same path as `figure add`) or reject.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.persistence import IntegrityError

from ledger.application.app import RejectedImport
from ledger.application.inputs import FigureInput, PartInput
from ledger.domain.quantity import parse_quantity, states_quantity
from ledger.domain.stance import read_stance
from ledger.domain.values import ReportedTime, SubCounts
from ledger.domain.vocabulary import Outcome, Role, Stance, parse_enum, parse_victim_status
from ledger.errors import InvalidInput, NotFound
from ledger.extract.extractor import Context, IncidentRef, extract
from ledger.extract.proposals import EDITABLE, ProposedFigure, ProposedPart, Unread
from ledger.extract.review import ACCEPTED, PENDING, REJECTED, Extraction, Proposal, extraction_id, proposal_id
from ledger.extract.ruleset import LATEST, load_rules

if TYPE_CHECKING:
    from ledger.ledger import Ledger

STATES = (PENDING, ACCEPTED, REJECTED)


@attrs.frozen
class ExtractResult:
    document: str
    extractor: str
    proposals: list[dict[str, Any]]  # every proposal of this reading, each with `id` and `new`
    unread: list[Unread]

    @property
    def new(self) -> int:
        return sum(1 for p in self.proposals if p["new"])


def extract_document(
    ledger: Ledger,
    document: str,
    incident: str | None = None,
    voice: str | None = None,
    reported: ReportedTime | None = None,
    rules_version: int = LATEST,
) -> ExtractResult:
    """Read a registered document and put what it proposes in the review queue (only what is not
    there yet: a figure proposed, accepted or rejected before is not proposed again)."""
    rules = load_rules(rules_version)
    app = ledger.app
    doc = app.document(document)
    if doc.text is None and doc.headline is None:
        raise InvalidInput(
            f"document {document!r}: has no archived text to read; archive its text with `ledger document add --file`"
        )
    when = reported or doc.published
    if when is None:
        raise InvalidInput(f"document {document!r}: has no publication time; give the figures' reported time with --reported")
    if incident is not None:
        app.incident(incident)  # raises NotFound with the fix
    if voice is not None:
        app.claimant(voice)
    with ledger.reading() as con:
        claimants = dict(con.execute("SELECT key, name FROM claimants").fetchall())
        incidents = tuple(
            IncidentRef(key, parent, place)
            for key, parent, place in con.execute(
                "SELECT i.key, p.key, coalesce(i.place, i.adm2, i.adm1) FROM incidents i "
                "LEFT JOIN incidents p ON p.incident_id = i.parent_id ORDER BY i.key"
            ).fetchall()
        )
    context = Context(claimants, incidents, incident, voice)
    reading = extract(doc.text, doc.headline, context, rules)
    ids = [proposal_id(doc.id, p.part, p.quantity_start, p.quantity_end) for p in reading.proposals]
    existing = app.get_many(set(ids))
    entry = ledger.entry(f"extract:{reading.extractor}")
    fresh: dict[uuid.UUID, Proposal] = {}
    for pid, figure in zip(ids, reading.proposals, strict=True):
        if pid in existing or pid in fresh:
            continue
        proposed = {**figure.to_dict(), "reported": when.to_dict()}
        fresh[pid] = Proposal(document_id=doc.id, extractor=reading.extractor, proposed=proposed, entry=entry)
    run = None
    if extraction_id(doc.id, reading.extractor) not in app.get_many({extraction_id(doc.id, reading.extractor)}):
        unread = [u.to_dict() for u in reading.unread]
        run = Extraction(
            document_id=doc.id, extractor=reading.extractor, proposal_ids=[str(i) for i in ids], unread=unread, entry=entry
        )
    if fresh or run:
        with contextlib.suppress(IntegrityError):  # another process queued the same reading first
            app.save(*fresh.values(), *([run] if run else []))  # one transaction
    rows = [{"id": str(pid), "new": pid in fresh, **figure.to_dict()} for pid, figure in zip(ids, reading.proposals, strict=True)]
    return ExtractResult(doc.key, reading.extractor, rows, list(reading.unread))


# --- reading the queue ---------------------------------------------------------------------------

QUEUE_SQL = """
SELECT p.proposal_id, p.state, d.key AS document, p.extractor, p.proposed, p.original, p.edits, p.figure_id,
       p.recorded, p.reason, p.position, p.recorded_at, p.analyst, p.reviewed_at, p.reviewed_by
FROM proposals p LEFT JOIN documents d USING (document_id)
WHERE ($state IS NULL OR p.state = $state) AND ($document IS NULL OR d.key = $document)
ORDER BY d.key, p.position
"""


def queue(ledger: Ledger, state: str | None = PENDING, document: str | None = None) -> list[dict[str, Any]]:
    """The queue's proposals (pending by default; None: all), each with its figure as it now stands."""
    if state is not None and state not in STATES:
        raise InvalidInput(f"state {state!r}: unknown; use one of {', '.join(STATES)} or all")
    with ledger.reading() as con:
        if document is not None and not con.execute("SELECT 1 FROM documents WHERE key = ?", [document.lower()]).fetchone():
            raise NotFound(f"document {document!r}: not in the ledger; list documents with `ledger document list`")
        cursor = con.execute(QUEUE_SQL, {"state": state, "document": document.lower() if document else None})
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        row["proposed"] = json.loads(row["proposed"])
        row["original"] = json.loads(row["original"])
        row["changed"] = sorted(k for k in EDITABLE if row["proposed"].get(k) != row["original"].get(k))
    return rows


def unread(ledger: Ledger, document: str | None = None) -> list[dict[str, Any]]:
    """The sentences each extraction could not read confidently."""
    with ledger.reading() as con:
        found = con.execute(
            "SELECT d.key, x.extractor, x.unread FROM extractions x LEFT JOIN documents d USING (document_id) "
            "WHERE $document IS NULL OR d.key = $document ORDER BY x.position",
            {"document": document.lower() if document else None},
        ).fetchall()
    return [{"document": key, "extractor": extractor, **u} for key, extractor, text in found for u in json.loads(text)]


def _select(ledger: Ledger, refs: Sequence[str], document: str | None, every: bool) -> list[uuid.UUID]:
    """Proposals by id (or unique prefix of 6+ characters), or every pending one (of a document)."""
    if not refs and not (every or document):
        raise InvalidInput("review: say which proposals; give their ids, or --document KEY or --all for every pending one")
    if refs and (every or document):
        raise InvalidInput("review: give proposal ids or a selection (--document, --all), not both")
    if not refs:
        return [uuid.UUID(r["proposal_id"]) for r in queue(ledger, PENDING, document)]
    everything = queue(ledger, None)
    chosen = []
    for ref in refs:
        ref = ref.strip().lower()
        if len(ref) < 6:
            raise InvalidInput(f"proposal {ref!r}: too short; give at least 6 characters of its id")
        found = [r["proposal_id"] for r in everything if r["proposal_id"].startswith(ref)]
        if not found:
            raise NotFound(f"proposal {ref!r}: not in the review queue; list ids with `ledger review list --state all`")
        if len(found) > 1:
            raise InvalidInput(f"proposal {ref!r}: matches {len(found)} proposals; give more of the id")
        chosen.append(uuid.UUID(found[0]))
    return list(dict.fromkeys(chosen))


def _proposals(ledger: Ledger, ids: Sequence[uuid.UUID]) -> list[Proposal]:
    found = ledger.app.get_many(set(ids))
    return [found[i] for i in ids]


# --- reviewing -----------------------------------------------------------------------------------


def edited(proposal: Proposal, changes: dict[str, str | None]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The proposal's figure with the analyst's changes, checked, and each change as [before, after]."""
    figure = dict(proposal.proposed)
    diff: dict[str, list[Any]] = {}
    for field, value in changes.items():
        if value is None:
            continue
        if field not in EDITABLE and field != "includes":
            raise InvalidInput(f"edit {field!r}: not a field of a proposal; edit one of {', '.join(EDITABLE)} or includes")
        new: Any = _checked(field, value, figure)
        if new != figure.get(field):
            diff[field] = [figure.get(field), new]
            figure[field] = new
    if "quote" in diff:
        figure["quote_start"] = None  # located again in the document when accepted
    return figure, diff


def _checked(field: str, value: str, figure: dict[str, Any]) -> Any:
    value = value.strip()
    if field == "victim_status":
        return parse_victim_status(value)
    if field == "outcome":
        return parse_enum(Outcome, value, "outcome").value
    if field == "stance":
        return parse_enum(Stance, value, "stance").value
    if field == "role":
        return parse_enum(Role, value, "role").value
    if field == "quantity":
        quantity = parse_quantity(value)
        if not states_quantity(figure["quote"], quantity):
            raise InvalidInput(
                f"quantity {value!r}: the proposal's sentence does not state it; edit the number to what the sentence "
                "says, or reject the proposal and record a derived figure with `ledger figure add --derived`"
            )
        return quantity.text
    if field == "includes":
        parts = []
        for item in filter(None, (s.strip() for s in value.split(","))):
            status, sep, words = item.partition("=")
            if not sep:
                raise InvalidInput(f"includes {item!r}: expected STATUS=QUANTITY, e.g. security_forces=14")
            parts.append(ProposedPart(parse_victim_status(status), parse_quantity(words).text, -1, -1).to_dict())
        return parts
    if field in ("incident", "claimant") and not value:
        raise InvalidInput(f"edit {field}: must not be empty; give a key")
    return value.lower() if field in ("incident", "claimant") else value


def edit(ledger: Ledger, refs: Sequence[str], changes: dict[str, str | None], reason: str = "",
         document: str | None = None, every: bool = False) -> list[uuid.UUID]:  # fmt: skip
    """Change fields of pending proposals (claimant, status, incident...), each change a fact."""
    proposals = _proposals(ledger, _select(ledger, refs, document, every))
    entry = ledger.entry("review")
    for proposal in proposals:
        figure, diff = edited(proposal, changes)
        proposal.edit(diff, figure, reason, entry)
    if proposals:
        ledger.app.save(*proposals)
    return [p.id for p in proposals]


def reject(ledger: Ledger, refs: Sequence[str], reason: str, document: str | None = None, every: bool = False) -> list[uuid.UUID]:
    proposals = _proposals(ledger, _select(ledger, refs, document, every))
    entry = ledger.entry("review")
    for proposal in proposals:
        proposal.reject(reason, entry)
    if proposals:
        ledger.app.save(*proposals)
    return [p.id for p in proposals]


@attrs.frozen
class Accepted:
    proposal_id: uuid.UUID
    figure_id: uuid.UUID
    recorded: str  # new, carried, known


def accept(ledger: Ledger, refs: Sequence[str], changes: dict[str, str | None] | None = None,
           document: str | None = None, every: bool = False, reason: str = "") -> list[Accepted]:  # fmt: skip
    """Record pending proposals as figures through the same path as `figure add` (all or none: every
    figure is checked before any is written), then mark them accepted. Changes given here are
    recorded as an edit first."""
    proposals = _proposals(ledger, _select(ledger, refs, document, every))
    entry = ledger.entry("review")
    for proposal in proposals:
        proposal.require_pending("accept")
        if changes:
            figure, diff = edited(proposal, changes)
            if diff:
                proposal.edit(diff, figure, reason, entry)
    documents = {p.document_id: ledger.app.repository.get(p.document_id).key for p in proposals}
    by_extractor: dict[str, list[tuple[int, Proposal]]] = {}
    for n, proposal in enumerate(proposals):
        by_extractor.setdefault(proposal.extractor, []).append((n, proposal))
    results: list[Accepted] = []
    for extractor, batch in by_extractor.items():
        inputs = [_figure_input(ledger, p, documents[p.document_id], n) for n, p in batch]
        try:
            recorded = ledger.record_figures(inputs, via=f"extract:{extractor}")
        except RejectedImport as rejected:
            first = rejected.errors[0]
            which = proposals[first.line or 0].short if first.line is not None else "?"
            more = f" (and {len(rejected.errors) - 1} more)" if len(rejected.errors) > 1 else ""
            raise InvalidInput(f"proposal {which}: {first.message}{more}; nothing was accepted") from None
        totals = [r for r in recorded if r.part_of is None]
        parts = [r for r in recorded if r.part_of is not None]
        for (_, proposal), total in zip(batch, totals, strict=True):
            part_ids = [str(r.figure_id) for r in parts if r.part_of == total.figure_id]
            state = "known" if not total.is_new else "carried" if total.carried else "new"
            proposal.accept(total.figure_id, part_ids, state, entry)
            results.append(Accepted(proposal.id, total.figure_id, state))
    if proposals:
        ledger.app.save(*proposals)
    return results


def _figure_input(ledger: Ledger, proposal: Proposal, document: str, line: int) -> FigureInput:
    figure = ProposedFigure.from_dict(proposal.proposed)
    if not figure.incident:
        raise InvalidInput(
            f"proposal {proposal.short}: the text does not make its incident clear; give it with "
            f"`ledger review edit {proposal.short} --incident KEY` (or accept with --incident KEY)"
        )
    if not figure.claimant:
        raise InvalidInput(
            f"proposal {proposal.short}: no claimant named; give it with `ledger review edit {proposal.short} --claimant KEY`"
        )
    try:
        ledger.app.claimant(figure.claimant)
    except NotFound:
        register = ""
        if figure.claimant_name and figure.claimant_kind:
            register = (
                f"`ledger claimant add {figure.claimant} --name {figure.claimant_name!r} --kind {figure.claimant_kind}`, or "
            )
        raise NotFound(
            f"proposal {proposal.short}: claimant {figure.claimant!r} is not in the ledger; register it with {register}"
            f"edit the proposal's claimant with `ledger review edit {proposal.short} --claimant KEY`"
        ) from None
    reported = proposal.proposed["reported"]
    stance = figure.stance
    # The stance goes in as read from the words when the quote's words give it; only a stance the
    # quote alone would not give (read in the figure's clause, or set by the analyst) is passed on.
    from_words = read_stance(figure.quote)
    if stance == (from_words.value if from_words else Stance.STATED.value):
        stance = None  # type: ignore[assignment]
    return FigureInput(
        incident=figure.incident,
        claimant=figure.claimant,
        victim_status=figure.victim_status,
        outcome=figure.outcome,
        quantity=figure.quantity,
        reported=ReportedTime.from_dict(reported),
        role=figure.role,
        document=document,
        quote=figure.quote,
        quote_start=figure.quote_start,
        quote_part=figure.part,
        stance=stance,
        subcounts=SubCounts(figure.women, figure.children),
        note=figure.note,
        includes=tuple(PartInput(p.victim_status, p.quantity) for p in figure.includes),
        line=line,
    )
