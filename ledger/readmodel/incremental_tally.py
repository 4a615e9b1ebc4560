"""Tallies that answer in proportion to what changed: once the log moves, only the cells its new
facts reach are tallied again, and the rest of the cached tally stands.

A rolled-up cell depends only on the exact cells below it: those of its incident and the incidents
under it, for its victim status and the statuses under it, same outcome (tally._roll_up). So when
new figures, withdrawals, corrections, strikes or carriers touch some exact cells, the cells to
tally again (the affected cells) are those cells and their ancestors in both trees, up to each
incident tree's root and the all-victims total. They are few (a few per touched cell), so the
reference engine (ledger.domain.tally) weighs them from their own claims, loaded for their claim
series alone, and rolls them up, each part taken from this run where it is affected and from the
cached tally where it is not: one statement of the SQL engine costs more to plan than these cells
cost to compute. Finding them, and writing them with their claims, is SQL over a few tables.

A change that reaches cells without naming them tallies everything again (sql_tally.fill_tally):
a claimant's grade, an incident moved or its period corrected, the ledger's configuration, and
any fact this module does not know. So does a change touching a large share of the cells, where
the full engine is the cheaper path to the same result. tests/readmodel/test_incremental_tally.py
checks, on random ledgers with random changes, that both paths give the same cells and claims.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import attrs
import duckdb

from ledger.domain.claims import Claim
from ledger.domain.policy import Policy
from ledger.domain.tally import Bounds, Cell, CellKey, _combine, sum_bounds, weigh
from ledger.domain.vocabulary import ROOT_STATUS, Grade, status_parent
from ledger.readmodel.sql_tally import _CATEGORY, CACHE, _only, cell_columns, fill_tally
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
    cells: int = 0  # the cached tally's cells


def plan(con: duckdb.DuckDBPyConnection, policy: Policy, at: int) -> Plan:
    """Whether the cached tally of this policy can be brought to `at` cell by cell, read only."""
    since, cells = con.execute(
        "SELECT log_position, (SELECT count(*) FROM tally_cells WHERE policy = $policy) FROM tally_positions "
        "WHERE policy = $policy",
        {"policy": policy.label},
    ).fetchone() or (None, 0)
    if since is None:
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
        return Plan(since, f"{', '.join(reaching)} since position {since} may change any cell", cells)
    return Plan(since, cells=cells)


def refresh_tally(con: duckdb.DuckDBPyConnection, policy: Policy, at: int, largest_share: float = LARGEST_SHARE) -> Refresh:
    """Bring this policy's cached tally (sql_tally.CACHE) to log position `at` (the current view), inside
    the caller's transaction: only the cells the new facts reach where that is safe, else all.
    Beyond `largest_share` of the cached cells touched, all (the cheaper path to the same cells)."""
    found = plan(con, policy, at)
    if found.since is None or found.everything is not None:
        fill_tally(con, policy, View(), CACHE, at)
        return Refresh("full", found.everything or "")
    con.execute(TOUCHED, {"since": found.since, "at": at, "topics": list(FIGURE_TOPICS)})
    (touched,) = con.execute("SELECT count(*) FROM work_touched").fetchone() or (0,)
    cached = found.cells
    if touched > largest_share * cached:
        con.execute("DROP TABLE work_touched")
        fill_tally(con, policy, View(), CACHE, at)
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

# work_chain: each touched incident with itself and its ancestors; work_tree: those incidents with
# their parents (the current tree: a change to it tallies everything again).
CHAIN = """
CREATE OR REPLACE TEMP TABLE work_chain AS
WITH RECURSIVE up(incident_id, ancestor, distance) AS (
    SELECT DISTINCT incident_id, incident_id, 0 FROM work_touched
    UNION ALL
    SELECT up.incident_id, i.parent_id, up.distance + 1
    FROM up JOIN incidents i ON i.incident_id = up.ancestor WHERE i.parent_id IS NOT NULL
)
SELECT DISTINCT incident_id, ancestor FROM up
"""
TREE = """
CREATE OR REPLACE TEMP TABLE work_tree AS
SELECT DISTINCT c.ancestor AS incident, i.parent_id AS parent
FROM work_chain c JOIN incidents i ON i.incident_id = c.ancestor
"""

# work_affected: the touched cells and every cell they roll into;
# work_scope: the claim series of those cells, whose claims are weighed again, with their incidents.
AFFECTED = f"""
CREATE OR REPLACE TEMP TABLE work_affected AS
WITH statuses AS (
    SELECT incident_id, victim_status, outcome FROM work_touched
    UNION SELECT incident_id, {_CATEGORY}, outcome FROM work_touched WHERE contains(victim_status, '/')
    UNION SELECT incident_id, '{ROOT_STATUS}', outcome FROM work_touched
)
SELECT DISTINCT c.ancestor AS incident, s.victim_status, s.outcome
FROM statuses s JOIN work_chain c USING (incident_id)
"""
SCOPE = """
CREATE OR REPLACE TEMP TABLE work_scope AS
SELECT s.series_id, s.incident_id FROM series s
JOIN work_affected a ON a.incident = s.incident_id AND a.victim_status = s.victim_status AND a.outcome = s.outcome
"""

# work_near: the cached cells of the touched incidents, their ancestors and their children that
# matter here, found in one scan of the cached tally: each affected cell's cached row (`stale`, by
# its row id, to delete) and the cells that are parts of affected cells and stay as they are (the
# same status of a child incident, or a status one level below at the same incident). The
# affected cells are distinct, so each cached cell matches each of them at most once.
NEAR = f"""
CREATE OR REPLACE TEMP TABLE work_near AS
WITH near AS (
    SELECT incident, parent FROM work_tree
    UNION
    SELECT i.incident_id, i.parent_id FROM incidents i JOIN work_tree t ON i.parent_id = t.incident
),
candidates AS (
    SELECT c.rowid AS row, c.incident_id::VARCHAR AS incident, c.victim_status, c.outcome, c.low, c.best, c.high, c.grade,
           n.parent,
           CASE WHEN contains(c.victim_status, '/') THEN {_CATEGORY.replace("victim_status", "c.victim_status")}
                WHEN c.victim_status <> '{ROOT_STATUS}' THEN '{ROOT_STATUS}' END AS upper
    FROM tally_cells c JOIN near n ON n.incident::UUID = c.incident_id  -- the cache's ids are UUIDs
    WHERE c.policy = $policy
)
SELECT c.* EXCLUDE (upper), own.incident IS NOT NULL AS stale FROM candidates c
LEFT JOIN work_affected own
       ON own.incident = c.incident AND own.victim_status = c.victim_status AND own.outcome = c.outcome
