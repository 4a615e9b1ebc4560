"""Tallies that answer in proportion to what changed: once the log moves, only the cells its new
facts reach are tallied again, and the rest of the cached tally stands.

A rolled-up cell depends only on the exact cells below it: those of its incident and the incidents
under it, for its victim status and the statuses under it, same outcome (tally._roll_up). So when
new figures, withdrawals, corrections, strikes or carriers touch some exact cells, the cells to
tally again (the affected cells) are those cells and their ancestors in both trees, up to each
incident tree's root and the all-victims total. Their own claims are weighed again by the full
engine's statements, limited to their claim series (sql_tally.claims_sql, COUNTED, EXACT); then
they are rolled up level by level from the deepest, each part taken from this run where it is
affected and from the cached tally where it is not.

A change that reaches cells without naming them tallies everything again (sql_tally.fill_tally):
a claimant's grade, an incident moved or its period corrected, the ledger's configuration, and
any fact this module does not know. So does a change touching a large share of the cells, where
the full engine is the cheaper path to the same result. tests/readmodel/test_incremental_tally.py
checks, on random ledgers with random changes, that both paths give the same cells and claims.
"""

from __future__ import annotations

import attrs
import duckdb

from ledger.domain.policy import Policy
from ledger.domain.vocabulary import ROOT_STATUS
from ledger.readmodel.sql_tally import (
    _CATEGORY,
    _CERTAINTY_GRADE,
    _IS_CATEGORY,
    _WITH_OWN,
    CERTAINTY,
    COMBINED,
    COUNTED,
    EXACT,
    PARTS,
    _only,
    _params,
    _readings,
    claims_sql,
    fill_tally,
)
from ledger.readmodel.view import View

# Facts about one figure: they touch its own cell only (the cell of its claim series).
FIGURE_TOPICS = (
    "ledger:ClaimSeries.FigureReported",
    "ledger:ClaimSeries.FigureCarried",
    "ledger:ClaimSeries.FigureWithdrawn",
    "ledger:ClaimSeries.FigureCorrected",
    "ledger:ClaimSeries.FigureStruck",
)
# Facts no tally reads: names, descriptions and default roles (a figure keeps the role it was
# recorded with), registrations (a new claimant or incident has no figures yet; its figures are
# facts of their own), documents, closing and reopening, reconciliations, the review queue, checkpoints.
INERT_TOPICS = (
    "ledger:Claimant.Registered",
    "ledger:Claimant.Corrected",
    "ledger:Claimant.DefaultRolesSet",
    "ledger:Publisher.Registered",
    "ledger:Publisher.Corrected",
    "ledger:Document.Archived",
    "ledger:Incident.Registered",
    "ledger:Incident.Closed",
    "ledger:Incident.Reopened",
    "ledger:ClaimSeries.Opened",
    "ledger:Reconciliation.Recorded",
    "ledger:Extraction.Ran",
    "ledger:Proposal.Proposed",
    "ledger:Proposal.Edited",
    "ledger:Proposal.Accepted",
    "ledger:Proposal.Rejected",
    "ledger:Checkpoint.Signed",
)
# Above this share of the cached cells touched, the full engine is the cheaper path.
LARGEST_SHARE = 0.1


@attrs.frozen
class Refresh:
    """How a policy's cached tally was brought up to a log position."""

    mode: str  # "incremental" or "full"
    reason: str  # why: what changed, or why everything was tallied again
    touched: int = 0  # exact cells the new facts touched (incremental)
    affected: int = 0  # cells tallied again: the touched cells and their ancestors (incremental)


@attrs.frozen
class Plan:
    """What the facts since a policy's cached tally ask for: `since` None when nothing is cached,
    `everything` with the reason when a change is global."""

    since: int | None
    everything: str | None = None


def plan(con: duckdb.DuckDBPyConnection, policy: Policy, at: int) -> Plan:
    """Whether the cached tally of this policy can be brought to `at` cell by cell, read only."""
    since, cells = con.execute("SELECT max(log_position), count(*) FROM tallies WHERE policy = ?", [policy.label]).fetchone() or (
        None,
        0,
    )
    if not cells or since is None:
        return Plan(None, f"no cached tally under policy {policy.label}")
    if since > at:
        return Plan(since, f"the cached tally reflects position {since}, after {at}")
    topics = [
        str(topic)
        for (topic,) in con.execute(
            "SELECT DISTINCT topic FROM facts WHERE position > ? AND position <= ? ORDER BY topic", [since, at]
        ).fetchall()
    ]
    reaching = [t for t in topics if t not in FIGURE_TOPICS and t not in INERT_TOPICS]
    if reaching:
        return Plan(since, f"{', '.join(reaching)} since position {since} may change any cell")
    return Plan(since)


