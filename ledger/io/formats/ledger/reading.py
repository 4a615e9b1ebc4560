"""The ledger's own import formats: figures as CSV rows, or JSON Lines records that may also carry
the registrations figures refer to and the later facts about them (a bundle, as `export` writes).
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from ledger.application.inputs import FigureInput, PartInput
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import Correction
from ledger.domain.values import BODY, HEADLINE, Location, SubCounts
from ledger.domain.vocabulary import LocationPrecision, Outcome, Role, Stance, parse_enum, parse_victim_status
from ledger.errors import InvalidInput, LedgerError
from ledger.io.formats.ledger.facts import CorrectionFact, Grade, LaterFact, Strike, Withdrawal
from ledger.io.formats.ledger.registry_records import RECORDS as REGISTRY_RECORDS
from ledger.io.pipeline.catalog import (
    ClaimantSpec,
    DocumentSpec,
    FieldProblem,
    IncidentSpec,
    PublishedRowSpec,
    PublisherSpec,
    RowInvalid,
    Spec,
)
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.records import Progress, Record, csv_header, csv_records, jsonl_records

# Column: what goes in it. The first six are required.
FIGURE_FIELDS = {
    "incident": "incident key, registered (or registered earlier in a JSON Lines file)",
    "claimant": "claimant key: who made the claim",
    "victim_status": "all (a total), civilian, security_forces[/army|frontier_corps|police|levies|ctd|law_enforcement|"
    "other], militant[/group], pro_government_militia, unknown",
    "outcome": "killed, injured, missing or detained",
    "quantity": "the words as written: 14, at least 216, dozens, between 15 and 20, allegedly seven",
    "reported": "when the claim was made public: 2026, 2026-02, Aug 2024, 2026-W06, 2026-02-05 or 2026-02-05T10:00+05:00",
    "reported_precision": "optional: day, week, month or year (default: as precise as `reported` is written)",
    "reported_estimated": "optional: true when the reported time is an estimate",
    "role": "optional: the claimant's role for this figure (default: its role for this victim status)",
    "publisher": "optional: publisher key (default: the document's publisher)",
    "document": "optional: document key",
    "quote": "optional: the exact words in the document's archived text (or headline); they must state the number",
    "quote_start": "optional: character offset of the quote, when the words occur more than once",
    "quote_part": "optional: body or headline, where the quote stands (default: the body, then the headline)",
    "stance": "optional: stated, reported, alleged, claimed, denied or unconfirmed (default: read from the words)",
    "derived": "optional: how the number was worked out when no quote states it, e.g. 41 total minus 14 security personnel",
    "includes": "optional, for a total: its named parts, STATUS=QUANTITY separated by ';', e.g. security_forces=14",
    "includes_quotes": "optional: each part's own quote, separated by ';', in the order of includes (default: the quote)",
    "carried_via": "optional: publisher keys the carrier cites, nearest first, separated by ';' (Mehr via Dawn: dawn)",
    "part_of": "optional: the id of the total this figure is a named part of (as `ledger export figures` writes it)",
    "occurred_start": "optional: when these casualties occurred (default: the incident's period)",
    "occurred_end": "optional: last day of that period",
    "occurred_precision": "optional: day, week, month or year",
    "women": "optional: how many of them were women (part of the figure, not extra)",
    "children": "optional: how many of them were children (part of the figure, not extra)",
    "note": "optional: free text",
}
REQUIRED = ("incident", "claimant", "victim_status", "outcome", "quantity", "reported")
# Fields only a bundle carries: the source a dataset attributes a figure to ({"text": ..., "office": ...}).
JSONL_ONLY = frozenset({"attributed"})
ALIASES = {"quantity_text": "quantity", "reported_at": "reported", "status": "victim_status"}
# Columns `ledger export figures` writes that describe a figure's state rather than the claim: read and ignored.
EXPORT_ONLY = frozenset({
    "figure_id", "series_id", "state", "corrected", "current_quantity", "bound_kind", "low", "best", "high",
    "vague_word", "recorded_at", "analyst", "quote_end", "position", "record", "stance_source", "carriers",
    "carried_by", "vague_table", "current_bound_kind", "current_low", "current_best", "current_high", "view",
    "log_position",
})  # fmt: skip


def figure_from(fields: Fields, line: int) -> FigureInput:
    values = fields.values
    for alias, name in ALIASES.items():
        if values.get(name) in (None, "") and values.get(alias) not in (None, ""):
            values[name] = values[alias]
    required = {name: fields.required(name) for name in REQUIRED if name != "reported"}
    # Words and vocabulary are checked here too, so a row with a bad date still reports its other problems.
    for name, parse in (("victim_status", parse_victim_status), ("quantity", parse_quantity)):
        if required[name]:
            fields.check(name, required[name], lambda parse=parse, name=name: parse(required[name]))
    for name, enum_cls in (("outcome", Outcome), ("role", Role)):
        if fields.raw(name):
            fields.check(name, fields.raw(name), lambda e=enum_cls, n=name: parse_enum(e, fields.raw(n) or "", n))
    reported = fields.instant("reported", "reported_precision", "reported_estimated")
    if reported is None and fields.raw("reported") is None:
        fields.problem("reported", None, "reported: required, but empty; give when the claim was made public")
    occurred = fields.period("occurred_start", "occurred_end", "occurred_precision")
    women, children = fields.integer("women"), fields.integer("children")
    subcounts = fields.check("women", women, lambda: SubCounts(women, children))
    quote_start = fields.integer("quote_start")
    stance = fields.text("stance")
    if stance:
        fields.check("stance", stance, lambda: parse_enum(Stance, stance, "stance"))
    quote_part = fields.text("quote_part")
    if quote_part and quote_part not in (BODY, HEADLINE):
        fields.problem("quote_part", quote_part, f"quote_part {quote_part!r}: use body or headline")
    includes = _parts(fields)
    attributed = _attributed(fields)
    fields.done()
    assert reported is not None
    return FigureInput(
        **required,
        reported=reported,
        role=fields.text("role"),
        publisher=fields.text("publisher"),
        document=fields.text("document"),
        quote=fields.text("quote"),
        quote_start=quote_start,
        occurred=occurred,
        subcounts=subcounts or SubCounts(),
        note=fields.text("note") or "",
        line=line,
        stance=stance,
        derived=fields.text("derived"),
        includes=includes,
        carried_via=tuple(str(k) for k in fields.items("carried_via")),
        quote_part=quote_part,
        part_of=fields.text("part_of"),
        attributed=attributed,
    )


def _attributed(fields: Fields) -> dict[str, str] | None:
    value = fields.values.get("attributed")
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        fields.problem("attributed", str(value), 'attributed: should be an object of texts, e.g. {"text": "Police"}')
        return None
    return {str(k): v for k, v in value.items()}


def _parts(fields: Fields) -> tuple[PartInput, ...]:
    """A total's named parts: "security_forces=14; civilian=20", or JSON objects with their own quotes."""
    quotes = [str(q) for q in fields.items("includes_quotes")]
    parts = []
    for n, item in enumerate(fields.items("includes")):
        if isinstance(item, dict):
            status, quantity, quote = item.get("victim_status"), item.get("quantity"), item.get("quote")
        else:
            status, _, quantity = str(item).partition("=")
            quote = quotes[n] if n < len(quotes) else None
        if not status or not quantity:
            fields.problem("includes", item, f"includes {item!r}: write STATUS=QUANTITY, e.g. security_forces=14")
            continue
        status = str(status).strip()
        fields.check("includes", item, lambda s=status: parse_victim_status(s))
        parts.append(PartInput(status, str(quantity).strip(), quote))
    if len(quotes) > len(parts):
        problem = "includes_quotes: more quotes than includes; give one part per quote"
        fields.problem("includes_quotes", "; ".join(quotes), problem)
    return tuple(parts)


