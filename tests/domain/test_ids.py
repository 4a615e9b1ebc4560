"""The quick ways ids and fingerprints are made give exactly what the plain ways give."""

from __future__ import annotations

import datetime as dt
import pickle
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.domain import ids
from ledger.domain.series import figure_fingerprint, series_id
from ledger.domain.values import ReportedTime

# Any text: quotes, backslashes, control characters, non-ASCII, lone surrogates.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)


@given(TEXT)
@settings(max_examples=500)
def test_uuid5_is_the_standard_librarys(name: str) -> None:
    try:
        expected = uuid.uuid5(ids.NAMESPACE, name)
    except UnicodeEncodeError:  # a lone surrogate: neither encodes it
        try:
            ids.uuid5(name)
        except UnicodeEncodeError:
            return
        raise AssertionError("the quick uuid5 encoded what uuid.uuid5 refuses") from None
    made = ids.uuid5(name)
    assert made == expected and made.int == expected.int and hash(made) == hash(expected)
    assert (str(made), made.version, made.variant, made.is_safe) == (str(expected), 5, uuid.RFC_4122, expected.is_safe)
    assert pickle.loads(pickle.dumps(made)) == expected
    assert ids.natural_id("kind", name) == ids.unique_natural_id("kind", name) == uuid.uuid5(ids.NAMESPACE, f"kind\x1f{name}")


@given(st.dictionaries(TEXT, st.none() | TEXT, max_size=8))
@settings(max_examples=500)
def test_text_fingerprint_is_the_json_fingerprint(payload: dict[str, str | None]) -> None:
    assert ids.text_fingerprint(payload) == ids.fingerprint(payload)


@given(
    series=st.uuids(), document=st.none() | TEXT, publisher=st.none() | st.uuids(), words=TEXT, quote=st.none() | TEXT,
    at=st.datetimes(timezones=st.just(dt.UTC)),
)  # fmt: skip
@settings(max_examples=300)
def test_a_figures_fingerprint_and_id_are_as_before(
    series: uuid.UUID, document: str | None, publisher: uuid.UUID | None, words: str, quote: str | None, at: dt.datetime
) -> None:
    reported = ReportedTime(at)
    payload = {
        "series": str(series), "document": document, "publisher": str(publisher), "quantity": words, "quote": quote,
        "reported": reported.at.isoformat() if document is None else None,
    }  # fmt: skip
    digest, figure_id = figure_fingerprint(series, document, publisher, words, quote, reported)
    assert digest == ids.fingerprint(payload)  # the digest as the previous release wrote it
    assert figure_id == uuid.uuid5(ids.NAMESPACE, f"figure\x1f{digest}")


@given(st.uuids(), st.uuids(), TEXT, TEXT)
@settings(max_examples=200)
def test_a_series_id_is_as_before(incident: uuid.UUID, claimant: uuid.UUID, status: str, outcome: str) -> None:
    try:
        expected = uuid.uuid5(ids.NAMESPACE, "\x1f".join(("series", str(incident), str(claimant), status, outcome)))
    except UnicodeEncodeError:
        return
    assert series_id(incident, claimant, status, outcome) == expected
    assert series_id(incident, claimant, status, outcome) == expected  # and again, from the cache
