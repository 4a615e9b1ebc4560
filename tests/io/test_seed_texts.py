"""The seed's figures quote text that is in the project (the shipped excerpt) and in the full article.

A fresh clone archives the excerpt; a checkout with ../shared beside it (or $LEDGER_SHARED, or an
article given by path) archives the article in full. Either way every quote is found, and a ledger
keeps the text it archived first. Real SQLite and DuckDB files in tmp_path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import make_ledger

from ledger.domain.ids import sha256_text
from ledger.errors import InvalidInput
from ledger.io.seed import DEFAULT_SEED, load_seed, shared_dir

SEED = json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))
[DOCUMENT] = SEED["documents"]
EXCERPT = DEFAULT_SEED.parent / DOCUMENT["excerpt"]["path"]
QUOTES = [f["quote"] for f in SEED["figures"] if f.get("document") == DOCUMENT["key"]]


def full_article() -> Path:
    path = shared_dir() / DOCUMENT["shared_path"]
    if not path.is_file():
        pytest.skip(f"the full seed article is not at hand ({path}); a clone alone has only the excerpt")
    return path


def test_every_quote_is_in_the_shipped_excerpt_which_names_its_source() -> None:
    text = EXCERPT.read_text(encoding="utf-8")
    assert sha256_text(text) == DOCUMENT["excerpt"]["sha256"]
    assert QUOTES and all(quote in text for quote in QUOTES)
    assert "Source: the seed article" in text and DOCUMENT["sha256"] in text


def test_every_quote_and_every_passage_of_the_excerpt_is_in_the_full_article() -> None:
    article = full_article().read_text(encoding="utf-8")
    assert sha256_text(article) == DOCUMENT["sha256"]
    assert all(quote in article for quote in QUOTES)
    passages = [p.strip() for line in EXCERPT.read_text(encoding="utf-8").splitlines()[3:]
                for p in re.split(r"\[\.\.\.\]", line) if p.strip()]  # fmt: skip
    assert passages and all(p in article for p in passages)  # only the article's own words, none added


def _archived(home: Path, **kwargs: object) -> tuple[str, str]:
    ledger = make_ledger(home)
    try:
        result = load_seed(ledger, **kwargs)  # type: ignore[arg-type]
        assert result.figures_new + result.figures_known == len(SEED["figures"])
        return ledger.app.document(DOCUMENT["key"]).sha256, "; ".join(result.documents)
    finally:
        ledger.close()


def test_a_clone_alone_archives_the_excerpt_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_SHARED", str(tmp_path / "nothing-here"))
    sha, said = _archived(tmp_path / "home")
    assert sha == DOCUMENT["excerpt"]["sha256"] and "as the excerpt shipped in seeds/" in said
    monkeypatch.delenv("LEDGER_SHARED")
    full_article()
    sha, said = _archived(tmp_path / "home")  # the full text is at hand now: the ledger keeps what it holds
    assert sha == DOCUMENT["excerpt"]["sha256"] and said == "seed-article already archived as the excerpt"


def test_the_full_article_is_archived_when_at_hand_or_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    article = full_article()
    sha, said = _archived(tmp_path / "beside")
    assert sha == DOCUMENT["sha256"] and "in full from" in said
    monkeypatch.setenv("LEDGER_SHARED", str(tmp_path / "nothing-here"))
    sha, _ = _archived(tmp_path / "given", article=article)
    assert sha == DOCUMENT["sha256"]
    other = tmp_path / "other.txt"
    other.write_text("not the article", encoding="utf-8")
    with pytest.raises(InvalidInput, match="differs from the seed's SHA-256 of it; give the seed article itself"):
        _archived(tmp_path / "wrong", article=other)
    wrong = make_ledger(tmp_path / "wrong")
    try:
        assert wrong.app.recorder.max_notification_id() is None  # checked before anything was recorded
    finally:
        wrong.close()
