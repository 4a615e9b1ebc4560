#!/usr/bin/env python3
"""Benchmark the ledger against baselines measured in the same run (see ../shared/design/BENCHMARKS.md).

    python scripts/bench.py --size 100k [--runs 3] [--json bench-100k.json]
    python scripts/bench.py --only catch-up --home DIR --runs 5   # the catch-up alone, on an existing ledger

Prints, per figure, median / min / max over the runs and the ratio to its baseline, and writes the
same as JSON. The synthetic ledger is deterministic (fixed seed), built through the public import path.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "1M": 1_000_000}


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the figures --------------------------------------------------------------------------------


def bench_import(size: int, runs: int, work: Path) -> tuple[list[dict[str, Any]], Path]:
    """Figures/s through Ledger.record_figures into SQLite, against three baselines:

    - (continuity) a raw `executemany` of one equally sized row per figure, sequential keys, bare table;
    - a raw `executemany` of exactly the rows the import stored (the same keys, states and order), into
      the library's own `stored_events` schema, in WAL mode, committed in the import's transactions:
      the events and the tree leaf stored with each (and, as before, the events alone);
    - the library saving minimal one-event aggregates, as many events per transaction (events/s), through
      the import's application, transcoder and recorder (and, as before, the library's stock
      `Application`: its transcoder and `save`, with the ledger's recorder).
    """
    from ledger import synthetic
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    data = synthetic.generate(size)
    ours, home = [], work / "import-0"
    # Each run's baselines are measured right after its import: on a machine whose load changes from
    # minute to minute, a ratio compares work done under the same load.
    baseline: list[float] = []
    same_rows: list[float] = []
    all_rows: list[float] = []
    minimal: list[float] = []
    minimal_same: list[float] = []
    for run in range(runs):
        home = work / f"import-{run}"
        ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        written = [ledger.app.recorder.max_notification_id() or 0]
        commits = _counting_commits(ledger.app.recorder)
        start = time.perf_counter()
        results = ledger.record_figures(data.figures, via="bench")
        ours.append(time.perf_counter() - start)
        written.append(ledger.app.recorder.max_notification_id() or 0)
        del ledger.app.recorder.insert_events  # the recorder's own again
        synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
        ledger.close()
        progress(f"import run {run + 1}/{runs}: {size / ours[-1]:,.0f} figures/s, {len(commits)} transactions")
        store = home / "events.sqlite"
        events = written[1] - written[0]
        row_size = _average_figure_event_size(store)
        baseline.extend(timed(functools.partial(_raw_executemany, work / "raw.sqlite", size, row_size), 1))
        same_rows.append(_raw_same_rows(store, written, commits, work / "same-rows.sqlite"))
        all_rows.append(_raw_same_rows(store, written, commits, work / "all-rows.sqlite", leaves=True))
        minimal.append(_minimal_aggregates(commits, work / "minimal.sqlite"))
        minimal_same.append(_minimal_aggregates(commits, work / "minimal-same.sqlite", like_the_import=True))
    floor = [_library_write(home, written, work / "floor.sqlite", size)]
    for run in range(runs - 1):
        shutil.rmtree(work / f"import-{run}", ignore_errors=True)
    what = "raw executemany, equal rows"
    return [
        _rate_figure("import rate (figures/s)", size, ours, baseline, what),
        _rate_figure("library write alone, same events (figures/s)", size, floor, baseline, what, target="-"),
        _rate_figure("import rate (stored events/s), events only", events, ours, same_rows,
                     "raw executemany of the same event rows, library schema, WAL, same commits (old)", target="-"),
        _rate_figure("import rate (stored events/s)", events, ours, all_rows,
                     "raw executemany of the same rows, each event's and its tree leaf's, their tables, WAL, "
                     "same commits", target=">= 0.35"),
        _rate_figure("import rate (events/s) vs library (old)", events, ours, minimal,
                     "library saving minimal one-event aggregates, same commits, stock transcoder and save", target="-"),
        _rate_figure("import rate (events/s) vs library", events, ours, minimal_same,
                     "library saving minimal one-event aggregates, same commits, the import's transcoder, save "
                     "and recorder", target=">= 0.9"),
    ], home  # fmt: skip


def _counting_commits(recorder: Any) -> list[int]:
    """Events per transaction the recorder writes (its insert_events calls), as they happen."""
    sizes: list[int] = []
    insert = recorder.insert_events

    def counted(stored_events: Any, **kwargs: Any) -> Any:
        sizes.append(len(stored_events))
        return insert(stored_events, **kwargs)

    recorder.insert_events = counted
    return sizes


def _raw_same_rows(store: Path, written: list[int], commits: list[int], path: Path, leaves: bool = False) -> float:
    """Seconds to insert exactly the rows the import stored (log positions after written[0] up to
    written[1]) with `executemany`, in the library's table and indexes, WAL mode, a transaction per
    import transaction. Only the inserts and commits are timed, not reading the rows.

    leaves: also the tree leaf the import stored with each event (ledger/integrity/leaves.py), in its
    table, in the same transaction: every row the import stored. Without: the events alone (as before)."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    source = sqlite3.connect(store)
    tables = ("stored_events", "ledger_tree_leaves") if leaves else ("stored_events",)
    schema = [sql for (sql,) in source.execute(
        f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({', '.join('?' * len(tables))}) AND sql IS NOT NULL "
        "ORDER BY tbl_name DESC, type DESC", tables,
    )]  # fmt: skip
    target = sqlite3.connect(path, isolation_level=None)  # as the library: autocommit, explicit BEGIN
    target.execute("PRAGMA journal_mode=WAL")
    for sql in schema:
        target.execute(sql)
    insert = "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)"
    select = (
        "SELECT originator_id, originator_version, topic, state FROM stored_events "
        "WHERE rowid > ? ORDER BY rowid LIMIT ?"
    )
    insert_leaves = (
        "INSERT INTO ledger_tree_leaves (idx, position, originator_id, originator_version, topic, hash) "
        "VALUES (?, ?, ?, ?, ?, ?)"
    )
    select_leaves = (
        "SELECT idx, position, originator_id, originator_version, topic, hash FROM ledger_tree_leaves "
        "WHERE position > ? ORDER BY position LIMIT ?"
    )
    seconds, after, stored = 0.0, written[0], 0
    for size in commits:
        rows = source.execute(select, (after, size)).fetchall()
        leaf_rows = source.execute(select_leaves, (after, size)).fetchall() if leaves else []
        assert not leaves or len(leaf_rows) == size, "an event the import stored has no leaf"
        after += size
        stored += len(rows) + len(leaf_rows)
        start = time.perf_counter()
        target.execute("BEGIN")
        target.executemany(insert, rows)
        if leaf_rows:
            target.executemany(insert_leaves, leaf_rows)
        target.execute("COMMIT")
        seconds += time.perf_counter() - start
    assert after == written[1], "the import's transactions do not add up to the events it stored"
    source.close()
    target.close()
    progress(f"raw write of the same rows{' and their leaves' if leaves else ''}: {stored / seconds:,.0f} rows/s")
    return seconds


