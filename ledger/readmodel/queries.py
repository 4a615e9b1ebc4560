"""Reads over the read model: claims for the policy engine, tallies, figures and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

import attrs
import duckdb

from ledger.domain.claims import Carrier, Claim, fold, standing
from ledger.domain.correction import Correction
from ledger.domain.policy import Policy
from ledger.domain.quantity import Quantity
from ledger.domain.tally import Cell, tally
from ledger.domain.values import describe_reported
from ledger.errors import InvalidInput, NotFound
from ledger.readmodel.catchup import position
from ledger.readmodel.incremental_tally import refresh_tally
from ledger.readmodel.sql_tally import CACHE, CELL_COLUMNS, VIEW_TABLES, cell_columns, fill_tally
from ledger.readmodel.view import INCIDENTS_AS_OF, View, incidents_as_of

Row = dict[str, Any]

NOW = View()


@attrs.frozen
class Facts:
    """What the policy engine needs: every figure's state, claimant grades, the incident tree."""

    claims: list[Claim]
    reliability: dict[str, str]
    parents: dict[str, str | None]


# The tables a scoped read loads claim series from.
SCOPED_TABLES = ("figures", "figure_events", "later_carriers")


# The columns `load_facts` reads of each scoped table: a scope kept for the facts alone keeps only
# these. Scattered rows are fetched a column at a time, block by block, so the wide ones it does
# not read (quotes, notes, attributions) would cost as much again (36 ms against 67-74 ms for the
# 1,160 figures of 800 random cells of a million-figure ledger).
FACT_COLUMNS = {
    "figures": "figure_id, series_id, incident_id, claimant_id, victim_status, outcome, role, quantity, reported_at, "
    "position, occurred_start, occurred_end, stance, document_id, quote_part, reported_until, fingerprint, recorded_at",
    "figure_events": "kind, figure_id, correction, reported_until, recorded_at, position",
    "later_carriers": "figure_id, reported_at, reported_until, fingerprint, document_id, quote_part, stance, "
    "recorded_at, position",
}


def narrow(
    con: duckdb.DuckDBPyConnection, scope: str, tables: tuple[str, ...] = SCOPED_TABLES, facts_only: bool = False
) -> None:
    """For a scope (a table of distinct series_id), its series' rows of each of `tables` (SCOPED_TABLES
    unless the caller has found some already), in temporary tables `{scope}_figures` ... that a scoped
    read reads (`scoped`) instead of the whole table; `facts_only`, with only the columns `load_facts` reads."""
    for table in tables:
        rowids = f"SELECT t.rowid FROM {table} t JOIN (SELECT series_id FROM {scope}) USING (series_id)"
        keep_rows(con, f"{scope}_{table}", table, rowids, columns=FACT_COLUMNS[table] if facts_only else "*")


def keep_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    table: str,
    rowids: str,
    params: dict[str, Any] | None = None,
    columns: str = "*",
) -> None:
    """The rows of `table` whose row ids `rowids` selects, kept in temporary table `name`, in two steps:
    the row ids, found by scanning only the columns they are chosen by, then the `columns` of those rows
    alone, which DuckDB's scan fetches by row id. Joining every column of a million-figure table to a
    scope, or fetching its rows twice, costs several times more."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_rowids AS {rowids}", params or {})
    if con.execute(f"SELECT count(*) FROM {name}_rowids").fetchone() == (0,):  # no rows: no scan
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {table} LIMIT 0")
    else:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {table} WHERE rowid IN (SELECT * FROM {name}_rowids)"
        )
    con.execute(f"DROP TABLE {name}_rowids")


def scoped(scope: str | None, table: str) -> str:
    """The table a read of `table` reads: the whole of it, or a narrowed scope's rows of it."""
    return table if scope is None else f"{scope}_{table}"


