#!/usr/bin/env python3
"""What tamper evidence costs, each figure against a baseline measured in the same run.

    python scripts/bench_integrity.py --size 100k [--runs 3] [--json integrity-100k.json]

- the import, through `Ledger.record_figures` into SQLite, with the tree's leaves written in each
  transaction, against the same import through the library's own recorder (no tree): the ratio
  is what maintaining the tree costs;
- a rebuild of the read model behind the tree's gate, against the same rebuild of the same log
  through the library's recorder (no gate);
- `ledger verify` of the whole log (recomputing every leaf, the roots at each checkpoint, the
  documents), against a raw read of the same rows with a SHA-256 of each (the least any check
  of every stored byte costs);
- the first checkpoint (every leaf checked against the log) and one after a small addition.

Sizes are figures (about 2.2 events each): `--size 445k` gives a log of about a million events.
The synthetic ledger is the deterministic one of ledger/synthetic.py (bench.py's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def size_arg(text: str) -> int:
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1].lower(), 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def plain_env(store: Path) -> dict[str, str]:
    """The store's settings with the library's own recorder: no tree, no gate."""
    from ledger.store import store_env

    return {k: v for k, v in store_env(store).items() if k != "APPLICATION_RECORDER_TOPIC"}


def make_ledger(home: Path, tree: bool) -> Any:
    from ledger.application.app import LedgerApplication
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    ledger = Ledger(Settings.resolve(home=home, analyst="bench"))
    if not tree:
        ledger.__dict__["app"] = LedgerApplication(env=plain_env(home / "events.sqlite"))
    return ledger


def import_once(data: Any, home: Path, tree: bool) -> float:
    from ledger import synthetic

    ledger = make_ledger(home, tree)
    synthetic.register(ledger.app, data, ledger.entry("synthetic"))
    start = time.perf_counter()
    results = ledger.record_figures(data.figures, via="bench")
    seconds = time.perf_counter() - start
    synthetic.apply_later(ledger, data, [r.figure_id for r in results], [r.series_id for r in results])
    ledger.close()
    return seconds


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def figure(name: str, ours: list[float], base: list[float], baseline: str, unit: str = "s") -> dict[str, Any]:
    median, base_median = statistics.median(ours), statistics.median(base)
    return {
        "figure": name, "unit": unit, "median": median, "min": min(ours), "max": max(ours),
        "baseline": baseline, "baseline_median": base_median, "ratio": median / base_median,
    }  # fmt: skip


def raw_hash_read(store: Path) -> None:
    with sqlite3.connect(store) as con:
        for row in con.execute("SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"):
            hashlib.sha256(row[4]).digest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="10k", type=str, help="Figures: 10k, 100k, 445k (about 1M events), 1M...")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path, help="Scratch directory (default: a temporary one).")
    args = parser.parse_args()
    size = size_arg(args.size)

    from ledger import synthetic
    from ledger.integrity.checkpoints import take_checkpoint
    from ledger.integrity.verify import verify

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-integrity-"))
    data = synthetic.generate(size)
    with_tree, without = [], []
    for run in range(args.runs):  # interleaved, so both see the same machine
        for tree, times in ((True, with_tree), (False, without)):
            home = work / f"{'tree' if tree else 'plain'}-{run}"
            shutil.rmtree(home, ignore_errors=True)
            times.append(import_once(data, home, tree))
            progress(
                f"import {'with' if tree else 'without'} the tree, run {run + 1}/{args.runs}: {size / times[-1]:,.0f} figures/s"
            )
    results = [figure("import with the tree (s)", with_tree, without, "the same import through the library's recorder")]

    tree_home, plain_home = work / f"tree-{args.runs - 1}", work / f"plain-{args.runs - 1}"
    gated = timed(lambda: make_ledger(tree_home, True).rebuild(), args.runs)
    plain = timed(lambda: make_ledger(plain_home, False).rebuild(), args.runs)
    results.append(figure("rebuild behind the tree's gate (s)", gated, plain, "the same rebuild without the gate"))
    progress(f"rebuild: {statistics.median(gated):.2f} s gated, {statistics.median(plain):.2f} s plain")

    ledger = make_ledger(tree_home, True)
    events = ledger.app.recorder.max_notification_id() or 0
    start = time.perf_counter()
    first = take_checkpoint(ledger)
    first_seconds = time.perf_counter() - start
    assert first is not None
    ledger.record_figure(data.figures[0])  # already recorded: nothing new...
    ledger.app.register_publisher("bench-extra", "Synthetic extra outlet", "media", None, ledger.entry("bench"))
    start = time.perf_counter()
    take_checkpoint(ledger)
    next_seconds = time.perf_counter() - start
    raw = timed(lambda: raw_hash_read(tree_home / "events.sqlite"), args.runs)
    checked = timed(lambda: verify(ledger, digests=False), args.runs)
    report = verify(ledger, digests=False)
    assert report.ok, report.verdict()
    results.append(figure(f"verify {events + 2:,} events (s)", checked, raw, "raw read of the same rows, SHA-256 of each state"))
    results.append(figure("first checkpoint (s)", [first_seconds], raw, "the same raw read"))
    results.append(figure("next checkpoint, one event later (s)", [next_seconds], raw, "the same raw read"))
    ledger.close()

    print(f"{size:,} figures, {events:,} events; medians of {args.runs} runs")
    print(f"{'figure':44} {'median':>9} {'min':>9} {'max':>9} {'baseline':>9} {'ratio':>6}  baseline")
    for r in results:
        numbers = f"{r['median']:9.3f} {r['min']:9.3f} {r['max']:9.3f} {r['baseline_median']:9.3f} {r['ratio']:6.2f}"
        print(f"{r['figure']:44} {numbers}  {r['baseline']}")
    if args.json:
        machine = {"python": platform.python_version(), "platform": platform.platform()}
        args.json.write_text(
            json.dumps({"figures": size, "events": events, "runs": args.runs, "machine": machine, "results": results}, indent=2)
        )
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
