"""What a reconciliation can find: kinds, their severities, and one finding's stable identity."""

from __future__ import annotations

import enum
from typing import Any

import attrs

from ledger.errors import InvalidInput


class Severity(str, enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def parse_severity(text: str) -> Severity:
    try:
        return Severity(text.strip().lower())
    except ValueError:
        raise InvalidInput(f"severity {text!r}: unknown; use one of info, warning, error") from None


# Every kind, with what it means; the report prints this legend.
KINDS: dict[str, str] = {
    "drift": "the live read model differs from one derived afresh from the event log; run `ledger rebuild`",
    "nondeterminism": "the same facts gave different tallies when weighed twice; report it as a bug",
    "contested": "credible claims about one cell disagree beyond the policy's tolerance",
    "parent_below_children": "a parent incident's own claims are below the sum of its children's lows",
    "republication": "one claimant's statement recorded several times via different publishers (counted once)",
    "double_counted_statement": "the same quoted words from one document entered for two claimants in one cell",
    "quote_missing": "a figure's quote is not in its archived document, or the figure has no quote or document",
    "enemy_claim_only": "a cell's only standing claims are parties' claims about their enemies' losses",
    "published_row_odd": "a row of a dataset's release is odd in the publisher's own terms; recorded as published, flagged",
    "published_row_left_out": "a row of a dataset's release could not be read and was left out (--skip-unreadable)",
    "stale_series": "a claim series has had no report for longer than the stale period while its incident is open",
}


@attrs.frozen
class Finding:
    kind: str
    severity: Severity
    subject: str  # what the finding is about, stable across runs: a cell, a figure id, a series, a table
    message: str
    incident: str | None = None  # incident key, when the finding is about one
    victim_status: str | None = None
    outcome: str | None = None
    figure_id: str | None = None

    @property
    def key(self) -> str:
        """Identity across runs: the same problem found again has the same key."""
        return f"{self.kind}:{self.subject}"

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "severity": self.severity.value, "key": self.key}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        names = {f.name for f in attrs.fields(cls)}
        return cls(**{k: (Severity(v) if k == "severity" else v) for k, v in d.items() if k in names})


def cell_subject(incident: str, victim_status: str, outcome: str) -> str:
    return f"{incident}/{victim_status}/{outcome}"


def by_severity(findings: list[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for finding in findings:
        counts[finding.severity.value] += 1
    return counts


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by kind and subject, so reports compare line by line."""
    return sorted(findings, key=lambda f: (-f.severity.rank, f.kind, f.subject))
