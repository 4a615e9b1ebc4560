"""One instant of history, tallied: the facts a view sees, the cells a policy makes of them, the log position.

Also the temporary tables `ledger query --as-of` reads: `figures_asof`, `tallies_asof` and `tally_claims_asof`.
"""

from __future__ import annotations

import attrs
import duckdb

from ledger.domain.policy import Policy
from ledger.domain.tally import Bounds, Cell, CellKey, tally
from ledger.domain.vocabulary import ROOT_STATUS, Grade, Outcome, parse_enum, parse_victim_status, status_parent
from ledger.errors import InvalidInput, NotFound
from ledger.readmodel import queries
from ledger.readmodel.queries import Facts, load_facts
from ledger.readmodel.view import INCIDENTS_AS_OF, View


@attrs.frozen
class Snapshot:
    view: View
    policy: Policy
    position: int  # the event-log position the view reflects
    facts: Facts
    cells: dict[CellKey, Cell]

    @property
    def described(self) -> str:
        return f"policy {self.policy.label}, {self.view.describe()}, event-log position {self.position}"


def take(con: duckdb.DuckDBPyConnection, policy: Policy, view: View, below: CellKey | None = None) -> Snapshot:
    """The view tallied; `below` a cell, only that cell and the cells under it (what it is made of):
    their facts alone are loaded, in table `cell_scope` (series_id, incident_id; their rows are kept in
    `cell_scope_figures` ...), and the incidents under it, as the view's tree has them, in table
    `cell_tree` (incident_id, parent_id, key, occurred_start, occurred_end), so a cell of a large ledger
    explains without tallying the rest, or reading its incidents again."""
    if below is None:
        facts = load_facts(con, view)
    else:
        incident, status, outcome = below
        if view.recorded_by is None:
            _present_subtree(con, incident)
        else:
            con.execute(CELL_TREE, {"recorded": view.recorded_by, "incident": incident})
        facts = _cell_facts(con, view, CELL_FIGURES, {"status": status, "outcome": outcome})
        parents = dict(con.execute("SELECT incident_id, parent_id FROM cell_tree").fetchall())
        facts = attrs.evolve(facts, parents={**parents, incident: None})  # the cell's incident is the top here
    cells = tally(facts.claims, facts.reliability, facts.parents, policy)
    return Snapshot(view, policy, queries.view_position(con, view), facts, cells)


def take_cached(con: duckdb.DuckDBPyConnection, policy: Policy, view: View, key: CellKey, named: str) -> Snapshot | None:
    """A cell and the cells rolled into it as the tally cache has them, with the facts of the cell's own
    incident alone, when the view is now and the cache reflects the log's last position; else None.

    Its cells are the cell and its parts only (child incidents, then sub-statuses, as the tally orders
    them), each without its claims; its facts are the figures of the cell's incident, its outcome and
    its status or a status under it (a total's named parts included), in the tables `take` fills:
    `cell_tree` (the incident and its children), `cell_scope`, `cell_scope_figures` and the rest. What the
    subtree's facts would say again, tallied, the cache says already (tests hold the two equal). `named`:
    the incident's key, by which its row is found faster than by its id."""
    at = queries.cache_position(con, policy) if view.is_now else None
    if at is None:
        return None
    incident, status, outcome = key
    con.execute(CELL_AND_CHILDREN, {"incident": incident, "key": named.strip().lower()})
    tree = con.execute("SELECT incident_id, parent_id FROM cell_tree").fetchall()
    parent = next(p for i, p in tree if i == incident)
    root = (incident,) if parent is None else con.execute(
        "SELECT root_id FROM tally_cells WHERE policy = ? AND incident_id = ?::UUID LIMIT 1", [policy.label, incident]
    ).fetchone()  # fmt: skip
    if root is None:
        return None  # no figure under it: the cell is not found, as the tally of its subtree says
    rows = con.execute(CACHED_CELLS, {"policy": policy.label, "root": root[0], "outcome": outcome}).fetchall()
    found = {(r[0], r[1], r[2]): _cached_cell(*r) for r in rows}
    children = sorted(i for i, p in tree if i != incident)
    subs = sorted(s for i, s, _ in found if i == incident and status_parent(s) == status)
    parts = tuple(k for k in [(c, status, outcome) for c in children] + [(incident, s, outcome) for s in subs] if k in found)
    cells = {k: found[k] for k in parts}
    if key in found:
        cells[key] = attrs.evolve(found[key], parts=parts)
    facts = _cell_facts(con, view, OWN_FIGURES, {"incident": incident, "status": status, "outcome": outcome})
    facts = attrs.evolve(facts, parents={i: None if i == incident else incident for i, _ in tree})
    return Snapshot(view, policy, at, facts, cells)