def load_facts(
    con: duckdb.DuckDBPyConnection, view: View = NOW, scope: str | None = None, incidents: str | None = None
) -> Facts:
    """The facts a view sees: recorded by T (what we knew), or reported by T (what had been claimed).

    With a scope (a table of distinct series_id, and incident_id, narrowed by `narrow`), only the
    claims of those series, and no incident tree: the caller has the part of the tree it asks about
    (incremental_tally, explain); `incidents`, SQL giving its incidents (incident_id, occurred_start,
    occurred_end) as the view sees them, when the caller has them, is read instead of every version."""
    params = {"recorded": view.recorded_by}
    if incidents is None:
        incidents = incidents_as_of(None if scope is None else f"SELECT incident_id FROM {scope}")
    reported = [
        Claim(
            figure_id=r[0],
            series_id=r[1],
            incident_id=r[2],
            claimant_id=r[3],
            victim_status=r[4],
            outcome=r[5],
            role=r[6],
            quantity=Quantity.from_dict(json.loads(r[7])),
            reported_at=r[8],
            position=r[9],
            occurred_start=r[10],
            occurred_end=r[11],
            stance=r[12],
            document_id=r[13],
            quote_part=r[14],
            reported_until=r[15],
            fingerprint=r[16],
        )
        for r in con.execute(
            "SELECT f.figure_id, f.series_id, f.incident_id, f.claimant_id, f.victim_status, f.outcome, f.role, "
            "f.quantity, f.reported_at, f.position, coalesce(f.occurred_start, i.occurred_start), "
            "coalesce(f.occurred_end, i.occurred_end), coalesce(f.stance, 'stated'), f.document_id, "
            "coalesce(f.quote_part, 'body'), f.reported_until, f.fingerprint "
            f"FROM {scoped(scope, 'figures')} f JOIN ({incidents}) i USING (incident_id) "
            "WHERE ($recorded IS NULL OR f.recorded_at <= $recorded) "
            "ORDER BY f.position",
            params,
        ).fetchall()
    ]
    corrections: dict[str, list[Correction]] = defaultdict(list)
    withdrawn: set[str] = set()
    struck: set[str] = set()
    for kind, figure_id, correction, withdrawn_at in con.execute(
        "SELECT kind, figure_id, correction, coalesce(reported_until, recorded_at) "
        f"FROM {scoped(scope, 'figure_events')} e WHERE $recorded IS NULL OR recorded_at <= $recorded ORDER BY position",
        params,
    ).fetchall():
        if kind == "corrected":
            corrections[figure_id].append(Correction.from_dict(json.loads(correction)))
        elif kind == "withdrawn":
            if view.reported_by is None or withdrawn_at <= view.reported_by:
                withdrawn.add(figure_id)
        else:
            struck.add(figure_id)
    carriers: dict[str, list[Carrier]] = defaultdict(list)
    for r in con.execute(
        "SELECT figure_id, reported_at, reported_until, fingerprint, document_id, quote_part, stance "
        f"FROM {scoped(scope, 'later_carriers')} k WHERE $recorded IS NULL OR recorded_at <= $recorded ORDER BY position",
        params,
    ).fetchall():
        carriers[r[0]].append(Carrier(*r[1:]))
    claims = [
        c
        for c in fold(reported, corrections, withdrawn, struck, carriers)
        if (view.reported_by is None or c.public_by <= view.reported_by)
        and c.occurred_within(view.occurred_from, view.occurred_to)
    ]
    reliability = dict(
        con.execute(
            "SELECT claimant_id, arg_max(reliability, position) FROM claimant_grades "
            "WHERE $recorded IS NULL OR recorded_at <= $recorded GROUP BY claimant_id",
            params,
        ).fetchall()
    )
    parents: dict[str, str | None] = {}
    if scope is None:
        parents = dict(con.execute(f"SELECT incident_id, parent_id FROM ({INCIDENTS_AS_OF})", params).fetchall())
    return Facts(claims, reliability, parents)


# Checkpoints sign the log; they are no fact a read reflects, so they move no read's position.
SIGNATURES = "ledger:Checkpoint%"


# Facts are stored in log order, so those after a position are found in the last blocks alone.
RECENT_FACTS = 10_000


def view_position(con: duckdb.DuckDBPyConnection, view: View) -> int:
    """The event-log position a view reflects: the last fact recorded by its instant (a checkpoint aside)."""
    if view.recorded_by is None:  # the last fact: almost always among the latest few
        recent = con.execute(
            "SELECT max(position) FROM facts WHERE position > $after AND topic NOT LIKE $signatures",
            {"after": position(con) - RECENT_FACTS, "signatures": SIGNATURES},
        ).fetchone()
        if recent and recent[0] is not None:
            return int(recent[0])
    row = con.execute(
        "SELECT max(position) FROM facts WHERE topic NOT LIKE $signatures AND ($at IS NULL OR recorded_at <= $at)",
        {"signatures": SIGNATURES, "at": view.recorded_by},
    ).fetchone()
    if row and row[0] is not None:
        return int(row[0])
    return position(con) if view.recorded_by is None else 0


