"""Import runs as use-cases: start (or resume) a file's run before its first write, complete it after the last,
abort one that will never complete. See ledger/domain/import_run.py for what the facts mean."""

from __future__ import annotations

import os
import re
import socket
from typing import Any

from eventsourcing.persistence import IntegrityError

from ledger.domain.base import Entry
from ledger.domain.import_run import ImportRun, run_id
from ledger.errors import Conflict, InvalidInput, NotFound

PROBE = 4  # run numbers looked up per query
ATTEMPTS = 5  # runs started by others between looking and starting: each attempt looks again


def latest_run(app: Any, sha256: str) -> ImportRun | None:
    """The file's latest run, found by run number, a few numbers per query (a file is imported a few times at most)."""
    latest, first = None, 1
    while True:
        ids = [run_id(sha256, n) for n in range(first, first + PROBE)]
        found = app.get_many(ids)
        for one in ids:
            if one not in found:
                return latest
            latest = found[one]
        first += PROBE


def _current(app: Any, run: ImportRun) -> ImportRun:
    found: ImportRun = app.get_many([run.id])[run.id]
    return found


def start_run(app: Any, sha256: str, fmt: str, source: str, expected: dict[str, int], entry: Entry) -> ImportRun:
    """A new run of this file, or its unfinished one resumed; refused when its last run was aborted."""
    for _ in range(ATTEMPTS):
        latest = latest_run(app, sha256)
        if latest is not None and latest.state == "aborted":
            raise Conflict(
                f"import {source}: this file's import run {latest.label} was aborted, so what it wrote stays out of the "
                "read model, and importing the same file again would find those facts already recorded; nothing was "
                "recorded now"
            )
        try:
            if latest is not None and latest.state == "started":
                latest.resume(socket.gethostname(), os.getpid(), entry)
                app.save(latest)
                return latest
            number = latest.number + 1 if latest is not None else 1
            run = ImportRun(
                sha256=sha256, number=number, format=fmt, source=source, expected=expected,
                host=socket.gethostname(), pid=os.getpid(), entry=entry,
            )  # fmt: skip
            app.save(run)
            return run
        except IntegrityError:
            continue  # another process started or resumed it meanwhile: look again
    raise Conflict(f"import {source}: other imports of the same file kept starting runs; retry once they are done")


def complete_run(app: Any, run: ImportRun, written: dict[str, int], entry: Entry) -> None:
    """Record that the run's write pass is done; a run another process completed meanwhile stays as it is."""
    for _ in range(ATTEMPTS):
        current = _current(app, run)
        current.complete(written, entry)
        try:
            app.save(current)
            return
        except IntegrityError:
            continue
    raise Conflict(f"import run {run.label}: other writers kept changing it; re-run the import to complete it")


_LABEL = re.compile(r"^([0-9a-f]{6,64})-(\d+)$")


def abort_run(app: Any, label: str, reason: str, entry: Entry) -> ImportRun:
    """End an unfinished run for good: its facts stay out of the read model (nothing is deleted from the log)."""
    found = _LABEL.match(label.strip().lower())
    if found is None:
        raise InvalidInput(f"import run {label!r}: not a run label; give it as the notice shows it, e.g. 3f2a9c01b7de-1")
    prefix, number = found.group(1), int(found.group(2))
    run = _find(app, prefix, number)
    if run is None:
        raise NotFound(f"import run {label!r}: no such run; the notice after an interrupted import names it")
    if not reason.strip():
        raise InvalidInput("abort reason: must not be empty; give a short text")
    run.abort(reason.strip(), entry)
    app.save(run)
    return run


def _find(app: Any, prefix: str, number: int) -> ImportRun | None:
    """The run with this number of the file whose SHA-256 starts with `prefix`: full digests come from the runs recorded."""
    from ledger.domain.import_run import STARTED

    recorder = app.recorder
    start = 0
    while notifications := recorder.select_notifications(start, 1000, topics=[STARTED], inclusive_of_start=False):
        for notification in notifications:
            run: ImportRun = app.repository.get(notification.originator_id)
            if run.sha256.startswith(prefix) and run.number == number:
                return run
        start = notifications[-1].id
    return None
