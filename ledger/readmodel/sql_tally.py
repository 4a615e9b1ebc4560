"""The tally policy engine in SQL: the same rules as ledger.domain.tally, run by DuckDB over the read model.

The Python engine stays the reference (explain and reconcile use its Cell objects); this one
fills the tally tables, where a ledger of a million figures must not wait on Python objects.
tests/readmodel/test_sql_tally.py checks, on random ledgers, every policy and view, that both agree.

Three steps, each a few statements over whole tables:
1. claims: figures the view sees, corrections applied, withdrawals marked (claims.fold);
2. exact cells: per cell, standing claims weighed into bounds and a grade (tally.weigh);
3. roll-up: from the deepest incidents up, each cell the larger of its own bounds and the sum
   of its parts (tally._roll_up); child incidents first, then a category's sub-statuses.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import attrs
import duckdb

from ledger.domain.limits import MAX_COUNT
from ledger.domain.policy import BestRule, Policy
from ledger.domain.quantity import reread
from ledger.domain.vocabulary import ROOT_STATUS, Grade, Reliability, Role, status_level
from ledger.readmodel.view import INCIDENTS_AS_OF, View


# The last instant of a reported time given as JSON {at, precision} (values.period_end_instant).
def _until(at: str, precision: str) -> str:
    return (
        f"CASE {precision} WHEN 'year' THEN date_trunc('year', {at}) + INTERVAL 1 YEAR - INTERVAL 1 MICROSECOND "
        f"WHEN 'month' THEN date_trunc('month', {at}) + INTERVAL 1 MONTH - INTERVAL 1 MICROSECOND "
        f"WHEN 'week' THEN {at} + INTERVAL 7 DAY - INTERVAL 1 MICROSECOND ELSE {at} END"
    )


# work_claims: every claim the view sees, as it stands after corrections (claims.fold) and with its
# primary carrier (claims.with_carriers): the earliest by reported time, ties to the lower fingerprint;
# keyed by its cell's numbers too (work_tree and cell_codes), which the weighing and
# the roll-up group and join on.
CLAIMS = f"""
CREATE OR REPLACE TEMP TABLE work_claims AS
WITH events AS (
    SELECT * FROM figure_events WHERE $recorded IS NULL OR recorded_at <= $recorded
),
fixes AS (  -- each field takes its latest correction that names it
    SELECT figure_id,
           arg_max(correction -> 'quantity', position) FILTER (json_type(correction, '$.quantity') <> 'NULL') AS quantity,
           arg_max(correction ->> 'role', position) FILTER (json_type(correction, '$.role') <> 'NULL') AS role,
           arg_max(correction -> 'reported', position) FILTER (json_type(correction, '$.reported') <> 'NULL') AS reported,
           arg_max(correction -> 'occurred', position) FILTER (json_type(correction, '$.occurred') <> 'NULL') AS occurred,
           arg_max(correction ->> 'stance', position) FILTER (json_type(correction, '$.stance') <> 'NULL') AS stance
    FROM events WHERE kind = 'corrected' GROUP BY figure_id
),
withdrawn AS (
    SELECT DISTINCT figure_id FROM events
    WHERE kind = 'withdrawn' AND ($reported IS NULL OR coalesce(reported_until, recorded_at) <= $reported)
),
struck AS (SELECT DISTINCT figure_id FROM events WHERE kind = 'struck'),
more AS (  -- the carriers after a figure's first, as the view sees them
    SELECT figure_id, min(reported_until) AS until,
           arg_min({{'at': reported_at, 'fingerprint': fingerprint, 'document_id': document_id,
                    'quote_part': quote_part, 'stance': stance}}, (reported_at, fingerprint)) AS earliest
    FROM later_carriers WHERE $recorded IS NULL OR recorded_at <= $recorded GROUP BY figure_id
),
claims AS (
    SELECT f.figure_id, f.series_id, f.incident_id, f.claimant_id, f.victim_status, f.outcome, f.position,
           i.incident, $status_codes[list_position($status_names, f.victim_status)] AS status,
           list_position($outcome_names, f.outcome)::INTEGER AS outcome_code,
           f.fingerprint, coalesce(x.role, f.role) AS role,
           coalesce((x.reported ->> 'at')::TIMESTAMPTZ, f.reported_at) AS own_at,
           CASE WHEN x.reported IS NULL THEN f.reported_until
                ELSE {_until("(x.reported ->> 'at')::TIMESTAMPTZ", "x.reported ->> 'precision'")} END AS own_until,
           w.figure_id IS NOT NULL AS withdrawn,
           CASE WHEN x.occurred IS NULL THEN coalesce(f.occurred_start, i.occurred_start)
                ELSE (x.occurred ->> 'start')::DATE END AS occurred_start,
           CASE WHEN x.occurred IS NULL THEN coalesce(f.occurred_end, i.occurred_end)
                ELSE (x.occurred ->> 'end')::DATE END AS occurred_end,
           -- the figure's own columns hold its first quantity; a correction's JSON replaces it
           coalesce(x.quantity ->> 'kind', f.bound_kind) AS kind,
           CASE WHEN x.quantity IS NULL THEN f.low ELSE (x.quantity ->> 'low')::BIGINT END AS low,
           CASE WHEN x.quantity IS NULL THEN f.best ELSE (x.quantity ->> 'best')::BIGINT END AS best,
           CASE WHEN x.quantity IS NULL THEN f.high ELSE (x.quantity ->> 'high')::BIGINT END AS high,
           CASE WHEN x.quantity IS NULL THEN f.vague_word ELSE x.quantity ->> 'vague_word' END AS vague_word,
           CASE WHEN x.quantity IS NULL THEN f.vague_table ELSE x.quantity ->> 'vague_table' END AS vague_table,
           coalesce(x.quantity ->> 'text', f.quantity_text) AS text,
           x.stance AS fixed_stance, coalesce(f.stance, 'stated') AS own_stance, f.document_id AS own_document,
           coalesce(f.quote_part, 'body') AS own_part, m.earliest, m.until AS more_until
    FROM figures f
    JOIN work_tree i USING (incident_id)
    LEFT JOIN fixes x USING (figure_id)
    LEFT JOIN withdrawn w USING (figure_id)
    LEFT JOIN more m USING (figure_id)
    WHERE ($recorded IS NULL OR f.recorded_at <= $recorded) AND f.figure_id NOT IN (SELECT figure_id FROM struck)
),
carried AS (
    SELECT *, earliest IS NULL OR (own_at, fingerprint) <= (earliest.at, earliest.fingerprint) AS own_first FROM claims
)
SELECT figure_id, series_id, claimant_id, incident, status, outcome_code, position, role, withdrawn,
       kind, low, best, high, vague_table, text,
       CASE WHEN own_first THEN own_at ELSE earliest.at END AS reported_at,
       coalesce(fixed_stance, CASE WHEN own_first THEN own_stance ELSE earliest.stance END) AS stance,
       CASE WHEN own_first THEN own_document ELSE earliest.document_id END AS document_id,
       CASE WHEN own_first THEN own_part ELSE earliest.quote_part END AS quote_part
