#!/usr/bin/env python3
"""Benchmark the ledger against baselines measured in the same run (see ../shared/design/BENCHMARKS.md).

    python scripts/bench.py --size 100k [--runs 3] [--json bench-100k.json]

Prints, per figure, median / min / max over the runs and the ratio to its baseline, and writes the
same as JSON. The synthetic ledger is deterministic (fixed seed), built through the public import path.
"""

from __future__ import annotations

import argparse
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
    """Figures/s through Ledger.record_figures into SQLite, against raw executemany of equal rows;
    and the library's own writing of the same events, which bounds the import from above."""
    from ledger import synthetic
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    data = synthetic.generate(size)
    ours, home = [], work / "import-0"
    for run in range(runs):
        home = work / f"import-{run}"
        ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
        synthetic.register(ledger.app, data, ledger.entry("synthetic"))
        written = [ledger.app.recorder.max_notification_id() or 0]
        start = time.perf_counter()
        results = ledger.record_figures(data.figures, via="bench")
        ours.append(time.perf_counter() - start)
        written.append(ledger.app.recorder.max_notification_id() or 0)
        synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
        ledger.close()
        progress(f"import run {run + 1}/{runs}: {size / ours[-1]:,.0f} figures/s")
    store = home / "events.sqlite"
    row_size = _average_figure_event_size(store)
    baseline = timed(lambda: _raw_executemany(work / "raw.sqlite", size, row_size), runs)
    floor = [_library_write(home, written, work / "floor.sqlite", size)]
    for run in range(runs - 1):
        shutil.rmtree(work / f"import-{run}", ignore_errors=True)
    what = "raw executemany, equal rows"
    return [
        _rate_figure("import rate (figures/s)", size, ours, baseline, what),
        {**_rate_figure("library write alone, same events (figures/s)", size, floor, baseline, what), "target": "-"},
    ], home


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


def bench_catch_up(home: Path, runs: int) -> dict[str, Any]:
    """Events/s from an empty read model to caught up, against a raw read of the same SQLite rows."""
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    events = ledger.app.recorder.max_notification_id() or 0
    ours = timed(ledger.rebuild, runs)
    store = home / "events.sqlite"

    def raw_read() -> None:
        with sqlite3.connect(store) as con:
            con.execute("SELECT rowid, * FROM stored_events ORDER BY rowid").fetchall()

    baseline = timed(raw_read, runs)
    ledger.close()
    return _rate_figure("catch-up rate (events/s)", events, ours, baseline, "raw SQLite read of the same rows")


def bench_tally(home: Path, runs: int) -> list[dict[str, Any]]:
    """A full tally and an as-of tally at the median recorded time, against a bare DuckDB GROUP BY."""
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
            con.execute("DELETE FROM tallies")  # no cache: compute every cell, and the claims behind it, every run
            queries.tallies(con, DEFAULT_POLICY)

        as_of = View(recorded_by=median)
        baseline = timed(group_by, runs)
        figures.append(
            _time_figure("full tally (s)", timed(full, runs), baseline, "DuckDB GROUP BY of the same rows into a table", "<= 3")
        )
        ours = timed(lambda: queries.tallies(con, DEFAULT_POLICY, view=as_of), runs)
        figures.append(_time_figure("as-of tally at median recorded time (s)", ours, baseline, "the same GROUP BY", "<= 3"))
    ledger.close()
    return figures


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


def _rate_figure(name: str, count: int, ours: list[float], baseline: list[float], what: str) -> dict[str, Any]:
    rates = [count / t for t in ours]
    base_rates = [count / t for t in baseline]
    return {
        "figure": name, **summary(rates), "baseline": what, "baseline_median": statistics.median(base_rates),
        "ratio": statistics.median(rates) / statistics.median(base_rates), "target": ">= 0.5",
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
    args = parser.parse_args()
    size = SIZES[args.size]
    work = Path(tempfile.mkdtemp(prefix=f"ledger-bench-{args.size}-"))
    try:
        results = []
        import_runs = 1 if size >= 1_000_000 else args.runs
        figures, home = bench_import(size, import_runs, work)
        results.extend(figures)
        results.append(bench_catch_up(home, args.runs))
        results.extend(bench_tally(home, args.runs))
        results.extend(bench_start(max(args.runs, 5), work))
        if not args.skip_memory and (memory := bench_memory(size, work)):
            results.append(memory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "system": platform.platform()}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"size": size, "runs": args.runs, "machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