def cache_position(con: duckdb.DuckDBPyConnection, policy: Policy) -> int | None:
    """The log position of the policy's cached tally when it reflects the present, else None. The cache
    is written at the last fact's position, so when that is the read model's own position no fact
    came since, and the facts need not be read to say so (a checkpoint signed after it, they do)."""
    row = con.execute(
        "SELECT p.log_position, t.position FROM tally_positions p, tracking t WHERE p.policy = ? AND t.name = 'events'",
        [policy.label],
    ).fetchone()
    if row is None:
        return None
    cached, head = row
    return cached if cached == head or cached == view_position(con, NOW) else None


def compute_tally(
    con: duckdb.DuckDBPyConnection, policy: Policy, view: View = NOW
) -> dict[tuple[str, str, str], Cell]:
    facts = load_facts(con, view)
    return tally(facts.claims, facts.reliability, facts.parents, policy)


# Each tally view and the view of the claims its cells count; and the tables behind them.
TALLY_TABLES = {tables.read: tables for tables in (CACHE, VIEW_TABLES)}
TALLY_CLAIMS = {read: tables.read_claims for read, tables in TALLY_TABLES.items()}


def tallies(con: duckdb.DuckDBPyConnection, policy: Policy, view: View = NOW) -> tuple[str, int]:
    """Make a tally for this policy and view; returns the name of the view that reads it (its claims in
    the matching view of TALLY_CLAIMS) and the log position it reflects.

    The current tally is kept in `tally_cells` (read as `tallies`); when the log moves, only the cells
    the new facts reach are tallied again (incremental_tally). Other views go to temporary tables.
    """
    if view.is_now:
        current = cache_position(con, policy)
        if current is not None:
            return CACHE.read, current
    at = view_position(con, view)
    if view.is_now:
        tables = CACHE
    else:
        tables = VIEW_TABLES
        tables.create_temporary(con)
    con.execute("BEGIN")
    try:
        if view.is_now:
            refresh_tally(con, policy, at)
        else:
            fill_tally(con, policy, view, tables, at)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return tables.read, at


def plain_tally(con: duckdb.DuckDBPyConnection, policy: Policy, view: View = NOW) -> list[Row]:
    """The tally table's rows as the Python engine computes them: the reference the SQL engine must equal."""
    names = dict(con.execute("SELECT claimant_id, name FROM claimants").fetchall())
    facts = load_facts(con, view)
    cells = tally(facts.claims, facts.reliability, facts.parents, policy)
    return [_tally_row(cell, names, facts.parents) for cell in cells.values()]


def _tally_row(cell: Cell, names: dict[str, str], parents: dict[str, str | None]) -> Row:
    return {
        **cell_columns(cell, parents),
        "claim_figure_ids": sorted(c.figure_id for c in cell.claims),
        "claimants": "; ".join(sorted({names.get(c.claimant_id, c.claimant_id) for c in cell.claims})) or None,
    }


# The rows of the whole tally, or of a subtree's: $incident_id and the incidents under it. Those
# are found among the rows of its tree's root ($root): the table keeps a root's rows together
# (TallyTables), so block statistics skip every other campaign's, and the tree walked down is that
# root's incidents alone, as the view's tree has them.
TALLY_SQL = """
{subtree}
names AS (
    SELECT incident_id, victim_status, outcome,
           string_agg(DISTINCT coalesce(c.name, t.claimant_id::VARCHAR), '; '
                      ORDER BY coalesce(c.name, t.claimant_id::VARCHAR)) AS claimants
    FROM {claims} t LEFT JOIN claimants c ON c.claimant_id::UUID = t.claimant_id  -- the few claimants cast
    WHERE t.policy = $policy {in_subtree}
    GROUP BY ALL
)
SELECT i.key AS incident, i.name AS incident_name, t.victim_status, t.outcome,
       t.low, t.best, t.high, t.high_open, t.grade, t.basis, t.claims, n.claimants, t.status_level, t.top,
       t.unattributed, t.policy, $at AS log_position
FROM (SELECT c.policy, c.incident_id, c.victim_status, c.root_id, {columns} FROM {cells} c) t
JOIN {named} i ON i.incident_id::UUID = t.incident_id
LEFT JOIN names n ON n.incident_id = t.incident_id AND n.victim_status = t.victim_status AND n.outcome = t.outcome
WHERE t.policy = $policy {in_subtree}
ORDER BY i.key, t.victim_status, t.outcome
""".replace("{columns}", CELL_COLUMNS)  # the cached cells as `tallies` reads them
SUBTREE = """
WITH RECURSIVE tree AS MATERIALIZED ({tree}),  -- with each incident's key and name, for the rows
scope(incident_id) AS (
    SELECT $incident_id::VARCHAR
    UNION ALL
    SELECT t.incident_id FROM tree t JOIN scope s ON t.parent_id = s.incident_id
),"""
IN_SUBTREE = "AND t.root_id = $root::UUID AND t.incident_id IN (SELECT incident_id::UUID FROM scope)"


