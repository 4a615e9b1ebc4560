"""Why a tally cell reads what it reads: every claimant's standing figure, what was set aside and why,
how low / best / high and the grade were chosen, and how a parent combined its parts.

Each line points at the fact behind it: its event-log position, its document and the quoted words.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import duckdb

from ledger.domain.claims import Claim, standing
from ledger.domain.policy import BestRule, Policy
from ledger.domain.readings import REREAD_KINDS
from ledger.domain.tally import (
    Bounds,
    Cell,
    CellKey,
    best_candidates,
    choose_best,
    claim_bounds,
    grade_reason,
    set_aside_reasons,
    sum_bounds,
    weigh,
)
from ledger.domain.vocabulary import ROOT_STATUS, Grade, Reliability, Stance
from ledger.history import sources
from ledger.history.snapshot import Snapshot, bounds_text, cell_key, find_cell, take, take_cached
from ledger.readmodel.queries import describe_time
from ledger.readmodel.view import View


@attrs.frozen
class Line:
    # result, counted, set aside, carried, struck, correction, derived, words, low, best, high, grade,
    # total, part, combined, unattributed, flagged (a published row's problem flag)
    section: str
    text: str
    figure_id: str | None = None
    position: int | None = None  # the event-log position of the fact this line rests on
    document: str | None = None
    quote: str | None = None


@attrs.frozen
class Explanation:
    incident: str
    victim_status: str
    outcome: str
    policy: str
    view: str
    position: int
    bounds: Bounds | None
    grade: str
    basis: str
    lines: tuple[Line, ...]

    @property
    def title(self) -> str:
        return (
            f"Cell {self.incident} / {self.victim_status} / {self.outcome} under policy {self.policy}, "
            f"{self.view}, event-log position {self.position}"
        )

    def text(self) -> str:
        """The explanation as indented prose, one fact per line."""
        out, section = [self.title], None
        for line in self.lines:
            if line.section != section:
                section = line.section
                out.append(f"{section}:")
            ref = f"[#{line.position}] " if line.position is not None else ""
            cite = f' — {line.document}: "{line.quote}"' if line.document and line.quote else ""
            cite = cite or (f" — {line.document}" if line.document else "")
            out.append(f"  {ref}{line.text}{cite}")
        return "\n".join(out) + "\n"


def explain(
    con: duckdb.DuckDBPyConnection,
    incident: str,
    victim_status: str,
    outcome: str,
    policy: Policy,
    view: View,
    scoped: bool = True,
    cached: bool = True,
) -> Explanation:
    """Why a cell reads what it reads. Scoped (the default), from the facts of the cell and the cells
    under it alone; otherwise from the whole ledger's, the reference tests hold the scoped read to.
    Scoped and cached (the default), now, with the tally cache current: from the cached cell and its
    parts, and the facts of the cell's own incident alone."""
    key = cell_key(con, incident, victim_status, outcome)
    scope = "cell_scope" if scoped else None
    snapshot = take_cached(con, policy, view, key, incident) if scoped and cached else None
    if snapshot is None:  # what the cell is made of, not the ledger
        snapshot = take(con, policy, view, below=key if scoped else None)
    cell = find_cell(snapshot, key, f"{incident} / {key[1]} / {key[2]}")
    if scope is not None:
        sources.keep_keys(con, scope, "cell_tree")  # every incident a line can name
    # A campaign read from the cache may have no figures of its own: then it has none to cite.
    cites = scope is None or con.execute(f"SELECT count(*) FROM {scope}").fetchone() != (0,)
    ctx = _Context(
        snapshot,
        sources.figure_sources(con, view, scope) if cites else {},
        sources.figure_events(con, view, scope) if cites else {},
        _incident_keys(con, snapshot, scope),
        sources.carrier_sources(con, view, scope) if cites else {},
    )
    own_claims = [c for c in snapshot.facts.claims if (c.incident_id, c.victim_status, c.outcome) == key]
    own = weigh(key, own_claims, snapshot.facts.reliability, policy) if own_claims else None
    lines = [Line("result", f"low / best / high {bounds_text(cell.bounds)}, grade {cell.grade.value}, from {_basis(cell)}")]
    lines += ctx.claim_lines(own_claims)
    lines += ctx.struck_lines(key)
    if own is not None:
        lines += ctx.bound_lines(own, "own claims " if cell.parts else "")
    if key[1] == ROOT_STATUS:
        lines += ctx.total_lines(own_claims)
    if cell.parts:
        lines += ctx.part_lines(cell, own)
    lines += published_flag_lines(con, ctx.incidents[key[0]], view)
    return Explanation(
        incident=ctx.incidents.get(key[0], key[0]),
        victim_status=key[1],
        outcome=key[2],
        policy=policy.label,
        view=view.describe(),
        position=snapshot.position,
        bounds=cell.bounds,
        grade=cell.grade.value,
        basis=cell.basis,
        lines=tuple(lines),
    )


