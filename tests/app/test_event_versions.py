"""Events stored by earlier versions of the ledger still read, and read as what they said.

Stored events outlive code: when an event class gains a version, the events already stored keep
their old shape, and both the write side (through the class's upcaster) and the read model (its
projection SQL) must read them.
"""

from __future__ import annotations

import json

import attrs
from conftest import World
from eventsourcing.persistence import StoredEvent

from ledger.domain.series import ClaimSeries, series_id


def test_a_series_opened_before_version_2_reads_with_no_entry(world: World) -> None:
    ledger, app = world.ledger, world.ledger.app
    incident, claimant = app.incident(world.standoff), app.claimant(world.rights_group)
    old = series_id(incident.id, claimant.id, "civilian", "killed")
    # Exactly what version 1 stored: the four keys of the series, no entry, no class_version.
    state = {
        "timestamp": {"_type_": "datetime_iso", "_data_": "2026-02-05T10:00:00+00:00"},
        "originator_topic": "ledger:ClaimSeries",
        "incident_id": {"_type_": "uuid_hex", "_data_": incident.id.hex},
        "claimant_id": {"_type_": "uuid_hex", "_data_": claimant.id.hex},
        "victim_status": "civilian",
        "outcome": "killed",
    }
    app.recorder.insert_events(
        [StoredEvent(old, 1, "ledger:ClaimSeries.Opened", json.dumps(state, separators=(",", ":")).encode())]
    )

    series = app.repository.get(old)
    assert isinstance(series, ClaimSeries)
    assert (series.incident_id, series.claimant_id, series.victim_status, series.outcome) == (
        incident.id, claimant.id, "civilian", "killed",
    )  # fmt: skip
    # A figure joins the old series as it would any other; the new series it opens records who did.
    for status, quantity in (("civilian", "12"), ("militant", "3")):
        figure = world.figure(incident=world.standoff, claimant=world.rights_group, victim_status=status, quote=None)
        ledger.record_figure(attrs.evolve(figure, quantity=quantity))
    opened = {
        (row["claimant"], row["victim_status"]): row
        for row in ledger.audit(incident=world.standoff)
        if row["topic"] == "ledger:ClaimSeries.Opened"
    }
    assert opened[(world.rights_group, "civilian")]["analyst"] is None
    assert opened[(world.rights_group, "civilian")]["summary"] == "claim series opened: civilian killed"
    assert (opened[(world.rights_group, "militant")]["analyst"], opened[(world.rights_group, "militant")]["via"]) == (
        "tester",
        "cli",
    )
    assert app.repository.get(old).version == 2  # the figure went into the version-1 series


def test_a_series_opened_now_is_stored_as_version_2_with_its_entry(world: World) -> None:
    recorded = world.ledger.record_figure(world.figure())
    stored = world.ledger.app.recorder.select_events(recorded.series_id, lte=1)
    state = json.loads(stored[0].state)
    assert (stored[0].topic, state["class_version"]) == ("ledger:ClaimSeries.Opened", 2)
    assert state["entry"] == {"_type_": "entry", "_data_": {"analyst": "tester", "via": "cli"}}
