"""What import rows refer to: things registered in the ledger, or registered earlier in the same file.

An import checks every row before it writes anything, so it cannot lean on the application's own
registration (which saves at once). Registrations in a file are built here as unsaved aggregates,
with the same checks `LedgerApplication.register_*` makes, and figures are checked against them.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar

import attrs

from ledger.application.inputs import FigureInput, figure_reference
from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.claimant import Claimant, Publisher
from ledger.domain.document import Document
from ledger.domain.ids import check_key, sha256_text
from ledger.domain.incident import Incident
from ledger.domain.limits import check_key_length, check_url
from ledger.domain.published import PublishedRow, published_row_key
from ledger.domain.quantity import parse_quantity, states_quantity
from ledger.domain.series import check_figure, figure_fingerprint, series_id
from ledger.domain.values import Citation, Location, Period, ReportedTime, SubCounts
from ledger.domain.vocabulary import ClaimantKind, Outcome, Reliability, Role, Stance, parse_enum, parse_victim_status
from ledger.errors import InvalidInput, LedgerError, NotFound


@attrs.frozen
class FieldProblem:
    column: str | None
    value: str | None
    problem: str


class RowInvalid(InvalidInput):
    """One row's problems, column by column."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.problem for p in self.problems))


T = TypeVar("T")


