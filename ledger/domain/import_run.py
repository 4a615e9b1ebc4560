"""An import run: the facts that make a file's write pass one fact or none for every reader.

An import is checked whole, then written in many transactions. `Started` is recorded before the
first of them (the file's SHA-256, its format, what pass 1 counted), `Completed` after the last.
The read model derives nothing recorded from `Started` on until the run has ended
(ledger/readmodel/runs.py), so readers see the whole file or none of it. A run that never
completed (a kill, a power loss, an error) is finished by importing the same file again, which
resumes it, or ended by `Aborted`: its facts then stay out of the read model for good. Nothing
is ever deleted from the log.

Run ids are natural: the n-th run of the file with SHA-256 `sha` is `natural_id("import-run", sha, n)`,
labelled `<first 12 hex digits>-<n>`, so the next import of a file finds its latest run by key.
"""

from __future__ import annotations

import uuid

from eventsourcing.domain import event

from ledger.domain.base import Entry, LedgerAggregate
from ledger.domain.ids import natural_id
from ledger.errors import Conflict

STARTED, RESUMED, COMPLETED, ABORTED = (f"ledger:ImportRun.{name}" for name in ("Started", "Resumed", "Completed", "Aborted"))
RUN_TOPICS = (STARTED, RESUMED, COMPLETED, ABORTED)


def run_id(sha256: str, number: int) -> uuid.UUID:
    return natural_id("import-run", sha256, str(number))


def run_label(sha256: str, number: int) -> str:
    return f"{sha256[:12]}-{number}"


def run_via(sha256: str) -> str:
    """The `via` every fact of an import of this file carries."""
    return f"import:{sha256}"


class ImportRun(LedgerAggregate):
    TOPIC = "ledger:ImportRun"

    class Created(LedgerAggregate.Created):
        TOPIC = "ledger:ImportRun.Created"  # the base of the named creation event

    @staticmethod
    def create_id(sha256: str, number: int, **_: object) -> uuid.UUID:
        return run_id(sha256, number)

    @event("Started", topic=STARTED)
    def __init__(
        self,
        sha256: str,
        number: int,
        format: str,
        source: str,
        expected: dict[str, int],
        host: str,
        pid: int,
        entry: Entry,
    ) -> None:
        self.sha256, self.number, self.format, self.source = sha256, number, format, source
        self.expected, self.host, self.pid = expected, host, pid
        self.state = "started"

    @property
    def label(self) -> str:
        return run_label(self.sha256, self.number)

    @property
    def via(self) -> str:
        return run_via(self.sha256)

    def resume(self, host: str, pid: int, entry: Entry) -> None:
        if self.state != "started":
            raise Conflict(f"import run {self.label}: already {self.state}; only an unfinished run is resumed")
        self._resumed(host=host, pid=pid, entry=entry)

    @event("Resumed", topic=RESUMED)
    def _resumed(self, host: str, pid: int, entry: Entry) -> None:
        self.host, self.pid = host, pid

    def complete(self, written: dict[str, int], entry: Entry) -> None:
        if self.state == "aborted":
            raise Conflict(f"import run {self.label}: was aborted, so its facts stay out; it cannot complete")
        if self.state == "started":
            self._completed(written=written, entry=entry)

    @event("Completed", topic=COMPLETED)
    def _completed(self, written: dict[str, int], entry: Entry) -> None:
        self.state = "completed"

    def abort(self, reason: str, entry: Entry) -> None:
        if self.state == "completed":
            raise Conflict(
                f"import run {self.label}: completed, so its facts stand; take figures out with `ledger figure strike`"
            )
        if self.state == "started":
            self._aborted(reason=reason, entry=entry)

    @event("Aborted", topic=ABORTED)
    def _aborted(self, reason: str, entry: Entry) -> None:
        self.state = "aborted"