class Minimal(Aggregate):
    """The least an aggregate can be: one Created event, no attributes of its own."""


@functools.cache  # one class: the library refuses a second class of the same topic
def _minimal_ledger_aggregate() -> type:
    from ledger.domain.base import LedgerAggregate

    class MinimalLedgerAggregate(LedgerAggregate):
        """The same, as the ledger's aggregates are made (its clock stamps the event)."""

    return MinimalLedgerAggregate


def _minimal_aggregates(commits: list[int], path: Path, like_the_import: bool = False) -> float:
    """Seconds for the library to create and save minimal one-event aggregates into a fresh store of
    the ledger's kind (its recorder, tree leaves included), as many per save as the import's transactions.

    like_the_import: through what the import's events go through besides the domain: the ledger's
    application (its `save`, its transcoder) and recorder. Otherwise the library's own `Application`
    with its stock transcoder and `save` (the baseline before: it also had the ledger's recorder).
    """
    from eventsourcing.application import Application

    from ledger.application.app import LedgerApplication
    from ledger.store import store_env

    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    app: Application[Any]
    if like_the_import:
        app, aggregate = LedgerApplication(env=store_env(path)), _minimal_ledger_aggregate()
        app.configure_new_ledger()  # a new ledger's first event, before any is timed (as in the import)
    else:
        app, aggregate = Application(env=store_env(path)), Minimal
    seconds = 0.0
    for size in commits:
        start = time.perf_counter()
        app.save(*[aggregate() for _ in range(size)])
        seconds += time.perf_counter() - start
    app.close()
    what = "the import's application and recorder" if like_the_import else "stock transcoder and save"
    progress(f"library, minimal aggregates ({what}): {sum(commits) / seconds:,.0f} events/s")
    return seconds