def refresh_tally(con: duckdb.DuckDBPyConnection, policy: Policy, at: int, largest_share: float = LARGEST_SHARE) -> Refresh:
    """Bring `tallies` and `tally_claims` for this policy to log position `at` (the current view),
    inside the caller's transaction: only the cells the new facts reach where that is safe, else all.
    Beyond `largest_share` of the cached cells touched, all (the cheaper path to the same cells)."""
    found = plan(con, policy, at)
    if found.since is None or found.everything is not None:
        fill_tally(con, policy, View(), "tallies", "tally_claims", at)
        return Refresh("full", found.everything or "")
    con.execute(TOUCHED, {"since": found.since, "at": at, "topics": list(FIGURE_TOPICS)})
    (touched,) = con.execute("SELECT count(*) FROM work_touched").fetchone() or (0,)
    (cached,) = con.execute("SELECT count(*) FROM tallies WHERE policy = ?", [policy.label]).fetchone() or (0,)
    if touched > largest_share * cached:
        con.execute("DROP TABLE work_touched")
        fill_tally(con, policy, View(), "tallies", "tally_claims", at)
        return Refresh("full", f"{touched} of {cached} cells touched since position {found.since}")
    affected = _tally_affected(con, policy, at)
    return Refresh("incremental", f"facts since position {found.since}", touched, affected)


# The exact cells of the claim series the new facts are about.
TOUCHED = """
CREATE OR REPLACE TEMP TABLE work_touched AS
SELECT DISTINCT incident_id, victim_status, outcome FROM series
WHERE series_id IN (
    SELECT aggregate_id FROM facts WHERE position > $since AND position <= $at AND list_contains($topics, topic)
)
"""

# work_chain: each touched incident with itself and its ancestors (distance 0, 1, ...).
# work_tree: those incidents with their depth and parent, keyed by id (incident = incident_id:
# the sets are small, so the full engine's numbering would cost more than it saves).
CHAIN = """
CREATE OR REPLACE TEMP TABLE work_chain AS
WITH RECURSIVE up(incident_id, ancestor, distance) AS (
    SELECT DISTINCT incident_id, incident_id, 0 FROM work_touched
    UNION ALL
    SELECT up.incident_id, i.parent_id, up.distance + 1
    FROM up JOIN incidents i ON i.incident_id = up.ancestor WHERE i.parent_id IS NOT NULL
)
SELECT *, (max(distance) OVER (PARTITION BY incident_id) - distance)::INTEGER AS depth FROM up
"""
TREE = """
CREATE OR REPLACE TEMP TABLE work_tree AS
SELECT DISTINCT c.ancestor AS incident_id, c.ancestor AS incident, c.depth, i.parent_id AS parent
FROM work_chain c JOIN incidents i ON i.incident_id = c.ancestor
"""

# work_affected: the touched cells and every cell they roll into, with the incident's depth and parent;
# work_scope: the claim series of those cells, whose claims are weighed again.
AFFECTED = f"""
CREATE OR REPLACE TEMP TABLE work_affected AS
WITH statuses AS (
    SELECT incident_id, victim_status, outcome FROM work_touched
    UNION SELECT incident_id, {_CATEGORY}, outcome FROM work_touched WHERE contains(victim_status, '/')
    UNION SELECT incident_id, '{ROOT_STATUS}', outcome FROM work_touched
)
SELECT DISTINCT c.ancestor AS incident, s.victim_status, s.outcome, t.depth, t.parent
FROM statuses s JOIN work_chain c USING (incident_id) JOIN work_tree t ON t.incident = c.ancestor
"""
SCOPE = """
CREATE OR REPLACE TEMP TABLE work_scope AS
SELECT s.series_id FROM series s
JOIN work_affected a ON a.incident = s.incident_id AND a.victim_status = s.victim_status AND a.outcome = s.outcome
"""

# work_cached: the cached cells the affected cells take as parts and that stay as they are: the
# cells of the affected incidents and of their children, the affected cells aside.
CACHED = f"""
CREATE OR REPLACE TEMP TABLE work_cached AS
WITH near AS (
    SELECT incident, depth, parent FROM work_tree
    UNION
    SELECT i.incident_id, t.depth + 1, i.parent_id FROM incidents i JOIN work_tree t ON i.parent_id = t.incident
)
SELECT c.incident_id AS incident, c.victim_status, c.outcome, c.best IS NOT NULL AS quantified,
       c.low, c.best, c.high, {CERTAINTY} AS certainty, n.depth, n.parent
FROM tallies c JOIN near n ON n.incident = c.incident_id
WHERE c.policy = $policy AND NOT EXISTS (
    SELECT 1 FROM work_affected a
    WHERE a.incident = c.incident_id AND a.victim_status = c.victim_status AND a.outcome = c.outcome
)
"""

