"""The DuckDB read model: derived data that catching up and rebuilding must agree on, row for row.

Real files only: a SQLite event store and DuckDB read models under temporary directories, and a
real second process when the test is about another process holding the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pytest
from conftest import World, build_world, day, make_ledger, reported
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application.inputs import FigureInput
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import Correction
from ledger.errors import InvalidInput, StoreUnavailable
from ledger.ledger import Ledger
from ledger.readmodel.catchup import catch_up, tracked_source
from ledger.readmodel.connection import Opening, connect
from ledger.readmodel.migrations import migrate, migrations_dir
from ledger.readmodel.view import View

TABLES = (
    "facts",
    "figures",
    "figure_events",
    "claimants",
    "claimant_grades",
    "publishers",
    "documents",
    "incidents",
    "series",
    "tallies",
    "tracking",
)


def dump(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a total order, so two read models compare row for row."""
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in tables}


def dump_ledger(ledger: Ledger) -> dict[str, list[tuple[Any, ...]]]:
    with ledger.reading() as con:
        return dump(con)


# --- rebuild equals incremental catch-up ----------------------------------------------------------

CLAIMANTS = ("ispr", "hrcp", "bla-spokesman")
STATUSES = ("militant", "civilian", "security_forces/police")
OUTCOMES = ("killed", "injured")
QUANTITIES = ("12", "at least 216", "dozens", "between 15 and 20", "about 40", "casualties", "up to 9", "more than 3")
GRADES = "ABCDEF"
KINDS = ("record", "record", "revise", "withdraw", "correct", "strike", "grade")


@attrs.define
class Recorded:
    figure_id: uuid.UUID
    series_id: uuid.UUID
    given: FigureInput
    withdrawn: bool = False
    struck: bool = False