def _library_write(home: Path, written: list[int], path: Path, size: int) -> float:
    """Seconds the `eventsourcing` library alone takes to map and insert the events the import
    stored (log positions after written[0] up to written[1]), about a batch's worth at a time:
    the floor under any import through it."""
    from ledger.application.app import LedgerApplication
    from ledger.ledger import Ledger
    from ledger.settings import Settings
    from ledger.store import store_env

    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    source, target = ledger.app, LedgerApplication(env=store_env(path))
    seconds, position = 0.0, written[0] + 1
    while notifications := source.recorder.select_notifications(position, 1840, stop=written[1]):
        position = notifications[-1].id + 1
        events = [source.mapper.to_domain_event(n) for n in notifications]
        start = time.perf_counter()
        target.recorder.insert_events([target.mapper.to_stored_event(e) for e in events])
        seconds += time.perf_counter() - start
    ledger.close()
    target.close()
    progress(f"library write alone: {size / seconds:,.0f} figures/s")
    return seconds


def _average_figure_event_size(store: Path) -> int:
    with sqlite3.connect(store) as con:
        (size,) = con.execute(
            "SELECT avg(length(state)) FROM stored_events WHERE topic = 'ledger:ClaimSeries.FigureReported'"
        ).fetchone()
    return int(size)


def _raw_executemany(path: Path, rows: int, row_size: int) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
        "PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID"
    )
    payload = b"x" * row_size
    batch = 1000
    for start in range(0, rows, batch):
        con.executemany(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            [(f"{n:032x}", 1, "ledger:ClaimSeries.FigureReported", payload) for n in range(start, min(rows, start + batch))],
        )
        con.commit()
    con.close()


def bench_catch_up(home: Path, runs: int, work: Path) -> list[dict[str, Any]]:
    """Events/s from an empty read model to caught up, against a raw read of the same SQLite rows
    (continuity) and against the fair pipeline: the same pages read the same way, each event parsed
    by DuckDB's json_transform into one typed table, a commit per page."""
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    events = ledger.app.recorder.max_notification_id() or 0
    store = home / "events.sqlite"

    def raw_read() -> None:
        with sqlite3.connect(store) as con:
            con.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()

    # The rebuild and the fair pipeline alternate, so a load that comes and goes on the machine weighs on both.
    ours, fair, ours_cpu, fair_cpu = [], [], [], []
    for _ in range(runs):
        for times, cpu, run in ((ours, ours_cpu, ledger.rebuild),
                                (fair, fair_cpu, lambda: _fair_pipeline(ledger.app, work / "fair.duckdb"))):  # fmt: skip
            start = time.process_time()
            times.extend(timed(run, 1))
            cpu.append(time.process_time() - start)
    progress(f"catch-up: {events / statistics.median(ours):,.0f} events/s, {statistics.median(ours_cpu):.2f} s of CPU")
    progress(f"fair pipeline: {events / statistics.median(fair):,.0f} events/s, {statistics.median(fair_cpu):.2f} s of CPU")
    baseline = timed(raw_read, runs)
    ledger.close()
    return [
        _rate_figure("catch-up rate (events/s)", events, ours, baseline, "raw SQLite read of the same rows"),
        {**_rate_figure("catch-up rate (events/s) vs fair pipeline", events, ours, fair,
                        "same pages json_transform-ed into one typed table, commit per page", target=">= 0.9"),
         "cpu_seconds": statistics.median(ours_cpu), "baseline_cpu_seconds": statistics.median(fair_cpu)},
    ]  # fmt: skip