@attrs.frozen
class IfMissing:
    """Register this only when nothing is registered under its key (--register-missing)."""

    spec: Spec


Item = Spec | IfMissing | FigureInput | LaterFact


def _auto(figure: FigureInput, source: str) -> list[Item]:
    note = (f"registered automatically by importing {source}; set its name and kind with `ledger claimant correct`, "
            "its grade with `ledger claimant grade`")  # fmt: skip
    items: list[Item] = [IfMissing(ClaimantSpec(figure.claimant, figure.claimant, "other", "F", {}, note))]
    if figure.publisher:
        items.append(IfMissing(PublisherSpec(figure.publisher, figure.publisher, "other")))
    return items


class LedgerCsv:
    """Figures as CSV rows referring to registered keys; --register-missing adds unknown claimants and publishers."""

    label = "ledger csv"
    strict = True
    row_local: frozenset[str] = frozenset()

    @property
    def reference_columns(self) -> tuple[str, ...]:
        """Keys a row names: reported missing even when the row has other problems."""
        return ("incident", "document") if self.register_missing else ("incident", "claimant", "document", "publisher")

    def __init__(self, path: Path, register_missing: bool = False) -> None:
        self.path, self.register_missing = path, register_missing
        header = csv_header(path)
        known = set(FIGURE_FIELDS) | set(ALIASES) | EXPORT_ONLY
        unknown = [c for c in header if c not in known]
        if unknown:
            raise InvalidInput(
                f"{path}: column {unknown[0]!r} is not one the ledger reads; rename it to one of "
                f"{', '.join(FIGURE_FIELDS)} (see `ledger import template --format csv`)"
            )
        missing = [c for c in REQUIRED if c not in header and not any(a in header for a, n in ALIASES.items() if n == c)]
        if missing:
            raise InvalidInput(f"{path}: required column {missing[0]!r} is missing; add it (see `ledger import template`)")
        self.ignored_columns = [c for c in header if c in EXPORT_ONLY]

    def records(self, phase: str, progress: Progress | None = None) -> Iterator[Record]:
        return csv_records(self.path, phase, progress)

    def missing_hint(self, kind: str) -> str | None:
        """How this format supplies a missing registration (see Catalog.get)."""
        return "or import with --register-missing" if kind in ("claimant", "publisher") else None

    def parse(self, record: Record) -> list[Item]:
        figure = figure_from(Fields(dict(record.fields)), record.line)
        return [*_auto(figure, self.path.name), figure] if self.register_missing else [figure]

    def report(self) -> dict[str, Any] | None:
        return None


