"""Where the ledger lives and who is using it: flags, then environment, then defaults."""

from __future__ import annotations

import getpass
import math
import os
from pathlib import Path

import attrs

from ledger.errors import InvalidInput

DEFAULT_HOME = "ledger-data"
DEFAULT_LOCK_WAIT = 10.0  # seconds


@attrs.frozen
class Settings:
    home: Path  # holds the SQLite event store (by default) and the DuckDB read model
    store: str  # a SQLite path or a postgresql:// URL
    analyst: str  # stamped on every fact the user records

    @property
    def readmodel_path(self) -> Path:
        return self.home / "readmodel.duckdb"

    @property
    def store_label(self) -> str:
        """Identifies the event store without its password."""
        if "://" in self.store:
            scheme, rest = self.store.split("://", 1)
            return f"{scheme}://{rest.rsplit('@', 1)[-1]}"
        return str(Path(self.store).resolve())

    @classmethod
    def resolve(cls, home: str | Path | None = None, store: str | None = None, analyst: str | None = None) -> Settings:
        home_path = Path(home or os.environ.get("LEDGER_HOME") or DEFAULT_HOME)
        return cls(
            home=home_path,
            store=store or os.environ.get("LEDGER_STORE") or str(home_path / "events.sqlite"),
            analyst=analyst or os.environ.get("LEDGER_ANALYST") or _os_user(),
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown-analyst"


def lock_wait() -> float:
    """Seconds to wait for a file another process holds (LEDGER_LOCK_WAIT): the DuckDB read model, or a SQLite store."""
    text = os.environ.get("LEDGER_LOCK_WAIT", "").strip()
    if not text:
        return DEFAULT_LOCK_WAIT
    try:
        wait = float(text)
    except ValueError:
        wait = -1.0
    if not wait >= 0:  # also refuses nan
        raise InvalidInput(f"LEDGER_LOCK_WAIT {text!r}: not a number of seconds; set it to e.g. 10, or unset it")
    return wait


def store_lock_wait() -> float:
    """Seconds a SQLite writer waits for another one: LEDGER_LOCK_WAIT in whole seconds, at least one."""
    return math.ceil(lock_wait()) or 1
