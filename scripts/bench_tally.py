#!/usr/bin/env python3
"""Benchmark tallies that answer in proportion to what changed, against baselines measured in the same run.

    python scripts/bench_tally.py --size 100k [--runs 5] [--home DIR] [--json bench-tally-100k.json]
        [--only processes --old CHECKOUT]

Figures, each the median over the runs, as a ratio to its baseline:
- a tally after recording 100 new figures, and after one withdrawal, correction or strike
  (incremental), against the full recompute of the same log (target <= 0.1); after each run the
  two are compared cell for cell, the claims behind the cells included;
- the full tally against a like-for-like roll-up: the same exact cells (one GROUP BY of the
  figures) rolled up level by level through the incident tree and the victim-status tree, each
  parent the larger of its own bounds and the sum of its parts, written with the claims behind
  them in one transaction (target <= 1.5);
- for the in-process figures, the same ratio of CPU times (this process's, DuckDB's threads
  included), which a machine shared with other jobs disturbs less than wall time;
- `ledger tally --incident KEY` (a campaign, its whole subtree) and `ledger explain` of its
  all-victims killed cell, as whole processes on a caught-up, cached read model, against
  `ledger --help` (target <= 3); --old DIR times another checkout's code in the same runs (its own
  `ledger --help` its baseline), both trees byte-compiled first as an installed package is; each
  process's CPU time (user + system, all its threads) is reported beside its wall time, since on a
  loaded machine it varies far less.

The synthetic ledger is deterministic (fixed seed), built through the public import path; --home
keeps it between runs of this script (it grows by a few hundred figures per run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "1M": 1_000_000}
POLICY = "default@2"


def timed(fn: Callable[[], Any], runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall times of `fn`; with `cpu`, this process's CPU times (every DuckDB thread's) appended to it."""
    times = []
    for _ in range(runs):
        start, used = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    return times


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def figure(name: str, ours: list[float], baseline: list[float], what: str, target: str,
           cpu: tuple[list[float], list[float]] | None = None) -> dict[str, Any]:  # fmt: skip
    """A figure's medians and ratio; with `cpu` (ours, the baseline's CPU times), their ratio too: on a
    machine shared with other jobs, CPU time varies less with the load than wall time does."""
    mine, theirs = statistics.median(ours), statistics.median(baseline)
    found = {"figure": name, "median": mine, "min": min(ours), "max": max(ours), "baseline_median": theirs,
             "ratio": mine / theirs, "target": target, "baseline": what, "runs": len(ours)}  # fmt: skip
    if cpu is not None:
        found |= {"cpu_median": statistics.median(cpu[0]), "baseline_cpu_median": statistics.median(cpu[1]),
                  "cpu_ratio": statistics.median(cpu[0]) / statistics.median(cpu[1])}  # fmt: skip
    return found


def open_ledger(home: Path, size: int) -> Any:
    from ledger import synthetic
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    fresh = not (home / "events.sqlite").exists()
    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    if fresh:
        progress(f"building a synthetic ledger of {size:,} figures in {home}")
        synthetic.build(ledger, size, progress=progress)
    with ledger.reading():
        pass  # caught up: the timed tallies read, they do not catch up
    return ledger


# --- incremental against full ------------------------------------------------------------------


def snapshot(con: Any, label: str) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    cells = set(con.execute("SELECT * FROM tallies WHERE policy = ?", [label]).fetchall())
    claims = set(con.execute("SELECT * FROM tally_claims WHERE policy = ?", [label]).fetchall())
    return cells, claims


