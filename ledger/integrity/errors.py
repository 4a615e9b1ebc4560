"""What can go wrong with tamper evidence, as ledger errors (one line, an exit code, the fix)."""

from __future__ import annotations

from ledger.errors import LedgerError

VERIFY_HINT = "run `ledger verify` to locate the change"


class LogTampered(LedgerError):
    """The event log no longer matches the tree of what was written, or its signed checkpoints."""


class UnsafeKey(LedgerError):
    """A signing key that is missing, unreadable, malformed, or readable by others."""
