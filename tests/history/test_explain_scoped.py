"""`explain` loads only the cell it explains and what it is made of; it says exactly what the
whole-ledger snapshot says, on random synthetic ledgers (real DuckDB), for cells at every level."""

from __future__ import annotations

import random

import attrs
import pytest

from ledger import synthetic
from ledger.domain.policy import get_policy
from ledger.history import explain as explaining
from ledger.history.snapshot import take
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
            (recorded,) = con.execute("SELECT quantile_disc(recorded_at, 0.6) FROM facts").fetchone()
            whole = {view: take(con, get_policy("default@2"), view) for view in (View(), View(recorded_by=recorded))}
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
