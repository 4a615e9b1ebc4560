"""The checks a reconciliation runs over the evidence and its tallies; each returns findings.

Pure functions over an `Evidence` snapshot and cells, so tests can feed them hand-built ledgers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping

from ledger.domain.claims import Claim, standing
from ledger.domain.policy import Policy
from ledger.domain.quantity import quantities_in, states_quantity
from ledger.domain.tally import Cell, CellKey, agree, claim_bounds, is_vague, tally, weigh
from ledger.domain.vocabulary import ROOT_STATUS, Grade, Role, status_level
from ledger.reconcile.evidence import CarrierRow, Evidence, FigureRow
from ledger.reconcile.findings import Finding, Severity, cell_subject


def exact_cells(evidence: Evidence, policy: Policy) -> dict[CellKey, Cell]:
    """Each cell weighed from its own claims only (before any roll-up)."""
    by_cell: dict[CellKey, list[Claim]] = defaultdict(list)
    for claim in evidence.facts.claims:
        by_cell[(claim.incident_id, claim.victim_status, claim.outcome)].append(claim)
    return {key: weigh(key, group, evidence.facts.reliability, policy) for key, group in by_cell.items()}


def canonical_cells(evidence: Evidence, cells: Mapping[CellKey, Cell]) -> dict[str, list[object]]:
    """What a tally says, cell by cell, in a form that compares and digests (incident keys, not ids)."""
    result: dict[str, list[object]] = {}
    for (incident, status, outcome), cell in cells.items():
        b = cell.bounds
        result[cell_subject(evidence.incident_key(incident), status, outcome)] = [
            b.low if b else None,
            b.best if b else None,
            b.high if b else None,
            cell.grade.value,
            cell.basis,
            [c.figure_id for c in cell.claims],
            sorted("/".join(p) for p in cell.parts),
        ]
    return dict(sorted(result.items()))


def _cell(evidence: Evidence, key: CellKey) -> dict[str, str]:
    incident, status, outcome = key
    return {"incident": evidence.incident_key(incident), "victim_status": status, "outcome": outcome}


def _subject(evidence: Evidence, key: CellKey) -> str:
    return cell_subject(evidence.incident_key(key[0]), key[1], key[2])


def _claim_text(evidence: Evidence, claim: Claim) -> str:
    return f"{evidence.claimants.get(claim.claimant_id, claim.claimant_id)} {claim.quantity.text!r} ({claim.role})"


def nondeterminism(evidence: Evidence, policy: Policy, cells: Mapping[CellKey, Cell]) -> list[Finding]:
    """Weigh the same facts again in reverse order: a tally must not depend on the order facts arrive in."""
    facts = evidence.facts
    again = tally(list(reversed(facts.claims)), facts.reliability, dict(reversed(facts.parents.items())), policy)
    first, second = canonical_cells(evidence, cells), canonical_cells(evidence, again)
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    if not differing:
        return []
    return [
        Finding(
            "nondeterminism",
            Severity.ERROR,
            f"tallies[{policy.label}]",
            f"tallies under {policy.label}: {len(differing)} cells differ when the same facts are weighed in another "
            f"order (e.g. {', '.join(differing[:3])}); report this as a bug with the reconciliation report",
        )
    ]


def contested(evidence: Evidence, exact: Mapping[CellKey, Cell], policy: Policy) -> list[Finding]:
    findings = []
    for key, cell in exact.items():
        if cell.grade is Grade.CONTESTED:
            claims = "; ".join(_claim_text(evidence, c) for c in cell.claims)
            findings.append(
                Finding(
                    "contested",
                    Severity.WARNING,
                    _subject(evidence, key),
                    f"{_subject(evidence, key)}: credible claims disagree beyond the tolerance of "
                    f"{policy.tolerance:.0%}: {claims}",
                    **_cell(evidence, key),
                )
            )
    return findings


def parent_below_children(
    evidence: Evidence, exact: Mapping[CellKey, Cell], cells: Mapping[CellKey, Cell], policy: Policy
) -> list[Finding]:
    """A parent's own claims below what its children add up to: its figure is probably out of date."""
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in evidence.facts.parents.items():
        if parent is not None:
            children[parent].append(child)
    findings = []
    for key, own in exact.items():
        incident, status, outcome = key
        if own.bounds is None or incident not in children:
            continue
        lows = {
            evidence.incident_key(child): cell.bounds.low
            for child in sorted(children[incident])
            if (cell := cells.get((child, status, outcome))) is not None and cell.bounds is not None
        }
        total = sum(lows.values())
        if not lows or own.bounds.best >= total:
            continue
        contradicted = own.bounds.high is not None and own.bounds.high < total
        parts = ", ".join(f"{k} {v}" for k, v in lows.items())
        vague = [c for c in own.claims if is_vague(c, policy) and (b := claim_bounds(c, policy)) and b.best == own.bounds.best]
        cause = (
            f"its best comes from a vague word ({vague[0].quantity.text!r}), which a policy that puts numbers first "
            "(default@2) reads after any number"
            if vague
            else "check whether the parent's figure is out of date"
        )
        findings.append(
            Finding(
                "parent_below_children",
                Severity.WARNING,
                _subject(evidence, key),
                f"{_subject(evidence, key)}: its own claims give best {own.bounds.best}"
                f"{' and high ' + str(own.bounds.high) if contradicted else ''}, below the sum of its children's "
                f"lows {total} ({parts}); the tally takes the sum; {cause}",
                **_cell(evidence, key),
            )
        )
    return findings


