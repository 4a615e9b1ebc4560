"""A ledger exported as a JSON Lines bundle and imported into an empty one has the same audit trail.

"The same provenance" is checked as it is promised: every fact of every aggregate (registrations,
grades, corrections of claimants, publishers and incidents, closings and reopenings, figures,
revisions, withdrawals, corrections, strikes), in order, with the words the audit trail shows; not
only the tallies. Recorded times and the analyst are the importing ledger's own, so they are left
out. Real SQLite (and PostgreSQL) event stores and DuckDB read models in tmp_path.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import World, build_world, event_count, ledger_on, make_ledger, reported

from ledger import clock
from ledger.domain.values import Location, Period
from ledger.domain.vocabulary import LocationPrecision
from ledger.io.export import export
from ledger.io.imports import import_figures
from ledger.io.pipeline.problems import ImportRejected
from ledger.ledger import Ledger


def audit_trail(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    """Every fact of every aggregate, in log order, as the audit trail words it. The checkpoint the
    export signed is the original log's own (a signature over it), not evidence a bundle carries; the
    copy's import run is the copy's own."""
    trail: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    with ledger.reading() as con:
        for aggregate, topic, figure, summary in con.execute(
            "SELECT aggregate_id, topic, figure_id, summary FROM facts WHERE topic NOT LIKE 'ledger:Checkpoint%' "
            "AND topic NOT LIKE 'ledger:ImportRun%' "  # how the bundle came in: the copy's own fact
            "ORDER BY position"
        ).fetchall():
            trail[aggregate].append((topic, figure, summary))
    return dict(trail)


def standing(ledger: Ledger) -> dict[str, Any]:
    """What the ledger holds now: tallies under every policy, figures with their state, registrations."""
    keep = ("figure_id", "state", "corrected", "current_quantity", "current_low", "current_high", "role", "quote")
    return {
        # Not the log position: the copy's log also holds its import run's start and end.
        "tallies": {p: sorted(repr({k: v for k, v in r.items() if k != "log_position"}) for r in ledger.tally(p).rows)
                    for p in ("default", "acled", "independent")},
        "figures": sorted(tuple(map(repr, (r.get(k) for k in keep))) for r in ledger.figures()),
        **{table: [repr(sorted(r.items())) for r in ledger.listing(table)] for table in ("claimants", "publishers", "incidents")},
    }


def build_history(world: World) -> None:
    """Every kind of fact a bundle carries, on the small world."""
    ledger, app, entry = world.ledger, world.ledger.app, world.ledger.entry("test")
    with clock.pinned(dt.datetime(2026, 2, 6, tzinfo=dt.UTC)):
        militant = ledger.record_figure(world.figure())
        ledger.record_figure(world.figure(incident=world.standoff, claimant=world.rights_group, victim_status="civilian",
                                          quantity="12", quote="12 civilians were killed"))  # fmt: skip
        soldiers = ledger.record_figure(world.figure(claimant=world.armed_group, victim_status="security_forces",
                                                     quantity="81", document=None, quote=None))  # fmt: skip
    with clock.pinned(dt.datetime(2026, 2, 8, tzinfo=dt.UTC)):
        app.grade_claimant(world.military, "C", "two statements checked", entry)
        app.grade_claimant(world.military, "D", "a third did not hold", entry)
        app.correct_claimant(world.armed_group, "the group's name was mistyped", entry, name="BLA spokesperson",
                             default_roles={"security_forces": "enemy_losses", "*": "party_other"})  # fmt: skip
        app.correct_publisher(world.publisher, "the outlet's address", entry, url="https://dawn.com")
        # The standoff started a day earlier than registered; a later figure is reported on that day.
        app.correct_incident(world.standoff, "wrong start", entry, name="Nushki standoff",
                             period=Period(dt.date(2026, 1, 29), dt.date(2026, 2, 2)))  # fmt: skip
        app.close_incident(world.standoff, "the standoff ended", entry)
        app.reopen_incident(world.standoff, "new reports of the dead", entry)
        app.close_incident(world.standoff, "no more reports", entry)
        app.register_incident("dalbandin-raid", "Raid near Dalbandin (synthetic)",
                              Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1),
                              Period(dt.date(2026, 2, 1), dt.date(2026, 2, 1)), entry, parent=world.campaign)  # fmt: skip
        app.correct_incident("dalbandin-raid", "it was in Chagai", entry,
                             location=Location("Pakistan", "Balochistan", "Chagai", None, LocationPrecision.ADM2))  # fmt: skip
        ledger.record_figure(world.figure(incident=world.standoff, claimant=world.rights_group, victim_status="civilian",
                                          outcome="injured", quantity="dozens", document=None, quote=None,
                                          reported=reported("2026-01-29")))  # fmt: skip
    with clock.pinned(dt.datetime(2026, 2, 9, tzinfo=dt.UTC)):
        ledger.revise_figure(str(militant.figure_id), "at least 230", reported("2026-02-07"))
        ledger.withdraw_figure(str(soldiers.figure_id), "the group took it back")
        ledger.correct_figure(str(militant.figure_id), "typed 261 for 216", quantity="at least 216")
        ledger.strike_figure(str(soldiers.figure_id), "entered twice")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_bundle_gives_an_empty_ledger_the_same_audit_trail(backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path / "original") as original:
        build_history(build_world(original))
        bundle = tmp_path / "ledger.jsonl"
        export(original, "figures", bundle, "jsonl", manifest=False)  # it signs a checkpoint: no fact a read reflects
        kinds = {line.split('"record": "', 1)[1].split('"', 1)[0] for line in bundle.read_text(encoding="utf-8").splitlines()}
        assert {"grade", "claimant_correction", "publisher_correction", "incident_correction", "closing", "reopening",
                "withdrawal", "correction", "strike"} <= kinds  # fmt: skip
        expected_trail, expected_now = audit_trail(original), standing(original)

    copy = make_ledger(tmp_path / "copy")
    try:
        report = import_figures(copy, bundle)
        assert report.facts == {"grade": 2, "claimant correction": 1, "publisher correction": 1,
                                "incident correction": 2, "closing": 2, "reopening": 1, "withdrawal": 1,
                                "correction": 1, "strike": 1}  # fmt: skip
        assert audit_trail(copy) == expected_trail
        assert standing(copy) == expected_now
        incidents = {r["key"]: r for r in copy.listing("incidents")}
        assert (incidents["nushki-standoff"]["name"], str(incidents["nushki-standoff"]["occurred_start"])) == (
            "Nushki standoff", "2026-01-29",
        )  # fmt: skip
        assert incidents["nushki-standoff"]["is_open"] is False and incidents["dalbandin-raid"]["adm2"] == "Chagai"

        position = event_count(copy)
        again = import_figures(copy, bundle)  # a ledger's own registrations keep their own history: nothing is added
        assert (event_count(copy), again.figures_new, sum(again.facts.values())) == (position, 0, 0)
    finally:
        copy.close()


def test_a_period_correction_below_the_figures_it_would_move_is_refused(world: World, tmp_path: Path) -> None:
    bundle = tmp_path / "hand-written.jsonl"
    bundle.write_text(
        '{"record": "incident", "key": "raid", "name": "Raid", "country": "Pakistan", "occurred_start": "2026-02-03"}\n'
        '{"record": "figure", "incident": "raid", "claimant": "hrcp", "victim_status": "civilian", "outcome": "killed", '
        '"quantity": "3", "reported": "2026-02-04"}\n'
        '{"record": "incident_correction", "incident": "raid", "reason": "wrong day", "occurred_start": "2026-02-05"}\n',
        encoding="utf-8",
    )
    before = event_count(world.ledger)
    with pytest.raises(ImportRejected) as rejected:
        import_figures(world.ledger, bundle)
    assert "comes after figures of that incident" in str(rejected.value)
    assert event_count(world.ledger) == before
