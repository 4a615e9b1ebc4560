"""One reconciliation run: catch up, re-derive afresh, compare, check, record, report.

The live read model is held only to catch up, cache the tally and digest its tables; the rebuild
runs in a scratch file beside it, so analysts' commands wait seconds at most. A lock file keeps two
runs from overlapping, and the run's id (policy x log position) makes a repeat record nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import duckdb

from ledger import clock
from ledger.domain.policy import POLICIES, Policy
from ledger.domain.reconciliation import TOPIC_PREFIX, Reconciliation, reconciliation_id
from ledger.domain.tally import tally
from ledger.errors import Conflict, LedgerError
from ledger.readmodel import queries
from ledger.readmodel.catchup import catch_up, position
from ledger.readmodel.model import ReadModel
from ledger.reconcile import digest
from ledger.reconcile.checks import canonical_cells, run_checks
from ledger.reconcile.evidence import evidence_position, load_evidence
from ledger.reconcile.findings import Finding, Severity, by_severity, sort_findings
from ledger.reconcile.lock import LOCK_NAME, ReconcileBusy, exclusive

if TYPE_CHECKING:
    from ledger.ledger import Ledger

SCRATCH_NAME = "reconcile-scratch.duckdb"
DEFAULT_STALE_AFTER = dt.timedelta(days=30)
DEFAULT_LOCK_WAIT = 10.0


class ReconcileFailed(LedgerError):
    """The reconciliation could not run (store unreachable, read model held, disk full...)."""

    exit_code = 4


@attrs.frozen
class Options:
    policy: Policy | None = None  # None: the policy the ledger tallies under by default
    stale_after: dt.timedelta = DEFAULT_STALE_AFTER
    lock_wait: float = DEFAULT_LOCK_WAIT
    record: bool = True  # False: a dry run that leaves no event
    report_dir: Path | None = None  # where to write the Markdown, JSON and CSV reports (None: none)
    fail_on: Severity = Severity.ERROR  # the severity that makes the run's exit code 1

    def to_dict(self) -> dict[str, Any]:
        assert self.policy is not None, "resolved by `reconcile` before the run"
        return {"policy": self.policy.label, "stale_after_days": self.stale_after / dt.timedelta(days=1),
                "tolerance": self.policy.tolerance, "record": self.record, "fail_on": self.fail_on.value}  # fmt: skip


@attrs.frozen
class TableCheck:
    name: str
    live: str | None  # '<rows>:<md5>', None when the table is absent
    fresh: str | None

    @property
    def same(self) -> bool:
        return self.live == self.fresh


@attrs.frozen
class Changes:
    previous_position: int | None  # None: the first reconciliation under this policy
    new_findings: list[Finding] = attrs.Factory(list)
    resolved_findings: list[Finding] = attrs.Factory(list)
    cells_changed: list[dict[str, Any]] = attrs.Factory(list)  # subject, before, after
    facts_since: dict[str, int] = attrs.Factory(dict)  # topic -> how many

    def counts(self) -> dict[str, int]:
        return {
            "new_findings": len(self.new_findings),
            "resolved_findings": len(self.resolved_findings),
            "cells_changed": len(self.cells_changed),
            "facts_since": sum(self.facts_since.values()),
        }


@attrs.frozen
class Result:
    reconciliation_id: str
    policy: Policy
    log_position: int  # the last evidence event reconciled
    readmodel_position: int  # the read-model position compared (reconciliation events included)
    ran_at: dt.datetime
    findings: list[Finding]
    tables: list[TableCheck]
    changes: Changes
    grades: dict[str, int]  # tally cells by grade
    inputs_digest: str
    outputs_digest: str
    recorded: bool  # False: this position was already reconciled under this policy (or a dry run)
    event_position: int | None = None
    files: dict[str, Path] = attrs.Factory(dict)  # the reports written: markdown, json, csv
    recorded_before: int | None = None  # the event of a run already recorded for this policy and position
    checkpoint: Any = None  # issue 16: the signed checkpoint a recorded run takes (ledger.integrity.checkpoints)

    @property
    def severities(self) -> dict[str, int]:
        return by_severity(self.findings)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    def exit_code(self, fail_on: Severity) -> int:
        """1 when any finding is at least as severe as `fail_on`, else 0."""
        worst = self.worst()
        return 1 if worst is not None and worst.rank >= fail_on.rank else 0


def reconcile(ledger: Ledger, options: Options | None = None) -> Result:
    """Run one reconciliation of `ledger` under the lock and write its reports; raises ReconcileBusy or ReconcileFailed."""
    from ledger.reconcile import report  # it renders a Result, so it imports this module

    options = options or Options()
    try:
        if options.policy is None:
            options = attrs.evolve(options, policy=ledger.policy())
        with exclusive(ledger.settings.home / LOCK_NAME, options.lock_wait):
            if options.report_dir is not None:
                _check_writable(options.report_dir)  # before anything is recorded
            result = _run(ledger, options)
            if options.record:  # issue 16: a recorded run leaves a signed checkpoint, so a schedule leaves a trail
                from ledger.integrity.checkpoints import take_checkpoint

                result = attrs.evolve(result, checkpoint=take_checkpoint(ledger, reason="reconcile"))
            if options.report_dir is not None:
                result = attrs.evolve(result, files=report.write(result, options.report_dir, options.fail_on))
            return result
    except ReconcileBusy:
        raise
    except Exception as error:  # whatever stops the run, the scheduler gets one line and exit code 4
        detail = " ".join(str(error).split()) or type(error).__name__
        raise ReconcileFailed(f"reconciliation could not run: {detail}") from error


def _check_writable(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(f"report directory {directory}: not writable; give --report-dir a directory you can write")


def _run(ledger: Ledger, options: Options) -> Result:
    policy, now = options.policy, clock.now()
    assert policy is not None
    app, source = ledger.app, ledger.settings.store_label

    # Live, briefly: catch up, digest every derived table and the tallies cached at this position.
    # A tally not cached here is not computed here (that takes long): its facts are loaded, weighed after release.
    with ledger.reading() as con:
        _refuse_unfinished_imports(con)
        at = position(con)
        evidence_at = evidence_position(con)
        cached = {r[0] for r in con.execute("SELECT policy FROM tally_positions WHERE log_position = ?", [at]).fetchall()}
        compared = sorted(cached & (POLICIES.keys() | {policy.label}))
        live = digest.digests(con, compared)
        live_cells = {label: digest.cell_digests(con, label) for label in compared}
        live_facts = None if policy.label in cached else queries.load_facts(con)
        previous = _previous(con, policy.label, evidence_at)
        same = con.execute(
            "SELECT min(position) FROM reconciliations WHERE policy = ? AND log_position = ?", [policy.label, evidence_at]
        ).fetchone()
    live_tally = None if live_facts is None else tally(live_facts.claims, live_facts.reliability, live_facts.parents, policy)

    # Afresh, in a scratch file: first as of the previous reconciliation (to say what changed), then now.
    previous_at = previous["log_position"] if previous else None
    scratch = ReadModel(ledger.settings.home / SCRATCH_NAME)
    with scratch.scratch(app, source, stop=previous_at if previous_at is not None else at) as scon:
        before: dict[str, list[object]] | None = None
        if previous_at is not None:
            before = canonical_cells(load_evidence(scon), queries.compute_tally(scon, policy))
            catch_up(scon, app, source, stop=at)
        for label in compared:
            queries.tallies(scon, POLICIES.get(label, policy))
        fresh = digest.digests(scon, compared)
        fresh_cells = {label: digest.cell_digests(scon, label) for label in compared}
        evidence = load_evidence(scon)
        cells = queries.compute_tally(scon, policy)
        inputs_digest = digest.combine({t: fresh[t] for t in digest.EVIDENCE_TABLES if t in fresh})
        facts_since = _facts_since(scon, previous_at) if previous_at is not None else {}

    canonical = canonical_cells(evidence, cells)
    if live_tally is not None:  # compare what the live read model would tally with what the log gives
        name = f"{digest.tally_label(policy.label)} weighed from live facts"
        live[name] = digest.combine(canonical_cells(evidence, live_tally))
        fresh[name] = digest.combine(canonical)
    tables = [TableCheck(name, live.get(name), fresh.get(name)) for name in sorted(live.keys() | fresh.keys())]
    findings = _drift(tables, live_cells, fresh_cells, evidence.incident_key)
    findings = sort_findings(findings + run_checks(evidence, policy, cells, now, options.stale_after))
    outputs_digest = digest.combine(
        {"policy": policy.label, "cells": canonical, "findings": [[f.key, f.severity.value] for f in findings]}
    )
    changes = _changes(previous, findings, before, canonical, facts_since)
    grades = Counter(cell.grade.value for cell in cells.values())

    result = Result(
        reconciliation_id=str(reconciliation_id(policy.label, evidence_at)),
        policy=policy,
        log_position=evidence_at,
        readmodel_position=at,
        ran_at=now,
        findings=findings,
        tables=tables,
        changes=changes,
        grades=dict(sorted(grades.items())),
        inputs_digest=inputs_digest,
        outputs_digest=outputs_digest,
        recorded=False,
        recorded_before=same[0] if same else None,
    )
    return _record(ledger, result, options) if options.record else result


def _refuse_unfinished_imports(con: duckdb.DuckDBPyConnection) -> None:
    """A ledger holding back an unfinished import is not certified: what it holds is not yet what it says."""
    from ledger.readmodel.runs import unfinished_runs

    for run in unfinished_runs(con)[:1]:
        raise Conflict(
            f"import run {run.label} ({run.source}) is unfinished, so it and every fact recorded after it began are held "
            f"back and nothing is certified; re-run that import, or `ledger import abort {run.label}`, then reconcile"
        )


def _previous(con: duckdb.DuckDBPyConnection, policy: str, evidence_at: int) -> dict[str, Any] | None:
    """The latest reconciliation under this policy of an earlier position (a repeat run compares like the first)."""
    row = con.execute(
        "SELECT log_position, findings FROM reconciliations WHERE policy = ? AND log_position < ? "
        "ORDER BY log_position DESC LIMIT 1",
        [policy, evidence_at],
    ).fetchone()
    if row is None:
        return None
    at = int(row[0])
    found = [Finding(kind, Severity(severity), subject, f"{kind}: {subject} (as found at log position {at})")
             for kind, severity, subject in json.loads(row[1])]  # fmt: skip
    return {"log_position": at, "findings": found}


def _facts_since(con: duckdb.DuckDBPyConnection, since: int) -> dict[str, int]:
    rows = con.execute(
        "SELECT topic, count(*) FROM facts WHERE position > ? AND topic NOT LIKE ? AND topic NOT LIKE 'ledger:Checkpoint%' "
        "GROUP BY topic ORDER BY topic",  # issue 16: checkpoints are not evidence
        [since, TOPIC_PREFIX + "%"],
    ).fetchall()
    return {topic: int(n) for topic, n in rows}


def _drift(
    tables: list[TableCheck],
    live_cells: dict[str, dict[str, str]],
    fresh_cells: dict[str, dict[str, str]],
    incident_key: Any,
) -> list[Finding]:
    findings = []
    for check in tables:
        if check.same:
            continue
        detail = f"live {check.live or 'absent'}, derived afresh {check.fresh or 'absent'} (rows:md5)"
        if check.name.startswith("tallies[") and check.name.endswith("]"):
            label = check.name[len("tallies[") : -1]
            live, fresh = live_cells.get(label, {}), fresh_cells.get(label, {})
            moved = sorted(k for k in live.keys() | fresh.keys() if live.get(k) != fresh.get(k))
            named = ["/".join([incident_key(k.split("/", 1)[0]), k.split("/", 1)[1]]) for k in moved[:5]]
            detail += f"; {len(moved)} cells differ, e.g. {', '.join(named)}"
        findings.append(
            Finding(
                "drift",
                Severity.ERROR,
                check.name,
                f"read-model table {check.name}: differs from the event log ({detail}); "
                "it was altered or mis-projected: run `ledger rebuild`, and report it if it recurs",
            )
        )
    return findings


def _changes(
    previous: dict[str, Any] | None,
    findings: list[Finding],
    before: dict[str, list[object]] | None,
    after: dict[str, list[object]],
    facts_since: dict[str, int],
) -> Changes:
    if previous is None or before is None:
        return Changes(previous_position=None)
    old = {f.key: f for f in previous["findings"]}
    new = {f.key: f for f in findings}
    cells = []
    for subject in sorted(before.keys() | after.keys()):
        was, now = before.get(subject), after.get(subject)
        if (was or [None] * 4)[:4] != (now or [None] * 4)[:4]:  # low, best, high, grade
            cells.append({"cell": subject, "before": _bounds(was), "after": _bounds(now)})
    return Changes(
        previous_position=previous["log_position"],
        new_findings=[f for k, f in new.items() if k not in old],
        resolved_findings=[f for k, f in old.items() if k not in new],
        cells_changed=cells,
        facts_since=facts_since,
    )


def _bounds(cell: list[object] | None) -> dict[str, Any] | None:
    return None if cell is None else dict(zip(("low", "best", "high", "grade"), cell[:4], strict=True))


def _record(ledger: Ledger, result: Result, options: Options) -> Result:
    """Keep the outcome in the ledger; the same policy and position a second time records nothing."""
    from eventsourcing.persistence import IntegrityError

    policy = result.policy
    reconciliation = Reconciliation(
        policy=policy.label,
        policy_name=policy.name,
        policy_version=policy.version,
        log_position=result.log_position,
        readmodel_position=result.readmodel_position,
        previous_position=result.changes.previous_position,
        inputs_digest=result.inputs_digest,
        outputs_digest=result.outputs_digest,
        severities=result.severities,
        findings=[[f.kind, f.severity.value, f.subject] for f in result.findings],  # messages live in the reports
        changes=result.changes.counts(),
        options=options.to_dict(),
        entry=ledger.entry("reconcile"),
    )
    try:
        recordings = ledger.app.save(reconciliation)
    except IntegrityError:
        return result
    return attrs.evolve(result, recorded=True, event_position=recordings[-1].notification.id)


def report_stem(result: Result) -> str:
    """File name stem shared by a run's report files: policy and log position."""
    safe = "".join(ch if ch.isalnum() or ch in "._=-@" else "_" for ch in result.policy.label)
    return f"reconciliation-{safe}-{result.log_position}"


def report_paths(directory: Path, result: Result) -> dict[str, Path]:
    """Where this run's reports go: a repeat at the same position gets `-2`, `-3`... and never overwrites a report."""
    stem = report_stem(result)
    for n in range(1, 10_000):
        name = stem if n == 1 else f"{stem}-{n}"
        paths = {"markdown": directory / f"{name}.md", "json": directory / f"{name}.json",
                 "csv": directory / f"{name}-findings.csv"}  # fmt: skip
        if not any(p.exists() for p in paths.values()):
            return paths
    raise FileExistsError(f"report directory {directory}: 10,000 reports of {stem} already; move old ones away")
