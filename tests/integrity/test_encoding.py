"""The canonical encoding of a stored event: one encoding whatever form a store hands the row back in, and
a distinct one for any row not of the canonical types."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.integrity.encoding import MAGIC, EncodingError, decode, encode, id_bytes, leaf_hash, leaf_row
from ledger.integrity.merkle import hash_leaf

ID = uuid.UUID("4b250066-ca05-5dcb-a9ba-702f9f4c966c")
STATE = b'{"timestamp":{"_type_":"datetime_iso","_data_":"2026-02-05T10:00:00+00:00"},"quantity":"at least 216"}'


def test_each_form_a_store_gives_encodes_alike() -> None:
    written = encode(8, ID, 2, "ledger:ClaimSeries.FigureReported", STATE)  # as the writer holds it
    assert written.startswith(MAGIC)
    assert encode(8, ID.hex, 2, "ledger:ClaimSeries.FigureReported", STATE) == written  # SQLite's TEXT id
    assert encode(8, str(ID), 2, "ledger:ClaimSeries.FigureReported", STATE.decode()) == written  # read through text
    assert leaf_hash(8, ID, 2, "ledger:ClaimSeries.FigureReported", STATE) == hash_leaf(written)


@pytest.mark.parametrize(
    "row",
    [
        (8, ID.hex.upper(), 2, "ledger:ClaimSeries.FigureReported", STATE),  # an id the library would not write
        (8, ID, "2", "ledger:ClaimSeries.FigureReported", STATE),  # a version stored as text
        (8, ID, 2, b"ledger:ClaimSeries.FigureReported", STATE),  # a topic stored as a blob
        (9, ID, 2, "ledger:ClaimSeries.FigureReported", STATE),  # another position
        (8, ID, 3, "ledger:ClaimSeries.FigureReported", STATE),
        (8, ID, 2, "ledger:ClaimSeries.FigureStruck", STATE),
        (8, ID, 2, "ledger:ClaimSeries.FigureReported", STATE + b" "),
    ],
)
def test_anything_else_encodes_differently_and_still_decodes(row: tuple[object, ...]) -> None:
    canonical = encode(8, ID, 2, "ledger:ClaimSeries.FigureReported", STATE)
    other = encode(*row)
    assert other != canonical
    decoded = decode(other)
    assert decoded.state == row[4] and decoded.canonical == (isinstance(row[1], uuid.UUID) and isinstance(row[2], int))


@given(st.integers(0, 2**63 - 1), st.uuids(), st.integers(0, 2**31), st.text(min_size=1, max_size=40), st.binary(max_size=200))
def test_decoding_gives_back_what_was_encoded(position: int, ident: uuid.UUID, version: int, topic: str, state: bytes) -> None:
    topic = topic.encode("utf-8", "ignore").decode("utf-8")
    decoded = decode(encode(position, ident, version, topic, state))
    assert (decoded.position, decoded.originator_id, decoded.version, decoded.topic, decoded.state) == (
        position, ident, version, topic, state,
    )  # fmt: skip
    assert decoded.canonical


@pytest.mark.parametrize(
    "data", [b"", b"something else", MAGIC, MAGIC + b"p\x00\x00\x00\x08", encode(1, ID, 1, "t", b"s") + b"x"]
)
def test_bytes_that_are_not_an_event_are_refused(data: bytes) -> None:
    with pytest.raises(EncodingError):
        decode(data)



_IDS = (
    st.uuids() | st.uuids().map(lambda u: u.hex) | st.uuids().map(str) | st.uuids().map(lambda u: u.hex.upper())
    | st.text(max_size=40)
)  # fmt: skip
_NUMBERS = st.integers(-5, 2**64 + 5) | st.text(max_size=5) | st.booleans()
_TOPICS = st.text(max_size=40) | st.binary(max_size=20)


@given(_NUMBERS, _IDS, _NUMBERS, _TOPICS, st.binary(max_size=200) | st.text(max_size=50))
def test_a_leaf_row_is_the_id_and_leaf_hash_each_gives(
    position: object, ident: object, version: object, topic: object, state: object
) -> None:
    """The recorder's one-call leaf (the id as stored, the hash) equals `id_bytes` and `leaf_hash`, canonical or not."""
    expected = (id_bytes(ident)[0], leaf_hash(position, ident, version, topic, state))
    assert leaf_row(position, ident, version, topic, state) == expected
