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

import duckdb

from ledger.domain.policy import BestRule, Policy
from ledger.domain.vocabulary import Grade, Reliability, Role
from ledger.errors import InvalidInput
from ledger.readmodel.view import INCIDENTS_AS_OF, View

# work_claims: every claim the view sees, as it stands after corrections (claims.fold).
CLAIMS = f"""
CREATE OR REPLACE TEMP TABLE work_claims AS
WITH events AS (
    SELECT * FROM figure_events WHERE $recorded IS NULL OR recorded_at <= $recorded
),
fixes AS (  -- each field takes its latest correction that names it
    SELECT figure_id,
           arg_max(correction -> 'quantity', position) FILTER (json_type(correction, '$.quantity') <> 'NULL') AS quantity,
           arg_max(correction ->> 'role', position) FILTER (json_type(correction, '$.role') <> 'NULL') AS role,
           arg_max(correction -> 'reported' ->> 'at', position)
               FILTER (json_type(correction, '$.reported') <> 'NULL') AS reported_at,
           arg_max(correction -> 'occurred', position) FILTER (json_type(correction, '$.occurred') <> 'NULL') AS occurred
    FROM events WHERE kind = 'corrected' GROUP BY figure_id
),
withdrawn AS (
    SELECT DISTINCT figure_id FROM events
    WHERE kind = 'withdrawn' AND ($reported IS NULL OR coalesce(reported_at, recorded_at) <= $reported)
),
struck AS (SELECT DISTINCT figure_id FROM events WHERE kind = 'struck'),
claims AS (
    SELECT f.figure_id, f.series_id, f.incident_id, f.claimant_id, f.victim_status, f.outcome, f.position,
           coalesce(x.role, f.role) AS role,
           coalesce(x.reported_at::TIMESTAMPTZ, f.reported_at) AS reported_at,
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
           coalesce(x.quantity ->> 'text', f.quantity_text) AS text
    FROM figures f
    JOIN ({INCIDENTS_AS_OF}) i USING (incident_id)
    LEFT JOIN fixes x USING (figure_id)
    LEFT JOIN withdrawn w USING (figure_id)
    WHERE ($recorded IS NULL OR f.recorded_at <= $recorded) AND f.figure_id NOT IN (SELECT figure_id FROM struck)
)
SELECT * FROM claims
WHERE ($reported IS NULL OR reported_at <= $reported)
  AND ($occurred_from IS NULL OR occurred_end IS NULL OR occurred_end >= $occurred_from)
  AND ($occurred_to IS NULL OR occurred_start IS NULL OR occurred_start <= $occurred_to)
"""

# work_counted: per claim series its standing claim (latest non-withdrawn by reported time),
# when the policy counts it, with its bounds read through the policy's vague-word table.
COUNTED = """
CREATE OR REPLACE TEMP TABLE work_counted AS
WITH grades AS (
    SELECT claimant_id, arg_max(reliability, position) AS reliability FROM claimant_grades
    WHERE $recorded IS NULL OR recorded_at <= $recorded GROUP BY claimant_id
),
standing AS (  -- a figure's log position is unique, and a cheaper key than its id
    SELECT * FROM work_claims WHERE position IN (
        SELECT arg_max(position, (reported_at, position)) FROM work_claims WHERE NOT withdrawn GROUP BY series_id
    )
)
SELECT s.incident_id, s.victim_status, s.outcome, s.figure_id, s.claimant_id, s.role, s.reported_at, s.position,
       s.kind, s.text, s.vague_word,
       s.kind <> 'unquantified' AS quantified,
       CASE WHEN s.kind = 'vague' THEN v.low ELSE s.low END AS low,
       CASE WHEN s.kind = 'vague' THEN v.best ELSE s.best END AS best,
       CASE WHEN s.kind = 'vague' THEN v.high ELSE s.high END AS high,
       s.kind = 'vague' AND v.word IS NULL AS unknown_word,
       r.rank
FROM standing s
LEFT JOIN grades g USING (claimant_id)
JOIN (SELECT unnest($ranks, recursive := true)) r ON r.grade = coalesce(g.reliability, 'F')
LEFT JOIN work_vague v
       ON v.word = lower(trim(regexp_replace(translate(s.vague_word, '–—−', '---'), '\\s+', ' ', 'g')))
WHERE NOT list_contains($excluded_roles, s.role) AND NOT list_contains($not_credible, coalesce(g.reliability, 'F'))
"""

