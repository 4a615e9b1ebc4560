"""Where tamper evidence keeps what is not in the event store; light to import (every command reads it)."""

from __future__ import annotations

import os
from pathlib import Path

KEYS_ENV = "LEDGER_KEYS"  # the signing and trusted keys' directory; HOME/keys when unset
KEYS_SETTING = "LEDGER_KEYS_DIR"  # the same, carried in the application's env for the read model's gate


def keys_dir(home: Path) -> Path:
    configured = os.environ.get(KEYS_ENV)
    return Path(configured) if configured else home / "keys"


def integrity_env(home: Path) -> dict[str, str]:
    """What the application carries for its tree guard (see ledger/integrity/guard.py)."""
    return {KEYS_SETTING: str(keys_dir(home))}