def tally_rows(
    con: duckdb.DuckDBPyConnection, policy: Policy, incident: str | None = None, view: View = NOW
) -> tuple[int, list[Row]]:
    """Tally rows of an incident subtree (or all), and the log position they reflect."""
    found, parent = (None, None) if incident is None else incident_and_parent(con, incident)
    read, at = tallies(con, policy, view)
    tables = TALLY_TABLES[read]
    params: dict[str, Any] = {"policy": policy.label, "at": at}
    if found is None:
        sql = TALLY_SQL.format(subtree="WITH", in_subtree="", named="incidents", cells=tables.cells, claims=tables.claims)
        return at, _rows(con, sql, params)
    if view.recorded_by is None and parent is None:
        root: tuple[Any, ...] | None = (found,)  # a root now, and the tally's tree is the present one
    else:  # the root it had in the view's tree
        root = con.execute(
            f"SELECT root_id FROM {tables.cells} WHERE policy = $policy AND incident_id = $incident_id::UUID LIMIT 1",
            {"policy": policy.label, "incident_id": found},
        ).fetchone()
    if root is None:
        return at, []  # no figure under it in this view
    # The subtree as the view sees it: an incident moved later still counts where it stood then.
    # Now, that is the incidents table as it stands (not every version of every incident grouped).
    among = f"SELECT incident_id::VARCHAR FROM {tables.cells} WHERE policy = $policy AND root_id = $root::UUID"
    params |= {"incident_id": found, "root": root[0]}
    if view.recorded_by is None:
        tree = f"SELECT incident_id, parent_id, key, name FROM incidents WHERE incident_id IN ({among})"
    else:
        tree = f"SELECT v.*, i.key, i.name FROM ({incidents_as_of(among)}) v JOIN incidents i USING (incident_id)"
        params["recorded"] = view.recorded_by
    sql = TALLY_SQL.format(
        subtree=SUBTREE.format(tree=tree), in_subtree=IN_SUBTREE, named="tree", cells=tables.cells, claims=tables.claims
    )
    return at, _rows(con, sql, params)


FIGURES_SQL = """
SELECT f.figure_id, i.key AS incident, c.key AS claimant, f.victim_status, f.outcome, f.role,
       f.quantity_text, f.bound_kind, f.low, f.best, f.high, f.vague_word, f.vague_table,
       p.key AS publisher, d.key AS document, f.quote, f.quote_start, f.quote_end,
       f.occurred_start, f.occurred_end, f.reported_at, f.reported_precision, f.reported_estimated,
       f.recorded_at, f.analyst, f.women, f.children, f.note, f.position, f.series_id,
       coalesce(f.stance, 'stated') AS stance, coalesce(f.stance_source, 'none') AS stance_source, f.derived,
       f.part_of, coalesce(f.quote_part, 'body') AS quote_part, f.attributed
FROM figures f
JOIN incidents i USING (incident_id)
JOIN claimants c USING (claimant_id)
LEFT JOIN publishers p ON p.publisher_id = f.publisher_id
LEFT JOIN documents d ON d.document_id = f.document_id
WHERE ($incident IS NULL OR i.key = $incident)
  AND ($recorded IS NULL OR f.recorded_at <= $recorded)
  AND ($source_text IS NULL OR contains(lower(CAST(f.attributed AS VARCHAR)), lower($source_text)))
ORDER BY f.position
"""


