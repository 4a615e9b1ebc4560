"""A projection statement with a `topics:` line is skipped for a page without those topics, so the line
must name every topic the statement reads and nothing else (tests/readmodel/test_readmodel.py's page
sizes check the skipping itself: any page boundary gives the same read model)."""

from __future__ import annotations

import json
import re

from ledger.readmodel.projector import EVENT_FIELDS, FIGURE_REPORTED, OPENED, Statement, page_shape, statements


def _name(statement: Statement) -> str:
    found = re.search(r"^-- name: (\w+)$", statement.sql, re.MULTILINE)
    assert found, statement.sql[:80]
    return found.group(1)


def test_each_statement_names_the_topics_its_sql_reads() -> None:
    for statement in statements():
        if statement.topics is None:
            continue
        sql = "\n".join(line for line in statement.sql.splitlines() if not line.startswith("--"))
        named = set(re.findall(r"'(ledger:[A-Za-z.]+%?)'", sql))
        named |= {OPENED} if "page_opened" in sql else set()
        named |= {FIGURE_REPORTED} if "page_figures" in sql else set()
        exact = {topic for topic in named if not topic.endswith("%")}
        assert statement.topics <= named, _name(statement)  # nothing the statement does not read
        assert all(statement.applies({topic}) for topic in exact), _name(statement)  # everything it reads


def test_only_the_facts_of_other_events_run_for_every_page() -> None:
    assert [_name(s) for s in statements() if s.topics is None] == ["facts"]


def test_a_statement_applies_to_a_page_holding_one_of_its_topics() -> None:
    statement = Statement("SELECT 1", frozenset({"ledger:Proposal.%", "ledger:Extraction.Ran"}))
    assert statement.applies({"ledger:Proposal.Edited"})
    assert statement.applies({OPENED, "ledger:Extraction.Ran"})
    assert not statement.applies({OPENED, FIGURE_REPORTED})
    assert not statement.applies(set())
    assert Statement("SELECT 1", None).applies(set())


def test_page_is_parsed_into_the_fields_the_statements_running_for_it_read() -> None:
    # A field a statement reads and the shape lacks would be a binding error on that page: each is known,
    # and each page's shape holds every field of `page` that its statements read.
    for statement in statements():
        assert statement.page_fields <= set(EVENT_FIELDS), _name(statement)
    registrations = {"ledger:Document.Archived", "ledger:Incident.Registered", "ledger:ClaimSeries.FigureCarried"}
    for present in (registrations, {"ledger:Reconciliation.Recorded"}, {"ledger:PublishedRow.Recorded", OPENED}):
        shape = set(json.loads(page_shape(present)))
        for statement in statements():
            if statement.applies(present):
                assert statement.page_fields <= shape, _name(statement)
    # A page of registrations leaves out what only reconciliations, reviews and releases carry.
    narrow = set(json.loads(page_shape(registrations)))
    assert not narrow & {"findings", "changes", "proposed", "columns", "dataset"}
    assert len(narrow) < len(EVENT_FIELDS) * 0.6
