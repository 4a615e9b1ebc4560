#!/usr/bin/env python3
"""Does importing a CSV of figures stream? Peak memory importing N rows, each import in a fresh process.

    python scripts/bench_import_memory.py                          # N = 5,000 then 50,000 rows
    python scripts/bench_import_memory.py --rows 100000 1000000
    python scripts/bench_import_memory.py --rows 10000 --json      # one JSON line per N (scripts/bench.py)

For each N, the synthetic ledger generator (ledger/synthetic.py) makes N figures, written out in the
ledger's CSV import format. A set-up process registers the incidents, claimants, publishers and
documents they name; then a fresh process imports the file (`ledger.io.imports.import_figures`) and
reports its peak resident memory (getrusage ru_maxrss) before and after the import.

The data is shaped as real files are (UCDP: ~400,000 events, each with a few figures): about five
figures per incident from one archived document, most claim series holding one to three figures,
so incidents, documents and series all grow with N. What an import may hold is a batch and a
bounded cache of what rows name, so peak memory should stay flat as N grows; holding the file
would make it grow with N. Not a timed test: seconds and rows/s are printed as a rough guide.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = ["incident", "claimant", "victim_status", "outcome", "quantity", "reported", "reported_precision",
           "document", "quote", "quote_part", "includes", "carried_via", "publisher", "note"]  # fmt: skip


def _ledger(home: Path) -> object:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    return Ledger(Settings(home=home, store=str(home / "events.sqlite"), analyst="bench"))


def set_up(rows: int, csv_path: Path, home: Path) -> None:
    """Generate N figures, write them as CSV, and register everything they name."""
    target = _ledger(home)
    from ledger import synthetic

    data = synthetic.generate(rows)
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for f in data.figures:
            writer.writerow([
                f.incident, f.claimant, f.victim_status, f.outcome, f.quantity, f.reported.at.isoformat(),
                f.reported.precision.value, f.document or "", f.quote or "", f.quote_part or "",
                "; ".join(f"{p.victim_status}={p.quantity}" for p in f.includes), "; ".join(f.carried_via),
                f.publisher or "", f.note,
            ])  # fmt: skip
    synthetic.register(target.app, data, target.entry("synthetic"))  # type: ignore[attr-defined]
    target.close()  # type: ignore[attr-defined]


def import_file(csv_path: Path, home: Path) -> None:
    """The measured process: import the file, print the figures and peak memory as JSON."""
    target = _ledger(home)
    from ledger.io.imports import import_figures

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = import_figures(target, csv_path)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    target.close()  # type: ignore[attr-defined]
    print(json.dumps({"rows": report.rows, "new": report.figures_new, "before_kb": before, "peak_kb": after,
                      "seconds": seconds}))  # fmt: skip


def measure(rows: int, folder: Path) -> dict[str, float]:
    folder.mkdir(parents=True, exist_ok=True)
    path, home = folder / "figures.csv", folder / "home"
    shutil.rmtree(home, ignore_errors=True)

    def child(*args: str) -> str:
        done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{' '.join(args[:2])} failed:\n{done.stderr}")
        return done.stdout

    child("--set-up", str(rows), str(path), str(home))
    result = json.loads(child("--import", str(path), str(home)).strip().splitlines()[-1])
    result["file_mb"] = path.stat().st_size / 1e6
    result["peak_rss_mib"] = result["peak_kb"] / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000, 50_000], help="file sizes N to import, in rows")
    parser.add_argument("--work", type=Path, help="keep the files here (default: a temporary folder, removed)")
    parser.add_argument("--json", action="store_true", help="print one JSON line per N instead of a table")
    parser.add_argument("--set-up", nargs=3, metavar=("ROWS", "CSV", "HOME"), help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="import_", nargs=2, metavar=("CSV", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.set_up:
        set_up(int(args.set_up[0]), Path(args.set_up[1]), Path(args.set_up[2]))
        return
    if args.import_:
        import_file(Path(args.import_[0]), Path(args.import_[1]))
        return
    scratch = args.work or Path(tempfile.mkdtemp(prefix="ledger-memory-"))
    try:
        results = [measure(n, scratch / f"n{n}") for n in args.rows]
    finally:
        if args.work is None:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        for r in results:
            print(json.dumps(r))
        return
    print(f"{'rows':>9} {'file MB':>8} {'peak RSS MiB':>13} {'growth MiB':>11} {'seconds':>8} {'rows/s':>8}")
    for r in results:
        growth = (r["peak_kb"] - r["before_kb"]) / 1024
        print(
            f"{r['rows']:>9,} {r['file_mb']:>8.1f} {r['peak_rss_mib']:>13.1f} {growth:>11.1f} "
            f"{r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8,.0f}"
        )
    if len(results) > 1:
        small, large = results[0], results[-1]
        ratio = large["peak_kb"] / small["peak_kb"]
        times = large["rows"] / small["rows"]
        print(f"peak RSS ratio for {times:g}x the rows: {ratio:.2f} (streaming keeps it near 1; holding the file grows it)")


if __name__ == "__main__":
    main()
