"""A bad stored event is named, not fatal; a rebuild that fails leaves the working read model as it was.

The bad event is written the way a buggy writer would: through the ledger's own recorder (so its tree
leaf matches it and the tamper gate lets it through), with a state the projection cannot parse.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from conftest import World, event_count
from eventsourcing.persistence import StoredEvent
from typer.testing import CliRunner

from ledger.cli.main import app as cli_app
from ledger.errors import UnreadableEvent

FIGURE_REPORTED = "ledger:ClaimSeries.FigureReported"


def write_bad_event(world: World) -> int:
    world.ledger.app.recorder.insert_events([StoredEvent(uuid.uuid4(), 1, FIGURE_REPORTED, b'{"figure_id": ')])
    return event_count(world.ledger)


def test_an_unreadable_event_is_named_in_one_line_and_reads_go_on_before_it(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    before = ledger.tally().rows
    bad = write_bad_event(world)
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry("test"))  # after it: held back
    assert ledger.tally().rows == before  # reads keep working, as of the position before the bad event
    unreadable = ledger.read_model.unreadable
    assert isinstance(unreadable, UnreadableEvent) and (unreadable.position, unreadable.topic) == (bad, FIGURE_REPORTED)
    assert "\n" not in str(unreadable) and f"position {bad} ({FIGURE_REPORTED})" in str(unreadable)
    assert "dunya" not in {r["key"] for r in ledger.listing("publishers")}

    result = CliRunner().invoke(cli_app, ["--home", str(ledger.settings.home), "tally"])
    assert result.exit_code == 0
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [f"note: {unreadable}"]


def test_a_rebuild_that_meets_a_bad_event_fails_in_one_line_and_leaves_the_read_model_intact(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    before = ledger.tally().rows
    path: Path = ledger.read_model.path
    size = path.stat().st_size
    bad = write_bad_event(world)
    with pytest.raises(UnreadableEvent, match=rf"position {bad} \({FIGURE_REPORTED}\) cannot be read"):
        ledger.rebuild()
    assert path.exists() and path.stat().st_size >= size
    assert not path.with_name(path.name + ".rebuild").exists()
    assert ledger.tally().rows == before

    result = CliRunner().invoke(cli_app, ["--home", str(ledger.settings.home), "rebuild"])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: event log: position {bad} ")


def test_a_write_to_an_aggregate_with_an_unreadable_event_names_it_and_records_nothing(world: World) -> None:
    ledger = world.ledger
    recorded = ledger.record_figure(world.figure())
    ledger.app.recorder.insert_events([StoredEvent(recorded.series_id, 3, FIGURE_REPORTED, b'{"figure_id": ')])
    bad = event_count(ledger)
    with pytest.raises(UnreadableEvent, match=rf"position {bad} \({FIGURE_REPORTED}, aggregate {recorded.series_id} version 3\)"):
        ledger.app.strike_figure(recorded.series_id, recorded.figure_id, "a test", ledger.entry())
    with pytest.raises(UnreadableEvent, match=rf"position {bad} "):
        ledger.app.record_figure(world.figure(quantity="217"), ledger.entry())  # the batch path reads it too
    assert event_count(ledger) == bad
