"""The orjson transcoder stores exactly the bytes the library's stock JSON transcoder stores, and reads
them back as the same values.

Events written by the stock transcoder (the previous release's ledger, and ledgers written here
with TRANSCODER_TOPIC set to the stock one) are decoded, encoded again with the orjson transcoder
and compared byte for byte; values that the stock encoder writes in its own way (floats, big ints,
int keys, subclasses) are checked too, since for those the orjson transcoder must hand over.
"""

from __future__ import annotations

import datetime as dt
import enum
import shutil
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import build_world, make_ledger, reported
from eventsourcing.persistence import JSONTranscoder, StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import synthetic
from ledger.application.app import LedgerApplication
from ledger.application.transcoder import OrjsonTranscoder
from ledger.domain.series import Correction
from ledger.io.seed import load_seed
from ledger.reconcile.run import Options, reconcile

PREVIOUS = Path(__file__).parent / "data" / "previous_release" / "events.sqlite"


def transcoders(app: LedgerApplication) -> tuple[JSONTranscoder, OrjsonTranscoder]:
    """The stock transcoder and the orjson one, each with the transcodings the application registers."""
    stock, fast = JSONTranscoder(), OrjsonTranscoder()
    for transcoder in (stock, fast):
        for transcoding in app.mapper.transcoder.types.values():  # type: ignore[attr-defined]
            transcoder.register(transcoding)
    return stock, fast


def stored_events(path: Path) -> list[StoredEvent]:
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid")
        return [StoredEvent(uuid.UUID(r[0]), r[1], r[2], r[3]) for r in rows]


def same_bytes(app: LedgerApplication, events: list[StoredEvent]) -> set[str]:
    """Every event re-encoded by the orjson transcoder is byte-identical, and decodes to the same values."""
    stock, fast = transcoders(app)
    for event in events:
        state = stock.decode(event.state)
        assert fast.encode(state) == event.state, event.topic
        assert fast.decode(event.state) == state, event.topic
    return {event.topic for event in events}


def test_the_previous_release_ledger_reencodes_byte_for_byte(tmp_path: Path) -> None:
    shutil.copy(PREVIOUS, tmp_path / "events.sqlite")
    ledger = make_ledger(tmp_path)
    try:
        assert isinstance(ledger.app.mapper.transcoder, OrjsonTranscoder)  # the one users run
        topics = same_bytes(ledger.app, stored_events(tmp_path / "events.sqlite"))
    finally:
        ledger.close()
    assert len(topics) >= 12  # registrations, figures, withdrawal, correction, strike, grade, reconciliation


def test_events_written_by_the_stock_transcoder_reencode_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSCODER_TOPIC", "eventsourcing.persistence:JSONTranscoder")
    ledger = make_ledger(tmp_path / "home")
    try:
        assert type(ledger.app.mapper.transcoder) is JSONTranscoder
        world = build_world(ledger)
        data = synthetic.generate(400)
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        results = ledger.record_figures(data.figures, via="test")
        synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
        app, entry = ledger.app, ledger.entry("test")
        recorded = ledger.record_figure(world.figure(quantity="dozens", stance="claimed"))
        app.correct_figure(recorded.series_id, recorded.figure_id, Correction(reported=reported("2026-02-06")), "typo", entry)
        app.strike_figure(recorded.series_id, recorded.figure_id, "entered twice", entry)
        app.grade_claimant(world.military, "E", "regraded", entry)
        app.correct_claimant(world.rights_group, "full name", entry, name="HRCP (Pakistan)")
        app.close_incident(world.standoff, "over", entry)
        app.reopen_incident(world.standoff, "not over", entry)
        app.set_default_policy("default@1", "as before", entry)
        reconcile(ledger, Options())
        topics = same_bytes(app, stored_events(tmp_path / "home" / "events.sqlite"))
    finally:
        ledger.close()
    seeded = make_ledger(tmp_path / "seeded")
    try:
        load_seed(seeded)  # the seed's registrations, figures with quotes, totals with parts, carriers
        topics |= same_bytes(seeded.app, stored_events(tmp_path / "seeded" / "events.sqlite"))
    finally:
        seeded.close()
    assert {
        "ledger:ClaimSeries.Opened", "ledger:ClaimSeries.FigureReported", "ledger:ClaimSeries.FigureWithdrawn",
        "ledger:ClaimSeries.FigureCorrected", "ledger:ClaimSeries.FigureStruck", "ledger:Claimant.Graded",
        "ledger:Claimant.Corrected", "ledger:Incident.Closed", "ledger:Incident.Reopened", "ledger:Configuration.Initialised",
        "ledger:Configuration.DefaultPolicySet",
        "ledger:Reconciliation.Recorded", "ledger:Document.Archived", "ledger:Publisher.Registered",
    } <= topics  # fmt: skip


class Colour(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


# JSON-like values with everything an event may carry, and what the stock encoder writes its own way.
leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70), st.text(),
    st.floats(allow_nan=True, allow_infinity=True), st.uuids(), st.datetimes(timezones=st.just(dt.UTC)),
    st.decimals(allow_nan=False, allow_infinity=False), st.just(Colour.RED), st.just(Level.HIGH),
)  # fmt: skip
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.dictionaries(st.integers(), inner, max_size=2),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), values, max_size=6))
def test_any_event_state_encodes_as_the_stock_transcoder_does(state: dict[str, Any]) -> None:
    stock, fast = JSONTranscoder(), OrjsonTranscoder()
    for transcoder in (stock, fast):
        LedgerApplication.register_transcodings(None, transcoder)  # type: ignore[arg-type]
    written = stock.encode(state)
    assert fast.encode(state) == written
    assert fast.decode(written) == stock.decode(written) or _has_nan(stock.decode(written))


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return value != value
    if isinstance(value, dict):
        return any(_has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nan(v) for v in value)
    return False


def test_an_unregistered_type_fails_as_it_does_with_the_stock_transcoder() -> None:
    with pytest.raises(TypeError, match="not serializable"):
        OrjsonTranscoder().encode({"when": dt.date(2026, 1, 1)})
    with pytest.raises(TypeError, match="not serializable"):
        OrjsonTranscoder().encode({"amount": [Decimal("1.5")]})  # registered by an application, not here