def _cell_facts(con: duckdb.DuckDBPyConnection, view: View, figures: str, params: dict[str, str]) -> Facts:
    """The facts of the figures whose row ids `figures` selects and of their series, kept for the reads
    after in `cell_scope`, `cell_scope_figures` and the other scoped tables; their incidents are those
    of `cell_tree`."""
    queries.keep_rows(con, "cell_scope_figures", "figures", figures, params)
    con.execute("CREATE OR REPLACE TEMP TABLE cell_scope AS SELECT DISTINCT series_id, incident_id FROM cell_scope_figures")
    queries.narrow(con, "cell_scope", tables=("figure_events", "later_carriers"))
    return load_facts(con, view, scope="cell_scope", incidents="SELECT * FROM cell_tree")


def _cached_cell(
    incident: str, status: str, outcome: str, low: int | None, best: int | None, high: int | None,
    grade: str, basis: str, unattributed: int | None,
) -> Cell:  # fmt: skip
    bounds = None if best is None or low is None else Bounds(low, best, high)
    return Cell(incident, status, outcome, bounds, Grade(grade), basis, unattributed=unattributed)


# An incident and its children as the tree stands now, each with its own parent (the incident's own
# says whether it is a root). Two scans, not one with OR: each filter then reaches its scan. The key
# and parent columns, short or repeating, are read in half the time the ids take.
CELL_AND_CHILDREN = """
CREATE OR REPLACE TEMP TABLE cell_tree AS
SELECT incident_id, parent_id, key, occurred_start, occurred_end FROM incidents WHERE key = $key
UNION ALL
SELECT incident_id, parent_id, key, occurred_start, occurred_end FROM incidents WHERE parent_id = $incident
"""

# The cached cells of an incident and its children for one outcome, found among its root's rows (the
# cache keeps a root's rows together, so block statistics skip the others').
CACHED_CELLS = """
SELECT incident_id::VARCHAR, victim_status, outcome::VARCHAR, low, best, high, grade::VARCHAR, basis::VARCHAR,
       unattributed
FROM tally_cells WHERE policy = $policy AND root_id = $root::UUID AND outcome = $outcome
  AND incident_id IN (SELECT incident_id::UUID FROM cell_tree)
"""

# The row ids of the figures of one incident (not those under it), one outcome, and a status or a
# status under it: a cell's own claims, and a total's named parts.
OWN_FIGURES = f"""
SELECT rowid FROM figures
WHERE incident_id = $incident AND outcome = $outcome
  AND ($status = '{ROOT_STATUS}' OR victim_status = $status OR starts_with(victim_status, $status || '/'))
"""

# An incident and the incidents under it, as the view's tree has them (walked once: the claim series
# under the cell and the tree its cells roll up through both come from it).
CELL_TREE = f"""
CREATE OR REPLACE TEMP TABLE cell_tree AS
WITH RECURSIVE tree AS MATERIALIZED ({INCIDENTS_AS_OF}),
sub(incident_id, parent_id) AS (
    SELECT $incident::VARCHAR, NULL::VARCHAR
    UNION ALL SELECT t.incident_id, t.parent_id FROM tree t JOIN sub ON t.parent_id = sub.incident_id
)
SELECT s.incident_id, s.parent_id, i.key, t.occurred_start, t.occurred_end
FROM sub s JOIN tree t USING (incident_id) JOIN incidents i USING (incident_id)
"""


def _present_subtree(con: duckdb.DuckDBPyConnection, incident: str) -> None:
    """`cell_tree` as the tree stands now (the incidents table, not every version of every incident
    grouped), walked down a level at a time: one scan of the parent column per level, where a
    recursive walk hashed the whole table at every step."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cell_tree AS SELECT incident_id, NULL::VARCHAR AS parent_id, key, occurred_start, "
        "occurred_end FROM incidents WHERE incident_id = ?",
        [incident],
    )
    level, seen = [incident], {incident}
    while level:
        found = con.execute(
            "INSERT INTO cell_tree SELECT incident_id, parent_id, key, occurred_start, occurred_end FROM incidents "
            "WHERE parent_id IN (SELECT unnest($ids)) RETURNING incident_id",
            {"ids": level},
        ).fetchall()
        level = [i for (i,) in found if i not in seen]  # a tree has no cycle; never loop on one
        seen.update(level)


# The row ids of the figures under a cell: of its incident and the incidents under it (cell_tree), its
# victim status and the statuses under it, its outcome. A figure has its series' incident, status and
# outcome, and incident ids repeat, so the figures' incident column is stored in a fraction of the
# blocks their series column is: a cell of a million-figure ledger is found in about ten milliseconds,
# where its series in `series` and then their figures cost fifty.
CELL_FIGURES = f"""
SELECT rowid FROM figures
WHERE incident_id IN (SELECT incident_id FROM cell_tree) AND outcome = $outcome
  AND ($status = '{ROOT_STATUS}' OR victim_status = $status OR starts_with(victim_status, $status || '/'))