def _incident_keys(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, scope: str | None) -> dict[str, str]:
    """Incident id -> key, of the incidents the snapshot tallies (every line names one of them), not the ledger's."""
    if scope is not None:
        return dict(con.execute(f"SELECT incident_id, key FROM {sources.keys_of('incidents', 'incident_id', scope)}").fetchall())
    rows = con.execute(
        "SELECT incident_id, key FROM incidents WHERE incident_id IN (SELECT unnest($ids))", {"ids": list(snapshot.facts.parents)}
    ).fetchall()
    return dict(rows)


def published_flag_lines(con: duckdb.DuckDBPyConnection, incident_key: str, view: View) -> list[Line]:
    """What a dataset's release import flagged about the row this incident was read from: the
    publisher's numbers stand as published, and the flag says what is odd about them."""
    rows = con.execute(
        "WITH f AS MATERIALIZED (SELECT * FROM published_flags WHERE kind = 'odd' AND incident_key = $key "
        "AND ($recorded IS NULL OR recorded_at <= $recorded)) "
        f"SELECT f.position, d.key, f.line, f.problem FROM f JOIN {sources.keys_of('documents', 'document_id')} d "
        "USING (document_id) ORDER BY f.position, f.line",
        {"key": incident_key, "recorded": view.recorded_by},
    ).fetchall()
    return [Line("flagged", f"{problem} (release {release}, line {line})", position=at) for at, release, line, problem in rows]


def _basis(cell: Cell) -> str:
    return {"claims": "its own claims", "parts": "its parts", "claims+parts": "its own claims and its parts"}[cell.basis]


