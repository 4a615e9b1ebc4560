#!/usr/bin/env python3
"""Benchmark importing UCDP GED releases: a synthetic release, then the next with a share of it changed.

    python scripts/bench_releases.py --events 300000 [--changed 0.05] [--json bench-releases.json]

The first release is imported into an empty ledger (every event new); the second changes the given
share of its events (numbers up, down and to 0, dates moved, places changed, events deleted, in
equal parts) and adds as many new ones as it deletes, so it is compared event by event with what the
first left. Prints events/s for both, with the summary lines of each import. The rows are
synthetic, written in GED 23.1's column layout with a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledger.io.formats.ucdp.reading import GED_COLUMNS

COUNTRIES = ("Pakistan", "Afghanistan", "Somalia", "Mali", "Myanmar")
GROUPS = ("BLA", "TTP", "IS", "JNIM", "al-Shabaab", "AA")


def row(i: int, rng: random.Random) -> dict[str, Any]:
    a, b, civ, unknown = rng.randint(0, 6), rng.randint(0, 8), rng.randint(0, 4), rng.choice((0, 0, 0, 2))
    best = a + b + civ + unknown
    low, high = max(0, best - rng.choice((0, 0, 1, 2))), best + rng.choice((0, 0, 2, 5))
    day = f"20{15 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d} 00:00:00.000"
    country = COUNTRIES[i % len(COUNTRIES)]
    values = {c: "" for c in GED_COLUMNS}
    values.update(
        id=i, relid=f"X-{i}", year=day[:4], type_of_violence=1, side_a=f"Government of {country}",
        side_b=GROUPS[i % len(GROUPS)], source_article=f"Source {i % 97}", source_office=f"Office {i % 31}",
        source_date=day, source_original=f"Source {i % 97}", where_prec=1 + i % 4,
        where_coordinates=f"Place {i % 1000}", adm_1=f"Province {i % 20}", adm_2=f"District {i % 200}", country=country,
        date_prec=1, date_start=day, date_end=day, deaths_a=a, deaths_b=b, deaths_civilians=civ, deaths_unknown=unknown,
        best=best, low=low, high=high,
    )  # fmt: skip
    return values


def change(values: dict[str, Any], kind: int) -> dict[str, Any] | None:
    changed = dict(values)
    if kind == 0:  # number up
        changed["deaths_b"] = int(changed["deaths_b"]) + 3
    elif kind == 1:  # number down, to 0
        changed["deaths_b"] = 0
    elif kind == 2:  # date moved
        changed["date_end"] = changed["date_start"] = changed["date_start"][:8] + "28 00:00:00.000"
    elif kind == 3:  # place changed
        changed["where_coordinates"] = "Elsewhere"
    else:  # deleted
        return None
    deaths = sum(int(changed[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
    gap_low, gap_high = int(values["best"]) - int(values["low"]), int(values["high"]) - int(values["best"])
    changed.update(best=deaths, low=max(0, deaths - gap_low), high=deaths + gap_high)
    return changed


def write(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(GED_COLUMNS)
        writer.writerows([r[c] for c in GED_COLUMNS] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--changed", type=float, default=0.05)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    import datetime as dt

    from ledger.io.imports import import_ucdp
    from ledger.ledger import Ledger
    from ledger.settings import Settings

    rng = random.Random(13)
    first = [row(i, rng) for i in range(1, args.events + 1)]
    second: list[dict[str, Any]] = []
    picked = set(rng.sample(range(len(first)), int(len(first) * args.changed)))
    deleted = 0
    for n, values in enumerate(first):
        if n in picked:
            changed = change(values, n % 5)
            deleted += changed is None
            if changed is not None:
                second.append(changed)
        else:
            second.append(values)
    second += [row(i, rng) for i in range(args.events + 1, args.events + 1 + deleted)]
    results: dict[str, Any] = {"events": args.events, "changed": args.changed}
    with tempfile.TemporaryDirectory(prefix="bench-releases-") as tmp:
        home = Path(tmp)
        one, two = home / "GEDEvent_v23_1.csv", home / "GEDEvent_v24_1.csv"
        write(one, first)
        write(two, second)
        ledger = Ledger(Settings(home=home, store=str(home / "events.sqlite"), analyst="bench"))
        try:
            for label, path, published in (("first", one, dt.date(2023, 6, 1)), ("second", two, dt.date(2024, 6, 1))):
                start = time.perf_counter()
                report = import_ucdp(ledger, path, published=published, scope="all")
                seconds = time.perf_counter() - start
                rows = len(first) if label == "first" else len(second)
                results[label] = {"rows": rows, "seconds": round(seconds, 2), "events_per_s": round(rows / seconds)}
                results[label]["release"] = {k: v for k, v in (report.release or {}).items() if k != "left_out_rows"}
                print(f"{label} release: {rows} events in {seconds:.1f} s, {rows / seconds:,.0f} events/s")
                for line in report.summary():
                    print(f"  {line}")
        finally:
            ledger.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