@attrs.define
class Model:
    """What the test knows it recorded, so every operation it draws is a valid one."""

    world: World
    figures: list[Recorded] = attrs.Factory(list)

    def record(self, figure: FigureInput) -> None:
        result = self.world.ledger.app.record_figure(figure, self.world.ledger.entry("test"))
        if result.is_new and not result.carried:  # the same number again that day: one more carrier, no new figure
            self.figures.append(Recorded(result.figure_id, result.series_id, figure))

    def pick(self, index: int, *, withdrawable: bool = False) -> Recorded | None:
        candidates = [f for f in self.figures if not f.struck and not (withdrawable and f.withdrawn)]
        return candidates[index % len(candidates)] if candidates else None

    def apply(self, op: tuple[str, int, int, int]) -> None:
        kind, a, b, c = op
        app, entry = self.world.ledger.app, self.world.ledger.entry("test")
        if kind == "record":
            self.record(
                FigureInput(
                    incident=(self.world.campaign, self.world.standoff)[a % 2],
                    claimant=CLAIMANTS[b % len(CLAIMANTS)],
                    victim_status=STATUSES[c % len(STATUSES)],
                    outcome=OUTCOMES[(a // 2) % len(OUTCOMES)],
                    quantity=QUANTITIES[(b // 3) % len(QUANTITIES)],
                    reported=reported(f"2026-02-{5 + (a // 4) % 5:02d}"),
                    publisher=self.world.publisher if c % 2 else None,
                )
            )
            return
        if kind == "grade":
            app.grade_claimant(CLAIMANTS[a % len(CLAIMANTS)], GRADES[b % len(GRADES)], "regraded", entry)
            return
        target = self.pick(a, withdrawable=kind == "withdraw")
        if target is None:
            return
        if kind == "revise":
            later = target.given.reported.at + dt.timedelta(days=1 + c % 5, hours=b % 24)
            self.record(
                attrs.evolve(
                    target.given,
                    quantity=QUANTITIES[b % len(QUANTITIES)],
                    reported=attrs.evolve(target.given.reported, at=later),
                )
            )
        elif kind == "withdraw":
            app.withdraw_figure(target.series_id, target.figure_id, "taken back", entry)
            target.withdrawn = True
        elif kind == "correct":
            correction = (
                Correction(quantity=parse_quantity(QUANTITIES[b % len(QUANTITIES)])),
                Correction(role=("official", "independent", "enemy_losses")[b % 3]),
                Correction(reported=attrs.evolve(target.given.reported, at=day(f"2026-02-{1 + b % 27:02d}T06:00"))),
            )[c % 3]
            app.correct_figure(target.series_id, target.figure_id, correction, "typo at entry", entry)
        elif kind == "strike":
            app.strike_figure(target.series_id, target.figure_id, "entry error", entry)
            target.struck = True


operations = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 999), st.integers(0, 999), st.integers(0, 999)),
    min_size=1,
    max_size=10,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=operations,
    chunks=st.lists(st.integers(1, 6), min_size=1, max_size=6),
    page=st.integers(2, 9),
    readers=st.lists(st.booleans(), min_size=1, max_size=6),
)
def test_rebuilding_equals_catching_up_chunk_by_chunk(
    ops: list[tuple[str, int, int, int]], chunks: list[int], page: int, readers: list[bool]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        ledger = make_ledger(home)
        try:
            model = Model(build_world(ledger))
            ledger.figures()  # the read model starts from the registrations
            done, turn = 0, 0
            while done < len(ops):
                size = chunks[turn % len(chunks)]
                for op in ops[done : done + size]:
                    model.apply(op)
                done += size
                # Reads catch up: one read after each chunk, tally or figure list.
                if readers[turn % len(readers)]:
                    ledger.tally()
                else:
                    ledger.figures()
                turn += 1
            ledger.tally()  # tallies at the final position
            incremental = dump_ledger(ledger)

            # The same log fed in tiny pages to a separate file: page boundaries change nothing.
            paged_path = home / "paged.duckdb"
            con = connect(paged_path)
            try:
                migrate(con)
                catch_up(con, ledger.app, ledger.settings.store_label, page_size=page)
                paged = dump(con, tuple(t for t in TABLES if t != "tallies"))
            finally:
                con.close()

            assert ledger.rebuild() == incremental["tracking"][0][2]
            ledger.tally()
            rebuilt = dump_ledger(ledger)
        finally:
            ledger.close()
    for table in TABLES:
        assert rebuilt[table] == incremental[table], table
        if table in paged:
            assert paged[table] == rebuilt[table], table
    assert len(rebuilt["figures"]) == len(model.figures)
    assert len(rebuilt["facts"]) == rebuilt["tracking"][0][2]


def test_rebuilding_reproduces_the_same_answers(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(quantity="230", document=None, quote=None, reported=reported("2026-02-07")))
    before = (ledger.tally().rows, ledger.figures(), ledger.audit(incident=world.campaign))
    position = ledger.rebuild()
    assert position == ledger.app.recorder.max_notification_id()
    assert (ledger.tally().rows, ledger.figures(), ledger.audit(incident=world.campaign)) == before


def test_deleting_the_read_model_file_loses_nothing(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    before = dump_ledger(ledger)
    ledger.read_model.path.unlink()
    assert dump_ledger(ledger) == before


# --- migrations -----------------------------------------------------------------------------------


def test_migrations_are_recorded_with_checksums_and_rerunning_them_is_a_no_op(world: World) -> None:
    world.ledger.figures()
    files = sorted(migrations_dir().glob("[0-9][0-9][0-9]_*.sql"))
    assert files, "no migrations found"
    con = connect(world.ledger.settings.readmodel_path)
    try:
        recorded = con.execute("SELECT version, name, checksum FROM schema_migrations ORDER BY version").fetchall()
        assert recorded == [
            (int(f.name[:3]), f.name, hashlib.sha256(f.read_text(encoding="utf-8").encode("utf-8")).hexdigest()) for f in files
        ]
        before = dump(con)
        assert migrate(con) == []
        assert migrate(con) == []
        assert dump(con) == before
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(files),)
    finally:
        con.close()


def test_migrations_apply_in_order_and_a_changed_applied_one_raises(tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), directory)
    con = duckdb.connect(str(tmp_path / "readmodel.duckdb"))
    try:
        first = migrate(con, directory)
        assert first == sorted(p.name for p in directory.glob("*.sql"))

        # A new numbered file is how the schema changes: it is applied, once.
        (directory / "900_extra.sql").write_text("CREATE TABLE extra (id INTEGER);\n", encoding="utf-8")
        assert migrate(con, directory) == ["900_extra.sql"]
        assert migrate(con, directory) == []

        # Editing an applied file is refused, loudly, and changes nothing.
        (directory / "900_extra.sql").write_text("CREATE TABLE extra (id BIGINT);\n", encoding="utf-8")
        with pytest.raises(StoreUnavailable, match=re.escape("900_extra.sql: changed after it was applied")):
            migrate(con, directory)
        assert con.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'extra'").fetchall() == [
            ("INTEGER",)
        ]
    finally:
        con.close()


