"""The incremental tally (what users get once the log moves) equals a full recompute, cell for cell.

Random synthetic ledgers in real DuckDB read models are tallied, then changed step by step at
random: figures appended (a new incident's among them), withdrawn, corrected, struck; claimants
regraded, incidents moved or their periods corrected, the default policy changed; tallies read
under other policies between steps. After each step the cached tally brought forward equals the
full SQL engine's tally of the same log, cells and the claims behind them, and the Python engine's.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from ledger import synthetic
from ledger.application.inputs import FigureInput
from ledger.domain.policy import get_policy
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import Correction
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.ledger import Ledger
from ledger.readmodel import queries
from ledger.readmodel.incremental_tally import Refresh, plan, refresh_tally
from ledger.readmodel.view import View
from tests.conftest import make_ledger

POLICY_LABELS = ["default@2", "default@1", "acled@1", "independent@2", "default@1[tolerance=0.05]"]
ALL_OF_IT = View(recorded_by=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))  # the same facts as now, never cached
Cells = dict[tuple[str, str, str], dict[str, Any]]


def cached_rows(con: duckdb.DuckDBPyConnection, table: str, label: str) -> tuple[Cells, set[tuple[Any, ...]]]:
    """A tally's cells and claims for one policy as stored (each with its tree's root), and the log position
    kept beside them."""
    tables = queries.TALLY_TABLES[table]
    (at,) = con.execute(f"SELECT log_position FROM {tables.positions} WHERE policy = ?", [label]).fetchone()
    cursor = con.execute(f"SELECT * EXCLUDE (policy) FROM {tables.cells} WHERE policy = ?", [label])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) | {"log_position": at} for r in cursor.fetchall()]
    cells = {(str(r["incident_id"]), r["victim_status"], r["outcome"]): r for r in rows}  # its ids stored as UUIDs
    assert len(rows) == len(cells)
    claims = set(con.execute(f"SELECT * EXCLUDE (policy) FROM {tables.claims} WHERE policy = ?", [label]).fetchall())
    return cells, claims


def refresh(con: duckdb.DuckDBPyConnection, label: str) -> Refresh | None:
    """What `queries.tallies` does for the current view, saying how; None when the cache was current.
    Any share of touched cells is taken cell by cell, so small ledgers test the incremental path."""
    policy = get_policy(label)
    at = queries.view_position(con, queries.NOW)
    if queries.cache_position(con, policy) is not None:
        return None
    con.execute("BEGIN")
    done = refresh_tally(con, policy, at, largest_share=1.0)
    con.execute("COMMIT")
    return done


def assert_equals_full_recompute(ledger: Ledger, label: str) -> Refresh | None:
    with ledger.reading() as con:
        done = refresh(con, label)
        cells, claims = cached_rows(con, "tallies", label)
        queries.tallies(con, get_policy(label), ALL_OF_IT)  # the full SQL engine, into view_tallies
        full_cells, full_claims = cached_rows(con, "view_tallies", label)
        assert cells.keys() == full_cells.keys(), (label, done)
        for key, row in full_cells.items():
            assert cells[key] == row, (label, done, key)
        assert claims == full_claims, (label, done)
        plain = {(r["incident_id"], r["victim_status"], r["outcome"]): r for r in queries.plain_tally(con, get_policy(label))}
        assert plain.keys() == cells.keys()
        for key, row in plain.items():
            assert (row["low"], row["best"], row["high"], row["grade"], row["basis"], row["claims"], row["parts"]) == (
                cells[key]["low"], cells[key]["best"], cells[key]["high"], cells[key]["grade"], cells[key]["basis"],
                cells[key]["claims"], cells[key]["parts"],
            ), (label, done, key)  # fmt: skip
    return done


class Changes:
    """Random facts about a synthetic ledger, one kind per step."""

    def __init__(self, ledger: Ledger, data: synthetic.SyntheticLedger, rng: random.Random) -> None:
        self.ledger, self.data, self.rng = ledger, data, rng
        self.app, self.entry = ledger.app, ledger.entry("test")
        self.pending = list(data.figures)  # recorded in random batches, as appends
        self.recorded: list[tuple[Any, Any, FigureInput]] = []  # series id, figure id, input
        self.gone: set[Any] = set()  # withdrawn or struck figures: no later fact may name them
        parent_of = {key: parent for key, parent, *_ in data.incidents}
        self.leaves = [k for k, p in parent_of.items() if p is not None and k not in parent_of.values()]
        self.branches = [k for k in parent_of if k not in self.leaves]
        self.parent_of = parent_of
        self.new_incidents = 0

    def append(self, count: int) -> None:
        batch, self.pending = self.pending[:count], self.pending[count:]
        for result, figure in zip(self.ledger.record_figures(batch, via="test"), batch, strict=True):
            self.recorded.append((result.series_id, result.figure_id, figure))

    def figure(self) -> tuple[Any, Any, FigureInput]:
        while True:
            found = self.rng.choice(self.recorded)
            if found[1] not in self.gone:
                return found

    def withdraw(self) -> None:
        series, figure, spec = self.figure()
        self.gone.add(figure)  # a second withdrawal would be refused, as it should
        day = spec.reported.at + dt.timedelta(days=self.rng.randint(0, 300))
        self.app.withdraw_figure(series, figure, "test: withdrawn", self.entry, ReportedTime(day))

    def correct(self) -> None:
        series, figure, spec = self.figure()
        choices = [
            Correction(role=self.rng.choice(["enemy_losses", "own_losses", "independent", "residents"])),
            Correction(reported=ReportedTime(spec.reported.at + dt.timedelta(days=self.rng.randint(1, 400)), Precision.DAY)),
            Correction(stance=self.rng.choice(["stated", "alleged", "denied", "reported"])),
        ]
        if spec.quote is None:  # a quoted figure's number can only be corrected to what its quote states
            choices.append(Correction(quantity=parse_quantity(self.rng.choice(["dozens", "12-40", "at least 300", "7"]))))
        self.app.correct_figure(series, figure, self.rng.choice(choices), "test: mistyped", self.entry)

    def strike(self) -> None:
        series, figure, _ = self.figure()
        self.gone.add(figure)
        self.app.strike_figure(series, figure, "test: entry error", self.entry)

    def new_incident(self) -> None:
        """An incident registered under an existing one, and figures for it (its registration reaches no cell)."""
        parent = self.rng.choice(self.branches)
        key = f"synthetic-added-{self.new_incidents}"
        self.new_incidents += 1
        start = self.app.incident(parent).period.start
        self.app.register_incident(
            key, f"Synthetic added incident {key}", Location("Synthetica", None, None, None, LocationPrecision.COUNTRY),
            Period(start, start + dt.timedelta(days=20), Precision.DAY), self.entry, parent=parent,
        )  # fmt: skip
        figures = [
            FigureInput(
                incident=key,
                claimant=self.rng.choice(self.data.claimants).key,
                victim_status=status,
                outcome="killed",
                quantity=self.rng.choice(["7", "12", "dozens", "at least 30"]),
                reported=ReportedTime(dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC)),
            )
            for status in self.rng.sample(synthetic.STATUSES, 2)
        ]
        for result, figure in zip(self.ledger.record_figures(figures, via="test"), figures, strict=True):
            self.recorded.append((result.series_id, result.figure_id, figure))

    def regrade(self) -> None:
        spec = self.rng.choice(self.data.claimants)
        self.app.grade_claimant(spec.key, self.rng.choice("ABCDEF"), "test: regraded", self.entry)

    def move_incident(self) -> None:
        key = self.rng.choice(self.leaves)
        elsewhere = [b for b in self.branches if b != self.parent_of[key] and self.parent_of.get(b) is not None]
        if elsewhere:
            self.parent_of[key] = parent = self.rng.choice(elsewhere)
            self.app.correct_incident(key, "test: moved", self.entry, parent=parent)

    def fix_period(self) -> None:
        key = self.rng.choice(self.leaves)
        start = self.app.incident(self.parent_of[key]).period.start
        period = Period(start, start + dt.timedelta(days=30), Precision.DAY)
        self.app.correct_incident(key, "test: period", self.entry, period=period)

    def default_policy(self) -> None:
        self.app.set_default_policy(self.rng.choice(["default@1", "default@2"]), "test: policy", self.entry)


LOCAL = ("append", "withdraw", "correct", "strike", "new_incident")
GLOBAL = ("regrade", "move_incident", "fix_period", "default_policy")


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure names its seed
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(80, 240))
@example(seed=1134, size=81)  # once withdrew a figure twice (the test's fault, not the engine's)
def test_incremental_tallies_equal_a_full_recompute_on_random_ledgers(
    tmp_path_factory: pytest.TempPathFactory, seed: int, size: int
) -> None:
    rng = random.Random(seed)
    ledger = make_ledger(tmp_path_factory.mktemp("incremental-tally"))
    try:
        data = synthetic.generate(size, seed)
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        changes = Changes(ledger, data, rng)
        changes.append(size // 2)
        modes = []
        for label in POLICY_LABELS[:2]:
            assert_equals_full_recompute(ledger, label)  # a first tally: everything, cached
        for _ in range(12):
            kind = rng.choice(LOCAL * 3 + GLOBAL)
            if kind == "append":
                changes.append(rng.randint(1, 20))
            else:
                getattr(changes, kind)()
            for label in rng.sample(POLICY_LABELS, 2):
                done = assert_equals_full_recompute(ledger, label)
                if done is not None:
                    modes.append(done.mode)
        assert "incremental" in modes  # the path under test was taken
    finally:
        ledger.close()


@pytest.mark.parametrize("kind", GLOBAL)
def test_a_global_change_tallies_everything_again(tmp_path: Any, kind: str) -> None:
    rng = random.Random(7)
    ledger = make_ledger(tmp_path)
    try:
        data = synthetic.generate(120, 7)
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        changes = Changes(ledger, data, rng)
        changes.append(100)
        assert assert_equals_full_recompute(ledger, "default@1") is not None  # cached now
        changes.withdraw()
        changes.strike()
        with ledger.reading() as con:
            at = queries.view_position(con, queries.NOW)
            assert plan(con, get_policy("default@1"), at).everything is None  # figures alone: cell by cell
        getattr(changes, kind)()
        with ledger.reading() as con:
            at = queries.view_position(con, queries.NOW)
            assert plan(con, get_policy("default@1"), at).everything is not None
        done = assert_equals_full_recompute(ledger, "default@1")
        assert done is not None and done.mode == "full", done
    finally:
        ledger.close()


def test_local_changes_tally_only_the_cells_they_reach(tmp_path: Any) -> None:
    """A withdrawal, a correction, a strike and new figures are tallied cell by cell, through the
    path users run (`Ledger.tally`), with few cells tallied again."""
    rng = random.Random(3)
    ledger = make_ledger(tmp_path)
    try:
        data = synthetic.generate(400, 3)
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        changes = Changes(ledger, data, rng)
        changes.append(390)
        ledger.tally("default@2")
        for step in (changes.withdraw, changes.correct, changes.strike, lambda: changes.append(3)):
            step()
            with ledger.reading() as con:
                cells = con.execute("SELECT count(*) FROM tallies WHERE policy = 'default@2'").fetchone()[0]
                done = refresh(con, "default@2")
            assert done is not None and done.mode == "incremental", done
            assert 0 < done.affected < cells / 4, (done, cells)
            assert assert_equals_full_recompute(ledger, "default@2") is None
            step()  # again, through the path users run
            ledger.tally("default@2")
            assert assert_equals_full_recompute(ledger, "default@2") is None  # brought forward by Ledger.tally
    finally:
        ledger.close()


def test_the_cache_is_current_until_a_fact_comes_and_a_checkpoint_is_no_fact(tmp_path: Any) -> None:
    """`queries.cache_position` says the cache reflects the present exactly when the cache's position
    is the view's (the last fact's): after a tally, after a checkpoint signed on top of it (a checkpoint
    moves no read's position), and no longer after a new fact."""
    from ledger.integrity.checkpoints import take_checkpoint
    from ledger.readmodel.catchup import position

    ledger = make_ledger(tmp_path)
    try:
        synthetic.build(ledger, 60, 4)
        policy = get_policy("default@2")

        def current() -> int | None:
            with ledger.reading() as con:
                found = queries.cache_position(con, policy)
                at = queries.view_position(con, queries.NOW)
                (cached,) = con.execute("SELECT count(*) FROM tally_positions WHERE policy = ? AND log_position = ?",
                                        [policy.label, at]).fetchone()  # fmt: skip
                assert (found is not None) == bool(cached) and found in (None, at)
                return found

        assert current() is None  # nothing cached yet
        ledger.tally(policy.label)
        at = current()
        assert at is not None
        assert take_checkpoint(ledger) is not None
        with ledger.reading() as con:
            assert position(con) > at  # the read model has read the checkpoint
        assert current() == at
        with ledger.reading() as con:
            (claimant,) = con.execute("SELECT key FROM claimants ORDER BY key LIMIT 1").fetchone()
        ledger.app.grade_claimant(claimant, "B", "test: a fact after the cache", ledger.entry())
        assert current() is None
        ledger.tally(policy.label)
        assert current() is not None
    finally:
        ledger.close()
