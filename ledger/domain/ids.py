"""Aggregate ids are uuid5 of natural keys, so registering a thing twice is naturally idempotent."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import uuid
from typing import Any

from ledger.domain.limits import check_key_length
from ledger.errors import InvalidInput

NAMESPACE = uuid.UUID("6f1c7c52-4c1e-5b8e-9a57-2f3d8a0b9e11")

_KEY = re.compile(r"^[a-z0-9][a-z0-9._:-]*$")


def check_key(key: str, what: str) -> str:
    """Natural keys are lower-case slugs such as 'ispr' or 'balochistan-2026'."""
    normalized = key.strip().lower()
    check_key_length(what, normalized)
    if not _KEY.match(normalized):
        raise InvalidInput(
            f"{what} key {key!r}: use lower-case letters, digits, '.', ':', '_' or '-', e.g. 'nushki-standoff'"
        )
    return normalized


# An import asks for the same incident, claimant and series ids figure after figure; a UUID is
# immutable, so one computed is shared.
@functools.lru_cache(maxsize=65536)
def natural_id(kind: str, *parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "\x1f".join((kind, *parts)))


def fingerprint(payload: dict[str, Any]) -> str:
    """A stable digest of a figure's identifying content."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
