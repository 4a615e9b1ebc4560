"""The read model's hold on import runs: a file's facts are derived all together, or not at all.

An import records `ImportRun.Started` before its write pass and `ImportRun.Completed` after it
(ledger/domain/import_run.py). A catch-up that meets the start of a run the log shows no end of
derives up to and including that `Started` and stops there: nothing recorded after it, by the run
or by anyone else, is derived until the run ends, so a reader never sees part of a file. Once the
run has completed, the catch-up goes on through all of it. Once it has been aborted, the catch-up
goes on but leaves out what the run wrote after its start (events carrying the run's
`via = import:<sha256>`), except each aggregate's first event (a registration, a claim series
opened): later facts by other writers may name those, and they count nothing on their own.

Whether a run has ended is asked of the event store, by the run's own short stream (a primary-key
read), and as of the catch-up's `stop` when it has one (a reconciliation's scratch read model).
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import attrs
import duckdb

if TYPE_CHECKING:
    import pyarrow as pa
    from eventsourcing.application import Application


@attrs.frozen
class _Aborted:
    via: str
    started: int
    aborted: int


class RunGate:
    """Cuts each page a catch-up derives: at the start of an unfinished run, and around an aborted run's facts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, app: Application[Any], stop: int | None) -> None:
        self.app, self.stop = app, stop
        self.held: str | None = None  # the label of the run the catch-up is held at
        self.aborted: dict[uuid.UUID, _Aborted] = {}
        rows = con.execute("SELECT run_id FROM import_runs WHERE state = 'started' ORDER BY started_position").fetchall()
        for (run_id,) in rows:
            self._meet(uuid.UUID(run_id))
            if self.held:
                break

    def _meet(self, run_id: uuid.UUID) -> None:
        """Look a run up in the store: note its label if it is unfinished (as of `stop`), its span if aborted."""
        # The log's library and the run aggregate's module: loaded only when a catch-up meets a run.
        from ledger.application.streams import stream_positions
        from ledger.domain.import_run import ABORTED, COMPLETED, run_label, run_via

        events = stream_positions(self.app, run_id)
        if not events:
            return
        first = json.loads(events[0][2])
        sha, number = str(first["sha256"]), int(first["number"])
        ends = [(p, t) for p, t, _ in events if t in (COMPLETED, ABORTED) and (p is None or self.stop is None or p <= self.stop)]
        if not ends:
            self.held = run_label(sha, number)
        elif ends[0][1] == ABORTED:
            self.aborted[run_id] = _Aborted(run_via(sha), events[0][0] or 0, ends[0][0] or (1 << 62))

    def cut(self, page: pa.Table) -> pa.Table:
        """The part of `page` to derive: up to the first unfinished run's start, without aborted runs' facts."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ledger.domain.import_run import RUN_TOPICS, STARTED

        if self.held:
            return page.slice(0, 0)
        topics = page["topic"]
        starts = pc.indices_nonzero(pc.equal(topics, STARTED)).to_pylist()
        for index in starts:
            self._meet(uuid.UUID(page["aggregate_id"][index].as_py()))
            if self.held:
                page = page.slice(0, index + 1)
                break
        if not self.aborted or not page.num_rows:
            return page
        positions = page["position"]
        dropped = pa.array([False] * page.num_rows)
        for span in self.aborted.values():
            inside = pc.and_(pc.greater(positions, span.started), pc.less(positions, span.aborted))
            theirs = pc.and_(pc.greater(page["aggregate_version"], 1), pc.match_substring(page["state"], f'"via":"{span.via}"'))
            dropped = pc.or_(dropped, pc.and_(pc.and_(inside, theirs), pc.invert(pc.is_in(topics, pa.array(RUN_TOPICS)))))
        last = positions[-1].as_py()
        self.aborted = {k: v for k, v in self.aborted.items() if v.aborted > last}
        return page.filter(pc.invert(dropped))


@attrs.frozen
class UnfinishedRun:
    label: str
    source: str
    sha256: str
    host: str | None
    pid: int | None
    started_at: Any

    def in_progress(self) -> bool:
        """Whether the process that runs it is alive on this machine (an unfinished run elsewhere: unknown, so no)."""
        import os
        import socket

        if self.pid is None or self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return self.pid != os.getpid()

    def notice(self) -> str:
        """One line for stderr: what is held back, and what settles it."""
        if self.in_progress():
            return (
                f"note: import run {self.label} ({self.source}) is in progress (process {self.pid}); "
                "its facts, and any recorded after it began, show once it completes"
            )
        return (
            f"note: import run {self.label} ({self.source}) is unfinished: it and any facts recorded after it began are "
            f"held back; re-run the import of that file, or `ledger import abort {self.label}`"
        )


def unfinished_runs(con: duckdb.DuckDBPyConnection) -> list[UnfinishedRun]:
    """The runs the read model has seen start and not end, oldest first: the first holds back everything after it."""
    rows = con.execute(
        "SELECT label, source, sha256, host, pid, started_at FROM import_runs WHERE state = 'started' ORDER BY started_position"
    ).fetchall()
    return [UnfinishedRun(*row) for row in rows]