# Grades travel through the roll-up as their certainty, so "the weakest part" is a min().
CERTAINTY = "CASE grade " + " ".join(f"WHEN '{g.value}' THEN {g.certainty}" for g in Grade) + " END"
_CERTAINTY_GRADE = " ".join(f"WHEN {g.certainty} THEN '{g.value}'" for g in Grade)

# work_exact: every cell with a claim in the view, weighed (tally.weigh and tally.grade_reason).
# Two credible claims disagree when one's low, less the tolerance t = p/q, exceeds the other's
# high, plus it: so some pair does exactly when the largest low exceeds the smallest high.
EXACT = f"""
CREATE OR REPLACE TEMP TABLE work_exact AS
WITH weighed AS (
    SELECT incident_id, victim_status, outcome,
           count(*) AS counted,
           count(*) FILTER (quantified) AS quantified,
           min(low) FILTER (quantified) AS low,
           max(low) FILTER (quantified) AS largest_low,
           bool_or(quantified AND high IS NULL) AS open,
           max(high) FILTER (quantified) AS high,
           min(high) FILTER (quantified) AS smallest_high,
           min(best) FILTER (quantified) AS lowest_best,
           min({{'rank': -rank, 'best': best}}) FILTER (quantified) AS most_reliable,
           bool_or(quantified AND list_contains($concessions, role)) AS concession,
           count(*) FILTER (quantified AND list_contains($independent, role)) AS independents,
           count(*) FILTER (quantified) AS claimants
    FROM work_counted
    GROUP BY ALL
),
graded AS (
    SELECT *,
           CASE WHEN $lowest_best THEN lowest_best ELSE most_reliable.best END AS chosen,
           CASE WHEN counted IS NULL OR counted = 0 THEN 'discounted'
                WHEN quantified = 0 THEN 'pending'
                WHEN largest_low::HUGEINT * ($q - $p) > smallest_high::HUGEINT * ($q + $p) THEN 'contested'
                WHEN concession OR independents >= 2 THEN 'confirmed'
                WHEN claimants >= 2 AND independents >= 1 THEN 'fair'
                ELSE 'weak' END AS grade
    FROM (SELECT DISTINCT incident_id, victim_status, outcome FROM work_claims) cells
    LEFT JOIN weighed USING (incident_id, victim_status, outcome)
)
SELECT t.incident, victim_status, outcome, t.depth,
       CASE WHEN grade = 'discounted' THEN false WHEN grade = 'pending' THEN $unquantified_as IS NOT NULL
            ELSE true END AS quantified,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen ELSE low END AS low,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen
            ELSE greatest(chosen, low) END AS best,
       CASE WHEN grade = 'pending' THEN $unquantified_as WHEN $single_number THEN chosen
            WHEN open THEN NULL ELSE high END AS high,
       {CERTAINTY} AS certainty, 'claims' AS basis, coalesce(counted, 0) AS claims, 0 AS parts
FROM graded JOIN work_tree t USING (incident_id)
"""