def _fair_pipeline(app: Any, path: Path) -> None:
    """Read every page as the catch-up does, parse each event with json_transform into one typed table
    (the struct of every field any event carries), a transaction per page; then close (checkpoint)."""
    from ledger.readmodel.catchup import PAGE_SIZE
    from ledger.readmodel.connection import connect
    from ledger.readmodel.projector import EVENT_SHAPE
    from ledger.readmodel.source import pages

    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(path)
    con.execute(
        "CREATE TABLE events AS SELECT 0::BIGINT AS position, ''::VARCHAR AS aggregate_id, 0::INTEGER AS aggregate_version, "
        "''::VARCHAR AS topic, json_transform('{}', ?) AS e LIMIT 0",
        [EVENT_SHAPE],
    )
    for page in pages(app, 0, None, PAGE_SIZE):
        con.register("page_raw", page)
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO events SELECT position, aggregate_id, aggregate_version, topic, json_transform(state, ?) FROM page_raw",
            [EVENT_SHAPE],
        )
        con.execute("COMMIT")
        con.unregister("page_raw")
    con.close()


def bench_tally(home: Path, runs: int) -> list[dict[str, Any]]:
    """A full tally and an as-of tally at the median recorded time, against a bare DuckDB GROUP BY
    (continuity) and against the same cells rolled up and written (`_rolled_up`)."""
    from ledger.domain.policy import DEFAULT_POLICY
    from ledger.ledger import Ledger
    from ledger.readmodel import queries
    from ledger.readmodel.view import View
    from ledger.settings import Settings

    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    figures = []
    with ledger.reading() as con:
        (median,) = con.execute("SELECT quantile_disc(recorded_at, 0.5) FROM facts").fetchone()
        con.execute(
            "CREATE OR REPLACE TEMP TABLE bare AS SELECT incident_id, victim_status, outcome, low, best, high FROM figures"
        )

        def group_by() -> None:  # its result kept in a table, as a tally keeps its cells
            con.execute(
                "CREATE OR REPLACE TEMP TABLE grouped AS "
                "SELECT incident_id, victim_status, outcome, min(low), max(best), max(high) FROM bare GROUP BY ALL"
            )

        def full() -> None:
            con.execute("DELETE FROM tally_positions")  # no cache: compute every cell, and the claims behind it, every run
            queries.tallies(con, DEFAULT_POLICY)

        as_of = View(recorded_by=median)
        baseline = timed(group_by, runs)
        full_times = timed(full, runs)
        (cells,) = con.execute("SELECT count(*) FROM tallies").fetchone()
        rolled = timed(lambda: _rolled_up(con), runs)
        (rolled_cells,) = con.execute("SELECT count(*) FROM bench_tallies").fetchone()
        progress(f"tally: {cells:,} cells; the like-for-like roll-up: {rolled_cells:,} cells")
        figures.append(
            _time_figure("full tally (s)", full_times, baseline, "DuckDB GROUP BY of the same rows into a table", "<= 3")
        )
        figures.append(
            _time_figure("full tally (s) vs roll-up", full_times, rolled,
                         "same cells rolled up level by level, written with their claims", "<= 1.5")
        )  # fmt: skip
        ours = timed(lambda: queries.tallies(con, DEFAULT_POLICY, view=as_of), runs)
        figures.append(_time_figure("as-of tally at median recorded time (s)", ours, baseline, "the same GROUP BY", "<= 3"))
        con.execute("DROP TABLE IF EXISTS bench_tallies")
        con.execute("DROP TABLE IF EXISTS bench_tally_claims")
    ledger.close()
    return figures