def test_a_read_model_whose_applied_migration_changed_is_refused_then_rebuilt(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    expected = ledger.figures()
    con = connect(ledger.settings.readmodel_path)
    try:
        con.execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
    finally:
        con.close()
    with pytest.raises(StoreUnavailable, match="changed after it was applied"):
        ledger.figures()
    ledger.rebuild()
    assert ledger.figures() == expected


def test_a_new_migration_on_a_filled_read_model_rebuilds_it_so_new_tables_hold_the_whole_history(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    before = dump_ledger(ledger), ledger.figures(), ledger.tally(view=View(occurred_from=dt.date(2026, 1, 1))).rows
    con = connect(ledger.settings.readmodel_path)
    try:  # as if 003_incident_versions.sql had just been released: not yet applied, its table absent
        con.execute("DELETE FROM schema_migrations WHERE version = 3")
        con.execute("DROP TABLE incident_versions")
    finally:
        con.close()
    after = dump_ledger(ledger), ledger.figures(), ledger.tally(view=View(occurred_from=dt.date(2026, 1, 1))).rows
    assert after == before


def _section(sql: str, begin: str, end: str) -> str:
    return sql[sql.index(begin) : sql.index(end)]


# The tally cache as earlier releases wrote it: before migration 170 it kept outcome, grade and basis as
# text, and high_open, status_level and top as columns; before 180 its ids as text.
OLD_CACHES = {
    160: ("160_carriers_view_and_tally_cache.sql", "160_carriers_view_and_tally_cache.sql", (170, 180)),
    170: ("170_tally_cache_enums.sql", "160_carriers_view_and_tally_cache.sql", (180,)),
}


@pytest.mark.parametrize("shape", sorted(OLD_CACHES))
def test_a_tally_cached_in_a_previous_shape_upgrades_to_the_same_tally(world: World, shape: int) -> None:
    """A read model caching a tally in an earlier release's shape is rebuilt on upgrade, and the tally
    reads as it did: whole, for one campaign, and under a second cached policy."""
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(incident=world.standoff, victim_status="civilian", quantity="dozens"))

    def reads() -> list[object]:
        return [ledger.tally().rows, ledger.tally(incident=world.campaign).rows, ledger.tally("acled@1").rows]

    before = reads()
    cells_file, claims_file, later = OLD_CACHES[shape]
    cells_sql = (migrations_dir() / cells_file).read_text(encoding="utf-8")
    claims_sql = (migrations_dir() / claims_file).read_text(encoding="utf-8")
    con = connect(ledger.settings.readmodel_path)
    try:  # the cache as the earlier release wrote it, holding the same cells
        con.execute(
            "CREATE TEMP TABLE cached AS SELECT c.policy, t.incident_id, c.victim_status, t.outcome, c.low, c.best, "
            "c.high, t.high_open, t.grade, t.basis, c.claims, c.parts, t.status_level, t.top, c.unattributed, "
            "c.root_id::VARCHAR AS root_id FROM tally_cells c JOIN tallies t ON t.policy = c.policy "
            "AND t.incident_id = c.incident_id::VARCHAR AND t.victim_status = c.victim_status "
            "AND t.outcome = c.outcome::VARCHAR"
        )
        con.execute("CREATE TEMP TABLE cached_claims AS SELECT * FROM tally_cell_claims")
        shown = con.execute("SELECT * EXCLUDE (log_position) FROM tallies ORDER BY ALL").fetchall()
        claimed = con.execute("SELECT * EXCLUDE (log_position) FROM tally_claims ORDER BY ALL").fetchall()
        con.execute("DROP VIEW top_tallies; DROP VIEW tallies; DROP VIEW tally_claims")
        con.execute("DROP TABLE tally_cells; DROP TABLE tally_cell_claims")
        if shape < 170:
            con.execute("DROP TYPE tally_outcome; DROP TYPE tally_grade; DROP TYPE tally_basis")
        con.execute(_section(cells_sql, "CREATE TABLE tally_cells", "CREATE TABLE tally_cell_claims")
                    if shape < 170 else _section(cells_sql, "CREATE TABLE tally_cells", "-- status_level"))  # fmt: skip
        con.execute(_section(claims_sql, "CREATE TABLE tally_cell_claims", "CREATE VIEW tallies"))
        columns = "*" if shape < 170 else "* EXCLUDE (high_open, status_level, top)"
        con.execute(f"INSERT INTO tally_cells SELECT {columns} FROM cached")
        con.execute("INSERT INTO tally_cell_claims SELECT * FROM cached_claims")
        con.execute(_section(cells_sql, "CREATE VIEW tallies", "CREATE VIEW tally_claims" if shape < 170 else "-- Adding up"))
        con.execute(_section(claims_sql, "CREATE VIEW tally_claims", "-- Adding up"))
        con.execute("CREATE VIEW top_tallies AS SELECT * FROM tallies WHERE top")
        con.execute("DELETE FROM schema_migrations WHERE list_contains(?, version)", [list(later)])
        assert con.execute("SELECT * EXCLUDE (log_position) FROM tallies ORDER BY ALL").fetchall() == shown
        assert con.execute("SELECT * EXCLUDE (log_position) FROM tally_claims ORDER BY ALL").fetchall() == claimed
        assert con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'tally_cells' "
                           "AND column_name = 'incident_id'").fetchone() == ("VARCHAR",)  # fmt: skip
    finally:
        con.close()
    assert reads() == before  # migrated, rebuilt from the log, tallied anew: the same cells
    with ledger.reading() as con:
        types = dict(con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'tally_cells'").fetchall())  # fmt: skip
        (claimant,) = con.execute(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = 'tally_cell_claims' AND column_name = 'claimant_id'"
        ).fetchone()
    assert types["grade"].startswith("ENUM(")
    assert (types["incident_id"], types["root_id"], claimant) == ("UUID", "UUID", "UUID")


def test_the_unindexed_tables_migration_keeps_every_row(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(quantity="230", document=None, quote=None, reported=reported("2026-02-07")))
    with ledger.reading():
        pass  # a read model at today's schema, to take rows from
    before_005, up_to_005 = tmp_path / "before-005", tmp_path / "up-to-005"
    before_005.mkdir()
    up_to_005.mkdir()
    for path in sorted(migrations_dir().glob("00[1-5]_*.sql")):
        shutil.copy(path, up_to_005)
        if not path.name.startswith("005"):
            shutil.copy(path, before_005)
    con = connect(tmp_path / "old.duckdb")
    try:
        migrate(con, before_005)
        # Rows as a read model of that schema held them: today's rows, in the columns it had.
        con.execute(f"ATTACH '{ledger.settings.readmodel_path}' AS today (READ_ONLY)")
        tables = tuple(t for t in TABLES if t != "tallies")
        for table in tables:
            columns = ", ".join(name for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = ? "
                "ORDER BY column_index", [table]
            ).fetchall())  # fmt: skip
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM today.{table}")
        con.execute("DETACH today")
        old = dump(con, tables)
        assert migrate(con, up_to_005) == ["005_unindexed_read_model.sql"]
        assert dump(con, tables) == old
        keyed = con.execute(
            "SELECT DISTINCT table_name FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
        assert {"facts", "figures", "series", "figure_events", "incidents", "documents"}.isdisjoint(t for (t,) in keyed)
        assert len(old["figures"]) == 2 and old["facts"]
    finally:
        con.close()


# --- the read model follows one event store -------------------------------------------------------


def test_a_read_model_fed_from_a_different_store_is_rebuilt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = make_ledger(home, str(tmp_path / "first.sqlite"))
    second = make_ledger(home, str(tmp_path / "second.sqlite"))  # same home, so the same DuckDB file
    try:
        world = build_world(first)
        first.record_figure(world.figure())
        assert [r["quantity_text"] for r in first.figures()] == ["at least 216"]

        other = build_world(second)
        second.record_figure(other.figure(quantity="12", document=None, quote=None))
        second.record_figure(other.figure(quantity="13", document=None, quote=None))
        assert [r["quantity_text"] for r in second.figures()] == ["12", "13"]
        with second.reading() as con:
            assert tracked_source(con) == second.settings.store_label
            assert con.execute("SELECT count(*) FROM facts").fetchone() == (second.app.recorder.max_notification_id(),)

        # And back: never a mix of two logs.
        assert [r["quantity_text"] for r in first.figures()] == ["at least 216"]
        with first.reading() as con:
            assert tracked_source(con) == first.settings.store_label
    finally:
        first.close()
        second.close()


# --- one process at a time ------------------------------------------------------------------------

HOLDER = "import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(60)"


@contextlib.contextmanager
def held_by_another_process(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the read model file open, until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_read_model_held_by_another_process_fails_in_bounded_time_naming_the_holder(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    expected = ledger.figures()
    path = ledger.settings.readmodel_path
    monkeypatch.setenv("LEDGER_LOCK_WAIT", "1")
    with held_by_another_process(path) as holder:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as held:
            ledger.tally()
        waited = time.monotonic() - started
        assert 0.9 <= waited < 5, f"waited {waited:.1f}s"
        message = str(held.value)
        assert f"process {holder.pid}" in message
        assert str(path) in message
        assert "LEDGER_LOCK_WAIT" in message
        assert held.value.exit_code == 3

        with pytest.raises(StoreUnavailable, match=f"process {holder.pid}"):
            ledger.query("SELECT count(*) FROM figures")

        # The event log is not the read model: recording still works while the file is held.
        assert ledger.record_figure(world.figure(quantity="230", document=None, quote=None)).is_new
    # Once the holder is gone, the reader catches up with what was recorded meanwhile.
    assert [r["quantity_text"] for r in ledger.figures()] == [*(r["quantity_text"] for r in expected), "230"]


def test_a_read_model_opened_early_serves_the_first_read(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    expected = ledger.tally().rows
    ledger.close()
    opening = Opening(ledger.settings.readmodel_path)
    reader = Ledger(ledger.settings, create=False, opening=opening)
    with reader.reading() as con:
        assert con.execute("SELECT count(*) FROM figures").fetchone() == (1,)
        assert opening.take() is None  # the read took the connection: nothing is left to take
    assert reader.tally().rows == expected


def test_an_early_opening_of_a_held_read_model_leaves_the_wait_and_the_message_to_the_read(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.tally()
    ledger.close()
    path = ledger.settings.readmodel_path
    monkeypatch.setenv("LEDGER_LOCK_WAIT", "1")
    with held_by_another_process(path) as holder:
        started = time.monotonic()
        assert Opening(path).take() is None  # one attempt, no waiting
        assert time.monotonic() - started < 0.9
        reader = Ledger(ledger.settings, create=False, opening=Opening(path))
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match=f"process {holder.pid}"):
            reader.tally()
        assert 0.9 <= time.monotonic() - started < 5  # the read waited, as it does without an early opening


def test_an_early_opening_makes_no_read_model_where_there_is_none(tmp_path: Path) -> None:
    path = tmp_path / "readmodel.duckdb"
    assert Opening(path).take() is None
    assert not path.exists()


def test_an_early_opening_never_taken_is_closed(world: World) -> None:
    ledger = world.ledger
    ledger.tally()
    path = ledger.settings.readmodel_path
    opening = Opening(path)
    opening.discard()
    # This process holding a writable connection to the file would refuse a read-only one.
    connect(path, read_only=True, wait=0).close()


# --- user SQL -------------------------------------------------------------------------------------


def test_query_is_read_only(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    columns, rows = ledger.query("SELECT key, reliability FROM claimants ORDER BY key")
    assert columns == ["key", "reliability"]
    assert rows == [("bla-spokesman", "E"), ("hrcp", "B"), ("ispr", "D")]
    before = dump_ledger(ledger)
    for statement in (
        "INSERT INTO claimants (claimant_id, key, name, kind, default_roles, reliability, position, recorded_at) "
        "VALUES ('x', 'x', 'x', 'ngo', '{}', 'A', 0, now())",
        "UPDATE figures SET best = 0",
        "DELETE FROM facts",
        "DROP TABLE figures",
        "CREATE TABLE mine (id INTEGER)",
    ):
        with pytest.raises(InvalidInput, match="read-only"):
            ledger.query(statement)
    assert dump_ledger(ledger) == before


def test_query_sees_the_current_default_tally(world: World) -> None:
    ledger = world.ledger
    ledger.record_figure(world.figure())
    ledger.tally()  # cached at this position
    ledger.record_figure(world.figure(quantity="230", document=None, quote=None, reported=reported("2026-02-07")))
    position = ledger.app.recorder.max_notification_id()
    _, rows = ledger.query(
        "SELECT best, log_position FROM tallies t JOIN incidents i USING (incident_id) "
        f"WHERE i.key = '{world.campaign}' AND victim_status = 'militant' AND policy = 'default@2'"
    )
    assert rows == [(230, position)]


def test_a_query_error_is_invalid_input(world: World) -> None:
    with pytest.raises(InvalidInput, match="query"):
        world.ledger.query("SELECT no_such_column FROM figures")
