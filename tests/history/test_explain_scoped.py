"""`explain` loads only the cell it explains and what it is made of; it says exactly what the
whole-ledger snapshot says, on random synthetic ledgers (real DuckDB), for cells at every level,
with incidents moved to other campaigns after most facts (so the tree as of then is not the tree now)."""

from __future__ import annotations

import datetime as dt
import random

import attrs
import duckdb
import pytest

from ledger import synthetic
from ledger.domain.policy import POLICIES, get_policy
from ledger.errors import LedgerError
from ledger.history import explain as explaining
from ledger.history.snapshot import take
from ledger.readmodel import queries
from ledger.readmodel.view import View
from tests.conftest import make_ledger


@pytest.mark.parametrize("seed", [5, 11])
def test_a_cell_explained_from_its_subtree_reads_as_from_the_whole_ledger(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    ledger = make_ledger(tmp_path_factory.mktemp("explain-scoped"))
    try:
        synthetic.build(ledger, 250, seed)
        rng = random.Random(seed)
        with ledger.reading() as con:
            (earlier,) = con.execute("SELECT quantile_disc(recorded_at, 0.6) FROM facts").fetchone()
            (recorded,) = con.execute("SELECT max(recorded_at) FROM facts").fetchone()  # before the moves
            keys = "SELECT key FROM incidents WHERE parent_id IS {} NULL ORDER BY key"
            tops = [k for (k,) in con.execute(keys.format("")).fetchall()]
            children = [k for (k,) in con.execute(keys.format("NOT")).fetchall()]
        moved = 0
        for child in rng.sample(children, min(8, len(children))):
            try:
                ledger.app.correct_incident(child, "test: filed under another campaign", ledger.entry(), parent=rng.choice(tops))
                moved += 1
            except LedgerError:
                pass  # its dates lie outside that campaign's
        assert moved
        with ledger.reading() as con:
            views = (View(), View(recorded_by=recorded), View(recorded_by=earlier))
            whole = {view: take(con, get_policy("default@2"), view) for view in views}
            keys = dict(con.execute("SELECT incident_id, key FROM incidents").fetchall())
            for view, snapshot in whole.items():
                cells = sorted(snapshot.cells)
                levels = [k for k in cells if k[1] == "all"], [k for k in cells if "/" in k[1]], cells
                for key in [rng.choice(group) for group in levels for _ in range(3) if group]:
                    args = (con, keys[key[0]], key[1], key[2], get_policy("default@2"), view)
                    scoped, plain = explaining.explain(*args), explaining.explain(*args, scoped=False)
                    assert attrs.asdict(scoped) == attrs.asdict(plain), (key, view)
                    assert scoped.lines
    finally:
        ledger.close()


@pytest.mark.parametrize("seed", [3, 17])
def test_a_cell_explained_from_the_tally_cache_reads_as_from_the_whole_ledger(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    """Now, with the cache current, `explain` reads the cell and its parts from the tally cache and the
    facts of the cell's own incident alone; under every policy it says what the whole ledger says, for
    cells at every level and a campaign's; a stale cache, or another view, is not read."""
    ledger = make_ledger(tmp_path_factory.mktemp("explain-cached"))
    try:
        synthetic.build(ledger, 250, seed)
        rng = random.Random(seed)
        with ledger.reading() as con:
            keys = dict(con.execute("SELECT incident_id, key FROM incidents").fetchall())
            for label in POLICIES:  # every policy
                policy = get_policy(label)
                assert explaining.take_cached(con, policy, View(), ("none", "all", "killed"), "none") is None  # no cache yet
                queries.tallies(con, policy)
                cells = sorted(take(con, policy, View()).cells)
                tops = [k for k in cells if k[1] == "all" and k[0] in _roots(con)]
                levels = tops, [k for k in cells if k[1] == "all"], [k for k in cells if "/" in k[1]], cells
                for key in [rng.choice(group) for group in levels for _ in range(3) if group]:
                    cached = explaining.take_cached(con, policy, View(), key, keys[key[0]])
                    assert cached is not None and key in cached.cells, key
                    args = (con, keys[key[0]], key[1], key[2], policy, View())
                    fast, plain = explaining.explain(*args), explaining.explain(*args, scoped=False)
                    assert attrs.asdict(fast) == attrs.asdict(plain), (label, key)
                    assert fast.lines
                earlier = View(recorded_by=dt.datetime.now(dt.UTC))
                assert explaining.take_cached(con, policy, earlier, cells[0], keys[cells[0][0]]) is None
            (claimant,) = con.execute("SELECT key FROM claimants ORDER BY key LIMIT 1").fetchone()
        ledger.app.grade_claimant(claimant, "A", "test: regraded after the cache was filled", ledger.entry())
        policy = get_policy("default@2")
        with ledger.reading() as con:
            key = rng.choice([k for k in cells if k[1] == "all"])
            args = (con, keys[key[0]], key[1], key[2], policy, View())
            assert explaining.take_cached(con, policy, View(), key, keys[key[0]]) is None  # a new fact: the cache is stale
            assert attrs.asdict(explaining.explain(*args)) == attrs.asdict(explaining.explain(*args, scoped=False))
            queries.tallies(con, policy)  # the touched cells tallied again
            assert explaining.take_cached(con, policy, View(), key, keys[key[0]]) is not None
            assert attrs.asdict(explaining.explain(*args)) == attrs.asdict(explaining.explain(*args, scoped=False))
    finally:
        ledger.close()


def _roots(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {i for (i,) in con.execute("SELECT incident_id FROM incidents WHERE parent_id IS NULL").fetchall()}