FROM carried
WHERE ($reported IS NULL OR least(coalesce(own_until, own_at), more_until) <= $reported)
  AND ($occurred_from IS NULL OR occurred_end IS NULL OR occurred_end >= $occurred_from)
  AND ($occurred_to IS NULL OR occurred_start IS NULL OR occurred_start <= $occurred_to)
"""

# A claim series' standing claim is its latest by (reported time, body over headline, log position):
# that order as one HUGEINT, the microseconds since 1970 (negative before) above a bit for the body
# above the position (less than 2^63), which arg_max compares in about half the time it takes
# a struct of the three (none of them is ever NULL in work_claims).
_STANDING_ORDER = (
    f"epoch_us(reported_at)::HUGEINT * {1 << 65} + (quote_part <> 'headline')::HUGEINT * {1 << 64} + position"
)

# work_counted: per claim series its standing claim (latest non-withdrawn by reported time, a
# document's body over its headline at the same time), when the policy counts it, with its bounds
# read through the policy's table (work_readings: the words it re-reads, read in Python by the
# same grammar; words the table cannot read keep their recorded bounds). A claim is set aside on
# its own grounds (denied, excluded role, not credible), as a headline whose document's body also
# counts in the cell, or (under exclude_echoes) as an unattributed echo of a party's number
# (tally.set_aside_reasons).
COUNTED = f"""
CREATE OR REPLACE TEMP TABLE work_counted AS
WITH grades AS (
    SELECT claimant_id, arg_max(reliability, position) AS reliability FROM claimant_grades
    WHERE $recorded IS NULL OR recorded_at <= $recorded GROUP BY claimant_id
),
standing AS (  -- a figure's log position is unique, and a cheaper key than its id
    SELECT * FROM work_claims WHERE position IN (
        SELECT arg_max(position, {_STANDING_ORDER}) FROM work_claims WHERE NOT withdrawn GROUP BY series_id
    )
),
read AS (
    SELECT s.incident, s.status, s.outcome_code, s.figure_id, s.claimant_id, s.role, s.document_id, s.quote_part,
           coalesce(v.kind, s.kind) AS kind,
           coalesce(v.kind, s.kind) <> 'unquantified' AS quantified,
           coalesce(v.kind, s.kind) = 'vague' AS vague,
           CASE WHEN v.text IS NULL THEN s.low ELSE v.low END AS low,
           CASE WHEN v.text IS NULL THEN s.best ELSE v.best END AS best,
           CASE WHEN v.text IS NULL THEN s.high ELSE v.high END AS high,
           s.stance NOT IN ('stated', 'denied') AS hedged,
           r.rank,
           s.stance = 'denied' OR list_contains($excluded_roles, s.role)
               OR list_contains($not_credible, coalesce(g.reliability, 'F')) AS own_grounds
    FROM standing s
    LEFT JOIN grades g USING (claimant_id)
    JOIN (SELECT unnest($ranks, recursive := true)) r ON r.grade = coalesce(g.reliability, 'F')
    LEFT JOIN work_readings v
           ON v.text = s.text AND list_contains($rereads, s.kind) AND s.vague_table IS DISTINCT FROM $table
),
bodied AS (  -- the counted headlines whose document's body also counts in their cell
    SELECT DISTINCT h.incident, h.status, h.outcome_code, h.document_id
    FROM read h JOIN read b USING (incident, status, outcome_code, document_id)
    WHERE h.quote_part = 'headline' AND NOT h.own_grounds AND b.quote_part <> 'headline' AND NOT b.own_grounds
),
party AS (
    SELECT DISTINCT incident, status, outcome_code, low, best, high FROM read
    WHERE quantified AND list_contains($parties, role)
)
-- Set aside by joins to distinct rows (each row matches at most one): an EXISTS here is planned as a
-- deduplication of every claim's cell first, which took longer than the rest of the statement.
SELECT r.incident, r.status, r.outcome_code, r.figure_id, r.claimant_id, r.role, r.quantified, r.vague,
       r.low, r.best, r.high, r.hedged, r.rank
