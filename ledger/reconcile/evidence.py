"""Everything the checks look at, read once from a (scratch) read model into plain values."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import duckdb

from ledger.domain.reconciliation import TOPIC_PREFIX
from ledger.domain.series import Correction
from ledger.readmodel.queries import Facts, load_facts


@attrs.frozen
class FigureRow:
    figure_id: str
    series_id: str
    incident_id: str
    claimant_id: str
    victim_status: str
    outcome: str
    quantity_text: str
    publisher_id: str | None
    document_id: str | None
    quote: str | None
    quote_start: int | None
    quote_end: int | None
    reported_precision: str = "day"
    quote_part: str = "body"
    derived: str | None = None


@attrs.frozen
class CarrierRow:
    """One source that carried a figure's statement (its first included)."""

    publisher_id: str | None
    document_id: str | None
    quote: str | None
    quote_part: str
    words: str
    reported_at: dt.datetime
    carried_via: tuple[str, ...]  # publisher ids, nearest first
    is_first: bool
    fingerprint: str


@attrs.frozen
class IncidentRow:
    key: str
    parent_id: str | None
    is_open: bool


@attrs.frozen
class Evidence:
    facts: Facts  # current claims (corrections applied, struck figures gone), grades, incident tree
    figures: dict[str, FigureRow]  # every figure as reported, citation corrections applied
    struck: frozenset[str]
    incidents: dict[str, IncidentRow]
    claimants: dict[str, str]  # id -> key
    publishers: dict[str, str]  # id -> key
    documents: dict[str, tuple[str, str | None]]  # id -> (key, archived text)
    withdrawals: dict[str, dt.datetime]  # series id -> time of its latest withdrawal
    headlines: dict[str, str] = attrs.Factory(dict)  # document id -> headline, where it has one
    carriers: dict[str, list[CarrierRow]] = attrs.Factory(dict)  # figure id -> its carriers, earliest first
    # What release imports flagged: (release document key, incident key or None, line, kind, field, problem)
    published_flags: list[tuple[str, str | None, int | None, str, str | None, str]] = attrs.Factory(list)

    def incident_key(self, incident_id: str) -> str:
        found = self.incidents.get(incident_id)
        return found.key if found else incident_id


def evidence_position(con: duckdb.DuckDBPyConnection) -> int:
    """The last event that is evidence: reconciliations and checkpoints (issue 16) themselves do not count."""
    row = con.execute(
        "SELECT max(position) FROM facts WHERE topic NOT LIKE ? AND topic NOT LIKE 'ledger:Checkpoint%'", [TOPIC_PREFIX + "%"]
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def load_evidence(con: duckdb.DuckDBPyConnection) -> Evidence:
    figures = {
        r[0]: FigureRow(*r)
        for r in con.execute(
            "SELECT figure_id, series_id, incident_id, claimant_id, victim_status, outcome, quantity_text, "
            "publisher_id, document_id, quote, quote_start, quote_end, reported_precision, coalesce(quote_part, 'body'), "
            "derived FROM figures ORDER BY position"
        ).fetchall()
    }
    struck: set[str] = set()
    withdrawals: dict[str, dt.datetime] = {}
    for kind, figure_id, series_id, correction, at in con.execute(
        "SELECT kind, figure_id, series_id, correction, coalesce(reported_at, recorded_at) FROM figure_events ORDER BY position"
    ).fetchall():
        if kind == "struck":
            struck.add(figure_id)
        elif kind == "withdrawn":
            withdrawals[series_id] = max(at, withdrawals.get(series_id, at))
        elif correction and figure_id in figures:
            figures[figure_id] = _corrected(figures[figure_id], Correction.from_dict(json.loads(correction)))
    return Evidence(
        facts=load_facts(con),
        figures=figures,
        struck=frozenset(struck),
        incidents={
            r[0]: IncidentRow(r[1], r[2], bool(r[3]))
            for r in con.execute("SELECT incident_id, key, parent_id, is_open FROM incidents").fetchall()
        },
        claimants=dict(con.execute("SELECT claimant_id, key FROM claimants").fetchall()),
        publishers=dict(con.execute("SELECT publisher_id, key FROM publishers").fetchall()),
        documents={r[0]: (r[1], r[2]) for r in con.execute("SELECT document_id, key, text FROM documents").fetchall()},
        withdrawals=withdrawals,
        headlines=dict(con.execute("SELECT document_id, headline FROM documents WHERE headline IS NOT NULL").fetchall()),
        carriers=_carriers(con),
        published_flags=[
            tuple(r)  # type: ignore[misc]
            for r in con.execute(
                "SELECT d.key, p.incident_key, p.line, p.kind, p.field, p.problem FROM published_flags p "
                "JOIN documents d USING (document_id) ORDER BY p.position, p.line"
            ).fetchall()
        ],
    )


def _carriers(con: duckdb.DuckDBPyConnection) -> dict[str, list[CarrierRow]]:
    found: dict[str, list[CarrierRow]] = {}
    for r in con.execute(
        "SELECT figure_id, publisher_id, document_id, quote, quote_part, words, reported_at, carried_via, is_first, "
        "fingerprint FROM carriers ORDER BY figure_id, reported_at, fingerprint"
    ).fetchall():
        found.setdefault(r[0], []).append(CarrierRow(*r[1:7], tuple(json.loads(r[7] or "[]")), *r[8:]))
    return found


def _corrected(row: FigureRow, correction: Correction) -> FigureRow:
    """The fields of a figure's row that an analyst's correction replaced."""
    if correction.citation is not None:
        c = correction.citation
        row = attrs.evolve(row, document_id=c.document_id, quote=c.quote, quote_start=c.start, quote_end=c.end)
    if correction.reported is not None:
        row = attrs.evolve(row, reported_precision=correction.reported.precision.value)
    if correction.derived is not None:
        row = attrs.evolve(row, derived=correction.derived)
    return row