class Checks:
    """Runs checks field by field, keeping every problem rather than stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def __call__(self, column: str, value: Any, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except RowInvalid as invalid:
            self.problems.extend(invalid.problems)
        except LedgerError as error:
            self.problems.append(FieldProblem(column, None if value is None else str(value), str(error)))
        except (TypeError, AttributeError) as error:  # a JSON value of the wrong type, e.g. a number for a role
            self.problems.append(FieldProblem(column, None if value is None else str(value), f"{column}: wrong type ({error})"))
        return None

    def done(self) -> None:
        if self.problems:
            raise RowInvalid(self.problems)


def _required(value: str | None, what: str) -> str:
    if not value or not value.strip():
        raise InvalidInput(f"{what}: must not be empty; give a short text")
    return value.strip()


# --- registrations --------------------------------------------------------------------------------


@attrs.frozen
class ClaimantSpec:
    KIND: ClassVar[str] = "claimant"
    COMPARED: ClassVar[tuple[str, ...]] = ("name", "kind", "default_roles", "reliability")
    key: str
    name: str
    kind: str
    reliability: str = "F"
    default_roles: dict[str, str] = attrs.field(factory=dict)
    description: str = ""

    def build(self, catalog: Catalog, entry: Entry) -> Claimant:
        check = Checks()
        key = check("key", self.key, lambda: check_key(self.key, "claimant"))
        name = check("name", self.name, lambda: _required(self.name, f"claimant {self.key!r} name"))
        kind = check("kind", self.kind, lambda: parse_enum(ClaimantKind, self.kind, "claimant kind").value)
        grade = check("reliability", self.reliability, lambda: parse_enum(Reliability, self.reliability, "reliability").value)
        roles = check("default_roles", self.default_roles, lambda: _roles(self.default_roles))
        check.done()
        return Claimant(
            key=key, name=name, kind=kind, default_roles=roles, reliability=grade, description=self.description, entry=entry
        )


def _roles(default_roles: dict[str, str]) -> dict[str, str]:
    return {
        (status if status == "*" else parse_victim_status(status)): parse_enum(Role, role, "role").value
        for status, role in default_roles.items()
    }


@attrs.frozen
class PublisherSpec:
    KIND: ClassVar[str] = "publisher"
    COMPARED: ClassVar[tuple[str, ...]] = ("name", "kind", "url")
    key: str
    name: str
    kind: str = "media"
    url: str | None = None

    def build(self, catalog: Catalog, entry: Entry) -> Publisher:
        check = Checks()
        key = check("key", self.key, lambda: check_key(self.key, "publisher"))
        name = check("name", self.name, lambda: _required(self.name, f"publisher {self.key!r} name"))
        kind = check("kind", self.kind, lambda: parse_enum(ClaimantKind, self.kind, "publisher kind").value)
        check("url", self.url, lambda: check_url(f"publisher {self.key!r}", self.url))
        check.done()
        return Publisher(key=key, name=name, kind=kind, url=self.url, entry=entry)


@attrs.frozen
class DocumentSpec:
    KIND: ClassVar[str] = "document"
    COMPARED: ClassVar[tuple[str, ...]] = ("sha256", "url", "title", "publisher_id", "headline")
    key: str
    text: str | None = None
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: ReportedTime | None = None
    headline: str | None = None

    def build(self, catalog: Catalog, entry: Entry) -> Document:
        check = Checks()
        if self.text is None and not (self.url or self.title):
            check.problems.append(FieldProblem("text", None, "document: give its text, or at least a URL or title"))
        key = check("key", self.key, lambda: check_key(self.key, "document"))
        check("url", self.url, lambda: check_url(f"document {self.key!r}", self.url))
        publisher = None
        if self.publisher:
            publisher = check("publisher", self.publisher, lambda: catalog.get("publisher", self.publisher or "").id)
        check.done()
        return Document(
            key=key,
            sha256=sha256_text(self.text) if self.text is not None else None,
            text=self.text,
            url=self.url,
            title=self.title,
            publisher_id=publisher,
            published=self.published,
            entry=entry,
            headline=self.headline.strip() if self.headline else None,
        )


@attrs.frozen
class IncidentSpec:
    KIND: ClassVar[str] = "incident"
    COMPARED: ClassVar[tuple[str, ...]] = ("name", "parent_id", "location", "period")
    key: str
    name: str
    location: Location
    period: Period
    parent: str | None = None
    description: str = ""

    def build(self, catalog: Catalog, entry: Entry) -> Incident:
        check = Checks()
        key = check("key", self.key, lambda: check_key(self.key, "incident"))
        name = check("name", self.name, lambda: _required(self.name, f"incident {self.key!r} name"))
        parent = check("parent", self.parent, lambda: self._parent(catalog)) if self.parent else None
        check.done()
        return Incident(
            key=key,
            name=name,
            parent_id=parent.id if parent else None,
            location=self.location,
            period=self.period,
            description=self.description,
            entry=entry,
        )

    def _parent(self, catalog: Catalog) -> Incident:
        parent: Incident = catalog.get("incident", self.parent or "")
        if self.period.start < parent.period.start or self.period.end > parent.period.end:
            raise InvalidInput(
                f"incident {self.key!r}: period {self.period.start}..{self.period.end} lies outside its parent "
                f"{parent.key!r} ({parent.period.start}..{parent.period.end}); widen the parent or fix the dates"
            )
        return parent


@attrs.frozen
class PublishedRowSpec:
    """The row a dataset published for an incident, kept whole; the same row again is already there."""

    KIND: ClassVar[str] = "published_row"
    COMPARED: ClassVar[tuple[str, ...]] = ("columns",)
    incident: str
    dataset: str
    file: str
    sha256: str
    line: int
    columns: dict[str, str]
    # Worked out once: the pipeline asks for a spec's key several times per row.
    key: str = attrs.field(
        init=False, default=attrs.Factory(lambda spec: published_row_key(spec.incident, spec.columns), takes_self=True)
    )

    def build(self, catalog: Catalog, entry: Entry) -> PublishedRow:
        incident = catalog.get("incident", self.incident)
        return PublishedRow(
            key=self.key, incident_id=incident.id, dataset=self.dataset, file=self.file, sha256=self.sha256,
            line=self.line, columns=self.columns, entry=entry,
        )  # fmt: skip


Spec = ClaimantSpec | PublisherSpec | DocumentSpec | IncidentSpec | PublishedRowSpec


@attrs.frozen
class Offer:
    status: str  # "new", "known" (same as registered), "kept" (registered differently; kept as it is)
    differing: tuple[str, ...] = ()


# --- the catalog ----------------------------------------------------------------------------------


class Catalog:
    """Lookups by natural key over the ledger plus the registrations an import will write.

    strict: a registration that differs from the ledger's is a row problem (the ledger's own
    formats); otherwise the ledger's is kept and reported (published datasets revise their rows).
    """

    CACHE = 10_000  # lookups kept; an import of 400,000 UCDP events must not hold them all

    def __init__(
        self, app: Any, entry: Entry, strict: bool = True, missing_hint: Callable[[str], str | None] | None = None
    ) -> None:
        self.app, self.entry, self.strict = app, entry, strict
        self.missing_hint = missing_hint  # the file format's own way to supply a missing kind, if it has one
        self.figured: set[str] = set()  # incidents some checked figure names (a later period correction must precede them)
        self.pending: dict[tuple[str, str], LedgerAggregate] = {}
        self.row_pending: dict[tuple[str, str], LedgerAggregate] = {}
        self._found: OrderedDict[tuple[str, str], LedgerAggregate | None] = OrderedDict()

    def existing(self, kind: str, key: str) -> Any:
        """The registered aggregate, or None."""
        slot = (kind, key.strip().lower())
        if slot in self._found:
            self._found.move_to_end(slot)
            return self._found[slot]
        try:
            found = getattr(self.app, kind)(key)
        except NotFound:
            found = None
        self._remember(slot, found)
        return found

    def prefetch(self, items: Iterable[Any]) -> None:
        """Look up, in one query, the registered things these rows' items name that are not at hand."""
        wanted = set()
        for kind, key in _names(items):
            if not isinstance(key, str) or not key.strip():
                continue  # a wrong key is the row's problem, reported when the row is checked
            slot = (kind, key.strip().lower())
            if slot not in self._found and slot not in self.pending:
                wanted.add(slot)
        for slot, found in self.app.find_registered(wanted).items():
            self._remember(slot, found)

    def _remember(self, slot: tuple[str, str], found: LedgerAggregate | None) -> None:
        self._found[slot] = found
        if len(self._found) > self.CACHE:
            self._found.popitem(last=False)

    def forget(self, kind: str, key: str) -> None:
        self._found.pop((kind, key.strip().lower()), None)

    def get(self, kind: str, key: str) -> Any:
        check_key_length(kind, key)  # a key no registration can have: named briefly, not echoed whole
        slot = (kind, key.strip().lower())
        found = self.row_pending.get(slot) or self.pending.get(slot) or self.existing(kind, key)
        if found is None:
            other = self.missing_hint(kind) if self.missing_hint else None
            raise NotFound(f"{kind} {key!r}: not in the ledger; register it first with `ledger {kind} add`"
                           + (f", {other}" if other else ""))  # fmt: skip
        return found

    def offer(self, spec: Spec, keep: bool = True) -> Offer:
        """Check a registration; remember it for later rows (keep) or for this row only."""
        built = spec.build(self, self.entry)
        slot = (spec.KIND, built.key)
        earlier = self.row_pending.get(slot) or self.pending.get(slot)
        if earlier is not None:
            return self._compare(spec, earlier, built, "earlier in this file")
        existing = self.existing(spec.KIND, built.key)
        if existing is not None:
            # Compare with what was registered, not the current state: a later grade is its own fact.
            registered = existing if existing.version == 1 else self.app.repository.get(existing.id, version=1)
            return self._compare(spec, registered, built, "in the ledger", existing)
        (self.pending if keep else self.row_pending)[slot] = built
        return Offer("new")

    def end_row(self) -> None:
        self.row_pending.clear()

    def _compare(self, spec: Spec, registered: Any, built: Any, where: str, current: Any = None) -> Offer:
        differing = tuple(n for n in spec.COMPARED if getattr(registered, n) != getattr(built, n))
        if differing and current is not None:  # as it stands after analysts' corrections is the same thing too
            differing = tuple(n for n in differing if n == "reliability" or getattr(current, n) != getattr(built, n))
        if not differing:
            return Offer("known")
        if self.strict:
            raise RowInvalid(
                [
                    FieldProblem(
                        "key",
                        built.key,
                        f"{spec.KIND} {built.key!r}: registered {where} with a different {', '.join(differing)}; "
                        "use a new key, or make the rows agree",
                    )
                ]
            )
        return Offer("kept", differing)

    # Figures.

    def check_figure(self, figure: FigureInput) -> tuple[uuid.UUID, uuid.UUID]:
        """Every check recording the figure would make; returns its (series id, figure id)."""
        return self.validate_figure(figure)()

    def validate_figure(self, figure: FigureInput) -> Callable[[], tuple[uuid.UUID, uuid.UUID]]:
        """Every check recording the figure would make; returns how to compute its (series id, figure id),
        which costs a tenth of a file's check and is needed only where later rows name the file's figures.

        A total's named parts are checked as the figures they become: each in its own status, with its
        own quote or the total's, which must state the part's number too."""
        check = Checks()
        ids = self._validate_one(figure, check)
        for part in figure.includes:
            as_part = attrs.evolve(
                figure, victim_status=part.victim_status, quantity=part.quantity, quote=part.quote or figure.quote,
                quote_start=None if part.quote else figure.quote_start, role=part.role, subcounts=SubCounts(),
                derived=None, includes=(),
            )  # fmt: skip
            self._validate_one(as_part, check, "includes")
        check.done()
        assert ids is not None
        return ids

    def _validate_one(
        self, figure: FigureInput, check: Checks, column: str | None = None
    ) -> Callable[[], tuple[uuid.UUID, uuid.UUID]] | None:
        """The checks of one figure, its problems named by their columns (or all by `column`, for a part)."""

        def name(field: str) -> str:
            return column or field

        incident: Incident | None = check(name("incident"), figure.incident, lambda: self.get("incident", figure.incident))
        claimant: Claimant | None = check(name("claimant"), figure.claimant, lambda: self.get("claimant", figure.claimant))
        status = check(name("victim_status"), figure.victim_status, lambda: parse_victim_status(figure.victim_status))
        outcome = check(name("outcome"), figure.outcome, lambda: parse_enum(Outcome, figure.outcome, "outcome").value)
        quantity = check(name("quantity"), figure.quantity, lambda: parse_quantity(figure.quantity))
        if figure.role:
            check(name("role"), figure.role, lambda: parse_enum(Role, figure.role or "", "role"))
        if figure.stance:
            check(name("stance"), figure.stance, lambda: parse_enum(Stance, figure.stance or "", "stance"))
        for key in figure.carried_via:
            check(name("carried_via"), key, lambda key=key: self.get("publisher", key))
        if figure.part_of:
            check(name("part_of"), figure.part_of, lambda: figure_reference(figure.part_of or "", "part_of"))
        citation, document_sha, publisher_id = None, None, None
        if figure.document:
            doc: Document | None = check(name("document"), figure.document, lambda: self.get("document", figure.document or ""))
            if doc is not None:
                document_sha, publisher_id = doc.sha256 or doc.key, doc.publisher_id
                citation = Citation(str(doc.id), None)
                if figure.quote:
                    located = check(
                        name("quote"), figure.quote, lambda: doc.locate(figure.quote or "", figure.quote_start, figure.quote_part)
                    )
                    # A quote not found is one problem; whether it states the number is asked of quotes found.
                    citation = Citation(str(doc.id), figure.quote, *located) if located else None
        elif figure.quote:
            check.problems.append(FieldProblem(name("quote"), figure.quote, "a quote needs a document; give the document key"))
        if figure.publisher:
            publisher = check(name("publisher"), figure.publisher, lambda: self.get("publisher", figure.publisher or ""))
            publisher_id = publisher.id if publisher is not None else None
        quote = citation.quote if citation else None
        if incident is not None and quantity is not None:
            parts = (figure.subcounts.women or 0) + (figure.subcounts.children or 0)
            field = "women" if quantity.high is not None and parts > quantity.high else "reported"
            if quote and figure.derived is None and not states_quantity(quote, quantity):
                field = "quote"
            period = incident.period
            check(
                name(field), None,
                lambda: check_figure(quantity, figure.subcounts, figure.occurred, figure.reported, period, quote, figure.derived),
            )  # fmt: skip
        if incident is None or claimant is None or not status or not outcome or quantity is None:
            return None
        self.figured.add(incident.key)

        def ids() -> tuple[uuid.UUID, uuid.UUID]:
            sid = series_id(incident.id, claimant.id, status, outcome)
            return sid, figure_fingerprint(sid, document_sha, publisher_id, quantity.text, quote, figure.reported)[1]

        return ids


def _names(items: Iterable[Any]) -> Iterator[tuple[str, str]]:
    """The (kind, key) pairs that import items refer to or register."""
    for item in items:
        if isinstance(item, FigureInput):
            yield "incident", item.incident
            yield "claimant", item.claimant
            if item.document:
                yield "document", item.document
            if item.publisher:
                yield "publisher", item.publisher
            continue
        spec = getattr(item, "spec", item)  # a registration made only if missing names the same
        if isinstance(spec, Spec):
            yield spec.KIND, spec.key
            if isinstance(spec, IncidentSpec) and spec.parent:
                yield "incident", spec.parent
            if isinstance(spec, DocumentSpec) and spec.publisher:
                yield "publisher", spec.publisher
