"""Turns pages of stored events into read-model rows, with DuckDB parsing the stored JSON in bulk.

The statements live in projection.sql beside this file, one per target table, run in file order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
from eventsourcing.persistence import Notification

PAGE_SCHEMA = pa.schema(
    [
        ("position", pa.int64()),
        ("aggregate_id", pa.string()),
        ("aggregate_version", pa.int32()),
        ("topic", pa.string()),
        ("state", pa.string()),
    ]
)


@cache
def statements() -> tuple[str, ...]:
    text = (Path(__file__).parent / "projection.sql").read_text(encoding="utf-8")
    return tuple(s.strip() for s in re.split(r";\s*(?:\n|$)", text) if s.strip() and not _only_comments(s))


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def page_table(notifications: Sequence[Notification]) -> pa.Table:
    """One Arrow table per page; the JSON stays text until DuckDB reads it."""
    return pa.Table.from_arrays(
        [
            pa.array([n.id for n in notifications], pa.int64()),
            pa.array([str(n.originator_id) for n in notifications], pa.string()),
            pa.array([n.originator_version for n in notifications], pa.int32()),
            pa.array([n.topic for n in notifications], pa.string()),
            pa.array([n.state.decode("utf-8") for n in notifications], pa.string()),
        ],
        schema=PAGE_SCHEMA,
    )


def _data(fields: dict[str, str] | str) -> dict[str, object]:
    return {"_data_": fields}


# Every field any event carries, parsed once per event by json_transform into the struct `e`.
EVENT_SHAPE = json.dumps(
    {
        "timestamp": _data("VARCHAR"),
        "entry": _data({"analyst": "VARCHAR", "via": "VARCHAR"}),
        **{name: "VARCHAR" for name in (
            "key", "name", "kind", "reliability", "description", "reason", "url", "sha256", "text", "title",
            "victim_status", "outcome", "role", "fingerprint", "note",
        )},
        "default_roles": "JSON",
        "correction": _data("JSON"),
        **{name: _data("VARCHAR") for name in ("publisher_id", "parent_id", "incident_id", "claimant_id", "figure_id")},
        "published": _data({"at": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
        "reported": _data({"at": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
        "location": _data({k: "VARCHAR" for k in ("country", "adm1", "adm2", "place", "precision")}),
        "period": _data({"start": "VARCHAR", "end": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
        "occurred": _data({"start": "VARCHAR", "end": "VARCHAR", "precision": "VARCHAR"}),
        "quantity": _data({"text": "VARCHAR", "kind": "VARCHAR", "low": "BIGINT", "best": "BIGINT", "high": "BIGINT",
                           "vague_word": "VARCHAR", "vague_table": "VARCHAR"}),
        "citation": _data({"document_id": "VARCHAR", "quote": "VARCHAR", "start": "INTEGER", "end": "INTEGER"}),
        "subcounts": _data({"women": "INTEGER", "children": "INTEGER"}),
        # ledger:Reconciliation.Recorded
        **{name: "VARCHAR" for name in ("policy", "policy_name", "inputs_digest", "outputs_digest")},
        **{name: "BIGINT" for name in ("policy_version", "log_position", "readmodel_position", "previous_position")},
        "severities": {"error": "INTEGER", "warning": "INTEGER", "info": "INTEGER"},
        **{name: "JSON" for name in ("findings", "changes", "options")},
    }
)


def project(con: duckdb.DuckDBPyConnection, notifications: Sequence[Notification]) -> None:
    """Apply one page inside the caller's transaction."""
    con.register("page_raw", page_table(notifications))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE page AS SELECT position, aggregate_id, aggregate_version, topic, "
        "json_transform(state, ?) AS e FROM page_raw",
        [EVENT_SHAPE],
    )
    con.unregister("page_raw")
    for sql in statements():
        con.execute(sql)