FROM read r
LEFT JOIN bodied b ON r.quote_part = 'headline' AND b.incident = r.incident AND b.status = r.status
      AND b.outcome_code = r.outcome_code AND b.document_id = r.document_id
LEFT JOIN party p ON $exclude_echoes AND r.role IN ('unattributed', 'unknown') AND r.quantified
      AND p.incident = r.incident AND p.status = r.status AND p.outcome_code = r.outcome_code
      AND p.low = r.low AND p.best = r.best AND p.high IS NOT DISTINCT FROM r.high
WHERE NOT r.own_grounds AND b.incident IS NULL AND p.incident IS NULL
"""

# Grades travel through the roll-up as their certainty, so "the weakest part" is a min().
CERTAINTY = "CASE grade " + " ".join(f"WHEN '{g.value}' THEN {g.certainty}" for g in Grade) + " END"
_CERTAINTY_GRADE = " ".join(f"WHEN {g.certainty} THEN '{g.value}'::tally_grade" for g in Grade)

# The most reliable claims' lowest best (tally.choose_best) as one integer's minimum: the highest rank,
# then the lowest best, is the least (top rank - rank) * _BEST_SPAN + best (a best is at most MAX_COUNT).
_BEST_SPAN = 1 << (MAX_COUNT + 1).bit_length()
_TOP_RANK = max(r.rank for r in Reliability)
_RELIABLE = f"({_TOP_RANK} - rank) * {_BEST_SPAN} + best"

# work_exact: every cell with a claim in the view, weighed (tally.weigh and tally.grade_reason).
# Two credible claims disagree when one's low, less the tolerance t = p/q, exceeds the other's
# high, plus it: so some pair does exactly when the largest low exceeds the smallest high.
# Best is chosen among the quantified claims, or under numbers_first among those giving a number
# when any does (tally.best_candidates): each cell is weighed both ways, and takes the one that applies.
EXACT = f"""
CREATE OR REPLACE TEMP TABLE work_exact AS
WITH weighed AS (
    SELECT incident, status, outcome_code,
           count(*) AS counted,
           count(*) FILTER (quantified) AS quantified,
           min(low) FILTER (quantified) AS low,
           max(low) FILTER (quantified) AS largest_low,
           bool_or(quantified AND high IS NULL) AS open,
           max(high) FILTER (quantified) AS high,
           min(high) FILTER (quantified) AS smallest_high,
           $numbers_first AND bool_or(quantified AND NOT vague) AS numbers_only,
           min(best) FILTER (quantified) AS lowest_best,
           min(best) FILTER (quantified AND NOT vague) AS lowest_number,
           min({_RELIABLE}) FILTER (quantified) % {_BEST_SPAN} AS reliable_best,
           min({_RELIABLE}) FILTER (quantified AND NOT vague) % {_BEST_SPAN} AS reliable_number,
           -- hedged figures count, but never confirm (tally.grade_reason)
           bool_or(quantified AND NOT hedged AND list_contains($concessions, role)) AS concession,
           count(*) FILTER (quantified AND NOT hedged AND list_contains($independent, role)) AS firm_independents,
           count(*) FILTER (quantified AND list_contains($independent, role)) AS independents,
           count(*) FILTER (quantified) AS claimants
    FROM work_counted
    GROUP BY ALL
),
graded AS (
    SELECT *,
           CASE WHEN $lowest_best AND numbers_only THEN lowest_number WHEN $lowest_best THEN lowest_best
                WHEN numbers_only THEN reliable_number ELSE reliable_best END AS chosen,
           CASE WHEN counted IS NULL OR counted = 0 THEN 'discounted'
                WHEN quantified = 0 THEN 'pending'
                WHEN largest_low::HUGEINT * ($q - $p) > smallest_high::HUGEINT * ($q + $p) THEN 'contested'
                WHEN concession OR firm_independents >= 2 THEN 'confirmed'
                WHEN claimants >= 2 AND independents >= 1 THEN 'fair'
                ELSE 'weak' END AS grade
    FROM (SELECT DISTINCT incident, status, outcome_code FROM work_claims) cells
    LEFT JOIN weighed USING (incident, status, outcome_code)
)
SELECT incident, status, outcome_code, t.depth,
       CASE WHEN grade = 'discounted' THEN false WHEN grade = 'pending' THEN $unquantified_as IS NOT NULL
            ELSE true END AS quantified,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen ELSE low END AS low,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen
            ELSE greatest(chosen, low) END AS best,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen
            WHEN open THEN NULL ELSE high END AS high,
       {CERTAINTY} AS certainty, 'claims'::tally_basis AS basis, coalesce(counted, 0) AS claims, 0 AS parts
