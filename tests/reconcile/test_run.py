"""A reconciliation run: drift detection, the recorded event, idempotence, what changed, the lock, failures."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import duckdb
import pytest
from conftest import World, build_world, event_count
from reconcile_support import RESIDENTS, add_claimants, kinds, run

from ledger.domain.policy import ACLED_POLICY
from ledger.ledger import Ledger
from ledger.reconcile.findings import Severity
from ledger.reconcile.lock import LOCK_NAME, ReconcileBusy, exclusive
from ledger.reconcile.run import SCRATCH_NAME, ReconcileFailed


def tamper(ledger: Ledger, sql: str) -> None:
    """Alter the live read model behind the ledger's back, as a stray script or a bad disk might."""
    con = duckdb.connect(str(ledger.settings.readmodel_path))
    try:
        con.execute(sql)
    finally:
        con.close()


def recorded(ledger: Ledger) -> list[dict[str, object]]:
    columns, rows = ledger.query(
        "SELECT r.policy, r.policy_name, r.policy_version, r.log_position, r.readmodel_position, r.previous_position, "
        "r.inputs_digest, r.outputs_digest, r.errors, r.warnings, r.info, r.findings, r.position, f.summary "
        "FROM reconciliations r JOIN facts f USING (position) ORDER BY r.position"
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


class TestDrift:
    def test_a_tally_altered_in_the_live_read_model_is_drift(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        assert "drift" not in kinds(run(ledger))
        ledger.tally()  # the live read model caches the tally at this position
        tamper(ledger, "UPDATE tally_cells SET best = best + 100 WHERE policy = 'default@2' AND victim_status = 'militant'")
        result = run(ledger)
        [drift] = kinds(result)["drift"]
        assert (drift.subject, drift.severity) == ("tallies[default@2]", Severity.ERROR)
        assert "1 cells differ, e.g. balochistan-2026/militant/killed" in drift.message and "ledger rebuild" in drift.message
        assert result.exit_code(Severity.ERROR) == 1
        assert [t.name for t in result.tables if not t.same] == ["tallies[default@2]"]
        # Rebuilding the live read model from the log clears it.
        ledger.rebuild()
        assert "drift" not in kinds(run(ledger))

    def test_a_figure_row_altered_in_the_live_read_model_is_drift(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        ledger.figures()  # the live read model catches up
        tamper(ledger, "UPDATE figures SET quote = 'killed 2,160 militants'")
        [drift] = kinds(run(ledger))["drift"]
        assert drift.subject == "figures" and drift.message.startswith("read-model table figures: differs from the event log")

    def test_a_figure_altered_in_the_live_read_model_is_drift_in_the_tally_it_would_give(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        ledger.figures()  # caught up, but no tally cached at this position
        tamper(ledger, "UPDATE figures SET quantity = json_object('text', 'at least 300', 'kind', 'at_least', "
                       "'low', 300, 'best', 300, 'high', NULL, 'vague_word', NULL)")  # fmt: skip
        drift = {f.subject: f for f in kinds(run(ledger))["drift"]}
        assert set(drift) == {"figures", "tallies[default@2] weighed from live facts"}

    def test_the_scratch_file_is_gone_and_the_live_file_free_after_a_run(self, world: World) -> None:
        ledger = world.ledger
        run(ledger)
        assert not (ledger.settings.home / SCRATCH_NAME).exists()
        duckdb.connect(str(ledger.settings.readmodel_path)).close()  # nobody holds it


class TestRecording:
    def test_a_run_is_recorded_with_policy_position_digests_and_findings(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        evidence_at = event_count(ledger)
        result = run(ledger, record=True)
        assert result.recorded and result.event_position == evidence_at + 1
        assert event_count(ledger) == evidence_at + 2  # then the checkpoint the run takes (issue 16)
        assert result.log_position == evidence_at
        [row] = recorded(ledger)
        assert (row["policy"], row["policy_name"], row["policy_version"]) == ("default@2", "default", 2)
        assert (row["log_position"], row["readmodel_position"], row["previous_position"]) == (evidence_at, evidence_at, None)
        assert (row["inputs_digest"], row["outputs_digest"]) == (result.inputs_digest, result.outputs_digest)
        assert (row["errors"], row["warnings"], row["info"]) == (0, 1, 0)
        assert json.loads(str(row["findings"])) == [["enemy_claim_only", "warning", "balochistan-2026/militant/killed"]]
        assert row["summary"] == f"reconciliation under default@2 at log position {evidence_at}: 0 errors, 1 warnings, 0 info"

    def test_running_twice_at_the_same_position_records_nothing_new(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        first = run(ledger, record=True)
        events = event_count(ledger)
        second = run(ledger, record=True)
        assert not second.recorded and second.event_position is None
        assert event_count(ledger) == events
        assert second.reconciliation_id == first.reconciliation_id and second.log_position == first.log_position
        assert (second.inputs_digest, second.outputs_digest) == (first.inputs_digest, first.outputs_digest)
        assert len(recorded(ledger)) == 1
        # Another policy at the same position is another reconciliation.
        assert run(ledger, ACLED_POLICY, record=True).recorded
        assert [r["policy"] for r in recorded(ledger)] == ["default@2", "acled@1"]

    def test_the_next_run_says_what_changed_since_the_previous_one(self, world: World) -> None:
        add_claimants(world)
        ledger = world.ledger
        hrcp = ledger.record_figure(
            world.figure(incident=world.standoff, claimant=world.rights_group, victim_status="civilian",
                         quantity="12", quote="12 civilians were killed")
        )  # fmt: skip
        first = run(ledger, record=True)
        assert first.changes.previous_position is None
        ledger.record_figure(
            world.figure(incident=world.standoff, claimant=RESIDENTS, victim_status="civilian", quantity="40",
                         document=None, quote=None)
        )  # fmt: skip
        second = run(ledger, record=True)
        changes = second.changes
        assert changes.previous_position == first.log_position
        assert changes.facts_since == {"ledger:ClaimSeries.FigureReported": 1, "ledger:ClaimSeries.Opened": 1}
        assert [f.kind for f in changes.new_findings] == ["contested", "quote_missing"]  # the residents cite no document
        moved = {c["cell"]: c for c in changes.cells_changed}
        assert moved["nushki-standoff/civilian/killed"]["before"] == {"low": 12, "best": 12, "high": 12, "grade": "weak"}
        assert moved["nushki-standoff/civilian/killed"]["after"] == {"low": 12, "best": 12, "high": 40, "grade": "contested"}
        # HRCP withdraws its count: the contest is resolved.
        ledger.withdraw_figure(str(hrcp.figure_id), "HRCP retracted the count")
        third = run(ledger, record=True)
        assert [f.kind for f in third.changes.resolved_findings] == ["contested"]
        assert [r["previous_position"] for r in recorded(ledger)] == [None, first.log_position, second.log_position]


class TestLock:
    def test_a_second_run_while_one_holds_the_lock_gives_up_after_its_wait(self, world: World) -> None:
        ledger = world.ledger
        events = event_count(ledger)
        with exclusive(ledger.settings.home / LOCK_NAME, wait=0):
            started = time.monotonic()
            with pytest.raises(ReconcileBusy, match=r"held by process \d+ for over 0.3s") as raised:
                from ledger.reconcile.run import Options, reconcile

                reconcile(ledger, Options(lock_wait=0.3))
            assert 0.25 <= time.monotonic() - started < 3
        assert raised.value.exit_code == 5
        assert event_count(ledger) == events

    def test_a_second_run_waits_for_the_first_to_finish(self, world: World) -> None:
        ledger = world.ledger
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with exclusive(ledger.settings.home / LOCK_NAME, wait=0):
                held.set()
                release.wait(5)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        threading.Timer(0.4, release.set).start()
        started = time.monotonic()
        result = run(ledger)  # waits up to 5 s
        holder.join()
        assert time.monotonic() - started >= 0.35
        assert result.log_position == event_count(ledger)


def test_a_run_that_cannot_open_the_read_model_fails_with_its_own_code(ledger: Ledger, tmp_path: Path) -> None:
    ledger.settings.readmodel_path.mkdir(parents=True)  # a directory where the DuckDB file should be
    with pytest.raises(ReconcileFailed, match="reconciliation could not run") as raised:
        run(ledger)
    assert raised.value.exit_code == 4


@pytest.mark.postgres
def test_a_reconciliation_on_a_postgresql_event_store_is_recorded_once(pg_ledger: Ledger) -> None:
    world = build_world(pg_ledger)
    pg_ledger.record_figure(world.figure())
    first = run(pg_ledger, record=True)
    assert first.recorded and "drift" not in kinds(first)
    assert not run(pg_ledger, record=True).recorded
    assert [r["policy"] for r in recorded(pg_ledger)] == ["default@2"]