def bench_incremental(ledger: Any, runs: int, rng: random.Random) -> list[dict[str, Any]]:
    """Per kind of change: the tally brought forward cell by cell, then the full recompute of the same log."""
    from ledger.domain.policy import get_policy
    from ledger.domain.series import Correction
    from ledger.readmodel import queries
    from ledger.readmodel.incremental_tally import plan

    policy = get_policy(POLICY)
    with ledger.reading() as con:
        queries.tallies(con, policy)  # cached
        rows = con.execute(
            "SELECT f.figure_id, f.series_id, i.key, c.key, f.victim_status, f.outcome, "
            "greatest(f.reported_at, (i.occurred_end + INTERVAL 1 DAY)::TIMESTAMPTZ) "
            "FROM figures f JOIN incidents i USING (incident_id) JOIN claimants c USING (claimant_id) "
            "WHERE f.figure_id NOT IN (SELECT figure_id FROM figure_events) USING SAMPLE 5000 ROWS"
        ).fetchall()
    entry = ledger.entry("bench")
    picked = iter(rng.sample(rows, len(rows)))

    def append() -> None:
        from ledger.application.inputs import FigureInput
        from ledger.domain.values import ReportedTime

        figures = []
        for _, _, incident, claimant, status, outcome, reported_at in (next(picked) for _ in range(100)):
            later = reported_at + dt.timedelta(days=rng.randint(1, 30))
            figures.append(FigureInput(incident=incident, claimant=claimant, victim_status=status, outcome=outcome,
                                       quantity=str(rng.randint(1, 90)), reported=ReportedTime(later)))  # fmt: skip
        ledger.record_figures(figures, via="bench")

    def withdraw() -> None:
        figure_id, series_id, *_ = next(picked)
        ledger.app.withdraw_figure(_uuid(series_id), _uuid(figure_id), "bench: withdrawn", entry)

    def correct() -> None:
        figure_id, series_id, *_ = next(picked)
        ledger.app.correct_figure(_uuid(series_id), _uuid(figure_id), Correction(role="independent"), "bench", entry)

    def strike() -> None:
        figure_id, series_id, *_ = next(picked)
        ledger.app.strike_figure(_uuid(series_id), _uuid(figure_id), "bench: entry error", entry)

    results = []
    for name, change in (("100 new figures", append), ("a withdrawal", withdraw), ("a correction", correct),
                         ("a strike", strike)):  # fmt: skip
        ours, full, ours_cpu, full_cpu = [], [], [], []
        for run in range(runs):
            change()
            with ledger.reading() as con:  # caught up, untimed: the same for both paths
                at = queries.view_position(con, queries.NOW)
                assert plan(con, policy, at).everything is None, name
                ours += timed(lambda: queries.tallies(con, policy), 1, ours_cpu)
                incremental = snapshot(con, policy.label)
                con.execute("DELETE FROM tally_positions WHERE policy = ?", [policy.label])
                full += timed(lambda: queries.tallies(con, policy), 1, full_cpu)
                if snapshot(con, policy.label) != incremental:
                    raise SystemExit(f"after {name} (run {run + 1}): the incremental tally differs from the full recompute")
        progress(f"tally after {name}: {statistics.median(ours):.3f} s, full {statistics.median(full):.3f} s, equal")
        results.append(figure(f"tally after {name} (s)", ours, full, "full recompute of the same log", "<= 0.1",
                              (ours_cpu, full_cpu)))  # fmt: skip
    return results