LEFT JOIN work_affected above
       ON above.incident = c.parent AND above.victim_status = c.victim_status AND above.outcome = c.outcome
LEFT JOIN work_affected upper
       ON upper.incident = c.incident AND upper.victim_status = c.upper AND upper.outcome = c.outcome
WHERE own.incident IS NOT NULL OR above.incident IS NOT NULL OR upper.incident IS NOT NULL
"""

_MATCHES = "{table}.incident_id = a.incident::UUID AND {table}.victim_status = a.victim_status AND {table}.outcome = a.outcome"
WRITE = (
    "DELETE FROM tally_cells WHERE rowid IN (SELECT row FROM work_near WHERE stale)",
    "INSERT INTO tally_cells BY NAME SELECT * FROM delta_cells",
    "DELETE FROM tally_cell_claims USING work_affected a "
    f"WHERE tally_cell_claims.policy = $policy AND {_MATCHES.format(table='tally_cell_claims')}",
    "INSERT INTO tally_cell_claims BY NAME SELECT * FROM delta_claims",
    "UPDATE tally_positions SET log_position = $at WHERE policy = $policy",
)
WORK_TABLES = ("work_touched", "work_chain", "work_tree", "work_affected", "work_scope", "work_near")


def _tally_affected(con: duckdb.DuckDBPyConnection, policy: Policy, at: int) -> int:
    """Tally the cells work_touched reaches again, over the cached tally; returns how many."""
    import pyarrow as pa

    from ledger.readmodel.queries import SCOPED_TABLES, load_facts, narrow  # queries calls this module

    for sql in (CHAIN, TREE, AFFECTED, SCOPE):
        con.execute(sql)
    narrow(con, "work_scope", facts_only=True)
    con.execute(NEAR, {"policy": policy.label})
    tree: dict[str, str | None] = dict(con.execute("SELECT incident, parent FROM work_tree").fetchall())
    affected: list[CellKey] = [
        (str(i), str(s), str(o))
        for i, s, o in con.execute("SELECT incident, victim_status, outcome FROM work_affected").fetchall()
    ]
    cached: dict[CellKey, Cell] = {}
    by_incident: dict[CellKey, list[CellKey]] = defaultdict(list)  # a cell's child incidents' cells
    by_status: dict[CellKey, list[CellKey]] = defaultdict(list)  # a cell's statuses one level below

    def place(key: CellKey, parent: str | None) -> None:
        incident, status, outcome = key
        if parent is not None:
            by_incident[(parent, status, outcome)].append(key)
        if (upper := status_parent(status)) is not None:
            by_status[(incident, upper, outcome)].append(key)

    for incident, status, outcome, low, best, high, grade, parent in con.execute(
        "SELECT incident, victim_status, outcome, low, best, high, grade, parent FROM work_near WHERE NOT stale"
    ).fetchall():
        key = (incident, status, outcome)
        bounds = None if best is None else Bounds(low, best, high)
        cached[key] = Cell(incident, status, outcome, bounds=bounds, grade=Grade(grade), basis="cached")
        place(key, parent)
    for key in affected:
        place(key, tree[key[0]])

    facts = load_facts(con, View(), scope="work_scope")
    own: dict[CellKey, list[Claim]] = defaultdict(list)
    for claim in facts.claims:
        own[(claim.incident_id, claim.victim_status, claim.outcome)].append(claim)
    exact = {key: weigh(key, claims, facts.reliability, policy) for key, claims in own.items()}
    rolled: dict[CellKey, Cell | None] = {}

    def roll(key: CellKey) -> Cell | None:  # as tally._roll_up rolls every cell
        if key in cached:
            return cached[key]
        if key not in rolled:
            cell, statuses = exact.get(key), []
            for part_keys in (sorted(by_incident.get(key, ())), sorted(by_status.get(key, ()))):
                statuses = [part for k in part_keys if (part := roll(k)) is not None]
                if statuses:
                    cell = _combine(key, cell, statuses)
            if cell is not None and key[1] == ROOT_STATUS and policy.show_remainder and cell.bounds is not None:
                accounted = sum_bounds(p.bounds for p in statuses)
                cell = attrs.evolve(cell, unattributed=max(0, cell.bounds.best - (accounted.best if accounted else 0)))
            rolled[key] = cell
        return rolled[key]

    cells = [cell for key in affected if (cell := roll(key)) is not None]
    roots = _roots(tree)
    con.register("delta_cells", pa.Table.from_pylist([_row(cell, policy, tree, roots) for cell in cells], _schemas()[0]))
    claims = [
        {"policy": policy.label, "incident_id": c.incident_id, "victim_status": c.victim_status,
         "outcome": c.outcome, "figure_id": c.figure_id, "claimant_id": c.claimant_id, "root_id": roots[c.incident_id]}
        for key in affected if key in exact for c in exact[key].claims
    ]  # fmt: skip
    con.register("delta_claims", pa.Table.from_pylist(claims, _schemas()[1]))
    for sql in WRITE:
        con.execute(sql, _only({"policy": policy.label, "at": at}, sql))
    con.unregister("delta_cells")
    con.unregister("delta_claims")
    for name in (*WORK_TABLES, *(f"work_scope_{table}" for table in SCOPED_TABLES)):
        con.execute(f"DROP TABLE {name}")
    return len(affected)


def _roots(tree: dict[str, str | None]) -> dict[str, str]:
    """The root of each incident of `tree` (which holds every ancestor of its incidents)."""
    roots: dict[str, str] = {}
    for incident in tree:
        path = [incident]
        while path[-1] not in roots and (parent := tree[path[-1]]) is not None:
            path.append(parent)
        root = roots.get(path[-1], path[-1])
        roots.update(dict.fromkeys(path, root))
    return roots


def _row(cell: Cell, policy: Policy, tree: dict[str, str | None], roots: dict[str, str]) -> dict[str, Any]:
    """A cell as a row of `tally_cells`, as the SQL engine writes it: its Arrow shape (`_schemas`) keeps
    the stored columns, not the flags `tallies` computes, and its enums and ids go as text, cast on insert."""
    return {"policy": policy.label, **cell_columns(cell, tree), "root_id": roots[cell.incident_id]}


@cache
def _schemas() -> tuple[Any, Any]:
    """The Arrow shapes of `tally_cells` and `tally_cell_claims` rows (pyarrow is loaded by the catch-up already)."""
    import pyarrow as pa

    text, number = pa.string(), pa.int64()
    cells = pa.schema(
        [("policy", text), ("incident_id", text), ("victim_status", text), ("outcome", text),
         ("low", number), ("best", number), ("high", number), ("grade", text), ("basis", text),
         ("claims", pa.int32()), ("parts", pa.int32()), ("unattributed", number), ("root_id", text)]
    )  # fmt: skip
    claims = pa.schema(
        [("policy", text), ("incident_id", text), ("victim_status", text), ("outcome", text),
         ("figure_id", text), ("claimant_id", text), ("root_id", text)]
    )  # fmt: skip
    return cells, claims
