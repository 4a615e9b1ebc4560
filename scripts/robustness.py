"""Kill real `ledger import` processes many times and count what held (issue 15).

    .venv/bin/python scripts/robustness.py --kills 10 [--figures 2200] [--postgres] [--signals]

For each store (SQLite; PostgreSQL with --postgres, in schemas of its own on LEDGER_TEST_POSTGRES_URL
or the test database), N SIGKILLs at random moments of the whole import and N once its write pass
has begun; after each kill a reader checks it saw the whole file or nothing, then the same file is
imported again and the result compared with an uninterrupted import. With --signals, also SIGINT
and SIGTERM, each checked for its one-line message. Prints one line of counts per scenario.
The harness is the crash suite's (tests/crashes.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from crashes import Kill, Scenario, make_bundle, reads_during_import, sqlite_store, tally_counts  # noqa: E402

SERVER = os.environ.get("LEDGER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
ONE_LINE = re.compile(r"interrupted \(SIG(INT|TERM)\): (nothing was recorded|import run \S+ is unfinished .*)")


@contextlib.contextmanager
def postgres_store() -> Iterator[str | None]:
    import psycopg
    from psycopg import sql

    schema = f"ledger_robust_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as con:
        con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{SERVER}?schema={schema}"
    finally:
        with psycopg.connect(SERVER, autocommit=True) as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def report(name: str, kills: list[Kill], started: float, signalled: bool = False) -> None:
    counts = tally_counts(kills)
    extra = ""
    if signalled:
        said = sum(bool(ONE_LINE.fullmatch(k.last_line)) for k in kills if k.phase != "finished")
        extra = f", one-line message {said}/{sum(k.phase != 'finished' for k in kills)}"
    tracebacks = sum("Traceback" in k.stderr for k in kills)
    print(
        f"{name:<28} kills {counts['kills']:>3}, all-or-nothing held {counts['held']:>3}, re-runs settled "
        f"{counts['settled']:>3}/{counts['rerun']}, tracebacks {tracebacks}{extra}; where: {counts['phases']} "
        f"({time.monotonic() - started:.0f} s)",
        flush=True,
    )
    for kill in kills:
        if not kill.held or not kill.settled:
            print(f"  NOT HELD/SETTLED while {kill.phase}: saw {len(kill.before.figures)} figures; {kill.last_line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10, help="kills per scenario")
    parser.add_argument("--figures", type=int, default=2200, help="figures in the imported bundle")
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--signals", action="store_true", help="also SIGINT and SIGTERM")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--only-write-pass", action="store_true", help="only the SIGKILLs once the write pass has begun")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="ledger-robustness-") as temporary:
        folder = Path(temporary)
        bundle = make_bundle(folder, args.figures)
        stores = {"sqlite": sqlite_store, **({"postgresql": postgres_store} if args.postgres else {})}
        print(f"bundle: {bundle.stat().st_size / 1e6:.1f} MB, {args.figures} synthetic figures", flush=True)
        for name, factory in stores.items():
            scenario = Scenario.prepare(bundle, factory, folder)
            print(f"{name}: an uninterrupted import takes {scenario.duration:.1f} s", flush=True)
            started = time.monotonic()
            if not args.only_write_pass:
                report(f"{name} SIGKILL anywhere", [scenario.kill(folder, rng) for _ in range(args.kills)], started)
            started = time.monotonic()
            window = max(1.0, scenario.duration / 3)  # the write pass: about the last half of an import
            kills = [scenario.kill(folder, rng, in_write_pass=True, write_window=window) for _ in range(args.kills)]
            report(f"{name} SIGKILL write pass", kills, started)
            if args.only_write_pass:
                continue
            started = time.monotonic()
            reads = partial = 0
            for _ in range(max(1, args.kills // 3)):
                taken, half = reads_during_import(scenario, folder)
                reads, partial = reads + taken, partial + half
            print(f"{name} reads during an import  reads {reads}, saw part of a file {partial} "
                  f"({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
            if args.signals:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    started = time.monotonic()
                    kills = [scenario.kill(folder, rng, sig=sig, in_write_pass=n % 2 == 1, in_check_pass=n % 2 == 0)
                             for n in range(args.kills)]
                    report(f"{name} {sig.name}", kills, started, signalled=True)


if __name__ == "__main__":
    main()