def total_below_parts(evidence: Evidence, exact: Mapping[CellKey, Cell], cells: Mapping[CellKey, Cell]) -> list[Finding]:
    """A total given for all victims that is below what its parts add up to: the total is probably
    older than the parts, or someone counted twice."""
    findings = []
    for key, own in exact.items():
        incident, status, outcome = key
        if status != ROOT_STATUS or own.bounds is None:
            continue
        lows = {
            s: cell.bounds.low
            for (i, s, o), cell in sorted(cells.items())
            if i == incident and o == outcome and status_level(s) == 1 and cell.bounds is not None
        }
        parts = sum(lows.values())
        if not lows or own.bounds.best >= parts:
            continue
        listed = ", ".join(f"{s} {v}" for s, v in lows.items())
        findings.append(
            Finding(
                "total_below_parts",
                Severity.WARNING,
                _subject(evidence, key),
                f"{_subject(evidence, key)}: the total given is best {own.bounds.best}, below the sum of its parts' "
                f"lows {parts} ({listed}); the tally takes the sum; check whether the total is older than its parts",
                **_cell(evidence, key),
            )
        )
    return findings


def _normalized(text: str) -> str:
    return " ".join(text.lower().split())


def republications(evidence: Evidence) -> list[Finding]:
    """One claimant's statement carried by several outlets: one claim with several carriers, counted once.

    Also the figures entered once per outlet before carriers existed (the same words in one series
    from several sources), which a series counts once too."""
    findings = []
    for claim in evidence.facts.claims:
        carriers = evidence.carriers.get(claim.figure_id, [])
        if len(carriers) < 2:
            continue
        key = (claim.incident_id, claim.victim_status, claim.outcome)
        who = evidence.claimants.get(claim.claimant_id, claim.claimant_id)
        listed = ", ".join(_carrier_text(evidence, c, primary=n == 0) for n, c in enumerate(carriers))
        findings.append(
            Finding(
                "republication",
                Severity.INFO,
                f"{_subject(evidence, key)}:{who}:{claim.figure_id}",
                f"{_subject(evidence, key)}: {_claim_text(evidence, claim)} carried by {len(carriers)} sources "
                f"({listed}); one statement, counted once",
                **_cell(evidence, key),
                figure_id=claim.figure_id,
            )
        )
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in evidence.facts.claims:
        groups[(claim.series_id, _normalized(claim.quantity.text))].append(claim)
    for (_, text), claims in sorted(groups.items()):
        rows = [evidence.figures[c.figure_id] for c in claims]
        sources = {(r.publisher_id, r.document_id) for r in rows}
        if len(claims) < 2 or len(sources) < 2:
            continue
        first = claims[0]
        via = sorted({evidence.publishers.get(r.publisher_id or "", "no publisher") for r in rows})
        key = (first.incident_id, first.victim_status, first.outcome)
        findings.append(
            Finding(
                "republication",
                Severity.INFO,
                f"{_subject(evidence, key)}:{evidence.claimants.get(first.claimant_id, first.claimant_id)}:{text}",
                f"{_subject(evidence, key)}: {_claim_text(evidence, first)} recorded {len(claims)} times via "
                f"{', '.join(via)}; one statement carried by {len(claims)} sources, counted once in its claim series",
                **_cell(evidence, key),
                figure_id=first.figure_id,
            )
        )
    return findings