# work_tree: each incident's parent and depth in the tree as the view sees it. The roll-up keys
# incidents by a number: joins on it are several times cheaper than on the 36-character ids.
TREE = f"""
CREATE OR REPLACE TEMP TABLE work_tree AS
WITH RECURSIVE tree AS ({INCIDENTS_AS_OF}),
up(incident_id, ancestor_id) AS (
    SELECT incident_id, parent_id FROM tree
    UNION ALL
    SELECT up.incident_id, t.parent_id FROM up JOIN tree t ON t.incident_id = up.ancestor_id WHERE t.parent_id IS NOT NULL
),
numbered AS (SELECT *, row_number() OVER (ORDER BY incident_id)::INTEGER AS incident FROM tree)
SELECT n.incident_id, n.incident, p.incident AS parent, count(up.ancestor_id)::INTEGER AS depth
FROM numbered n LEFT JOIN numbered p ON p.incident_id = n.parent_id LEFT JOIN up ON up.incident_id = n.incident_id
GROUP BY ALL
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
# the grade is the cell's own unless the parts' best is larger.
_PARTS_STAND = "own.certainty IS NULL OR (NOT own.quantified AND p.quantified > 0)"
_OWN_STANDS = "coalesce(p.quantified, 0) = 0 OR NOT own.quantified"
COMBINED = f"""
SELECT incident, victim_status, outcome,
       CASE WHEN {_PARTS_STAND} THEN coalesce(p.quantified, 0) > 0 ELSE own.quantified END AS quantified,
       CASE WHEN {_PARTS_STAND} THEN p.low WHEN {_OWN_STANDS} THEN own.low ELSE greatest(own.low, p.low) END AS low,
       CASE WHEN {_PARTS_STAND} THEN p.best WHEN {_OWN_STANDS} THEN own.best ELSE greatest(own.best, p.best) END AS best,
       CASE WHEN {_PARTS_STAND} THEN p.high WHEN {_OWN_STANDS} THEN own.high
            WHEN own.high IS NULL OR p.high IS NULL THEN NULL ELSE greatest(own.high, p.high) END AS high,
       CASE WHEN p.present IS NULL THEN own.certainty WHEN {_PARTS_STAND} THEN p.weakest
            WHEN {_OWN_STANDS} OR own.best >= p.best THEN own.certainty ELSE p.weakest END AS certainty,
       CASE WHEN p.present IS NULL THEN own.basis WHEN {_PARTS_STAND} THEN 'parts'
            WHEN {_OWN_STANDS} THEN own.basis ELSE 'claims+parts' END AS basis,
       coalesce(own.claims, 0) AS claims, coalesce(own.parts, 0) + coalesce(p.present, 0) AS parts
FROM {{cells}}
LEFT JOIN {{parts}} p USING (incident, victim_status, outcome)
"""
# The cells combined, with their own bounds as `own`: another table's, or (when the cells carry
# their own bounds) the cells themselves, which spares joining a table to itself.
_WITH_OWN = "{cells} cell LEFT JOIN {own} own USING (incident, victim_status, outcome)"

# One level of the tree. Its cells: its exact cells, for their status and its category, and the
# parents of the level below (a cell is live when something rolls into it). Each combines with its
# child incidents' cells, then each category with its sub-statuses' cells at the same incident.
LEVEL = f"""
INSERT INTO work_rolled
WITH cells AS (
    SELECT incident, victim_status, outcome FROM work_exact WHERE depth = $depth
    UNION
    SELECT incident, split_part(victim_status, '/', 1), outcome FROM work_exact
    WHERE depth = $depth AND contains(victim_status, '/')  -- a sub-status's category
    UNION
    SELECT parent, victim_status, outcome FROM work_rolled WHERE depth = $depth + 1
),
children AS ({PARTS.format(key="parent AS incident, victim_status, outcome",
                           cells="work_rolled WHERE depth = $depth + 1")}),
with_children AS MATERIALIZED ({COMBINED.format(cells=_WITH_OWN.format(cells="cells", own="work_exact"), parts="children")}),
subs AS ({PARTS.format(key="incident, split_part(victim_status, '/', 1) AS victim_status, outcome",
                       cells="with_children WHERE contains(victim_status, '/')")}),
