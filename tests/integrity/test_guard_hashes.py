"""The read model's gate hashes a whole page at once (guard.leaf_hashes); each hash must be the one
`encoding.leaf_hash` gives the same row, whatever the row holds, or the gate would pass an edited
event or refuse an intact one."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.encoding import leaf_hash
from ledger.integrity.guard import leaf_hashes
from ledger.readmodel.source import page_table

UUIDS = st.uuids()
# Every form an id can take in a store: as the library writes it (SQLite's 32 hex digits, hyphenated
# through text), and forms only an edit by hand makes (upper case, braces, spaces, too short, not hex).
IDS = st.one_of(
    UUIDS.map(lambda u: u.hex),
    UUIDS.map(str),
    UUIDS.map(lambda u: u.hex.upper()),
    UUIDS.map(lambda u: str(u).upper()),
    UUIDS.map(lambda u: "{" + str(u) + "}"),
    UUIDS.map(lambda u: u.hex[:31]),
    UUIDS.map(lambda u: u.hex[:16] + " " + u.hex[17:]),
    UUIDS.map(lambda u: str(u).replace("-", "", 1) + "-"),
    UUIDS.map(lambda u: u.hex[:30] + "zz"),
    st.text(max_size=40),
)
ROWS = st.lists(
    st.tuples(
        st.integers(-(2**63), 2**63 - 1),
        IDS,
        st.integers(-(2**31), 2**31 - 1),
        st.sampled_from(["ledger:ClaimSeries.FigureReported", "ledger:Incident.Registered"]) | st.text(max_size=30),
        st.text(max_size=200),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(rows=ROWS)
def test_a_page_hashes_as_its_events_do_one_by_one(rows: list[tuple[int, str, int, str, str]]) -> None:
    page = page_table(rows)
    expected = [leaf_hash(p, i, v, t, s.encode("utf-8", "surrogatepass")) for p, i, v, t, s in rows]
    assert leaf_hashes(page) == expected


CANONICAL_ROWS = st.lists(
    st.tuples(
        st.integers(0, 2**63 - 1),
        st.one_of(UUIDS.map(lambda u: u.hex), UUIDS.map(str)),
        st.integers(0, 2**31 - 1),
        st.sampled_from(["ledger:ClaimSeries.FigureReported", "ledger:Incident.Registered"]) | st.text(max_size=30),
        st.text(max_size=200),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(rows=CANONICAL_ROWS)
def test_a_page_the_ledger_wrote_hashes_as_its_events_do_one_by_one(rows: list[tuple[int, str, int, str, str]]) -> None:
    page = page_table(rows)  # every row canonical: the one-pass encoding, not leaf_hash row by row
    assert leaf_hashes(page) == [leaf_hash(p, i, v, t, s.encode("utf-8", "surrogatepass")) for p, i, v, t, s in rows]


def test_a_changed_byte_anywhere_changes_the_hash() -> None:
    ident = uuid.uuid4().hex
    row = (7, ident, 2, "ledger:ClaimSeries.FigureReported", '{"quantity":"at least 216"}')
    (intact,) = leaf_hashes(page_table([row]))
    for changed in (
        (8, *row[1:]),
        (7, uuid.uuid4().hex, *row[2:]),
        (7, ident, 3, *row[3:]),
        (7, ident, 2, "ledger:ClaimSeries.FigureStruck", row[4]),
        (*row[:4], row[4].replace("216", "261")),
    ):
        assert leaf_hashes(page_table([changed])) != [intact]


@settings(max_examples=50, deadline=None)
@given(rows=CANONICAL_ROWS, cut=st.integers(0, 29))
def test_a_slice_of_a_page_hashes_as_its_events_do(rows: list[tuple[int, str, int, str, str]], cut: int) -> None:
    """A page cut short (catch-up cuts a page at an unfinished import) starts at an offset into Arrow's buffers."""
    start = min(cut, len(rows) - 1)
    page = page_table(rows).slice(start)
    expected = [leaf_hash(p, i, v, t, s.encode("utf-8", "surrogatepass")) for p, i, v, t, s in rows[start:]]
    assert leaf_hashes(page) == expected