FROM graded JOIN work_tree t USING (incident)
"""

# The roll-up keys cells by numbers, as it keys incidents (work_tree): the root status is 0, each
# category k a multiple k * _SPAN, its sub-statuses k * _SPAN + 1, + 2, ...; outcomes 1, 2, ...
# (cell_codes). Joins and groups on them are cheaper than on the names, and the statuses a status
# rolls into are arithmetic.
_SPAN = 1 << 32  # more sub-statuses than any ledger could hold figures for


def cell_codes(con: duckdb.DuckDBPyConnection) -> dict[str, list[Any]]:
    """Every status and outcome a figure has, whatever the view, and their codes: the names and the
    codes in parallel lists, as statement parameters (a list lookup per row, no join)."""
    found = {str(s) for (s,) in con.execute("SELECT DISTINCT victim_status FROM figures").fetchall()}
    categories = sorted({s.split("/", 1)[0] for s in found} - {ROOT_STATUS})
    codes = {ROOT_STATUS: 0}
    for k, category in enumerate(categories, start=1):
        codes[category] = k * _SPAN
        for j, sub in enumerate(sorted(s for s in found if s.startswith(category + "/")), start=1):
            codes[sub] = k * _SPAN + j
    outcomes = sorted(str(o) for (o,) in con.execute("SELECT DISTINCT outcome FROM figures").fetchall())
    return {"status_names": list(codes), "status_codes": list(codes.values()), "outcome_names": outcomes}


# work_tree: each incident's parent, depth, root and period in the tree as the view sees it. The roll-up
# keys incidents by a number (joins on it are several times cheaper than on the 36-character ids),
# numbered root by root, so that writing the cells in that order groups each campaign's rows
# (TallyTables); the ids the cache stores as UUIDs are cast here, once an incident, not once a cell.
TREE = f"""
CREATE OR REPLACE TEMP TABLE work_tree AS
WITH RECURSIVE tree AS ({INCIDENTS_AS_OF}),
up(incident_id, ancestor_id, steps) AS (
    SELECT incident_id, parent_id, 1 FROM tree
    UNION ALL
    SELECT up.incident_id, t.parent_id, up.steps + 1
    FROM up JOIN tree t ON t.incident_id = up.ancestor_id WHERE t.parent_id IS NOT NULL
),
placed AS (
    SELECT incident_id, count(ancestor_id)::INTEGER AS depth,
           coalesce(arg_max(ancestor_id, steps), incident_id) AS root_id  -- the farthest ancestor
    FROM up GROUP BY incident_id
),
numbered AS (
    SELECT t.incident_id, t.parent_id, t.occurred_start, t.occurred_end, p.depth, p.root_id,
           row_number() OVER (ORDER BY p.root_id, t.incident_id)::INTEGER AS incident
    FROM tree t JOIN placed p USING (incident_id)
)
SELECT n.incident_id, n.incident, p.incident AS parent, n.depth, n.root_id, n.occurred_start, n.occurred_end,
       n.incident_id::UUID AS incident_uuid, n.root_id::UUID AS root_uuid