class LedgerJsonl(LedgerCsv):
    """One JSON object per line: "record" says which kind (figure when absent)."""

    label = "ledger jsonl"
    later_facts = True

    def __init__(self, path: Path, register_missing: bool = False) -> None:
        self.path, self.register_missing = path, register_missing
        self.ignored_columns: list[str] = []

    def records(self, phase: str, progress: Progress | None = None) -> Iterator[Record]:
        return jsonl_records(self.path, phase, progress)

    def missing_hint(self, kind: str) -> str | None:
        return f'or put a {{"record": "{kind}", ...}} line above this one'

    def parse(self, record: Record) -> list[Item]:
        kind = record.fields.get("record", "figure")
        parser = _RECORDS.get(kind) if isinstance(kind, str) else None
        if parser is None:
            raise RowInvalid([FieldProblem("record", str(kind), f"record {kind!r}: unknown; use one of {', '.join(_RECORDS)}")])
        if parser is _figure_record:
            unknown = sorted(set(record.fields) - set(FIGURE_FIELDS) - set(ALIASES) - EXPORT_ONLY - JSONL_ONLY)
            if unknown:
                problem = f"{unknown[0]}: not a figure field; use {', '.join(FIGURE_FIELDS)}"
                raise RowInvalid([FieldProblem(unknown[0], None, problem)])
            return super().parse(record)
        fields = Fields(dict(record.fields))
        item = parser(fields)
        fields.done()
        return [item]


def _figure_record(fields: Fields) -> Item:
    raise AssertionError("figures are parsed by LedgerCsv.parse")


def _claimant(f: Fields) -> Item:
    return ClaimantSpec(
        f.required("key"), f.required("name"), f.required("kind"), f.text("reliability", "F") or "F",
        f.mapping("default_roles"), f.text("description") or "",
    )  # fmt: skip


def _publisher(f: Fields) -> Item:
    return PublisherSpec(f.required("key"), f.required("name"), f.text("kind", "media") or "media", f.text("url"))


def _document(f: Fields) -> Item:
    text = f.values.get("text")
    if text is not None and not isinstance(text, str):
        f.problem("text", text, "text: should be the document's text as a JSON string")
        text = None
    return DocumentSpec(
        f.required("key"), text, f.text("url"), f.text("title"), f.text("publisher"),
        f.instant("published", "published_precision", "published_estimated"), f.text("headline"),
    )  # fmt: skip


def _incident(f: Fields) -> Item:
    country = f.required("country")
    adm1, adm2, place = f.text("adm1"), f.text("adm2"), f.text("place")
    finest = "place" if place else "adm2" if adm2 else "adm1" if adm1 else "country"
    precision = f.check(
        "location_precision", f.raw("location_precision"),
        lambda: parse_enum(LocationPrecision, f.raw("location_precision") or finest, "location precision"),
    )  # fmt: skip
    period = f.period("occurred_start", "occurred_end", "date_precision", "estimated")
    if period is None and f.raw("occurred_start") is None:
        f.problem("occurred_start", None, "occurred_start: required for an incident; give its first day")
    f.done()
    assert period is not None and precision is not None
    return IncidentSpec(
        f.required("key"), f.required("name"), Location(country, adm1, adm2, place, precision), period,
        f.text("parent"), f.text("description") or "",
    )  # fmt: skip


def _published_row(f: Fields) -> Item:
    """A row as UCDP or ACLED published it (a bundle carries it so its export stays faithful)."""
    columns = {str(k): "" if v is None else str(v) for k, v in f.mapping("columns").items()}
    return PublishedRowSpec(
        f.required("incident"), f.required("dataset"), f.required("file"), f.required("sha256"), f.integer("line") or 0,
        columns,
    )  # fmt: skip


def _uuid(f: Fields, name: str) -> uuid.UUID:
    raw = f.raw(name) or ""
    try:
        return uuid.UUID(raw)
    except ValueError:
        f.problem(name, raw, f"{name} {raw!r}: not a figure or series id; copy it from `ledger figures --format csv`")
        return uuid.UUID(int=0)


