"""C2SP signed notes with Ed25519, verifier and signer keys, and the checkpoint text they carry."""

from __future__ import annotations

import base64

import pytest

from ledger.integrity.note import DASH, CheckpointText, Note, NoteError, Signer, Verifier, key_id

# The example of c2sp.org/signed-note (C2SP/C2SP, signed-note.md, "Verifier keys", at commit
# 5ba5ee830903e91240fc6f9f3a7a9293d49e69c9): a verifier key and the note it verifies.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_the_specifications_example_verifies() -> None:
    verifier = Verifier.parse(SPEC_VKEY)
    assert verifier.id == 0x530D903A and verifier.text() == SPEC_VKEY
    note = Note.parse(SPEC_NOTE)
    assert note.text == "This is an example message.\n"
    assert note.verify([verifier]) == [verifier]


def test_a_signed_checkpoint_round_trips() -> None:
    signer = Signer.generate("casualty-ledger/abc")
    body = CheckpointText("casualty-ledger/abc", 12, bytes(range(32)))
    signed = signer.sign(body.text())
    assert signed.startswith("casualty-ledger/abc\n12\n" + base64.b64encode(bytes(range(32))).decode() + "\n\n" + DASH)
    note = Note.parse(signed)
    assert note.verify([signer.verifier]) == [signer.verifier]
    assert CheckpointText.parse(note.text) == body
    assert Signer.parse(signer.text()) == signer and Verifier.parse(signer.verifier.text()) == signer.verifier
    assert signer.verifier.id == key_id("casualty-ledger/abc", signer.verifier.public)


def test_unknown_keys_are_ignored_and_a_note_only_they_signed_is_rejected() -> None:
    ours, theirs = Signer.generate("casualty-ledger/abc"), Signer.generate("casualty-ledger/abc")
    signed = theirs.sign("casualty-ledger/abc\n1\n" + base64.b64encode(b"x" * 32).decode() + "\n")
    with pytest.raises(NoteError, match="not trusted here"):
        Note.parse(signed).verify([ours.verifier])  # same name, another key ID: unknown
    # A second signature by a trusted key makes the note acceptable; the unknown one is ignored.
    cosigned = signed + ours.sign(Note.parse(signed).text).split("\n\n", 1)[1]
    assert Note.parse(cosigned).verify([ours.verifier]) == [ours.verifier]


def test_a_bad_signature_by_a_known_key_rejects_the_note() -> None:
    signer = Signer.generate("casualty-ledger/abc")
    signed = signer.sign("casualty-ledger/abc\n1\n" + base64.b64encode(b"x" * 32).decode() + "\n")
    altered = signed.replace("\n1\n", "\n2\n", 1)  # the text changed after signing
    with pytest.raises(NoteError, match="does not verify"):
        Note.parse(altered).verify([signer.verifier])
    name, encoded = signed.rsplit("\n", 2)[-2][len(DASH) :].split(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[10] ^= 0x01  # one bit of the signature
    flipped = signed.rsplit("\n", 2)[0] + f"\n{DASH}{name} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(NoteError, match="does not verify"):
        Note.parse(flipped).verify([signer.verifier])
    # Even beside a good signature by another trusted key, a bad one by a known key rejects the note.
    other = Signer.generate("witness.example/w")
    both = flipped + other.sign(Note.parse(signed).text).split("\n\n", 1)[1]
    with pytest.raises(NoteError, match="does not verify"):
        Note.parse(both).verify([signer.verifier, other.verifier])


@pytest.mark.parametrize(
    "text",
    [
        "no blank line\n\u2014 a AAAA\n",
        "text\n\n",  # no signature
        "text\n\n- a AAAAAAAA\n",  # not an em dash
        "text\n\n\u2014 a not-base64!\n",
        "text\n\n\u2014 a AAAA\n",  # too short for a key ID and a signature
        "te\x07xt\n\n\u2014 a AAAAAAAA\n",  # a control character
        "text\n\n\u2014 a+b AAAAAAAA\n",  # a key name with '+'
        "text\n\n\u2014 a AAAAAAAA",  # no final newline
    ],
)
def test_malformed_notes_are_refused(text: str) -> None:
    with pytest.raises(NoteError):
        Note.parse(text)


def test_malformed_keys_and_checkpoints_are_refused() -> None:
    for vkey in ("example.com/foo", "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
                 "example.com/foo+530d903a+Aek", "a b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"):  # fmt: skip
        with pytest.raises(NoteError):
            Verifier.parse(vkey)
    with pytest.raises(NoteError):
        Signer.parse("PRIVATE+KEY+name")
    for body in ("origin\n012\n" + base64.b64encode(b"x" * 32).decode() + "\n", "origin\n1\nshort\n", "origin\n1\n"):
        with pytest.raises(NoteError):
            CheckpointText.parse(body)
    with pytest.raises(NoteError):
        Signer.generate("has space")