FROM numbered n LEFT JOIN numbered p ON p.incident_id = n.parent_id
"""


# Parts summed (tally.sum_bounds, tally._weakest): bounds add like to like and an open high stays
# open; the grade is the weakest among the parts that carry a number, else pending if any part is.
PARTS = f"""
SELECT {{key}}, count(*) AS present, count(*) FILTER (quantified) AS quantified,
       sum(low) FILTER (quantified) AS low, sum(best) FILTER (quantified) AS best,
       CASE WHEN bool_or(quantified AND high IS NULL) THEN NULL ELSE sum(high) FILTER (quantified) END AS high,
       coalesce(min(certainty) FILTER (quantified),
                CASE WHEN bool_or(certainty = {Grade.PENDING.certainty}) THEN {Grade.PENDING.certainty}
                     ELSE {Grade.DISCOUNTED.certainty} END) AS weakest
FROM {{cells}} GROUP BY ALL
"""

# A cell combined with its parts (tally._combine): where it has no number of its own the parts'
# sum stands, with the weakest part's grade; where both have one, each bound is the larger, and
# the grade is the cell's own unless the parts' best is larger. A full join, so a cell that only its
# parts make (a category of sub-statuses, a parent of incidents) comes from the join itself.
_PARTS_STAND = "own.certainty IS NULL OR (NOT own.quantified AND p.quantified > 0)"
_OWN_STANDS = "coalesce(p.quantified, 0) = 0 OR NOT own.quantified"
COMBINED = f"""
SELECT incident, status, outcome_code,
       CASE WHEN {_PARTS_STAND} THEN coalesce(p.quantified, 0) > 0 ELSE own.quantified END AS quantified,
       CASE WHEN {_PARTS_STAND} THEN p.low WHEN {_OWN_STANDS} THEN own.low ELSE greatest(own.low, p.low) END AS low,
       CASE WHEN {_PARTS_STAND} THEN p.best WHEN {_OWN_STANDS} THEN own.best ELSE greatest(own.best, p.best) END AS best,
       CASE WHEN {_PARTS_STAND} THEN p.high WHEN {_OWN_STANDS} THEN own.high
            WHEN own.high IS NULL OR p.high IS NULL THEN NULL ELSE greatest(own.high, p.high) END AS high,
       CASE WHEN p.present IS NULL THEN own.certainty WHEN {_PARTS_STAND} THEN p.weakest
            WHEN {_OWN_STANDS} OR own.best >= p.best THEN own.certainty ELSE p.weakest END AS certainty,
       CASE WHEN p.present IS NULL THEN own.basis WHEN {_PARTS_STAND} THEN 'parts'::tally_basis
            WHEN {_OWN_STANDS} THEN own.basis ELSE 'claims+parts'::tally_basis END AS basis,
       coalesce(own.claims, 0) AS claims, coalesce(own.parts, 0) + coalesce(p.present, 0) AS parts
