"""Recording figures in batches stores exactly what the library's plain path stores, figure by figure.

The batched path reads many aggregates with one query (`get_many`), opens new claim series with
their id already known, keeps a bounded cache of what rows name, and saves without the library's
runtime-protocol checks. None of that may change a
stored byte: events outlive code. Each test runs on every backend.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from pathlib import Path

import attrs
import pytest
from conftest import ledger_on, make_ledger
from eventsourcing.application import AggregateNotFoundError, Application

from ledger import clock, synthetic
from ledger.application import streams
from ledger.application.app import LedgerApplication, RejectedImport, _open_series, _PreparedFigure, _Resolver
from ledger.application.inputs import FigureInput
from ledger.domain.base import Entry
from ledger.domain.series import ClaimSeries
from ledger.ledger import Ledger

PINNED = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)  # equal timestamps, so equal bytes


def record_plainly(app: LedgerApplication, figures: list[FigureInput], entry: Entry) -> list[bool]:
    """The library's own way, one figure at a time: get the series or create it, report, save
    with the library's `save` (the ledger's skips its runtime-protocol checks)."""
    resolver, recorded = _Resolver(app), []
    for figure in figures:
        for item in resolver.prepare(figure):
            try:
                series = app.repository.get(item.series_id)
            except AggregateNotFoundError:
                series = ClaimSeries(item.incident_id, item.claimant_id, item.victim_status, item.outcome, entry)
            recorded.append(series.report(entry=entry, **item.report_kwargs).is_new)
            if recorded[-1]:
                Application.save(app, series)
    return recorded


def streams_of(ledger: Ledger) -> list[tuple[str, int, str, bytes]]:
    """Every stored event, ordered by aggregate and version (a batch orders its log by aggregate)."""
    notifications = ledger.app.recorder.select_notifications(1, 1_000_000)
    return sorted((str(n.originator_id), n.originator_version, n.topic, n.state) for n in notifications)


def workload() -> tuple[synthetic.SyntheticLedger, list[FigureInput]]:
    """Synthetic figures (documents, quotes, revisions, back-filled), then some of them again."""
    data = synthetic.generate(240, seed=5)
    again = data.figures[10:40] + data.figures[200:]  # already there: nothing new
    return data, [*data.figures, *again, data.figures[0]]


@pytest.mark.parametrize("batch_size, cache", [(1000, 10_000), (7, 3)])
def test_batches_store_the_events_the_plain_path_stores(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int, cache: int
) -> None:
    # Small batches split series across transactions; a tiny cache forces lookups to be read again.
    monkeypatch.setattr(_Resolver, "CACHE", cache)
    data, figures = workload()
    with clock.pinned(PINNED), ledger_on(backend, tmp_path / "plain") as plain:
        synthetic.register(plain.app, data, plain.entry("synthetic"))
        plain_new = record_plainly(plain.app, figures, plain.entry("test"))
        expected = streams_of(plain)
    with clock.pinned(PINNED), ledger_on(backend, tmp_path / "batched") as batched:
        synthetic.register(batched.app, data, batched.entry("synthetic"))
        results = batched.app.record_figures(figures, batched.entry("test"), batch_size=batch_size)
        assert streams_of(batched) == expected
    assert [f.is_new for r in results for f in r.with_parts] == plain_new
    assert plain_new.count(False) == len(figures) - len(data.figures)


def test_checked_figures_are_written_as_validated_ones_are(backend: str, tmp_path: Path) -> None:
    # An import's first pass has checked its figures; writing them unvalidated must change nothing.
    data, figures = workload()
    stored = []
    for checked in (False, True):
        with clock.pinned(PINNED), ledger_on(backend, tmp_path / f"checked-{checked}") as ledger:
            synthetic.register(ledger.app, data, ledger.entry("synthetic"))
            results = list(ledger.app.iter_record_figures(iter(figures), ledger.entry("test"), 50, checked=checked))
            stored.append((streams_of(ledger), results))
    assert stored[0] == stored[1]


def test_get_many_reads_what_the_repository_reads(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "CHUNK", 4)  # several queries, not one
    data, figures = workload()
    with ledger_on(backend, tmp_path) as ledger:
        app = ledger.app
        synthetic.register(app, data, ledger.entry("synthetic"))
        results = app.record_figures(figures, ledger.entry("test"))
        synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
        ids = [*list({r.series_id for r in results})[:9], app.incident(data.incidents[0][0]).id]
        missing = uuid.uuid4()
        found = app.get_many([*ids, missing])
        assert found == {i: app.repository.get(i) for i in ids}
        assert missing not in found


def test_get_many_asks_other_recorders_id_by_id() -> None:
    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    series = ClaimSeries(uuid.uuid4(), uuid.uuid4(), "civilian", "killed", Entry("tester"))
    app.save(series)
    assert app.get_many([series.id, uuid.uuid4()]) == {series.id: app.repository.get(series.id)}


def test_a_new_series_is_opened_as_the_library_opens_it() -> None:
    incident_id, claimant_id = uuid.uuid4(), uuid.uuid4()
    series_id = ClaimSeries.create_id(incident_id, claimant_id, "civilian", "killed")
    item = _PreparedFigure(series_id, uuid.uuid4(), incident_id, claimant_id, "civilian", "killed", {})
    with clock.pinned(PINNED):
        opened = _open_series(item, Entry("tester", "import:abc"))
        plain = ClaimSeries(incident_id, claimant_id, "civilian", "killed", Entry("tester", "import:abc"))
    assert opened == plain
    assert [vars(e) for e in opened.collect_events()] == [vars(e) for e in plain.collect_events()]


def test_other_aggregates_are_saved_by_the_library_save() -> None:
    from eventsourcing.domain import Aggregate

    app = LedgerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    other = Aggregate()
    app.save(other)
    assert app.repository.get(other.id).version == 1


def test_the_garbage_collector_is_paused_while_figures_are_written_and_restored_after(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path)
    try:
        data = synthetic.generate(30)
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        during = [gc.isenabled() for _ in ledger.app.iter_record_figures(data.figures, ledger.entry("test"), batch_size=7)]
        assert during and not any(during)  # young objects are collected per batch instead
        assert gc.isenabled()
        with pytest.raises(RejectedImport):
            ledger.app.record_figures([attrs.evolve(data.figures[0], incident="no-such-incident")], ledger.entry("test"))
        assert gc.isenabled()  # restored however the import ends
        gc.disable()
        try:
            ledger.app.record_figures(data.figures[:3], ledger.entry("test"))
            assert not gc.isenabled()  # a caller that turned it off keeps it off
        finally:
            gc.enable()
    finally:
        ledger.close()