def _carrier_text(evidence: Evidence, carrier: CarrierRow, primary: bool) -> str:
    name = evidence.publishers.get(carrier.publisher_id or "", "no publisher")
    via = "".join(f" via {evidence.publishers.get(p, p)}" for p in carrier.carried_via)
    return f"{name}{via} {carrier.reported_at.date()}{' (primary)' if primary else ''}"


def double_counted_statements(evidence: Evidence) -> list[Finding]:
    """The same words from the same document attributed to two claimants would count as two claims."""
    groups: dict[tuple[CellKey, str, str], list[Claim]] = defaultdict(list)
    for claim in evidence.facts.claims:
        row = evidence.figures[claim.figure_id]
        if row.document_id and row.quote:
            key = (claim.incident_id, claim.victim_status, claim.outcome)
            groups[(key, row.document_id, _normalized(row.quote))].append(claim)
    findings = []
    for (key, document, quote), claims in sorted(groups.items()):
        claimants = sorted({evidence.claimants.get(c.claimant_id, c.claimant_id) for c in claims})
        if len(claimants) < 2:
            continue
        doc_key = evidence.documents.get(document, (document, None))[0]
        digest = hashlib.sha256(quote.encode("utf-8")).hexdigest()[:12]
        findings.append(
            Finding(
                "double_counted_statement",
                Severity.WARNING,
                f"{_subject(evidence, key)}:{doc_key}:{digest}",
                f"{_subject(evidence, key)}: the quote {quote!r} from document {doc_key} is entered for "
                f"{', '.join(claimants)}; one statement must be one claim: strike the wrongly attributed figure",
                **_cell(evidence, key),
            )
        )
    return findings


def quotes(evidence: Evidence) -> list[Finding]:
    """Every figure points at its document and the exact words, and the words are there."""
    findings = []
    for row in evidence.figures.values():
        if row.figure_id in evidence.struck:
            continue
        where = {"incident": evidence.incident_key(row.incident_id), "victim_status": row.victim_status,
                 "outcome": row.outcome, "figure_id": row.figure_id}  # fmt: skip
        label = f"figure {row.figure_id} ({row.quantity_text!r})"
        problem = _quote_problem(evidence, row)
        if problem is not None:
            severity, message = problem
            findings.append(Finding("quote_missing", severity, row.figure_id, f"{label}: {message}", **where))
    return findings


