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
    return uuid5("\x1f".join((kind, *parts)))


def unique_natural_id(kind: str, *parts: str) -> uuid.UUID:
    """`natural_id` for an id asked for once (a figure's, from its fingerprint): not cached, so it
    does not push the ids asked for again and again out of the cache."""
    return uuid5("\x1f".join((kind, *parts)))


_NAMESPACE_BYTES = NAMESPACE.bytes
_VERSION_MASK = ~((0xC000 << 48) | (0xF000 << 64))
_VERSION_BITS = (0x8000 << 48) | (5 << 76)
_new_uuid = object.__new__
_set = object.__setattr__


def uuid5(name: str) -> uuid.UUID:
    """`uuid.uuid5(NAMESPACE, name)`, the same value, without `uuid.UUID.__init__`'s checks of its
    arguments (a fifth of the cost of an id): the variant and version bits are set as it sets them."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()
    made = _new_uuid(uuid.UUID)
    _set(made, "int", (int.from_bytes(digest[:16], "big") & _VERSION_MASK) | _VERSION_BITS)
    _set(made, "is_safe", uuid.SafeUUID.unknown)
    return made  # type: ignore[no-any-return]


def fingerprint(payload: dict[str, Any]) -> str:
    """A stable digest of a figure's identifying content."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_json_string = json.encoder.encode_basestring_ascii  # what json.dumps writes a str with (ensure_ascii)


def text_fingerprint(payload: dict[str, str | None]) -> str:
    """`fingerprint` of a payload whose values are all text or None, written without the encoder's
    machinery: the same canonical JSON (keys sorted, no spaces, ASCII escapes), so the same digest."""
    canonical = ",".join(
        f"{_json_string(key)}:{'null' if value is None else _json_string(value)}" for key, value in sorted(payload.items())
    )
    return hashlib.sha256(f"{{{canonical}}}".encode()).hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
