"""One exception hierarchy for the ledger, mapped to exit codes at the CLI edge.

Every message names the thing, the problem and the fix, on one line.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error a user can cause or meet."""

    exit_code = 1


class InvalidInput(LedgerError, ValueError):
    """A value given by the user is malformed or inconsistent."""


class NotFound(LedgerError, LookupError):
    """A referenced incident, claimant, publisher, document or figure does not exist."""


class Conflict(LedgerError):
    """The request contradicts what the ledger already holds."""


class StoreUnavailable(LedgerError):
    """The event store or the read model cannot be opened (locked, missing, unreachable)."""

    exit_code = 3


class NoLedger(StoreUnavailable):
    """No ledger where one was looked for: a read never creates one (`ledger init` does)."""


class Refused(InvalidInput):
    """A request the ledger will not run as given (a usage error): `ledger query` given more than one
    read-only statement, or one that would reach files, settings or extensions."""

    exit_code = 2


class UnreadableEvent(StoreUnavailable):
    """A stored event the read model cannot derive: named by its position and topic; reads stop just before it."""

    def __init__(self, message: str, position: int, topic: str) -> None:
        super().__init__(message)
        self.position, self.topic = position, topic
