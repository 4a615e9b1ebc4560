"""Corrections of claimants and publishers are facts in the read model, and a read model from before
migration 010 upgrades to the same answers.

Real SQLite event stores and DuckDB read models in tmp_path.
"""

from __future__ import annotations

import json

import pytest
from conftest import World

from ledger.errors import Conflict, InvalidInput
from ledger.readmodel.connection import connect


def test_a_claimant_correction_changes_how_it_stands_and_keeps_how_it_was(world: World) -> None:
    ledger, app, entry = world.ledger, world.ledger.app, world.ledger.entry("test")
    app.correct_claimant(world.armed_group, "mistyped", entry, name="BLA spokesperson", kind="armed_group",
                         default_roles={"*": "party_other"}, description="the group's press line")  # fmt: skip
    app.correct_publisher(world.publisher, "the address", entry, url="https://dawn.com")
    claimants = {r["key"]: r for r in ledger.listing("claimants")}
    assert claimants[world.armed_group]["name"] == "BLA spokesperson"
    assert json.loads(claimants[world.armed_group]["default_roles"]) == {"*": "party_other"}
    assert claimants[world.armed_group]["reliability"] == "E"  # a correction is not a grade
    assert {r["key"]: r["url"] for r in ledger.listing("publishers")}[world.publisher] == "https://dawn.com"
    summaries = [r["summary"] for r in ledger.audit(claimant=world.armed_group)]
    assert summaries[0].startswith("claimant bla-spokesman registered: BLA spokesman")  # as registered, still
    assert summaries[-1] == "claimant corrected (name, default roles, description): mistyped"
    assert [r["summary"] for r in ledger.audit(publisher=world.publisher)][-1] == "publisher corrected (url): the address"
    with ledger.reading() as con:
        facts = con.execute("SELECT kind, fact FROM registry_facts WHERE kind <> 'incident' ORDER BY position").fetchall()
    assert facts[-2:] == [("claimant", "corrected"), ("publisher", "corrected")]


def test_a_correction_must_change_something_and_say_why(world: World) -> None:
    app, entry = world.ledger.app, world.ledger.entry("test")
    with pytest.raises(InvalidInput, match="nothing changes"):
        app.correct_claimant(world.military, "no change", entry, name="Inter-Services Public Relations")
    with pytest.raises(InvalidInput, match="a reason is required"):
        app.correct_publisher(world.publisher, " ", entry, name="Dawn News")
    with pytest.raises(InvalidInput, match="claimant kind 'wizard'"):
        app.correct_claimant(world.military, "kind", entry, kind="wizard")


def test_registering_again_as_corrected_or_as_first_registered_changes_nothing(world: World) -> None:
    app, entry = world.ledger.app, world.ledger.entry("test")
    app.correct_publisher(world.publisher, "name", entry, name="Dawn News")
    position = app.recorder.max_notification_id()
    app.register_publisher(world.publisher, "Dawn", "media", "https://www.dawn.com", entry)  # as first registered
    app.register_publisher(world.publisher, "Dawn News", "media", "https://www.dawn.com", entry)  # as it stands
    assert app.recorder.max_notification_id() == position
    with pytest.raises(Conflict, match="`ledger publisher correct dawn --reason"):
        app.register_publisher(world.publisher, "The Dawn", "media", "https://www.dawn.com", entry)


def test_a_read_model_from_before_migration_010_upgrades_to_the_same_answers(world: World) -> None:
    ledger, app, entry = world.ledger, world.ledger.app, world.ledger.entry("test")
    ledger.record_figure(world.figure())
    app.close_incident(world.standoff, "over", entry)

    def reads() -> list[object]:
        return [ledger.tally().rows, list(ledger.figures()), list(ledger.audit(incident=world.campaign)),
                *(list(ledger.listing(t)) for t in ("claimants", "publishers", "documents", "incidents"))]  # fmt: skip

    before = reads()
    con = connect(ledger.settings.readmodel_path)
    try:  # what a read model made before this change lacks
        con.execute("DROP TABLE registry_facts")
        con.execute("DELETE FROM schema_migrations WHERE version = 10")
    finally:
        con.close()
    assert reads() == before  # migrated, rebuilt from the log: the same answers
    with ledger.reading() as con:
        rows = con.execute("SELECT kind, fact FROM registry_facts ORDER BY position").fetchall()
    assert rows.count(("incident", "registered")) == 2 and rows[-1] == ("incident", "closed")
