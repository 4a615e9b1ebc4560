"""The read model's gate reads a page's leaves as one joined row (leaves.TreeStore.joined_hashes); it must
hold exactly what the leaves read row by row hold, on each store, and a leaf whose position alone was
edited (its hash kept) must still stop a rebuild, as it did when the rows were compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ledger_on
from tamper_support import RawLog, build_tamper_world

from ledger.integrity.errors import LogTampered
from ledger.integrity.leaves import for_recorder


def test_the_joined_leaves_are_the_leaves_row_by_row(backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        build_tamper_world(ledger)
        tree = for_recorder(ledger.app.recorder)
        assert tree is not None
        end = ledger.app.recorder.max_notification_id() or 0
        assert end > 10
        with tree.reading() as cursor:
            for after, stop in ((0, end), (3, end - 4), (end, end + 5), (7, 8)):
                rows = tree.position_hashes(cursor, after, stop, limit=end + 10)
                positions, hashes = tree.joined_hashes(cursor, after, stop)
                assert positions == ",".join(str(p) for p, _ in rows)
                assert hashes == b"".join(h for _, h in rows)
                assert bool(rows) == (stop > after and after < end)


def test_a_leaf_moved_to_another_position_in_the_page_stops_a_rebuild(backend: str, tmp_path: Path) -> None:
    with ledger_on(backend, tmp_path) as ledger:
        build_tamper_world(ledger)
        tree = for_recorder(ledger.app.recorder)
        assert tree is not None
        log = RawLog(ledger)
        last = log.rows()[-1].position
        with log.connect() as con:  # the last leaf now claims a position one past its event's, hash unchanged
            con.execute(tree.sql("UPDATE {leaves} SET position = position + 1 WHERE position = ?"), [last])
        with pytest.raises(LogTampered, match=f"position {last}"):
            ledger.rebuild()
