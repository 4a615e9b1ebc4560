#!/usr/bin/env python3
"""Does importing a CSV of figures stream? Peak memory for N and 10N rows, each import in a fresh process.

    python scripts/bench_import_memory.py            # N = 5,000 then 50,000 rows
    python scripts/bench_import_memory.py --rows 2000

A generated (synthetic) CSV of N figures is imported into a fresh ledger in a child process, which
reports its peak resident memory (getrusage ru_maxrss) before and after the import. If the import
holds the file, the growth for 10N is about ten times the growth for N; streaming keeps it flat.
Figures spread over 50 incidents x 5 claimants x 4 statuses x 2 outcomes (2,000 claim series), as
real files do; what an import may hold is one batch and one entry per distinct key. Not a timed test.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INCIDENTS, CLAIMANTS = 50, 5
STATUSES = ["civilian", "militant", "security_forces/police", "unknown"]
OUTCOMES = ["killed", "injured"]
START = dt.date(2020, 1, 1)


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["incident", "claimant", "victim_status", "outcome", "quantity", "reported", "note"])
        for i in range(rows):
            writer.writerow([
                f"bench-incident-{i % INCIDENTS}",
                f"bench-claimant-{(i // INCIDENTS) % CLAIMANTS}",
                STATUSES[(i // (INCIDENTS * CLAIMANTS)) % len(STATUSES)],
                OUTCOMES[(i // (INCIDENTS * CLAIMANTS * len(STATUSES))) % len(OUTCOMES)],
                str(1 + i % 97),
                (START + dt.timedelta(days=1 + i // 2000)).isoformat(),
                f"synthetic benchmark row {i}, with a comma and \"quotes\"",
            ])  # fmt: skip


def register(ledger: object) -> None:
    from ledger.domain.values import Location, Period
    from ledger.domain.vocabulary import LocationPrecision

    app, entry = ledger.app, ledger.entry("bench")  # type: ignore[attr-defined]
    for c in range(CLAIMANTS):
        app.register_claimant(f"bench-claimant-{c}", f"Synthetic claimant {c}", "ngo", {"*": "independent"}, "C", entry)
    for i in range(INCIDENTS):
        location = Location("Synthetic country", f"Province {i % 5}", precision=LocationPrecision.ADM1)
        app.register_incident(f"bench-incident-{i}", f"Synthetic incident {i}", location, Period(START, START), entry)


def child(csv_path: Path, home: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ledger.io.imports import import_figures
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    ledger = Ledger(Settings(home=home, store=str(home / "events.sqlite"), analyst="bench"))
    register(ledger)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = import_figures(ledger, csv_path)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ledger.close()
    print(json.dumps({"rows": report.rows, "new": report.figures_new, "before_kb": before, "peak_kb": after, "seconds": seconds}))


def measure(rows: int, scratch: Path) -> dict[str, float]:
    folder = scratch / f"n{rows}"
    folder.mkdir()
    path = folder / "figures.csv"
    write_csv(path, rows)
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), str(folder / "home")], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["file_mb"] = path.stat().st_size / 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000, help="N: the small file's rows (the large one has 10N)")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as scratch:
        results = [measure(n, Path(scratch)) for n in (args.rows, 10 * args.rows)]
    print(f"{'rows':>9} {'file MB':>8} {'peak RSS MB':>12} {'growth MB':>10} {'seconds':>8} {'rows/s':>8}")
    for r in results:
        growth = (r["peak_kb"] - r["before_kb"]) / 1024
        print(
            f"{r['rows']:>9,} {r['file_mb']:>8.1f} {r['peak_kb'] / 1024:>12.1f} {growth:>10.1f} "
            f"{r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f}"
        )
    small, large = results
    ratio = large["peak_kb"] / small["peak_kb"]
    print(f"peak RSS ratio for 10x the rows: {ratio:.2f} (streaming keeps it near 1; holding the file would approach 10)")


if __name__ == "__main__":
    main()