def figure_rows(
    con: duckdb.DuckDBPyConnection, incident: str | None = None, view: View = NOW, source_text: str | None = None
) -> list[Row]:
    """Every figure the view sees, as reported, with its state then: standing, superseded, withdrawn, struck.

    source_text: only figures whose attributed source (a dataset's source_original, office, article,
    headline; ACLED's source and notes) contains these words, case aside."""
    if incident is not None:
        incident_id(con, incident)
    rows = _rows(con, FIGURES_SQL, {"incident": incident, "recorded": view.recorded_by, "source_text": source_text})
    # Struck figures are absent from the claims; the view's filters must not make them look struck.
    unfiltered = load_facts(con, View(recorded_by=view.recorded_by))
    filtered = view.reported_by or view.occurred_from or view.occurred_to
    facts = load_facts(con, view) if filtered else unfiltered
    visible = {c.figure_id for c in facts.claims}
    current = {c.figure_id: c for c in unfiltered.claims}
    standing_ids = {c.figure_id for c in standing(facts.claims).values() if c is not None}
    rows = [r for r in rows if r["figure_id"] in visible or r["figure_id"] not in current]
    carried = carried_by(con, view)
    for row in rows:
        row["carriers"], row["carried_by"] = carried.get(row["figure_id"], (1, None))
        claim = current.get(row["figure_id"])
        if claim is None:
            row["state"] = "struck"
        elif claim.withdrawn:
            row["state"] = "withdrawn"
        else:
            row["state"] = "standing" if row["figure_id"] in standing_ids else "superseded"
        row["corrected"] = bool(claim and claim.corrected)
        if claim is not None:  # the words and bounds in force, after any correction
            row["current_quantity"], row["current_bound_kind"] = claim.quantity.text, claim.quantity.kind.value
            row["current_low"], row["current_best"], row["current_high"] = (
                claim.quantity.low, claim.quantity.best, claim.quantity.high
            )
            row["stance"] = claim.stance  # as it stands: the primary carrier's, or the analyst's correction
    return rows


def carried_by(con: duckdb.DuckDBPyConnection, view: View) -> dict[str, tuple[int, str]]:
    """Figures carried by more than one source: how many, and who, earliest first ("dawn; dunya; mehr via dawn")."""
    keys = dict(con.execute("SELECT publisher_id, key FROM publishers").fetchall())
    found: dict[str, list[str]] = defaultdict(list)
    for figure_id, publisher, via in con.execute(
        "SELECT figure_id, publisher_id, carried_via FROM carriers WHERE figure_id IN "
        "(SELECT figure_id FROM later_carriers) AND ($recorded IS NULL OR recorded_at <= $recorded) "
        "ORDER BY figure_id, reported_at, fingerprint",
        {"recorded": view.recorded_by},
    ).fetchall():
        chain = [keys.get(publisher, "no publisher"), *(keys.get(p, p) for p in json.loads(via or "[]"))]
        found[figure_id].append(" via ".join(chain))
    return {figure_id: (len(labels), "; ".join(labels)) for figure_id, labels in found.items()}


AUDIT_SQL = """
SELECT fa.position, fa.recorded_at, fa.analyst, fa.via, fa.topic, fa.summary,
       fa.figure_id, c.key AS claimant, i.key AS incident, s.victim_status, s.outcome,
       coalesce(f.reported_at, k.reported_at) AS reported_at,
       coalesce(f.reported_precision, k.reported_precision) AS reported_precision,
       coalesce(f.reported_estimated, k.reported_estimated) AS reported_estimated,
       coalesce(f.occurred_start, i.occurred_start) AS occurred_start,
       coalesce(f.occurred_end, i.occurred_end) AS occurred_end, d.key AS document, d.sha256,
       coalesce(fe.quote, f.quote, k.quote) AS quote, fe.reason
FROM facts fa
LEFT JOIN series s ON s.series_id = fa.aggregate_id
LEFT JOIN incidents i ON i.incident_id = coalesce(s.incident_id, fa.aggregate_id)
LEFT JOIN claimants c ON c.claimant_id = s.claimant_id
LEFT JOIN figures f ON f.figure_id = fa.figure_id AND f.position = fa.position
LEFT JOIN figure_events fe ON fe.position = fa.position
LEFT JOIN later_carriers k ON k.position = fa.position
LEFT JOIN documents d ON d.document_id = coalesce(fe.document_id, f.document_id, k.document_id)
WHERE fa.aggregate_id IN (SELECT unnest($aggregates))
  AND ($recorded IS NULL OR fa.recorded_at <= $recorded)
  AND ($reported IS NULL OR coalesce(fe.reported_at, f.reported_at, k.reported_at) IS NULL
       OR coalesce(fe.reported_at, f.reported_at, k.reported_at) <= $reported)
ORDER BY fa.position
"""