with_subs AS ({COMBINED.format(cells="with_children own", parts="subs")})
SELECT with_subs.*, $depth AS depth, t.parent FROM with_subs JOIN work_tree t USING (incident)
"""


def fill_tally(con: duckdb.DuckDBPyConnection, policy: Policy, view: View, table: str, claims_table: str, at: int) -> None:
    """Replace this policy's rows in `table` (cells) and `claims_table` (the claims each cell counts)
    with the tally the view sees, inside the caller's transaction."""
    params = _params(policy, view)
    con.execute("CREATE OR REPLACE TEMP TABLE work_vague (word VARCHAR, low BIGINT, best BIGINT, high BIGINT)")
    for word, bounds in policy.vague_table.entries.items():
        con.execute("INSERT INTO work_vague VALUES (?, ?, ?, ?)", [word, bounds.low, bounds.best, bounds.high])
    for sql in (CLAIMS, COUNTED):
        con.execute(sql, _only(params, sql))
    unknown = con.execute("SELECT text, vague_word FROM work_counted WHERE unknown_word LIMIT 1").fetchone()
    if unknown:
        raise InvalidInput(
            f"quantity {unknown[0]!r}: vague word {unknown[1]!r} is not in table {policy.vague_table.label}; "
            "add it to that table or read the figure with a table that has it"
        )
    for sql in (TREE, EXACT):
        con.execute(sql, _only(params, sql))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE work_rolled (incident INTEGER, victim_status VARCHAR, outcome VARCHAR, "
        "quantified BOOLEAN, low BIGINT, best BIGINT, high BIGINT, certainty INTEGER, basis VARCHAR, claims INTEGER, "
        "parts INTEGER, depth INTEGER, parent INTEGER)"
    )
    # Level by level from the leaves: a level's cells need their children's cells complete.
    (deepest,) = con.execute("SELECT coalesce(max(depth), -1) FROM work_exact").fetchone() or (-1,)
    for depth in range(deepest, -1, -1):
        con.execute(LEVEL, {"depth": depth})
    # A rolled-up cell counts the claims of its own exact cell; the claims themselves are listed beside.
    con.execute(f"DELETE FROM {table} WHERE policy = $policy", {"policy": policy.label})
    con.execute(
        f"INSERT INTO {table} SELECT $policy, $at, t.incident_id, r.victim_status, r.outcome, "
        "CASE WHEN r.quantified THEN r.low END, CASE WHEN r.quantified THEN r.best END, "
        "CASE WHEN r.quantified THEN r.high END, r.quantified AND r.high IS NULL, "
        f"CASE r.certainty {_CERTAINTY_GRADE} END, r.basis, r.claims, r.parts "
        "FROM work_rolled r JOIN work_tree t USING (incident)",
        {"policy": policy.label, "at": at},
    )
    con.execute(f"DELETE FROM {claims_table} WHERE policy = $policy", {"policy": policy.label})
    con.execute(
        f"INSERT INTO {claims_table} SELECT $policy, $at, incident_id, victim_status, outcome, figure_id, claimant_id "
        "FROM work_counted",
        {"policy": policy.label, "at": at},
    )
    for name in ("work_vague", "work_claims", "work_counted", "work_tree", "work_exact", "work_rolled"):
        con.execute(f"DROP TABLE {name}")


def _params(policy: Policy, view: View) -> dict[str, Any]:
    tolerance = Fraction(str(policy.tolerance))  # the tolerance as written, as tally._agree reads it
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
        "p": tolerance.numerator,
        "q": tolerance.denominator,
        "lowest_best": policy.best_rule is BestRule.LOWEST,
        "single_number": policy.single_number,
        "unquantified_as": policy.unquantified_as,
    }


def _only(params: dict[str, Any], sql: str) -> dict[str, Any]:
    """DuckDB rejects named parameters a statement does not use."""
    return {name: value for name, value in params.items() if re.search(rf"\${name}\b", sql)}