def _withdrawal(f: Fields) -> Item:
    return Withdrawal(
        _uuid(f, "series_id"), _uuid(f, "figure_id"), f.required("reason"),
        f.instant("reported", "reported_precision", "reported_estimated"), f.text("document"), f.text("quote"),
    )  # fmt: skip


def _correction(f: Fields) -> Item:
    raw = f.mapping("correction")
    try:
        correction = Correction.from_dict(raw)
    except (LedgerError, KeyError, TypeError, ValueError) as error:
        f.problem("correction", json.dumps(raw), f"correction: cannot be read ({error}); write it as `export` does")
        correction = Correction()
    return CorrectionFact(_uuid(f, "series_id"), _uuid(f, "figure_id"), f.required("reason"), correction)


def _strike(f: Fields) -> Item:
    return Strike(_uuid(f, "series_id"), _uuid(f, "figure_id"), f.required("reason"))


def _grade(f: Fields) -> Item:
    return Grade(f.required("claimant"), f.required("reliability"), f.required("reason"))


_RECORDS: dict[str, Any] = {
    "figure": _figure_record,
    "claimant": _claimant,
    "publisher": _publisher,
    "document": _document,
    "incident": _incident,
    "published_row": _published_row,
    "grade": _grade,
    "withdrawal": _withdrawal,
    "correction": _correction,
    "strike": _strike,
    **REGISTRY_RECORDS,  # corrections of registrations, closings and reopenings (registry_records.py)
}


# --- templates ------------------------------------------------------------------------------------

_EXAMPLE_FIGURE = {
    "incident": "example-incident", "claimant": "example-claimant", "victim_status": "civilian", "outcome": "killed",
    "quantity": "at least 12", "reported": "2026-02-05", "reported_precision": "", "reported_estimated": "false",
    "role": "", "publisher": "", "document": "example-document", "quote": "at least 12 civilians, including women",
    "quote_start": "", "quote_part": "", "stance": "", "derived": "", "includes": "", "includes_quotes": "",
    "carried_via": "", "part_of": "", "occurred_start": "2026-02-03", "occurred_end": "2026-02-04",
    "occurred_precision": "", "women": "3", "children": "", "note": "EXAMPLE ROW (synthetic): replace it with real figures",
}  # fmt: skip
# A total and its named part, entered once: "15 people, including 3 policemen".
_EXAMPLE_TOTAL = {
    **_EXAMPLE_FIGURE, "victim_status": "all", "quantity": "15", "quote": "15 people, including 3 policemen, were killed",
    "women": "", "includes": "security_forces/police=3", "includes_quotes": "3 policemen", "stance": "",
    "note": "EXAMPLE ROW (synthetic): a total with a named part; the part is recorded too",
}  # fmt: skip


def template(fmt: str) -> str:
    """A file to start from: every column, with one example row (CSV) or one record of each kind (JSON Lines)."""
    if fmt == "csv":
        from ledger.io.formats.csv_text import write_csv

        out = io.StringIO()
        examples = (_EXAMPLE_FIGURE, _EXAMPLE_TOTAL)
        write_csv(list(FIGURE_FIELDS), [[example[c] for c in FIGURE_FIELDS] for example in examples], out)
        return out.getvalue()
    if fmt == "jsonl":
        text = (
            "SYNTHETIC EXAMPLE: dozens of people, at least 12 civilians, including women, were killed on 3 February. "
            "Police said 15 people, including 3 policemen, were killed in the attack."
        )
        records: list[dict[str, Any]] = [
            {"record": "claimant", "key": "example-claimant", "name": "Example Rights Group (synthetic)", "kind": "ngo",
             "reliability": "C", "default_roles": {"*": "independent"}, "description": "synthetic example"},
            {"record": "publisher", "key": "example-publisher", "name": "Example Daily (synthetic)", "kind": "media",
             "url": "https://example.org"},
            {"record": "document", "key": "example-document", "text": text, "title": "Example report (synthetic)",
             "publisher": "example-publisher", "published": "2026-02-05"},
            {"record": "incident", "key": "example-incident", "name": "Example incident (synthetic)",
             "country": "Examplestan", "adm1": "North Province", "occurred_start": "2026-02-03",
             "occurred_end": "2026-02-04", "description": "synthetic example"},
            {"record": "figure", **{k: v for k, v in _EXAMPLE_FIGURE.items() if v not in ("", "false")}},
            {"record": "figure", **{k: v for k, v in _EXAMPLE_TOTAL.items() if v not in ("", "false")
                                    and k != "includes_quotes"},
             "includes": [{"victim_status": "security_forces/police", "quantity": "3", "quote": "3 policemen"}]},
        ]  # fmt: skip
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    raise InvalidInput(f"template format {fmt!r}: unknown; use csv or jsonl")