"""


def cell_key(con: duckdb.DuckDBPyConnection, incident: str, victim_status: str, outcome: str) -> CellKey:
    """A cell named by incident key, victim status and outcome, checked against the vocabulary."""
    return (
        queries.incident_id(con, incident),
        parse_victim_status(victim_status),
        parse_enum(Outcome, outcome, "outcome").value,
    )


def find_cell(snapshot: Snapshot, key: CellKey, name: str) -> Cell:
    cell = snapshot.cells.get(key)
    if cell is None:
        raise NotFound(
            f"cell {name}: no figures {snapshot.view.describe()}; list the cells with `ledger tally` and the same options"
        )
    return cell


def bounds_text(bounds: Bounds | None) -> str:
    """'12 / 12 / open', or 'no number' when nothing is quantified."""
    if bounds is None:
        return "no number"
    high = "open" if bounds.high is None else str(bounds.high)
    return f"{bounds.low} / {bounds.best} / {high}"


def same_axis(start: View, end: View) -> str:
    """The axis two views share ('recorded' or 'reported'), for diffs."""
    axes = {"recorded" if v.recorded_by else "reported" if v.reported_by else "now" for v in (start, end)}
    axes.discard("now")
    if len(axes) > 1:
        raise InvalidInput("diff: the two instants are on different time axes; compare as recorded or as reported, not both")
    return axes.pop() if axes else "recorded"


# --- `ledger query --as-of` -----------------------------------------------------------------------


def materialise(con: duckdb.DuckDBPyConnection, policy: Policy, view: View) -> list[str]:
    """Temporary tables of one view for user SQL; returns their names.

    figures_asof: every figure the view sees with its state then (standing, superseded, withdrawn, struck);
    tallies_asof: the policy's tally then; tally_claims_asof: the figures each of its cells counted.
    All carry `view` and `log_position` columns saying which instant.
    """
    import pyarrow as pa  # only here: explain and diff need no Arrow

    states_schema = pa.schema(
        [
            ("figure_id", pa.string()),
            ("state", pa.string()),
            ("corrected", pa.bool_()),
            ("current_quantity", pa.string()),
            ("view", pa.string()),
            ("log_position", pa.int64()),
        ]
    )
    at = queries.view_position(con, view)
    described = view.describe()
    rows = queries.figure_rows(con, None, view)
    states = pa.Table.from_pylist(
        [
            {
                "figure_id": r["figure_id"],
                "state": r["state"],
                "corrected": r["corrected"],
                "current_quantity": r.get("current_quantity"),
                "view": described,
                "log_position": at,
            }
            for r in rows
        ],
        schema=states_schema,
    )
    con.register("asof_states", states)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE figures_asof AS "
        "SELECT f.*, s.state, s.corrected, s.current_quantity, s.view, s.log_position "
        "FROM figures f JOIN asof_states s USING (figure_id) ORDER BY f.position"
    )
    con.unregister("asof_states")
    table, at = queries.tallies(con, policy, view)
    claims = queries.TALLY_CLAIMS[table]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE tallies_asof AS SELECT i.key AS incident, t.*, $view AS view FROM {table} t "
        "JOIN incidents i USING (incident_id) WHERE t.policy = $policy ORDER BY i.key, t.victim_status, t.outcome",
        {"view": described, "policy": policy.label},
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE tally_claims_asof AS SELECT i.key AS incident, t.*, $view AS view FROM {claims} t "
        "JOIN incidents i USING (incident_id) WHERE t.policy = $policy ORDER BY i.key, t.victim_status, t.outcome, t.figure_id",
        {"view": described, "policy": policy.label},
    )
    return ["figures_asof", "tallies_asof", "tally_claims_asof"]
