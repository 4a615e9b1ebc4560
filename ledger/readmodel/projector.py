"""Turns pages of stored events into read-model rows, with DuckDB parsing the stored JSON in bulk.

The statements live in projection.sql beside this file, named by what they fill, run in file order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Set
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import duckdb

if TYPE_CHECKING:
    import pyarrow as pa


@attrs.frozen
class Statement:
    sql: str
    topics: frozenset[str] | None  # the topics it reads (`%` ends a prefix); None: it runs for every page
    page_fields: frozenset[str] = frozenset()  # the fields it reads of `page`'s parsed events (`e.name`)

    def applies(self, present: Set[str]) -> bool:
        """Whether a page holding events of these topics has any this statement reads."""
        if self.topics is None:
            return True
        return any(
            any(topic.startswith(wanted[:-1]) for topic in present) if wanted.endswith("%") else wanted in present
            for wanted in self.topics
        )


@cache
def statements() -> tuple[Statement, ...]:
    text = (Path(__file__).parent / "projection.sql").read_text(encoding="utf-8")
    return tuple(
        Statement(sql.strip(), _topics(sql), _page_fields(sql))
        for sql in re.split(r";\s*(?:\n|$)", text)
        if sql.strip() and not _only_comments(sql)
    )


def _page_fields(sql: str) -> frozenset[str]:
    """The event fields a statement reads, when it reads `page` (the events of every other topic)."""
    if not re.search(r"\b(?:FROM|JOIN) page\b(?!_)", sql):
        return frozenset()
    return frozenset(re.findall(r"\be\.(\w+)", sql))


def _topics(sql: str) -> frozenset[str] | None:
    found = re.search(r"^-- topics: (.+)$", sql, re.MULTILINE)
    return frozenset(found.group(1).split()) if found else None


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def _data(fields: dict[str, str] | str) -> dict[str, object]:
    return {"_data_": fields}


# Every field any event carries, parsed once per event by json_transform into the struct `e`.
EVENT_FIELDS: dict[str, object] = {
    "timestamp": _data("VARCHAR"),
    "entry": _data({"analyst": "VARCHAR", "via": "VARCHAR"}),
    **{name: "VARCHAR" for name in (
        "key", "name", "kind", "reliability", "description", "reason", "url", "sha256", "text", "title",
        "victim_status", "outcome", "role", "fingerprint", "note", "headline", "words", "stance", "stance_source",
        "derived", "default_policy",
    )},
    "carried_via": "JSON",
    "attributed": "JSON",
    "flags": "JSON",
    "default_roles": "JSON",
    "correction": _data("JSON"),
    **{name: _data("VARCHAR") for name in (
        "publisher_id", "parent_id", "incident_id", "claimant_id", "figure_id", "part_of",
    )},
    "published": _data({"at": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
    "reported": _data({"at": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
    "location": _data({k: "VARCHAR" for k in ("country", "adm1", "adm2", "place", "precision")}),
    "period": _data({"start": "VARCHAR", "end": "VARCHAR", "precision": "VARCHAR", "estimated": "BOOLEAN"}),
    "occurred": _data({"start": "VARCHAR", "end": "VARCHAR", "precision": "VARCHAR"}),
    "quantity": _data({"text": "VARCHAR", "kind": "VARCHAR", "low": "BIGINT", "best": "BIGINT", "high": "BIGINT",
                       "vague_word": "VARCHAR", "vague_table": "VARCHAR"}),
    "citation": _data({"document_id": "VARCHAR", "quote": "VARCHAR", "start": "INTEGER", "end": "INTEGER",
                       "part": "VARCHAR"}),
    "subcounts": _data({"women": "BIGINT", "children": "BIGINT"}),  # counts, up to 10^12 (ledger/domain/limits.py)
    # ledger:Reconciliation.Recorded
    **{name: "VARCHAR" for name in ("policy", "policy_name", "inputs_digest", "outputs_digest")},
    **{name: "BIGINT" for name in ("policy_version", "log_position", "readmodel_position", "previous_position")},
    "severities": {"error": "INTEGER", "warning": "INTEGER", "info": "INTEGER"},
    **{name: "JSON" for name in ("findings", "changes", "options")},
    # ledger:ImportRun.* (ledger/domain/import_run.py)
    **{name: "VARCHAR" for name in ("format", "source", "host")},
    **{name: "BIGINT" for name in ("number", "pid")},
    **{name: "JSON" for name in ("expected", "written")},
    # ledger:Proposal.* and ledger:Extraction.Ran (the review queue, ledger/extract/review.py)
    "document_id": _data("VARCHAR"),
    **{name: "VARCHAR" for name in ("extractor", "recorded")},
    **{name: "JSON" for name in ("proposed", "proposal_ids", "unread", "part_ids")},
    # ledger:PublishedRow.Recorded (ledger/domain/published.py)
    "dataset": "VARCHAR", "file": "VARCHAR", "line": "BIGINT", "columns": "JSON",
}
EVENT_SHAPE = json.dumps(EVENT_FIELDS)


# The two commonest events, parsed with only their own fields: a struct of every field any event
# carries takes up to twice as long to build (a 1M-figure rebuild is about 6% faster this way).
OPENED = "ledger:ClaimSeries.Opened"
FIGURE_REPORTED = "ledger:ClaimSeries.FigureReported"


def _only(*fields: str) -> str:
    return json.dumps({name: EVENT_FIELDS[name] for name in fields})


OPENED_SHAPE = _only("timestamp", "entry", "incident_id", "claimant_id", "victim_status", "outcome")
FIGURE_SHAPE = _only(
    "timestamp", "entry", "figure_id", "role", "quantity", "publisher_id", "citation", "occurred", "reported",
    "subcounts", "fingerprint", "note", "stance", "stance_source", "derived", "part_of", "carried_via",
    "attributed",
)  # fmt: skip

# The page split by topic, each part parsed into a struct of the fields its statements read; `page`
# (None here) into the fields that the statements running for this page read of it (`page_shape`).
SPLIT = (
    ("page_opened", "topic = ?", [OPENED], OPENED_SHAPE),
    ("page_figures", "topic = ?", [FIGURE_REPORTED], FIGURE_SHAPE),
    ("page", "topic NOT IN (?, ?)", [OPENED, FIGURE_REPORTED], None),
)


def page_shape(present: Set[str]) -> str:
    """EVENT_FIELDS narrowed to what this page's statements read of `page`. Every field of the struct is
    filled for every event, so the thirty fields only reconciliations, reviews and releases carry
    cost a page of registrations and documents about a quarter of its parse (a 1M-figure rebuild, 1.5 s)."""
    return _shape(frozenset().union(*(s.page_fields for s in statements() if s.applies(present))))


@cache
def _shape(fields: frozenset[str]) -> str:
    return json.dumps({name: kind for name, kind in EVENT_FIELDS.items() if name in fields})


def project(con: duckdb.DuckDBPyConnection, page: pa.Table) -> None:
    """Apply one page (source.page_schema()) inside the caller's transaction."""
    import pyarrow.compute as pc  # the caller has read the page with pyarrow already

    present = set(pc.unique(page["topic"]).to_pylist())
    con.register("page_raw", page)
    for table, where, topics, known in SPLIT:
        shape = known if known is not None else page_shape(present)
        con.execute(
            # Ids are written hyphenated whatever form the store keeps them in (SQLite: 32 hex digits).
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT position, aggregate_id::UUID::VARCHAR AS aggregate_id, "
            f"aggregate_version, topic, json_transform(state, ?) AS e FROM page_raw WHERE {where}",
            [shape, *topics],
        )
    con.unregister("page_raw")
    for statement in statements():
        if statement.applies(present):
            con.execute(statement.sql)
