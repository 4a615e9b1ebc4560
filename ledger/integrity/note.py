"""C2SP signed notes with Ed25519 (c2sp.org/signed-note), and the checkpoint text they carry
(c2sp.org/tlog-checkpoint): origin, tree size, base64 root.

    <origin>\\n<size>\\n<base64 root>\\n
    \\n
    — <key name> base64(key ID || Ed25519 signature of the text above the blank line)\\n

A key ID is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key). Keys are
written in the formats Go's golang.org/x/mod/sumdb/note reads: a verifier key
`name+hex(id)+base64(0x01 || public key)` and a signer key `PRIVATE+KEY+name+hex(id)+base64(0x01 || seed)`.
As the specification requires, signatures by unknown keys are ignored, a bad signature by a known
key rejects the note, and a note no known key signed is rejected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01
DASH = "\u2014 "
MAX_SIGNATURES = 100
_NAME = re.compile(r"[^\s+]+")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed, unsigned by a known key, or badly signed."""


def key_id(name: str, public: bytes) -> int:
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4], "big")


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise NoteError(f"key name {name!r}: must be non-empty, without spaces or '+'")
    return name


@attrs.frozen
class Verifier:
    name: str
    id: int
    public: bytes  # 32-byte Ed25519 public key

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """A verifier key `name+hex(id)+base64(0x01 || public key)`."""
        parts = vkey.strip().split("+", 2)  # the base64 key may itself contain "+"
        if len(parts) != 3:
            raise NoteError(f"verifier key {vkey.strip()[:60]!r}: expected name+keyid+key")
        name, hex_id, material = parts
        try:
            raw = base64.b64decode(material, validate=True)
            given = int(hex_id, 16) if re.fullmatch(r"[0-9a-f]{8}", hex_id) else None
        except (binascii.Error, ValueError):
            raise NoteError(f"verifier key for {name!r}: its key is not base64") from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError(f"verifier key for {name!r}: not an Ed25519 key (0x01 and 32 bytes)")
        public = raw[1:]
        if given is None or given != key_id(_check_name(name), public):
            raise NoteError(f"verifier key for {name!r}: its key ID {hex_id!r} does not match its name and key")
        return cls(name, given, public)

    def text(self) -> str:
        return f"{self.name}+{self.id:08x}+{base64.b64encode(bytes([ED25519]) + self.public).decode()}"

    def verifies(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
        except InvalidSignature:
            return False
        return True


@attrs.frozen
class Signer:
    name: str
    seed: bytes = attrs.field(repr=False)  # the 32-byte Ed25519 private key

    @classmethod
    def generate(cls, name: str) -> Signer:
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(_check_name(name), seed)

    @classmethod
    def parse(cls, skey: str) -> Signer:
        """A signer key `PRIVATE+KEY+name+hex(id)+base64(0x01 || seed)`."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("signer key: expected PRIVATE+KEY+name+keyid+key")
        name, hex_id, material = parts[2:]
        try:
            raw = base64.b64decode(material, validate=True)
        except binascii.Error:
            raise NoteError(f"signer key {name!r}: its key is not base64") from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise NoteError(f"signer key {name!r}: not an Ed25519 key")
        signer = cls(_check_name(name), raw[1:])
        if f"{signer.verifier.id:08x}" != hex_id:
            raise NoteError(f"signer key {name!r}: its key ID does not match its key")
        return signer

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, key_id(self.name, public), public)

    def text(self) -> str:
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id:08x}+{base64.b64encode(bytes([ED25519]) + self.seed).decode()}"

    def sign(self, text: str) -> str:
        """The signed note of `text` (which must end in a newline)."""
        body = _check_text(text)
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(body.encode())
        encoded = base64.b64encode(self.verifier.id.to_bytes(4, "big") + signature).decode()
        return f"{body}\n{DASH}{self.name} {encoded}\n"


@attrs.frozen
class Signature:
    name: str
    id: int
    signature: bytes


@attrs.frozen
class Note:
    text: str  # the signed text, final newline included
    signatures: tuple[Signature, ...]

    @classmethod
    def parse(cls, note: str | bytes) -> Note:
        if isinstance(note, bytes):
            try:
                note = note.decode("utf-8")
            except UnicodeDecodeError:
                raise NoteError("signed note: not valid UTF-8") from None
        if _CONTROL.search(note):
            raise NoteError("signed note: contains control characters")
        cut = note.rfind("\n\n")
        if cut < 0 or not note.endswith("\n"):
            raise NoteError("signed note: no blank line before its signatures, or no final newline")
        text, lines = note[: cut + 1], note[cut + 2 :].splitlines()
        if not lines or len(lines) > MAX_SIGNATURES:
            raise NoteError(f"signed note: has {len(lines)} signatures; between 1 and {MAX_SIGNATURES} are read")
        signatures = []
        for line in lines:
            if not line.startswith(DASH) or line.count(" ") != 2:
                raise NoteError(f"signed note: signature line {line[:40]!r} is not '— name signature'")
            name, encoded = line[len(DASH) :].split(" ")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise NoteError(f"signed note: the signature by {name!r} is not base64") from None
            if len(raw) < 5:
                raise NoteError(f"signed note: the signature by {name!r} is too short")
            signatures.append(Signature(_check_name(name), int.from_bytes(raw[:4], "big"), raw[4:]))
        return cls(text, tuple(signatures))

    def verify(self, verifiers: Iterable[Verifier]) -> list[Verifier]:
        """The known keys whose signatures verify; NoteError when a known key's does not, or no known key signed."""
        known = {(v.name, v.id): v for v in verifiers}
        good = []
        for signature in self.signatures:
            verifier = known.get((signature.name, signature.id))
            if verifier is None:
                continue  # an unknown key: ignored, as the specification says
            if not verifier.verifies(self.text.encode(), signature.signature):
                raise NoteError(f"signed note: the signature by known key {verifier.text()} does not verify")
            good.append(verifier)
        if not good:
            names = ", ".join(f"{s.name}+{s.id:08x}" for s in self.signatures)
            raise NoteError(f"signed note: signed only by keys not trusted here ({names})")
        return good


def _check_text(text: str) -> str:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n") or _CONTROL.search(text):
        raise NoteError("note text: must be non-empty lines each ending in a newline, without control characters")
    return text


@attrs.frozen
class CheckpointText:
    """The body of a checkpoint: which log, how many leaves, and the tree's root."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def parse(cls, text: str) -> CheckpointText:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise NoteError("checkpoint: expected an origin line, a size line and a root line")
        origin, size, root = lines[:3]
        if not re.fullmatch(r"0|[1-9][0-9]*", size):
            raise NoteError(f"checkpoint: tree size {size!r} is not a decimal without leading zeroes")
        try:
            digest = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise NoteError("checkpoint: root hash is not base64") from None
        if len(digest) != 32:
            raise NoteError("checkpoint: root hash is not 32 bytes")
        return cls(origin, int(size), digest)
