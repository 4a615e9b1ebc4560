"""Digests of read-model tables, so a live read model can be compared with one derived afresh.

A digest is independent of row order: the md5 of each row's text, sorted, hashed again. Tallies are
digested per policy, and per cell as well, so a difference can name the cells that moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import duckdb

# Bookkeeping that legitimately differs between two derivations of the same log.
NOT_DERIVED = frozenset({"schema_migrations"})
# The tables that hold the evidence itself (what a reconciliation's inputs digest covers).
# Tables cached per policy: only the policies cached in both read models are compared, through the
# views that read them (the tables behind those views are not digested whole).
PER_POLICY = ("tallies", "tally_claims")
CACHED_PER_POLICY = frozenset({"tally_cells", "tally_cell_claims", "tally_positions"})
EVIDENCE_TABLES = ("claimants", "claimant_grades", "publishers", "documents", "incidents", "series", "figures", "figure_events")


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in NOT_DERIVED | CACHED_PER_POLICY]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _digest_sql(table: str, where: str = "TRUE") -> str:
    return (
        f"SELECT count(*) || ':' || coalesce(md5(string_agg(h, ',' ORDER BY h)), '') FROM "
        f'(SELECT md5(CAST(t AS VARCHAR)) AS h FROM "{table}" t WHERE {where})'
    )


def table_digest(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """'<rows>:<md5>' of a table's rows."""
    row = con.execute(_digest_sql(table)).fetchone()
    assert row is not None
    return str(row[0])


def tally_label(policy: str, table: str = "tallies") -> str:
    return f"{table}[{policy}]"


def digests(con: duckdb.DuckDBPyConnection, policies: Iterable[str], names: Iterable[str] | None = None) -> dict[str, str]:
    """Every derived table's digest ('<rows>:<md5>'), in one query; `tallies` once per policy.

    Other policies' cached tally rows are not compared: they are recomputed whenever they are read.
    """
    parts = [(t, _digest_sql(t)) for t in (tables(con) if names is None else names) if t not in PER_POLICY]
    for p in sorted(set(policies)):
        parts += [(tally_label(p, t), _digest_sql(t, f"policy = {_literal(p)}")) for t in PER_POLICY]
    sql = " UNION ALL ".join(f"SELECT {_literal(name)} AS name, ({query}) AS digest" for name, query in parts)
    return dict(con.execute(sql).fetchall()) if parts else {}


def cell_digests(con: duckdb.DuckDBPyConnection, policy: str) -> dict[str, str]:
    """Each tally row's md5, by cell, to name the cells that differ."""
    rows = con.execute(
        "SELECT incident_id || '/' || victim_status || '/' || outcome, md5(CAST(t AS VARCHAR)) FROM tallies t WHERE policy = ?",
        [policy],
    ).fetchall()
    return dict(rows)


def combine(parts: dict[str, Any]) -> str:
    """One sha256 over named parts (canonical JSON)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