def _rolled_up(con: Any) -> None:
    """The tally's work without its rules: the figures' exact cells (incident, status, outcome),
    rolled up the incident tree a level at a time (deepest first, each parent the larger of its own
    bounds and the sum of its children's), then up the status tree (sub-status, category, 'all'),
    and written, with each figure as a claim of its exact cell, in one transaction into tables shaped
    like the tally's."""
    con.execute("CREATE OR REPLACE TABLE bench_tallies AS SELECT * FROM tallies LIMIT 0")
    con.execute("CREATE OR REPLACE TABLE bench_tally_claims AS SELECT * FROM tally_claims LIMIT 0")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE bench_depth AS
        WITH RECURSIVE d(incident_id, parent_id, depth) AS (
            SELECT incident_id, parent_id, 0 FROM incidents WHERE parent_id IS NULL
            UNION ALL SELECT i.incident_id, i.parent_id, d.depth + 1 FROM incidents i JOIN d ON i.parent_id = d.incident_id
        ) SELECT * FROM d
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE bench_cells AS
        SELECT incident_id, victim_status, outcome, min(low) AS low, max(best) AS best, max(high) AS high,
               count(*)::INTEGER AS claims, 0 AS parts
        FROM figures GROUP BY ALL
    """)
    merge = """
        CREATE OR REPLACE TEMP TABLE bench_cells AS
        SELECT incident_id, victim_status, outcome,
               greatest(c.low, u.low) AS low, greatest(c.best, u.best) AS best, greatest(c.high, u.high) AS high,
               coalesce(c.claims, 0) AS claims, coalesce(c.parts, 0) + coalesce(u.parts, 0) AS parts
        FROM bench_cells c FULL JOIN bench_up u USING (incident_id, victim_status, outcome)
    """
    (deepest,) = con.execute("SELECT coalesce(max(depth), 0) FROM bench_depth").fetchone()
    for depth in range(deepest, 0, -1):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE bench_up AS
            SELECT d.parent_id AS incident_id, victim_status, outcome,
                   sum(low)::BIGINT AS low, sum(best)::BIGINT AS best, sum(high)::BIGINT AS high, count(*) AS parts
            FROM bench_cells JOIN bench_depth d USING (incident_id) WHERE d.depth = ? GROUP BY ALL
        """, [depth])  # fmt: skip
        con.execute(merge)
    for level in ("sub-status", "category"):
        parent = "split_part(victim_status, '/', 1)" if level == "sub-status" else "'all'"
        where = "victim_status LIKE '%/%'" if level == "sub-status" else "victim_status NOT LIKE '%/%' AND victim_status <> 'all'"
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE bench_up AS
            SELECT incident_id, {parent} AS victim_status, outcome,
                   sum(low)::BIGINT AS low, sum(best)::BIGINT AS best, sum(high)::BIGINT AS high, count(*) AS parts
            FROM bench_cells WHERE {where} GROUP BY ALL
        """)  # fmt: skip
        con.execute(merge)
    con.execute("BEGIN")
    con.execute("""
        INSERT INTO bench_tallies (policy, log_position, incident_id, victim_status, outcome, low, best, high,
                                   high_open, grade, basis, claims, parts, status_level, top)
        SELECT 'bench', 0, incident_id, victim_status, outcome, low, best, high, false, 'B', 'bench', claims, parts,
               CASE WHEN victim_status = 'all' THEN 0 WHEN victim_status LIKE '%/%' THEN 2 ELSE 1 END,
               victim_status = 'all' AND d.parent_id IS NULL
        FROM bench_cells LEFT JOIN bench_depth d USING (incident_id)
    """)
    con.execute("""
        INSERT INTO bench_tally_claims SELECT 'bench', 0, incident_id, victim_status, outcome, figure_id, claimant_id
        FROM figures
    """)
    con.execute("COMMIT")


def bench_start(runs: int, work: Path) -> list[dict[str, Any]]:
    """`ledger --help`, and `ledger tally` on the seed ledger, as whole processes, against bare Python."""
    ledger = str(Path(sys.executable).with_name("ledger"))
    env = {**os.environ, "LEDGER_HOME": str(work / "seed-home"), "LEDGER_ANALYST": "bench"}

    def run(cmd: list[str]) -> Callable[[], None]:
        return lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

    run([ledger, "seed"])()
    run([ledger, "tally"])()  # the first read catches the read model up; the timed ones read it
    typer_times = timed(run([sys.executable, "-c", "import typer"]), runs)
    pass_times = timed(run([sys.executable, "-c", "pass"]), runs)
    ours = timed(run([ledger, "--help"]), runs)
    tally = timed(run([ledger, "tally"]), runs)
    return [
        _time_figure("ledger --help (s)", ours, typer_times, 'python -c "import typer"', "<= 1.5"),
        _time_figure("ledger --help vs bare Python (s)", ours, pass_times, 'python -c "pass"'),
        _time_figure("ledger tally on the seed ledger (s)", tally, pass_times, 'python -c "pass"'),
    ]


def bench_memory(size: int, work: Path) -> dict[str, Any] | None:
    """Peak RSS importing `size` figures from a CSV file against importing a tenth of them."""
    script = Path(__file__).with_name("bench_import_memory.py")
    if not script.exists():
        return None
    peaks = {}
    for n in (size // 10, size):
        out = subprocess.run(
            [sys.executable, str(script), "--rows", str(n), "--work", str(work / f"memory-{n}"), "--json"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        peaks[n] = json.loads(out.stdout)["peak_rss_mib"]
        progress(f"memory: {n:,} figures peak {peaks[n]:.0f} MiB")
    small, large = peaks[size // 10], peaks[size]
    return {
        "figure": f"peak RSS importing {size:,} figures (MiB)",
        "median": large, "min": large, "max": large,
        "baseline": f"peak importing {size // 10:,}", "baseline_median": small,
        "ratio": large / small, "target": "<= 1.2",
    }  # fmt: skip


def _rate_figure(
    name: str, count: int, ours: list[float], baseline: list[float], what: str, target: str = ">= 0.5"
) -> dict[str, Any]:
    rates = [count / t for t in ours]
    base_rates = [count / t for t in baseline]
    return {
        "figure": name, **summary(rates), "baseline": what, "baseline_median": statistics.median(base_rates),
        "ratio": statistics.median(rates) / statistics.median(base_rates), "target": target,
    }  # fmt: skip


def _time_figure(name: str, ours: list[float], baseline: list[float], what: str, target: str = "-") -> dict[str, Any]:
    return {
        "figure": name, **summary(ours), "baseline": what, "baseline_median": statistics.median(baseline),
        "ratio": statistics.median(ours) / statistics.median(baseline), "target": target,
    }  # fmt: skip


def print_table(results: list[dict[str, Any]]) -> None:
    header = f"{'figure':44} {'median':>12} {'min':>12} {'max':>12} {'baseline median':>16} {'ratio':>7}  target  baseline"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['figure']:44} {r['median']:12,.3f} {r['min']:12,.3f} {r['max']:12,.3f} "
            f"{r['baseline_median']:16,.3f} {r['ratio']:7.2f}  {r['target']:6}  {r['baseline']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="10k", choices=sorted(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--keep", type=Path, help="Work here and keep it (the last import's ledger is DIR/import-N).")
    parser.add_argument("--only", choices=["import", "catch-up"],
                        help="Run only this part (import: the import and its baselines; catch-up: the rebuild and its).")
    parser.add_argument("--home", type=Path, help="With --only catch-up: rebuild this ledger's read model, import none.")
    args = parser.parse_args()
    size = SIZES[args.size]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix=f"ledger-bench-{args.size}-"))
    try:
        results = []
        if args.only == "catch-up":
            home = args.home or bench_import(size, 1, work)[1]
            results.extend(bench_catch_up(home, args.runs, work))
        else:
            import_runs = 1 if size >= 1_000_000 else args.runs
            figures, home = bench_import(size, import_runs, work)
            results.extend(figures)
        if args.only is None:
            results.extend(bench_catch_up(home, args.runs, work))
            results.extend(bench_tally(home, args.runs))
            results.extend(bench_start(max(args.runs, 5), work))
            if not args.skip_memory and (memory := bench_memory(size, work)):
                results.append(memory)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    _report(results, args, size)


def _report(results: list[dict[str, Any]], args: argparse.Namespace, size: int) -> None:
    print_table(results)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "system": platform.platform()}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"size": size, "runs": args.runs, "machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