def _uuid(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


# --- full against a like-for-like roll-up ------------------------------------------------------

# The exact cells in one GROUP BY and the claims behind them (every figure's own cell), then the
# roll-up a tally makes: level by level up the incident tree, each parent the larger of its own
# bounds and its children's sums; then within each incident sub-statuses into their category and
# categories into the all-victims total; every cell and its claims written in one transaction.
ROLL_UP = (
    "CREATE OR REPLACE TEMP TABLE ll_tree AS WITH RECURSIVE up(incident_id, ancestor) AS ("
    " SELECT incident_id, parent_id FROM incidents UNION ALL"
    " SELECT up.incident_id, i.parent_id FROM up JOIN incidents i ON i.incident_id = up.ancestor"
    " WHERE i.parent_id IS NOT NULL)"
    " SELECT i.incident_id, i.parent_id, count(up.ancestor)::INTEGER AS depth FROM incidents i"
    " LEFT JOIN up USING (incident_id) GROUP BY ALL",
    "CREATE OR REPLACE TEMP TABLE ll_exact AS SELECT f.incident_id, f.victim_status, f.outcome,"
    " min(low) AS low, max(best) AS best, max(high) AS high, t.depth, t.parent_id"
    " FROM figures f JOIN ll_tree t USING (incident_id) WHERE best IS NOT NULL GROUP BY ALL",
    "CREATE OR REPLACE TEMP TABLE ll_rolled (incident_id VARCHAR, victim_status VARCHAR, outcome VARCHAR,"
    " low BIGINT, best BIGINT, high BIGINT, depth INTEGER, parent_id VARCHAR)",
)
LEVEL = """
INSERT INTO ll_rolled
WITH own AS (
    SELECT incident_id, victim_status, outcome, low, best, high FROM ll_exact WHERE depth = $depth
),
children AS (
    SELECT parent_id AS incident_id, victim_status, outcome, sum(low) AS low, sum(best) AS best, sum(high) AS high
    FROM ll_rolled WHERE depth = $depth + 1 GROUP BY ALL
),
with_children AS (
    SELECT incident_id, victim_status, outcome, greatest(o.low, c.low) AS low, greatest(o.best, c.best) AS best,
           greatest(o.high, c.high) AS high
    FROM own o FULL JOIN children c USING (incident_id, victim_status, outcome)
),
subs AS (
    SELECT incident_id, split_part(victim_status, '/', 1) AS victim_status, outcome,
           sum(low) AS low, sum(best) AS best, sum(high) AS high
    FROM with_children WHERE contains(victim_status, '/') GROUP BY ALL
),
with_subs AS (
    SELECT incident_id, victim_status, outcome, greatest(o.low, s.low) AS low, greatest(o.best, s.best) AS best,
           greatest(o.high, s.high) AS high
    FROM with_children o FULL JOIN subs s USING (incident_id, victim_status, outcome)
),
categories AS (
    SELECT incident_id, 'all' AS victim_status, outcome, sum(low) AS low, sum(best) AS best, sum(high) AS high
    FROM with_subs WHERE victim_status <> 'all' AND NOT contains(victim_status, '/') GROUP BY ALL
),
rolled AS (
    SELECT incident_id, victim_status, outcome, greatest(o.low, c.low) AS low, greatest(o.best, c.best) AS best,
           greatest(o.high, c.high) AS high
    FROM with_subs o FULL JOIN categories c USING (incident_id, victim_status, outcome)
)
SELECT r.*, $depth, t.parent_id FROM rolled r JOIN ll_tree t USING (incident_id)
"""


def like_for_like_roll_up(con: Any) -> None:
    con.execute("BEGIN")
    for sql in ROLL_UP:
        con.execute(sql)
    (deepest,) = con.execute("SELECT coalesce(max(depth), -1) FROM ll_tree").fetchone()
    for depth in range(deepest, -1, -1):
        con.execute(LEVEL, {"depth": depth})
    con.execute("CREATE OR REPLACE TABLE ll_cells AS SELECT * FROM ll_rolled")
    con.execute(
        "CREATE OR REPLACE TABLE ll_claims AS SELECT incident_id, victim_status, outcome, figure_id, claimant_id FROM figures"
    )
    con.execute("COMMIT")


def bench_full(ledger: Any, runs: int) -> dict[str, Any]:
    from ledger.domain.policy import get_policy
    from ledger.readmodel import queries

    policy = get_policy(POLICY)
    with ledger.reading() as con:

        def full() -> None:
            con.execute("DELETE FROM tally_positions WHERE policy = ?", [policy.label])
            queries.tallies(con, policy)

        ours, baseline, ours_cpu, baseline_cpu = [], [], [], []
        for _ in range(runs):  # interleaved, so both see the same load on a shared machine
            ours += timed(full, 1, ours_cpu)
            baseline += timed(lambda: like_for_like_roll_up(con), 1, baseline_cpu)
        (cells,) = con.execute("SELECT count(*) FROM ll_cells").fetchone()
        for table in ("ll_cells", "ll_claims"):
            con.execute(f"DROP TABLE {table}")
    progress(f"full tally {statistics.median(ours):.3f} s, like-for-like roll-up {statistics.median(baseline):.3f} s "
             f"({cells:,} cells)")  # fmt: skip
    return figure("full tally (s)", ours, baseline, "the same cells rolled up and written with their claims", "<= 1.5",
                  (ours_cpu, baseline_cpu))  # fmt: skip


# --- whole processes ---------------------------------------------------------------------------


# The campaign the processes read: the root whose subtree holds the most figures, ties broken by key,
# so every run (and the old code's) reads the same one.
CAMPAIGN = """
WITH RECURSIVE under(incident_id, root) AS (
    SELECT incident_id, incident_id FROM incidents WHERE parent_id IS NULL
    UNION ALL SELECT i.incident_id, under.root FROM incidents i JOIN under ON i.parent_id = under.incident_id
)
SELECT r.key FROM figures f JOIN under USING (incident_id) JOIN incidents r ON r.incident_id = under.root
GROUP BY r.key ORDER BY count(*) DESC, r.key LIMIT 1
"""


def bench_processes(ledger: Any, runs: int, old: Path | None = None) -> list[dict[str, Any]]:
    """Whole processes against `ledger --help`, each run timing the three in turn; with `old` (a checkout
    of other code, e.g. `git worktree add DIR main`), that code's three as well in the same runs, on the
    same ledger and with the same interpreter (its package first on PYTHONPATH).

    Both trees are byte-compiled first: an installed package has its bytecode (pip compiles it), and a
    tree read under PYTHONDONTWRITEBYTECODE would otherwise compile every module in every process."""
    exe = str(Path(sys.executable).with_name("ledger"))
    env = {**os.environ, "LEDGER_HOME": str(ledger.settings.home), "LEDGER_ANALYST": "bench"}
    trees = {"ours": Path(__file__).resolve().parents[1], **({"old": old.resolve()} if old else {})}
    envs = {"ours": env, **({"old": {**env, "PYTHONPATH": str(trees["old"])}} if old else {})}
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "ledger")], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    with ledger.reading() as con:
        (key,) = con.execute(CAMPAIGN).fetchone()

    def run(which: str, *args: str) -> float:
        """Run one process; its wall time is returned, its CPU time (user + system, all its threads) kept."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([exe, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=envs[which])
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[which, args[0]].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return wall

    commands = {"--help": ("--help",), "tally": ("tally", "--incident", key), "explain": ("explain", key, "all", "killed")}
    times: dict[tuple[str, str], list[float]] = {(w, c): [] for w in envs for c in commands}
    cpu: dict[tuple[str, str], list[float]] = {(w, args[0]): [] for w in envs for args in commands.values()}
    for which in envs:
        run(which, *commands["tally"])  # the cache current, as a reader finds it
    for _ in range(runs):  # interleaved, so old and new see the same load on a shared machine
        for which in envs:
            for name, args in commands.items():
                times[which, name].append(run(which, *args))
    results = []
    for which in envs:
        med = {name: statistics.median(times[which, name]) for name in commands}
        on_cpu = {name: statistics.median(cpu[which, args[0]][1 if name == "tally" else 0 :]) for name, args in commands.items()}
        progress(f"{which}: --help {med['--help']:.3f} s, tally --incident {med['tally']:.3f} s, "
                 f"explain {med['explain']:.3f} s; CPU --help {on_cpu['--help']:.3f} s, tally --incident "
                 f"{on_cpu['tally']:.3f} s ({on_cpu['tally'] / on_cpu['--help']:.2f}x), explain {on_cpu['explain']:.3f} s "
                 f"({on_cpu['explain'] / on_cpu['--help']:.2f}x)")  # fmt: skip
        label = "" if which == "ours" else " [old code]"
        baseline = times[which, "--help"]
        for name, what in (("tally", f"ledger tally --incident {key}"), ("explain", f"ledger explain {key} all killed")):
            result = figure(f"{what}{label} (s)", times[which, name], baseline, "ledger --help", "<= 3")
            result["cpu_median"], result["cpu_baseline_median"] = on_cpu[name], on_cpu["--help"]
            results.append(result)
    return results


def print_table(results: list[dict[str, Any]]) -> None:
    print(f"{'figure':58} {'median':>9} {'baseline':>9} {'ratio':>7} {'cpu ratio':>9}  {'target':7} baseline")
    for r in results:
        cpu = f"{r['cpu_ratio']:9.3f}" if "cpu_ratio" in r else f"{'-':>9}"
        print(f"{r['figure']:58} {r['median']:9.3f} {r['baseline_median']:9.3f} {r['ratio']:7.3f} {cpu}  {r['target']:7} "
              f"{r['baseline']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="10k", choices=sorted(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home", type=Path, help="Keep the synthetic ledger here (built when absent).")
    parser.add_argument("--only", choices=["incremental", "full", "processes"], action="append")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--old", type=Path, help="Also time the whole processes of the code in this checkout, same runs.")
    args = parser.parse_args()
    size = SIZES[args.size]
    home = args.home or Path(tempfile.mkdtemp(prefix=f"ledger-bench-tally-{args.size}-"))
    ledger = open_ledger(home, size)
    only = set(args.only or ["incremental", "full", "processes"])
    try:
        results = []
        if "incremental" in only:
            results += bench_incremental(ledger, args.runs, random.Random(18))
        if "full" in only:
            results.append(bench_full(ledger, args.runs))
        if "processes" in only:
            results += bench_processes(ledger, args.runs, args.old)
    finally:
        ledger.close()
    print_table(results)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "system": platform.platform()}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"size": size, "runs": args.runs, "machine": machine, "results": results}, indent=2))


if __name__ == "__main__":
    main()