def audit_rows(
    con: duckdb.DuckDBPyConnection, incident: str | None = None, figure: str | None = None, view: View = NOW
) -> list[Row]:
    """Every fact behind an incident (its subtree included) or one figure, in log order."""
    if figure is not None:
        # A figure's story is its claim series: the revisions before and after it included.
        aggregates = [resolve_figure(con, figure)["series_id"]]
    elif incident is not None:
        root = incident_id(con, incident)
        aggregates = [
            r[0]
            for r in con.execute(
                "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL "
                "SELECT incident_id FROM incidents JOIN sub ON parent_id = sub.id) "
                "SELECT id FROM sub UNION ALL SELECT series_id FROM series WHERE incident_id IN (SELECT id FROM sub)",
                [root],
            ).fetchall()
        ]
    else:
        raise InvalidInput("audit: say what to audit; give --incident KEY or --figure ID")
    # The review-queue proposals these series' figures were accepted from (ledger/extract): their
    # proposal, the analyst's edits and the acceptance are part of the figures' story.
    aggregates += [
        r[0]
        for r in con.execute(
            "SELECT p.proposal_id FROM proposals p JOIN figures f USING (figure_id) WHERE f.series_id IN (SELECT unnest(?))",
            [aggregates],
        ).fetchall()
    ]
    params = {"aggregates": aggregates, "recorded": view.recorded_by, "reported": view.reported_by}
    rows = _rows(con, AUDIT_SQL, params)
    for row in rows:
        row["reported"] = describe_time(row["reported_at"], row["reported_precision"], row["reported_estimated"])
    return rows


def describe_time(at: dt.datetime | None, precision: str | None, estimated: bool | None) -> str | None:
    """A time as precisely as it is known: '2026 (estimated)', '2026-02', '2024-W34', '2026-02-05T10:00Z'."""
    return describe_reported(at, precision, estimated)


def resolve_figure(con: duckdb.DuckDBPyConnection, reference: str) -> Row:
    """A figure, with its series' keys, by its id or a unique prefix of at least 6 characters."""
    ref = reference.strip().lower()
    if len(ref) < 6:
        raise InvalidInput(f"figure {reference!r}: too short; give at least 6 characters of its id")
    found = _rows(
        con,
        "SELECT f.figure_id, f.series_id, i.key AS incident, c.key AS claimant, f.victim_status, f.outcome, "
        "f.role, p.key AS publisher FROM figures f JOIN incidents i USING (incident_id) "
        "JOIN claimants c USING (claimant_id) LEFT JOIN publishers p ON p.publisher_id = f.publisher_id "
        "WHERE f.figure_id LIKE $p || '%'",
        {"p": ref},
    )
    if not found:
        raise NotFound(f"figure {reference!r}: not in the ledger; list ids with `ledger figures`")
    if len(found) > 1:
        raise InvalidInput(f"figure {reference!r}: matches {len(found)} figures; give more of the id")
    return found[0]


def incident_id(con: duckdb.DuckDBPyConnection, key: str) -> str:
    return incident_and_parent(con, key)[0]


def incident_and_parent(con: duckdb.DuckDBPyConnection, key: str) -> tuple[str, str | None]:
    """An incident's id and its parent's as the tree stands now."""
    found = con.execute("SELECT incident_id, parent_id FROM incidents WHERE key = ?", [key.strip().lower()]).fetchone()
    if found is None:
        raise NotFound(f"incident {key!r}: not in the ledger; list incidents with `ledger incident list`")
    return str(found[0]), None if found[1] is None else str(found[1])


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> list[Row]:
    cursor = con.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """User SQL: one SELECT on a sealed read-only connection (ledger/readmodel/sealed.py)."""
    from ledger.readmodel.sealed import run_sealed

    return run_sealed(con, sql)