def _quote_problem(evidence: Evidence, row: FigureRow) -> tuple[Severity, str] | None:
    if row.document_id is None:
        return Severity.INFO, (
            "no document recorded; archive the source (`ledger document add`) and cite it with "
            f"`ledger figure correct {row.figure_id[:8]} --document KEY --quote WORDS --reason ...`"
        )
    if row.document_id not in evidence.documents:
        return Severity.ERROR, f"cites document {row.document_id}, which is not in the ledger"
    key, text = evidence.documents[row.document_id]
    if row.quote_part == "headline":
        text = evidence.headlines.get(row.document_id)
    if not row.quote:
        return Severity.WARNING, (
            f"cites document {key} but quotes none of its words; add them with "
            f"`ledger figure correct {row.figure_id[:8]} --quote WORDS --reason ...`"
        )
    if text is None:
        return Severity.WARNING, f"document {key} has no archived text, so the quote {row.quote!r} cannot be checked"
    if row.quote_start is not None and row.quote_end is not None:
        if text[row.quote_start : row.quote_end] != row.quote:
            return Severity.ERROR, (
                f"the quote {row.quote!r} is not at offsets {row.quote_start}..{row.quote_end} of document {key}"
            )
    elif row.quote not in text:
        return Severity.ERROR, f"the quote {row.quote!r} is not in document {key}"
    return None


def quote_lacks_number(evidence: Evidence) -> list[Finding]:
    """Stored figures whose quote does not state their number (recorded before entry checked it, or
    corrected since), unless marked derived: the provenance would say the source said what it did not."""
    findings = []
    for claim in evidence.facts.claims:
        row = evidence.figures[claim.figure_id]
        if not row.quote or row.derived or states_quantity(row.quote, claim.quantity):
            continue
        stated = ", ".join(repr(words) for words, _ in quantities_in(row.quote)) or "no number"
        findings.append(
            Finding(
                "quote_lacks_number",
                Severity.WARNING,
                claim.figure_id,
                f"figure {claim.figure_id} ({claim.quantity.text!r}): its quote {row.quote!r} states {stated}, not its "
                "number; correct the figure, or mark it derived with `ledger figure correct ID --derived 'how'`",
                incident=evidence.incident_key(claim.incident_id),
                victim_status=claim.victim_status,
                outcome=claim.outcome,
                figure_id=claim.figure_id,
            )
        )
    return findings