@attrs.frozen
class _Context:
    snapshot: Snapshot
    figures: dict[str, sources.FigureSource]
    events: dict[str, list[sources.FigureEvent]]
    incidents: dict[str, str]
    carriers: dict[str, list[sources.CarrierSource]] = attrs.Factory(dict)

    @property
    def policy(self) -> Policy:
        return self.snapshot.policy

    def who(self, claim: Claim) -> str:
        source = self.figures[claim.figure_id]
        grade = self.snapshot.facts.reliability.get(claim.claimant_id, "F")
        return f"{source.claimant_name} ({claim.role}, reliability {grade})"

    def primary(self, claim: Claim) -> sources.CarrierSource | None:
        """The earliest carrier: the primary source of the statement, whatever the entry order."""
        carriers = self.carriers.get(claim.figure_id)
        return min(carriers, key=lambda c: (c.reported_at, c.fingerprint)) if carriers else None

    def said(self, claim: Claim, cite: bool = False) -> str:
        source = self.figures[claim.figure_id]
        primary = self.primary(claim)
        if claim.corrected and primary is not None and primary.is_first:
            reported = describe_time(claim.reported_at, None, None)
        else:
            reported = primary.reported if primary is not None else source.reported
        ref = f" [#{source.position}]" if cite else ""
        stance = f" ({claim.stance})" if claim.stance != Stance.STATED.value else ""
        if source.derived:
            return f"{self.who(claim)}: {claim.quantity.text!r}{stance} derived by the analyst, reported {reported}{ref}"
        return f"{self.who(claim)} said {claim.quantity.text!r}{stance}, reported {reported}{ref}"

    def line(self, section: str, text: str, claim: Claim) -> Line:
        source = self.figures[claim.figure_id]
        primary = self.primary(claim)
        if primary is not None and not primary.is_first:  # cite the source that published it first
            return Line(section, text, claim.figure_id, source.position, primary.document, primary.quote)
        return Line(section, text, claim.figure_id, source.position, source.document, source.quote)

    def claim_lines(self, claims: Sequence[Claim]) -> list[Line]:
        latest = standing(claims)
        reliability = self.snapshot.facts.reliability
        standing_claims = [c for c in latest.values() if c is not None]
        reasons = set_aside_reasons(standing_claims, reliability, self.policy)
        counted: list[Line] = []
        aside: list[Line] = []
        notes: list[Line] = []
        for claim in sorted(claims, key=lambda c: (self.figures[c.figure_id].claimant, c.reported_at, c.position)):
            stands = latest.get(claim.series_id)
            superseded = stands is None or stands.figure_id != claim.figure_id
            why = None if claim.withdrawn or superseded else reasons.get(claim.figure_id)
            if claim.withdrawn:
                aside.append(self.withdrawal_line(claim))
            elif superseded:
                assert stands is not None  # a series with a live figure has a standing one
                later = self.figures[stands.figure_id]
                aside.append(
                    self.line(
                        "set aside",
                        f"{self.said(claim)}: superseded by a later report, {stands.quantity.text!r} "
                        f"reported {later.reported} [#{later.position}]",
                        claim,
                    )
                )
            elif why is not None:
                aside.append(self.line("set aside", f"{self.said(claim)}: {why}", claim))
            else:
                bounds = claim_bounds(claim, self.policy)
                counted.append(self.line("counted", f"{self.said(claim)}: {bounds_text(bounds)}", claim))
            notes += self.carrier_lines(claim)
            notes += self.correction_lines(claim)
            notes += self.derived_lines(claim)
            if claim.quantity.kind.value in REREAD_KINDS and not claim.withdrawn:
                notes.append(self.words_line(claim))
        return counted + aside + notes

    def carrier_lines(self, claim: Claim) -> list[Line]:
        """Every source that carried the statement: one claim, counted once, whoever repeated it."""
        carriers = sorted(self.carriers.get(claim.figure_id, []), key=lambda c: (c.reported_at, c.fingerprint))
        if len(carriers) < 2:
            return []
        name = self.figures[claim.figure_id].claimant_name
        lines = []
        for n, carrier in enumerate(carriers):
            role = "primary carrier" if n == 0 else "carried again"
            stance = f" ({carrier.stance})" if carrier.stance != Stance.STATED.value else ""
            text = f"{carrier.words!r}{stance} of {name} carried by {carrier.label}, reported {carrier.reported} ({role})"
            lines.append(Line("carried", text, claim.figure_id, carrier.position, carrier.document, carrier.quote))
        return lines

    def derived_lines(self, claim: Claim) -> list[Line]:
        source = self.figures[claim.figure_id]
        if not source.derived:
            return []
        text = f"{claim.quantity.text!r} is arithmetic by the analyst, not a quote: {source.derived}"
        return [Line("derived", text, claim.figure_id, source.position, source.document, source.quote)]

    def withdrawal_line(self, claim: Claim) -> Line:
        withdrawal = next((e for e in reversed(self.events.get(claim.figure_id, [])) if e.kind == "withdrawn"), None)
        assert withdrawal is not None  # a claim is marked withdrawn only from a withdrawal fact
        when = describe_time(withdrawal.reported_at or withdrawal.recorded_at, None, None)
        text = f"{self.said(claim, cite=True)}: withdrawn by the claimant on {when}: {withdrawal.reason}"
        return Line("set aside", text, claim.figure_id, withdrawal.position, withdrawal.document, withdrawal.quote)

    def correction_lines(self, claim: Claim) -> list[Line]:
        original = self.figures[claim.figure_id]
        lines = []
        for event in self.events.get(claim.figure_id, []):
            if event.kind != "corrected" or not event.correction:
                continue
            changed = ", ".join(_changed(k, v) for k, v in event.correction.items() if v is not None)
            text = (
                f"figure first recorded as {original.quantity!r} [#{original.position}] was corrected by "
                f"{event.analyst or 'an analyst'} ({changed}): {event.reason}"
            )
            lines.append(Line("correction", text, claim.figure_id, event.position, original.document, original.quote))
        return lines

    def words_line(self, claim: Claim) -> Line:
        """How the policy's table read a vague word or a hedged number ("about 30"), or why it could not."""
        table, quantity = self.policy.vague_table, claim.quantity
        words = repr(quantity.text)
        if quantity.vague_word and quantity.text.lower() != quantity.vague_word:
            words = f"{quantity.vague_word!r} in {words}"
        read = bounds_text(claim_bounds(claim, self.policy))
        used = quantity.read_with(table)
        if used != table.label:
            text = f"{words} is not in table {table.label}: read as recorded, by {used}, as low / best / high {read}"
        else:
            text = f"{words} read as low / best / high {read} by table {table.label}"
        return self.line("words", text, claim)

    def struck_lines(self, key: CellKey) -> list[Line]:
        lines = []
        for figure_id, events in self.events.items():
            source = self.figures.get(figure_id)
            for event in events:
                if event.kind != "struck" or source is None or not self.in_cell(source, key):
                    continue
                text = (
                    f"{source.quantity!r} of {source.claimant_name} [#{source.position}] struck out as an entry error "
                    f"by {event.analyst or 'an analyst'}: {event.reason}"
                )
                lines.append(Line("struck", text, figure_id, event.position, source.document, source.quote))
        return lines

    def in_cell(self, source: sources.FigureSource, key: CellKey) -> bool:
        return (self.incidents.get(key[0]), key[1], key[2]) == (source.incident, source.victim_status, source.outcome)

    def bound_lines(self, own: Cell, prefix: str) -> list[Line]:
        """How low, best, high and the grade follow from the counted claims of one exact cell."""
        policy = self.policy
        if own.grade is Grade.DISCOUNTED:
            return [Line("grade", f"{prefix}discounted: every figure is withdrawn or set aside")]
        if own.grade is Grade.PENDING:
            counted = "with no number" if own.bounds is None else f"as {own.bounds.best} by policy {policy.label}"
            return [Line("grade", f"{prefix}pending: only unquantified figures, counted as present {counted}")]
        assert own.bounds is not None
        quantified = [(c, b) for c in own.claims if (b := claim_bounds(c, policy)) is not None]
        lines = [self.best_line(own.bounds, quantified, prefix)]
        if policy.single_number:
            lines.append(Line("low", f"{prefix}low and high collapse onto best: policy {policy.label} publishes one number"))
        else:
            lows = [c for c, b in quantified if b.low == own.bounds.low]
            text = f"{prefix}low {own.bounds.low}: the lowest credible low, {self.who(lows[0])}"
            lines.insert(0, self.line("low", text, lows[0]))
            if own.bounds.high is None:
                opened = next(c for c, b in quantified if b.high is None)
                lines.append(self.line("high", f"{prefix}high open: {self.who(opened)} gave no upper bound", opened))
            else:
                highest = next(c for c, b in quantified if b.high == own.bounds.high)
                text = f"{prefix}high {own.bounds.high}: the highest credible bound, {self.who(highest)}"
                lines.append(self.line("high", text, highest))
        reason = grade_reason(quantified, policy)
        names = "; ".join(dict.fromkeys(self.figures[c.figure_id].claimant_name for c in reason.claims))
        lines.append(Line("grade", f"{prefix}{reason.grade.value}: {reason.rule} ({names})"))
        return lines

    def best_line(self, bounds: Bounds, quantified: list[tuple[Claim, Bounds]], prefix: str) -> Line:
        candidates = best_candidates(quantified, self.policy)
        passed = [c for c, _ in quantified if all(c is not d for d, _ in candidates)]
        first = ""
        if passed:
            words = ", ".join(f"{self.figures[c.figure_id].claimant_name}'s {c.quantity.text!r}" for c in passed)
            first = f" (a number before vague words: {words} bound low and high only)"
        if self.policy.best_rule is BestRule.LOWEST:
            lowest = next((c for c, b in candidates if b.best == bounds.best), candidates[0][0])
            text = f"{prefix}best {bounds.best}: the lowest best of any counted claimant{first}, {self.who(lowest)}"
            return self.line("best", text, lowest)
        best, chosen = choose_best(quantified, self.snapshot.facts.reliability, self.policy)
        if best != bounds.best or not chosen:
            return Line("best", f"{prefix}best {bounds.best}: the most reliable claimant's best is below low, so best = low")
        reliability = self.snapshot.facts.reliability
        top = max(Reliability(reliability.get(c.claimant_id, "F")).rank for c, _ in candidates)
        tied = sum(Reliability(reliability.get(c.claimant_id, "F")).rank == top for c, _ in candidates)
        tie = " (the lower on a tie)" if tied > 1 else ""
        text = f"{prefix}best {bounds.best}: the figure of the most reliable claimant{tie}{first}, {self.who(chosen[0])}"
        return self.line("best", text, chosen[0])

    def total_lines(self, own_claims: Sequence[Claim]) -> list[Line]:
        """A total given with its named parts ("41, including 14 security personnel"): one statement."""
        lines = []
        for claim in own_claims:
            parts = [f for f in self.figures.values() if f.part_of == claim.figure_id]
            if not parts:
                continue
            ordered = sorted(parts, key=lambda f: f.position)
            named = ", ".join(f"{f.victim_status} {f.quantity!r} [#{f.position}]" for f in ordered)
            text = f"the total {claim.quantity.text!r} of {self.figures[claim.figure_id].claimant_name} names its parts: {named}"
            lines.append(self.line("total", text, claim))
        return lines

    def part_lines(self, cell: Cell, own: Cell | None) -> list[Line]:
        """How a parent combined its child incidents and sub-statuses: for each bound the larger, never the sum."""
        cells = self.snapshot.cells
        children = [cells[k] for k in cell.parts if k[0] != cell.incident_id and k in cells]
        subs = [cells[k] for k in cell.parts if k[0] == cell.incident_id and k in cells]
        lines = [Line("part", f"{self.name(p)}: {bounds_text(p.bounds)}, {p.grade.value}") for p in children + subs]
        candidates = {"own claims": own.bounds if own else None}
        if children:
            candidates["sum of child incidents"] = sum_bounds(p.bounds for p in children)
        statuses = "sum of victim statuses" if cell.victim_status == ROOT_STATUS else "sum of sub-statuses"
        if subs:
            candidates[statuses] = sum_bounds(p.bounds for p in subs)
        shown = {name: b for name, b in candidates.items() if b is not None}
        listed = "; ".join(f"{name} {bounds_text(b)}" for name, b in shown.items())
        lines.append(Line("combined", f"for each bound the larger, never added (they overlap): {listed}"))
        if cell.bounds is not None:
            for bound in ("low", "best", "high"):
                value = getattr(cell.bounds, bound)
                origin = [name for name, b in shown.items() if getattr(b, bound) == value]
                lines.append(Line("combined", f"{bound} {'open' if value is None else value} from {' and '.join(origin)}"))
        lines.append(Line("combined", self.parent_grade(cell, own, [b for n, b in shown.items() if n != "own claims"])))
        if cell.victim_status == ROOT_STATUS and cell.bounds is not None:
            accounted = sum_bounds(p.bounds for p in subs)
            rest = cell.bounds.best - (accounted.best if accounted else 0)
            if rest > 0:
                text = (
                    f"{rest} not attributed to a status: the total's best {cell.bounds.best} less the statuses' "
                    f"{accounted.best if accounted else 0} (arithmetic, not anyone's claim)"
                )
                lines.append(Line("unattributed", text))
        return lines

    def parent_grade(self, cell: Cell, own: Cell | None, sums: list[Bounds]) -> str:
        grade = cell.grade.value
        if own is not None and own.bounds is not None and all(own.bounds.best >= s.best for s in sums):
            why = "whose best is not below the parts' sums" if sums else "since no part carries a number"
            return f"grade {grade} from its own claims, {why}"
        weakest = [p for p in self.parts(cell) if p.bounds is not None and p.grade is cell.grade]
        if weakest:
            return f"grade {grade}: the least certain grade among the parts that carry a number ({self.name(weakest[0])})"
        return f"grade {grade}: no part carries a number"

    def parts(self, cell: Cell) -> list[Cell]:
        return [self.snapshot.cells[k] for k in cell.parts if k in self.snapshot.cells]

    def name(self, cell: Cell) -> str:
        return f"{self.incidents.get(cell.incident_id, cell.incident_id)} / {cell.victim_status}"


def _changed(field: str, value: object) -> str:
    if isinstance(value, dict):
        shown = value.get("text") or value.get("at") or value.get("start") or value
        return f"{field} -> {shown!r}"
    return f"{field} -> {value!r}"