# One level of the affected cells, as sql_tally.LEVEL rolls one level of every cell: each combines
# with its child incidents' cells, then each category with its sub-statuses' cells, then each total
# with its categories' cells. Parts come from this run (work_rolled, with_children, with_subs) or
# the cache (work_cached). An affected cell nothing rolls into any more (its figures all struck)
# has no grade (certainty NULL): it is no part and is not kept.
_BOUNDS = "incident, victim_status, outcome, quantified, low, best, high, certainty"
_BESIDE = f"SELECT {_BOUNDS} FROM work_cached WHERE depth = $depth"
LEVEL = f"""
INSERT INTO work_rolled
WITH cells AS (SELECT incident, victim_status, outcome FROM work_affected WHERE depth = $depth),
below AS (
    SELECT {_BOUNDS}, parent FROM work_rolled WHERE depth = $depth + 1
    UNION ALL
    SELECT {_BOUNDS}, parent FROM work_cached WHERE depth = $depth + 1
),
children AS ({PARTS.format(key="parent AS incident, victim_status, outcome", cells="below")}),
with_children AS MATERIALIZED ({COMBINED.format(cells=_WITH_OWN.format(cells="cells", own="work_exact"), parts="children")}),
subs AS ({
    PARTS.format(
        key=f"incident, {_CATEGORY} AS victim_status, outcome",
        cells=f"(SELECT {_BOUNDS} FROM with_children WHERE certainty IS NOT NULL UNION ALL {_BESIDE}) "
        "WHERE contains(victim_status, '/')",
    )
}),
with_subs AS MATERIALIZED ({COMBINED.format(cells="with_children own", parts="subs")}),
categories AS ({
    PARTS.format(
        key=f"incident, '{ROOT_STATUS}' AS victim_status, outcome",
        cells=f"(SELECT {_BOUNDS} FROM with_subs WHERE certainty IS NOT NULL UNION ALL {_BESIDE}) WHERE {_IS_CATEGORY}",
    )
}),
with_root AS ({COMBINED.format(cells="with_subs own", parts="categories")})
SELECT with_root.*,
       CASE WHEN $show_remainder AND with_root.victim_status = '{ROOT_STATUS}' AND with_root.quantified
            THEN greatest(0, with_root.best - coalesce(c.best, 0)) END AS unattributed,
       $depth AS depth, t.parent
FROM with_root JOIN work_tree t USING (incident)
LEFT JOIN categories c USING (incident, victim_status, outcome)
WHERE with_root.certainty IS NOT NULL
"""

_MATCHES = "{table}.incident_id = a.incident AND {table}.victim_status = a.victim_status AND {table}.outcome = a.outcome"
WRITE = (
    f"DELETE FROM tallies USING work_affected a WHERE tallies.policy = $policy AND {_MATCHES.format(table='tallies')}",
    "UPDATE tallies SET log_position = $at WHERE policy = $policy AND log_position <> $at",
    "INSERT INTO tallies SELECT $policy, $at, r.incident, r.victim_status, r.outcome, "
    "CASE WHEN r.quantified THEN r.low END, CASE WHEN r.quantified THEN r.best END, "
    "CASE WHEN r.quantified THEN r.high END, r.quantified AND r.high IS NULL, "
    f"CASE r.certainty {_CERTAINTY_GRADE} END, r.basis, r.claims, r.parts, "
    f"CASE WHEN r.victim_status = '{ROOT_STATUS}' THEN 0 WHEN contains(r.victim_status, '/') THEN 2 ELSE 1 END, "
    f"r.victim_status = '{ROOT_STATUS}' AND r.parent IS NULL, r.unattributed FROM work_rolled r",
    "DELETE FROM tally_claims USING work_affected a "
    f"WHERE tally_claims.policy = $policy AND {_MATCHES.format(table='tally_claims')}",
    "UPDATE tally_claims SET log_position = $at WHERE policy = $policy AND log_position <> $at",
    "INSERT INTO tally_claims SELECT $policy, $at, incident_id, victim_status, outcome, figure_id, claimant_id FROM work_counted",
)

WORK_TABLES = (
    "work_touched", "work_chain", "work_tree", "work_affected", "work_scope", "work_cached", "work_readings",
    "work_claims", "work_counted", "work_exact", "work_rolled",
)  # fmt: skip


def _tally_affected(con: duckdb.DuckDBPyConnection, policy: Policy, at: int) -> int:
    """Tally the cells work_touched reaches again, over the cached tally; returns how many."""
    for sql in (CHAIN, TREE, AFFECTED, SCOPE):
        con.execute(sql)
    params = _params(policy, View())
    con.execute(claims_sql("work_scope"), _only(params, claims_sql("work_scope")))
    _readings(con, policy)
    for sql in (COUNTED, EXACT):
        con.execute(sql, _only(params, sql))
    con.execute(CACHED, {"policy": policy.label})
    con.execute(
        "CREATE OR REPLACE TEMP TABLE work_rolled (incident VARCHAR, victim_status VARCHAR, outcome VARCHAR, "
        "quantified BOOLEAN, low BIGINT, best BIGINT, high BIGINT, certainty INTEGER, basis VARCHAR, claims INTEGER, "
        "parts INTEGER, unattributed BIGINT, depth INTEGER, parent VARCHAR)"
    )
    (deepest,) = con.execute("SELECT coalesce(max(depth), -1) FROM work_affected").fetchone() or (-1,)
    for depth in range(deepest, -1, -1):
        con.execute(LEVEL, {"depth": depth, "show_remainder": policy.show_remainder})
    (affected,) = con.execute("SELECT count(*) FROM work_affected").fetchone() or (0,)
    for sql in WRITE:
        con.execute(sql, _only({"policy": policy.label, "at": at}, sql))
    for name in WORK_TABLES:
        con.execute(f"DROP TABLE {name}")
    return int(affected)