FROM {{own}} own
FULL JOIN {{parts}} p USING (incident, status, outcome_code)
"""

# One level of the tree. Its exact cells combine with its child incidents' cells (the level below),
# then each category with its sub-statuses' cells, then each total (`all`) with its categories'
# cells, all at the same incident (tally._roll_up); a cell is live when it has claims or something
# rolls into it.
_CATEGORY = "split_part(victim_status, '/', 1)"  # a sub-status's category, by name (incremental_tally)
# The same by code (cell_codes).
_CODE_CATEGORY = f"status - status % {_SPAN}"
_CODE_IS_SUB = f"status % {_SPAN} <> 0"
_CODE_IS_CATEGORY = f"status <> 0 AND status % {_SPAN} = 0"
LEVEL = f"""
INSERT INTO work_rolled
WITH children AS ({PARTS.format(key="parent AS incident, status, outcome_code",
                                cells="work_rolled WHERE depth = $depth + 1")}),
with_children AS MATERIALIZED ({COMBINED.format(own="(SELECT * FROM work_exact WHERE depth = $depth)", parts="children")}),
subs AS ({PARTS.format(key=f"incident, {_CODE_CATEGORY} AS status, outcome_code",
                       cells=f"with_children WHERE {_CODE_IS_SUB}")}),
with_subs AS MATERIALIZED ({COMBINED.format(own="with_children", parts="subs")}),
categories AS ({PARTS.format(key="incident, 0 AS status, outcome_code",
                             cells=f"with_subs WHERE {_CODE_IS_CATEGORY}")}),
with_root AS ({COMBINED.format(own="with_subs", parts="categories")})
SELECT with_root.*,
       CASE WHEN $show_remainder AND with_root.status = 0 AND with_root.quantified
            THEN greatest(0, with_root.best - coalesce(c.best, 0)) END AS unattributed,
       $depth AS depth, t.parent