def self_contradictions(evidence: Evidence, policy: Policy) -> list[Finding]:
    """A figure quoted from a document's headline that disagrees with one from the same document's body,
    in the same cell: the document contradicts itself (the body counts; the headline is set aside)."""
    by_document: dict[tuple[CellKey, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in evidence.facts.claims:
        row = evidence.figures[claim.figure_id]
        if row.document_id and not claim.withdrawn:
            key = (claim.incident_id, claim.victim_status, claim.outcome)
            by_document[(key, row.document_id)][row.quote_part].append(claim)
    findings = []
    for (key, document), parts in sorted(by_document.items()):
        for headline in parts.get("headline", []):
            for body in parts.get("body", []):
                a, b = claim_bounds(headline, policy), claim_bounds(body, policy)
                if a is None or b is None or agree(a, b, policy.tolerance):
                    continue
                doc_key = evidence.documents.get(document, (document, None))[0]
                findings.append(
                    Finding(
                        "document_contradicts_itself",
                        Severity.WARNING,
                        f"{_subject(evidence, key)}:{doc_key}:{headline.figure_id}",
                        f"{_subject(evidence, key)}: document {doc_key} contradicts itself: its headline says "
                        f"{headline.quantity.text!r}, its body {body.quantity.text!r} ({_claim_text(evidence, body)}); "
                        "the body counts and the headline is set aside; check which is current",
                        **_cell(evidence, key),
                        figure_id=headline.figure_id,
                    )
                )
    return findings


def enemy_claim_only(evidence: Evidence) -> list[Finding]:
    """Cells that rest only on parties' claims about their enemies' losses."""
    by_cell: dict[CellKey, list[Claim]] = defaultdict(list)
    for claim in evidence.facts.claims:
        by_cell[(claim.incident_id, claim.victim_status, claim.outcome)].append(claim)
    findings = []
    for key, claims in by_cell.items():
        standing_claims = [c for c in standing(claims).values() if c is not None]
        if standing_claims and all(c.role == Role.ENEMY_LOSSES.value for c in standing_claims):
            who = "; ".join(_claim_text(evidence, c) for c in standing_claims)
            findings.append(
                Finding(
                    "enemy_claim_only",
                    Severity.WARNING,
                    _subject(evidence, key),
                    f"{_subject(evidence, key)}: rests only on claims about an enemy's losses ({who}); "
                    "look for an independent or conceding source",
                    **_cell(evidence, key),
                )
            )
    return findings


def _latest_possible(at: dt.datetime, precision: str) -> dt.datetime:
    """A report known only to the month or year may have come as late as that period's end."""
    if precision == "year":
        return at.replace(year=at.year + 1, month=1, day=1) - dt.timedelta(microseconds=1)
    if precision == "month":
        following = at.replace(year=at.year + at.month // 12, month=at.month % 12 + 1, day=1)
        return following - dt.timedelta(microseconds=1)
    if precision == "week":
        return at + dt.timedelta(days=7) - dt.timedelta(microseconds=1)
    return at


def stale_series(evidence: Evidence, now: dt.datetime, after: dt.timedelta) -> list[Finding]:
    """Series gone quiet while their incident is open: the claimant may have revised without us."""
    by_series: dict[str, list[Claim]] = defaultdict(list)
    for claim in evidence.facts.claims:
        by_series[claim.series_id].append(claim)
    findings = []
    for series, claims in by_series.items():
        first = claims[0]
        incident = evidence.incidents.get(first.incident_id)
        if incident is None or not incident.is_open or all(c is None for c in standing(claims).values()):
            continue
        reports = [_latest_possible(c.reported_at, evidence.figures[c.figure_id].reported_precision) for c in claims]
        last = max(reports + [w for w in [evidence.withdrawals.get(series)] if w])
        if now - last <= after:
            continue
        key = (first.incident_id, first.victim_status, first.outcome)
        claimant = evidence.claimants.get(first.claimant_id, first.claimant_id)
        findings.append(
            Finding(
                "stale_series",
                Severity.INFO,
                f"{_subject(evidence, key)}:{claimant}",
                f"{_subject(evidence, key)}: no report from {claimant} since {last.date()} ({(now - last).days} days) "
                f"while {incident.key} is open; look for a newer figure, or close the incident",
                **_cell(evidence, key),
            )
        )
    return findings


def published_rows(evidence: Evidence) -> list[Finding]:
    """What release imports flagged: odd rows recorded as published, unreadable rows left out. A stored
    fact of the import (Document.RowsFlagged), reported here so nobody mistakes them for the ledger's error."""
    findings = []
    for release, incident, line, kind, field, problem in evidence.published_flags:
        where = f"release {release}, line {line}"
        if kind == "odd":
            findings.append(Finding(
                "published_row_odd", Severity.WARNING, f"{release}:{line}:{field}",
                f"{incident}: {problem} ({where}); the publisher's own numbers, kept as published", incident=incident,
            ))  # fmt: skip
        else:
            findings.append(Finding(
                "published_row_left_out", Severity.WARNING, f"{release}:{line}",
                f"{where}: left out, unreadable ({field}: {problem}); the ledger lacks this row", incident=incident,
            ))  # fmt: skip
    return findings


def run_checks(
    evidence: Evidence, policy: Policy, cells: Mapping[CellKey, Cell], now: dt.datetime, stale_after: dt.timedelta
) -> list[Finding]:
    """Every evidence check (drift is checked by the run, against the live read model)."""
    exact = exact_cells(evidence, policy)
    return [
        *nondeterminism(evidence, policy, cells),
        *contested(evidence, exact, policy),
        *parent_below_children(evidence, exact, cells, policy),
        *total_below_parts(evidence, exact, cells),
        *republications(evidence),
        *double_counted_statements(evidence),
        *quotes(evidence),
        *quote_lacks_number(evidence),
        *self_contradictions(evidence, policy),
        *enemy_claim_only(evidence),
        *stale_series(evidence, now, stale_after),
        *published_rows(evidence),
    ]
