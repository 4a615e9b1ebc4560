"""A reconciliation's report: JSON for machines, Markdown for people, CSV of findings for spreadsheets."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ledger.io.formats.csv_text import write_csv
from ledger.reconcile.findings import KINDS, Finding, Severity
from ledger.reconcile.run import Result, report_paths

FINDING_COLUMNS = ["severity", "kind", "incident", "victim_status", "outcome", "figure_id", "subject", "message", "key"]


def to_dict(result: Result, fail_on: Severity = Severity.ERROR) -> dict[str, Any]:
    changes = result.changes
    return {
        "reconciliation_id": result.reconciliation_id,
        "policy": result.policy.to_dict(),
        "log_position": result.log_position,
        "readmodel_position": result.readmodel_position,
        "ran_at": result.ran_at.isoformat(),
        "recorded": result.recorded,
        "event_position": result.event_position,
        "recorded_before": result.recorded_before,
        "inputs_digest": result.inputs_digest,
        "outputs_digest": result.outputs_digest,
        "severities": result.severities,
        "fail_on": fail_on.value,
        "exit_code": result.exit_code(fail_on),
        "grades": result.grades,
        "drift_check": [{"table": t.name, "live": t.live, "fresh": t.fresh, "same": t.same} for t in result.tables],
        "findings": [f.to_dict() for f in result.findings],
        "changes": {
            "previous_position": changes.previous_position,
            **changes.counts(),
            "new_findings": [f.to_dict() for f in changes.new_findings],
            "resolved_findings": [f.to_dict() for f in changes.resolved_findings],
            "cells_changed": changes.cells_changed,
            "facts_since": changes.facts_since,
        },
    }


def summary(result: Result) -> list[str]:
    """A few lines for the terminal and the scheduler's log."""
    s = result.severities
    if result.recorded:
        recorded = f"recorded at event-log position {result.event_position}"
    elif result.recorded_before is not None:
        recorded = f"already reconciled at event-log position {result.recorded_before} (nothing new written)"
    else:
        recorded = "not recorded (dry run)"
    identical = sum(t.same for t in result.tables)
    lines = [
        f"reconciliation under {result.policy.label} at log position {result.log_position}: "
        f"{s['error']} errors, {s['warning']} warnings, {s['info']} info; {recorded}",
        f"drift check: {identical} of {len(result.tables)} read-model tables identical to a rebuild from the log",
        "cells by grade: " + (", ".join(f"{g} {n}" for g, n in result.grades.items()) or "none"),
    ]
    c = result.changes
    if c.previous_position is None:
        lines.append("no reconciliation under this policy at an earlier log position to compare with")
    else:
        n = c.counts()
        lines.append(
            f"since the reconciliation at log position {c.previous_position}: {n['facts_since']} new facts, "
            f"{n['cells_changed']} cells changed, {n['new_findings']} new findings, {n['resolved_findings']} resolved"
        )
    return lines


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _finding_rows(findings: list[Finding]) -> list[list[Any]]:
    return [[f.severity.value, f.kind, f.message] for f in findings]


def markdown(result: Result, fail_on: Severity = Severity.ERROR) -> str:
    p = result.policy
    lines = [
        f"# Reconciliation under policy {p.label}",
        "",
        f"- Log position reconciled: {result.log_position} (read model compared at {result.readmodel_position})",
        f"- Ran at: {result.ran_at.isoformat()}",
        f"- Reconciliation id: {result.reconciliation_id}",
        f"- Recorded in the ledger: {_recorded(result)}",
        f"- Inputs digest: `{result.inputs_digest}`",
        f"- Outputs digest: `{result.outputs_digest}`",
        f"- Policy: {p.description} Tolerance {p.tolerance:g}; vague words {p.vague_table.label}.",
        f"- Exit code with --fail-on {fail_on.value}: {result.exit_code(fail_on)}",
        "",
        "## Summary",
        "",
        *[f"- {line}" for line in summary(result)],
        "",
        "## Drift check",
        "",
        *_md_table(
            ["table", "live (rows:md5)", "derived afresh", "same"],
            [[t.name, t.live, t.fresh, "yes" if t.same else "**no**"] for t in result.tables],
        ),
        "## Findings",
        "",
    ]
    for severity in sorted(Severity, key=lambda s: -s.rank):
        found = [f for f in result.findings if f.severity is severity]
        rows = [[f.kind, f.message] for f in found]
        lines += [f"### {severity.value.capitalize()} ({len(found)})", "", *_md_table(["kind", "finding"], rows)]
    c = result.changes
    lines += ["## Changes since the previous reconciliation", ""]
    if c.previous_position is None:
        lines += ["No reconciliation under this policy at an earlier log position.", ""]
    else:
        lines += [
            f"Compared with the reconciliation at log position {c.previous_position}.",
            "",
            "### New facts",
            "",
            *_md_table(["topic", "count"], [[t, n] for t, n in c.facts_since.items()]),
            "### Cells changed",
            "",
            *_md_table(
                ["cell", "before", "after"],
                [[x["cell"], _bounds(x["before"]), _bounds(x["after"])] for x in c.cells_changed],
            ),
            "### New findings",
            "",
            *_md_table(["severity", "kind", "finding"], _finding_rows(c.new_findings)),
            "### Resolved findings",
            "",
            *_md_table(["severity", "kind", "finding"], _finding_rows(c.resolved_findings)),
        ]
    lines += ["## Finding kinds", "", *_md_table(["kind", "meaning"], [[k, v] for k, v in KINDS.items()])]
    return "\n".join(lines)


def _recorded(result: Result) -> str:
    if result.recorded:
        return f"yes, event {result.event_position}"
    if result.recorded_before is not None:
        return f"no: this position was reconciled already, event {result.recorded_before}"
    return "no (dry run)"


def _bounds(b: dict[str, Any] | None) -> str:
    if b is None:
        return "(absent)"
    high = "open" if b["high"] is None and b["low"] is not None else b["high"]
    return f"{b['low']} / {b['best']} / {high} ({b['grade']})"


def write(result: Result, directory: Path, fail_on: Severity = Severity.ERROR) -> dict[str, Path]:
    """Write the three files (atomically each: a reader never sees half a report); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = report_paths(directory, result)
    _atomic(paths["json"], json.dumps(to_dict(result, fail_on), indent=2, ensure_ascii=False) + "\n")
    _atomic(paths["markdown"], markdown(result, fail_on) + "\n")
    tmp = paths["csv"].with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        write_csv(FINDING_COLUMNS, [[f.to_dict().get(c) for c in FINDING_COLUMNS] for f in result.findings], out)
    os.replace(tmp, paths["csv"])
    return paths


def _atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