FROM with_root JOIN work_tree t USING (incident)
LEFT JOIN categories c USING (incident, status, outcome_code)
"""


# A cell's victim status and outcome, by name, from its codes (cell_codes); typed as `tally_cells`
# stores them, the outcome an enum (migrations/170_tally_cache_enums.sql), the list cast once, not each row.
_STATUS_NAME = "$status_names[list_position($status_codes, {row}.status)]"
_NAMES = _STATUS_NAME + ", $outcome_names[{row}.outcome_code]"
_TYPED_NAMES = _STATUS_NAME + ", ($outcome_names::tally_outcome[])[{row}.outcome_code]"


@attrs.frozen
class TallyTables:
    """Where a tally is kept: its cells and the claims they count (each row with its tree's root, written
    root by root so a read of one campaign skips the others' blocks), the log position it reflects,
    and the views that read them as `tallies` and `tally_claims` read (with that position)."""

    cells: str
    claims: str
    positions: str
    read: str  # the view of the cells
    read_claims: str  # the view of the claims

    def create_temporary(self, con: duckdb.DuckDBPyConnection) -> None:
        """Empty temporary tables and views of this shape, for a tally of a view other than now."""
        for table, like in ((self.cells, CACHE.cells), (self.claims, CACHE.claims), (self.positions, CACHE.positions)):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {like} LIMIT 0")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {self.read} AS {CELLS_VIEW.format(cells=self.cells, positions=self.positions)}")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {self.read_claims} AS "
            f"{CLAIMS_VIEW.format(claims=self.claims, positions=self.positions)}"
        )


# A cached cell's columns as `tallies` reads them: its enums as text, and the flags that follow from
# the other columns (migrations/170_tally_cache_enums.sql).
CELL_COLUMNS = (
    "c.outcome::VARCHAR AS outcome, c.low, c.best, c.high, c.best IS NOT NULL AND c.high IS NULL AS high_open, "
    "c.grade::VARCHAR AS grade, c.basis::VARCHAR AS basis, c.claims, c.parts, "
    f"CASE WHEN c.victim_status = '{ROOT_STATUS}' THEN 0 WHEN contains(c.victim_status, '/') THEN 2 ELSE 1 END "
    f"AS status_level, c.victim_status = '{ROOT_STATUS}' AND c.root_id = c.incident_id AS top, c.unattributed"
)
# The views `tallies` and `tally_claims` (migrations/180_tally_cache_uuids.sql), as templates: the ids,
# stored as UUIDs, read as text.
CELLS_VIEW = (
    f"SELECT c.policy, p.log_position, c.incident_id::VARCHAR AS incident_id, c.victim_status, {CELL_COLUMNS} "
    "FROM {cells} c JOIN {positions} p USING (policy)"
)
CLAIMS_VIEW = (
    "SELECT c.policy, p.log_position, c.incident_id::VARCHAR AS incident_id, c.victim_status, c.outcome, "
    "c.figure_id::VARCHAR AS figure_id, c.claimant_id::VARCHAR AS claimant_id "
    "FROM {claims} c JOIN {positions} p USING (policy)"
)
CACHE = TallyTables("tally_cells", "tally_cell_claims", "tally_positions", "tallies", "tally_claims")  # now's
VIEW_TABLES = TallyTables(
    "view_tally_cells", "view_tally_cell_claims", "view_tally_positions", "view_tallies", "view_tally_claims"
)


def fill_tally(con: duckdb.DuckDBPyConnection, policy: Policy, view: View, tables: TallyTables, at: int) -> None:
    """Replace this policy's rows in `tables` with the tally the view sees at log position `at`, inside
    the caller's transaction."""
    params = _params(policy, view)
    params |= cell_codes(con)
    for sql in (TREE, CLAIMS):
        con.execute(sql, _only(params, sql))
    _readings(con, policy)
    for sql in (COUNTED, EXACT):
        con.execute(sql, _only(params, sql))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE work_rolled (incident INTEGER, status BIGINT, outcome_code INTEGER, "
        # Sums of counts: HUGEINT, so no number of figures at the ledger's limit overflows (ledger/domain/limits.py).
        "quantified BOOLEAN, low HUGEINT, best HUGEINT, high HUGEINT, certainty INTEGER, basis tally_basis, claims INTEGER, "
        "parts INTEGER, unattributed HUGEINT, depth INTEGER, parent INTEGER)"
    )
    # Level by level from the leaves: a level's cells need their children's cells complete.
    (deepest,) = con.execute("SELECT coalesce(max(depth), -1) FROM work_exact").fetchone() or (-1,)
    for depth in range(deepest, -1, -1):
        con.execute(LEVEL, {"depth": depth, "show_remainder": policy.show_remainder})
    # A rolled-up cell counts the claims of its own exact cell; the claims themselves are listed beside.
    # Both are written in incident-number order: root by root (work_tree). The cells are sorted before
    # their names are joined, which costs a third of sorting the written rows; the join keeps the
    # order of the rows it probes with, as DuckDB keeps an insert's order (preserve_insertion_order).
    label = {"policy": policy.label}
    con.execute(f"DELETE FROM {tables.cells} WHERE policy = $policy", label)
    con.execute(
        f"INSERT INTO {tables.cells} SELECT $policy, t.incident_uuid, {_TYPED_NAMES.format(row='r')}, "
        "CASE WHEN r.quantified THEN r.low END, CASE WHEN r.quantified THEN r.best END, "
        f"CASE WHEN r.quantified THEN r.high END, CASE r.certainty {_CERTAINTY_GRADE} END, r.basis, r.claims, "
        "r.parts, r.unattributed, t.root_uuid "
        "FROM (SELECT * FROM work_rolled ORDER BY incident) r JOIN work_tree t USING (incident)",
        label | _only(params, _NAMES),
    )
    con.execute(f"DELETE FROM {tables.claims} WHERE policy = $policy", label)
    con.execute(
        f"INSERT INTO {tables.claims} SELECT $policy, t.incident_uuid, {_NAMES.format(row='c')}, "
        "c.figure_id::UUID, c.claimant_id::UUID, t.root_uuid FROM work_counted c JOIN work_tree t USING (incident) "
        "ORDER BY c.incident",
        label | _only(params, _NAMES),
    )
    con.execute(f"DELETE FROM {tables.positions} WHERE policy = $policy", label)
    con.execute(f"INSERT INTO {tables.positions} VALUES ($policy, $at)", label | {"at": at})
    for name in ("work_readings", "work_claims", "work_counted", "work_tree", "work_exact",
                 "work_rolled"):
        con.execute(f"DROP TABLE {name}")


def _readings(con: duckdb.DuckDBPyConnection, policy: Policy) -> None:
    """work_readings: the words of the claims this policy's table reads again, read by the grammar
    (Quantity.under). Distinct words are few (a million figures use a few hundred), so Python reads them."""
    table = policy.vague_table
    texts = con.execute(
        "SELECT DISTINCT text FROM work_claims WHERE list_contains($rereads, kind) AND vague_table IS DISTINCT FROM $table",
        {"rereads": sorted(table.rereads), "table": table.label},
    ).fetchall()
    rows = []
    for (text,) in texts:
        reading = reread(text, table)
        if reading is not None:
            rows.append((text, reading.kind.value, reading.low, reading.best, reading.high))
    con.execute("CREATE OR REPLACE TEMP TABLE work_readings (text VARCHAR, kind VARCHAR, low BIGINT, best BIGINT, high BIGINT)")
    if rows:
        con.executemany("INSERT INTO work_readings VALUES (?, ?, ?, ?, ?)", rows)


def _params(policy: Policy, view: View) -> dict[str, Any]:
    tolerance = Fraction(str(policy.tolerance))  # the tolerance as written, as tally.agree reads it
    return {
        "recorded": view.recorded_by,
        "reported": view.reported_by,
        "occurred_from": view.occurred_from,
        "occurred_to": view.occurred_to,
        "ranks": [{"grade": r.value, "rank": r.rank} for r in Reliability],
        "excluded_roles": sorted(policy.excluded_roles),
        "not_credible": sorted(policy.not_credible),
        "concessions": [r.value for r in Role if r.is_concession],
        "independent": [r.value for r in Role if r.is_independent],
        "parties": [r.value for r in Role if r.is_party],
        "rereads": sorted(policy.vague_table.rereads),
        "table": policy.vague_table.label,
        "numbers_first": policy.numbers_first,
        "exclude_echoes": policy.exclude_echoes,
        "p": tolerance.numerator,
        "q": tolerance.denominator,
        "lowest_best": policy.best_rule is BestRule.LOWEST,
        "single_number": policy.single_number,
        "unquantified_as": policy.unquantified_as,
    }


def _only(params: dict[str, Any], sql: str) -> dict[str, Any]:
    """DuckDB rejects named parameters a statement does not use."""
    return {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}


def cell_columns(cell: Any, parents: dict[str, str | None]) -> dict[str, Any]:
    """A tally cell (ledger.domain.tally.Cell) as the columns of a `tallies` row that both engines write."""
    bounds = cell.bounds
    return {
        "incident_id": cell.incident_id,
        "victim_status": cell.victim_status,
        "outcome": cell.outcome,
        "low": bounds.low if bounds else None,
        "best": bounds.best if bounds else None,
        "high": bounds.high if bounds else None,
        "high_open": bool(bounds and bounds.high is None),
        "grade": cell.grade.value,
        "basis": cell.basis,
        "claims": len(cell.claims),
        "parts": len(cell.parts),
        "status_level": status_level(cell.victim_status),
        "top": cell.victim_status == ROOT_STATUS and parents.get(cell.incident_id) is None,
        "unattributed": cell.unattributed,
    }
