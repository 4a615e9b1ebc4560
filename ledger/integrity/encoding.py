"""The canonical encoding of a stored event: the bytes its Merkle leaf hashes.

    leaf input = "casualty-ledger event v1\\n"
                 || field(p, log position) || field(i, originator id) || field(v, originator version)
                 || field(t, topic) || field(s, state)
    field(tag, value) = one ASCII tag byte || 4-byte big-endian length || value

Canonical values: the position and the version as 8-byte big-endian unsigned integers, the id as
the UUID's 16 bytes, the topic as UTF-8, the state as the bytes the library stored (JSON, or
whatever its compressor or cipher made of it). A value that is not of its canonical type (an id
that is not a UUID in the store's form, a version that is not a whole number: a row edited by
hand) is encoded as its text under the tag in upper case, so it can never encode like a canonical
event, and verification reports it instead of failing on it. The leaf hash is RFC 9162's
SHA-256(0x00 || leaf input). Documents are covered through the SHA-256 their event records.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from typing import Any

import attrs

from ledger.integrity.merkle import hash_leaf

MAGIC = b"casualty-ledger event v1\n"
_U64 = 1 << 64


class EncodingError(ValueError):
    """Bytes that are not a leaf input of this encoding."""


@attrs.frozen
class EncodedEvent:
    """A stored event as its leaf input says it was."""

    position: int | str
    originator_id: uuid.UUID | str
    version: int | str
    topic: str
    state: bytes

    @property
    def canonical(self) -> bool:
        return isinstance(self.position, int) and isinstance(self.originator_id, uuid.UUID) and isinstance(self.version, int)


def id_bytes(originator_id: Any) -> tuple[bytes, bool]:
    """The id as the leaf encodes it, and whether that is the canonical UUID form.

    The library keeps a UUID as a `uuid.UUID` (PostgreSQL), as its 32 lower-case hex digits
    (SQLite), or, read through text, hyphenated; any other text was not written by the library.
    """
    ident = _canonical_id(originator_id)
    if ident is not None:
        return ident, True
    if isinstance(originator_id, bytes):
        return originator_id, False
    return str(originator_id).encode("utf-8", "surrogatepass"), False


def _text(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def _number(tag: bytes, value: Any) -> bytes:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _U64:
        return tag + b"\x00\x00\x00\x08" + value.to_bytes(8, "big")
    return _field(tag.upper(), _text(value))


def _field(tag: bytes, value: bytes) -> bytes:
    return tag + struct.pack(">I", len(value)) + value


_LENGTH = struct.Struct(">BI")  # tag, length


def _canonical_id(originator_id: Any) -> bytes | None:
    """The UUID's 16 bytes when the id is in a form the library writes; quicker than a regular expression."""
    if isinstance(originator_id, uuid.UUID):
        return originator_id.bytes
    if type(originator_id) is not str or originator_id != originator_id.lower():
        return None
    if len(originator_id) == 36 and originator_id[8] == originator_id[13] == originator_id[18] == originator_id[23] == "-":
        originator_id = originator_id.replace("-", "")
    if len(originator_id) != 32:
        return None
    try:
        found = bytes.fromhex(originator_id)
    except ValueError:
        return None
    return found if len(found) == 16 else None  # fromhex skips whitespace: 32 characters with a space are not an id


