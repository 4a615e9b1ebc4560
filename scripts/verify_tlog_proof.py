#!/usr/bin/env python3
"""Check a casualty-ledger proof without the ledger: Python 3.9+ and the `cryptography` package only.

    python3 verify_tlog_proof.py FIGURE-EVENT.tlog-proof LEDGER.vkey

The proof (c2sp.org/tlog-proof) holds the recorded event, its index in the ledger's Merkle tree
(RFC 9162), the inclusion path, and the checkpoint the ledger signed (c2sp.org/signed-note,
Ed25519). The verifier key must come from the ledger's publisher, by a channel you trust, not from
the same place as the proof. On success this prints the event as recorded (its log position,
aggregate id, version, topic and JSON state) and exits 0; any failure exits 1 saying which step.
"""

import base64
import hashlib
import json
import struct
import sys
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(step: str) -> None:
    sys.exit(f"NOT VERIFIED: {step}")


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def main(proof_path: str, vkey_path: str) -> None:
    # 1. The ledger's verifier key: name+keyid+base64(0x01 || Ed25519 public key).
    with open(vkey_path, encoding="ascii") as vkey:
        name, key_id, material = vkey.read().strip().split("+", 2)
    raw = base64.b64decode(material)
    public = raw[1:]
    if raw[0] != 1 or len(public) != 32 or hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4].hex() != key_id:
        fail("the verifier key is malformed")

    # 2. The proof: header, extra (the event), index, path, a blank line, then the signed checkpoint.
    with open(proof_path, encoding="utf-8") as proof:
        text = proof.read()
    head, _, note = text.partition("\n\n")
    lines = head.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1" or not lines[1].startswith("extra ") or not lines[2].startswith("index "):
        fail("not a tlog proof with an extra line")
    event, index = base64.b64decode(lines[1][6:]), int(lines[2][6:])
    path = [base64.b64decode(line) for line in lines[3:]]

    # 3. The checkpoint's signature, by the key from step 1, over the text above its blank line.
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        signer, signature = line[2:].split(" ")
        sig = base64.b64decode(signature)
        if line.startswith("\u2014 ") and signer == name and sig[:4].hex() == key_id:
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(sig[4:], body.encode())
            except InvalidSignature:
                fail("the checkpoint's signature does not verify")
            break
    else:
        fail("the checkpoint is not signed by this key")
    origin, size, root = body.split("\n")[:3]
    size, root = int(size), base64.b64decode(root)

    # 4. The inclusion path (RFC 9162 2.1.3.2) from the event's leaf hash to the signed root.
    fn, sn, digest = index, size - 1, hashlib.sha256(b"\x00" + event).digest()
    if index >= size:
        fail("the index is outside the signed tree")
    for sibling in path:
        if sn == 0:
            fail("the path is too long")
        if fn & 1 or fn == sn:
            digest = node(sibling, digest)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            digest = node(digest, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or digest != root:
        fail("the path does not lead to the signed root")

    # 5. The event itself: fields after the first line, each a tag byte, a 4-byte length and the value.
    magic = b"casualty-ledger event v1\n"
    if not event.startswith(magic):
        fail("the event is not a casualty-ledger event")
    at, fields = len(magic), {}
    while at < len(event):
        tag, length = chr(event[at]), struct.unpack(">I", event[at + 1 : at + 5])[0]
        fields[tag], at = event[at + 5 : at + 5 + length], at + 5 + length
    print(f"VERIFIED: leaf {index} of the {size}-event tree of {origin}, signed by {name}")
    if set(fields) != set("pivts"):
        fail("the event is not in its canonical form")
    print(f"log position {int.from_bytes(fields['p'], 'big')}, aggregate {uuid.UUID(bytes=fields['i'])}, "
          f"version {int.from_bytes(fields['v'], 'big')}, topic {fields['t'].decode()}")  # fmt: skip
    print(json.dumps(json.loads(fields["s"]), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