def encode(position: Any, originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    """The leaf input of one stored event, whatever the row holds."""
    ident = _canonical_id(originator_id)
    if ident is not None and _canonical(position, version, topic):  # as every writer stores it: one pass
        state_bytes = state if type(state) is bytes else _text(state)
        return MAGIC + canonical_fields(position, ident, version, topic.encode("utf-8", "surrogatepass"),
                                        len(state_bytes)) + state_bytes  # fmt: skip
    return _encode_any(position, originator_id, version, topic, state)


def _canonical(position: Any, version: Any, topic: Any) -> bool:
    """Whether these fields are a canonical event's (whole numbers in range, a text topic)."""
    return type(position) is int and type(version) is int and type(topic) is str and 0 <= position < _U64 and 0 <= version < _U64


_HEAD = struct.Struct(">BIQBI16sBIQ")  # a canonical event's position, id and version fields, in one pack


def canonical_fields(position: int, ident: bytes, version: int, topic: bytes, state_length: int) -> bytes:
    """A canonical event's leaf input after MAGIC and before its state's bytes: the one layout the
    quick paths (here, and the tamper guard's page hashing) write."""
    return (
        _HEAD.pack(0x70, 8, position, 0x69, 16, ident, 0x76, 8, version)
        + _LENGTH.pack(0x74, len(topic)) + topic + _LENGTH.pack(0x73, state_length)
    )  # fmt: skip


def length_field(tag: int, value: bytes) -> bytes:
    """A tag, the value's length and the value, as canonical_fields lays out a topic."""
    return _LENGTH.pack(tag, len(value)) + value


def _encode_any(position: Any, originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    ident, canonical = id_bytes(originator_id)
    topic_bytes = topic.encode("utf-8", "surrogatepass") if isinstance(topic, str) else _text(topic)
    state_bytes = state if isinstance(state, bytes) else _text(state)  # SQLite may hand back TEXT for an edited BLOB
    return b"".join(
        (
            MAGIC,
            _number(b"p", position),
            _field(b"i" if canonical else b"I", ident),
            _number(b"v", version),
            _field(b"t" if isinstance(topic, str) else b"T", topic_bytes),
            _field(b"s", state_bytes),
        )
    )


def leaf_hash(position: Any, originator_id: Any, version: Any, topic: Any, state: Any) -> bytes:
    return hash_leaf(encode(position, originator_id, version, topic, state))


LEAF_PREFIX = b"\x00" + MAGIC  # RFC 9162's leaf prefix (merkle.hash_leaf), then the leaf input's first line


def leaf_row(position: Any, originator_id: Any, version: Any, topic: Any, state: Any) -> tuple[bytes, bytes]:
    """The id as a leaf row stores it (`id_bytes`) and the leaf hash (`leaf_hash`), for an event just
    written: its id read once, and the canonical event hashed without joining its state to the rest."""
    ident = _canonical_id(originator_id)
    if ident is not None and type(state) is bytes and _canonical(position, version, topic):
        digest = hashlib.sha256(LEAF_PREFIX)
        digest.update(canonical_fields(position, ident, version, topic.encode("utf-8", "surrogatepass"), len(state)))
        digest.update(state)
        return ident, digest.digest()
    return id_bytes(originator_id)[0], leaf_hash(position, originator_id, version, topic, state)


def decode(data: bytes) -> EncodedEvent:
    """The event a leaf input describes; EncodingError when the bytes are not one."""
    if not data.startswith(MAGIC):
        raise EncodingError("not a casualty-ledger event (the leaf input lacks its first line)")
    fields: dict[str, tuple[bool, bytes]] = {}
    at = len(MAGIC)
    for name in "pivts":
        if at + 5 > len(data):
            raise EncodingError(f"the leaf input ends before its {name!r} field")
        tag = chr(data[at])
        (length,) = struct.unpack(">I", data[at + 1 : at + 5])
        if tag.lower() != name:
            raise EncodingError(f"field {tag!r} where {name!r} was expected")
        value = data[at + 5 : at + 5 + length]
        if len(value) != length:
            raise EncodingError(f"the leaf input ends inside its {name!r} field")
        fields[name] = (tag == name, value)
        at += 5 + length
    if at != len(data):
        raise EncodingError("the leaf input has bytes after its state")

    def number(name: str) -> int | str:
        canonical, value = fields[name]
        if canonical and len(value) == 8:
            return int.from_bytes(value, "big")
        return value.decode("utf-8", "replace")

    id_canonical, ident = fields["i"]
    return EncodedEvent(
        position=number("p"),
        originator_id=uuid.UUID(bytes=ident) if id_canonical and len(ident) == 16 else ident.decode("utf-8", "replace"),
        version=number("v"),
        topic=fields["t"][1].decode("utf-8", "replace"),
        state=fields["s"][1],
    )
