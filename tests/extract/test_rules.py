"""Each extraction rule on sentences written for these tests (no I/O): status, outcome, quantity and
bounds, totals with parts, stance, attribution; what is left unread; and that no proposal carries a
number its span does not hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.domain.quantity import parse_quantity, quantities_in, states_quantity
from ledger.extract.evaluation import read_corpus
from ledger.extract.extractor import Context, IncidentRef, extract
from ledger.extract.proposals import ProposedFigure
from ledger.extract.ruleset import PUBLISHED, digest_of, load_rules
from ledger.extract.text import sentences

CORPUS = Path(__file__).resolve().parents[2] / "scripts" / "extraction"


def read(text: str, voice: str | None = "outlet", headline: str | None = None) -> list[ProposedFigure]:
    return list(extract(text, headline, Context(voice=voice)).proposals)


def one(text: str) -> ProposedFigure:
    found = read(text)
    assert len(found) == 1, [(p.quantity, p.victim_status, p.outcome) for p in found]
    return found[0]


# --- victim status: neutral whatever the source calls them ----------------------------------------


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Six terrorists were sent to hell in the operation.", "militant"),
        ("Eleven khwarij were neutralised near the border.", "militant"),
        ("Four miscreants were killed in the exchange of fire.", "militant"),
        ("Three brave sons of the soil embraced shahadat.", "security_forces"),
        ("Two soldiers were martyred in the attack.", "security_forces/army"),
        ("Five policemen were injured in the blast.", "security_forces/police"),
        ("Two Levies personnel were martyred at the checkpost.", "security_forces/levies"),
        ("Four FC personnel were wounded in Kech.", "security_forces/frontier_corps"),
        ("Three law enforcement personnel were injured.", "security_forces/law_enforcement"),
        ("Two CTD personnel were killed in the raid.", "security_forces/ctd"),
        ("Nine passengers were shot dead on the highway.", "civilian"),
        ("Seven travellers were abducted near Kharan.", "civilian"),
        ("Twelve people were killed in the blast.", "all"),
        ("Five BLA militants were killed in the clash.", "militant/bla"),
        ("Three TTP fighters were arrested in Bannu.", "militant/ttp"),
        ("Four peace committee members were shot dead.", "pro_government_militia"),
    ],
)
def test_status(sentence: str, status: str) -> None:
    assert one(sentence).victim_status == status


# --- outcome ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "outcome"),
    [
        ("Two soldiers were killed in the ambush.", "killed"),
        ("Two soldiers were martyred in the ambush.", "killed"),
        ("Two soldiers embraced martyrdom in the ambush.", "killed"),
        ("Two soldiers laid down their lives defending the post.", "killed"),
        ("Six terrorists were sent to hell.", "killed"),
        ("Gunmen killed four labourers at the site.", "killed"),
        ("The blast claimed 12 lives.", "killed"),
        ("The bodies of five passengers were found.", "killed"),
        ("The death toll from the bombing rose to 38.", "killed"),
        ("Three policemen were injured in the attack.", "injured"),
        ("Three policemen were wounded in the attack.", "injured"),
        ("Seven workers were abducted from the site.", "missing"),
        ("Six men went missing after the raid.", "missing"),
        ("Four suspects were arrested in the raid.", "detained"),
        ("Police took four suspects into custody.", "detained"),
    ],
)
def test_outcome(sentence: str, outcome: str) -> None:
    if "into custody" in sentence:  # the outcome follows the victims' object: read as unread, not guessed
        assert read(sentence) == []
        return
    assert one(sentence).outcome == outcome


def test_perpetrators_are_not_victims() -> None:
    reading = extract("Five militants who had killed two policemen were arrested on Sunday.", None, Context())
    # The killing is the policemen's; the militants' arrest lies past another number's outcome, so it
    # is not guessed: the sentence is listed as not fully read.
    assert [(p.victim_status, p.outcome, p.quantity) for p in reading.proposals] == [("security_forces/police", "killed", "two")]
    assert "not linked to its outcome" in reading.unread[0].reason
    assert {(p.victim_status, p.outcome) for p in read("Five terrorists killed two soldiers.")} == {
        ("security_forces/army", "killed")
    }


def test_list_shares_its_outcome_and_others_inherit() -> None:
    found = read("Five soldiers and three civilians were killed, while two others were injured.")
    assert [(p.quantity, p.victim_status, p.outcome) for p in found] == [
        ("Five", "security_forces/army", "killed"),
        ("three", "civilian", "killed"),
        ("two", "all", "injured"),  # another clause: "others" are nobody named in it
    ]
    found = read("At least 12 people were killed and 30 wounded.")
    assert [(p.quantity, p.victim_status, p.outcome) for p in found] == [
        ("At least 12", "all", "killed"),
        ("30", "all", "injured"),
    ]


# --- quantity and bounds: the words as written, read by the ledger's grammar ------------------------


@pytest.mark.parametrize(
    ("sentence", "words", "reading"),
    [
        ("At least 216 militants were killed.", "At least 216", ("at_least", 216, 216, None)),
        ("More than 50 soldiers were killed.", "More than 50", ("more_than", 51, 51, None)),
        ("Up to 25 people died in custody.", "Up to 25", ("at_most", 0, 25, 25)),
        ("Between 15 and 20 civilians were killed.", "Between 15 and 20", ("range", 15, 15, 20)),
        ("Dozens of civilians were injured.", "Dozens", ("vague", 24, 24, None)),
        ("Some 200 militants were arrested.", "Some 200", ("about", 180, 200, 220)),
        ("Nearly 50 young men had gone missing.", "Nearly 50", ("nearly", 45, 49, 49)),
        ("Twenty-one soldiers were martyred.", "Twenty-one", ("exact", 21, 21, 21)),
        ("The database lists 1,120 deaths in the province.", "1,120", ("exact", 1120, 1120, 1120)),
        ("The militants claimed 87 lives.", "87", ("exact", 87, 87, 87)),  # "claimed" is the verb, not a hedge
    ],
)
def test_quantity_words_and_bounds(sentence: str, words: str, reading: tuple[object, ...]) -> None:
    found = one(sentence)
    assert found.quantity == words
    assert sentence[found.quantity_start : found.quantity_end] == words
    assert parse_quantity(found.quantity).reading == reading


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said a 30-year-old man was among the dead.",
        "The attack took place at 11 pm on 5 February 2026.",
        "In 2025, violence rose by 23 percent across the province.",
        "Militants carried out 61 attacks during the quarter.",
        "The terrorists were involved in numerous attacks on security forces.",
        "No group claimed responsibility for the blast.",
    ],
)
def test_numbers_that_count_no_victims(sentence: str) -> None:
    assert read(sentence) == []


# --- totals with their parts, and sub-counts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "total", "parts", "women", "children"),
    [
        ("Forty-one people, including 14 security personnel, were killed.", "Forty-one", [("security_forces", "14")], None, None),
        (
            "Of the 112 people killed, 64 were civilians, 31 security personnel and 17 militants.",
            "112",
            [("civilian", "64"), ("security_forces", "31"), ("militant", "17")],
            None,
            None,
        ),
        (
            "The report recorded 245 fatalities in the year, including 96 civilians and 88 security personnel.",
            "245",
            [("civilian", "96"), ("security_forces", "88")],
            None,
            None,
        ),
        (
            "At least three people were killed, and the dead included two constables.",
            "At least three",
            [("security_forces/police", "two")],
            None,
            None,
        ),
        ("Eleven people, including four women, lost their lives.", "Eleven", [], 4, None),
        ("The UN verified the deaths of 19 civilians, among them six children.", "19", [], None, 6),
        ("Twelve people were killed, including two women and a child.", "Twelve", [], 2, 1),
    ],
)
def test_totals_and_parts(
    sentence: str, total: str, parts: list[tuple[str, str]], women: int | None, children: int | None
) -> None:
    found = one(sentence)
    assert found.quantity == total
    assert [(p.victim_status, p.quantity) for p in found.includes] == parts
    assert (found.women, found.children) == (women, children)
    for part in found.includes:
        assert sentence[part.start : part.end] == part.quantity


# --- stance: the ledger's stance words, in the figure's own clause --------------------------------------


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("Police said 12 people were killed.", "stated"),
        ("Twelve people were reportedly killed.", "reported"),
        ("According to police, 12 people were killed.", "reported"),
        ("The group claimed it had killed 15 soldiers.", "claimed"),
        ("The BYC alleged that dozens of civilians had been detained.", "alleged"),
        ("The army said it killed 14 militants, a figure that could not be independently verified.", "unconfirmed"),
        ("The military denied that 12 civilians were killed.", "denied"),
    ],
)
def test_stance(sentence: str, stance: str) -> None:
    assert one(sentence).stance == stance


def test_quotes_state_numbers_written_with_hyphens() -> None:
    """The ledger's check that a quote states its number reads "Twenty-one" at a sentence's start."""
    assert states_quantity("Twenty-one soldiers were martyred.", parse_quantity("Twenty-one"))
    assert states_quantity("Forty-one people, including 14 security personnel", parse_quantity("41"))


def test_stance_stays_in_its_clause() -> None:
    found = read("Police said 12 militants were killed, but residents denied that anyone died.")
    assert [(p.quantity, p.stance, p.claimant) for p in found] == [("12", "stated", "police")]


# --- attribution: who the text says said it -----------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("Six terrorists were killed, the ISPR said.", "ispr"),
        ("The military's media wing said 30 terrorists were killed.", "ispr"),
        ("According to police officials, five people were injured.", "police"),
        ("Five people were injured, said a senior police official.", "police"),
        ("Residents told reporters that seven civilians were killed.", "residents"),
        ("Hospital sources said 14 bodies were brought in.", "hospital"),
        ("HRCP documented 37 cases of enforced disappearances.", "hrcp"),
        ("The TTP claimed responsibility, saying it killed 15 soldiers.", "ttp"),
        ("A senior police official, who spoke on condition of anonymity, said 20 people were taken hostage.", "police"),
        ("Seven soldiers were killed in the ambush.", "outlet"),  # nobody named: the document's own voice
    ],
)
def test_attribution(sentence: str, claimant: str) -> None:
    assert one(sentence).claimant == claimant


def test_attribution_carries_over_within_a_paragraph_only() -> None:
    text = "Police said gunmen stormed the checkpoint at night. Four policemen were killed.\nTwo soldiers were injured."
    assert [(p.quantity, p.claimant) for p in read(text)] == [("Four", "police"), ("Two", "outlet")]


def test_two_claimants_in_one_clause_is_a_doubt_not_a_guess() -> None:
    found = one("Police and residents said 12 people were killed.")
    assert found.claimant is None
    assert any("two claimants" in d for d in found.doubts)


def test_claimants_and_incidents_come_from_the_ledger() -> None:
    context = Context(
        claimants={"pak-mil": "Pakistan military (press wing)"},
        incidents=(IncidentRef("campaign", None, "Balochistan"), IncidentRef("nushki", "campaign", "Nushki")),
    )
    text = "The military said 216 militants were killed in Balochistan.\nIn Nushki, 12 civilians were killed.\nNine more died."
    found = extract(text, None, context).proposals
    assert [(p.quantity, p.claimant, p.incident) for p in found] == [
        ("216", "pak-mil", "campaign"),
        ("12", None, "nushki"),
        ("Nine", None, "campaign"),  # names no place: the smallest incident holding both the text names
    ]
    assert "no claimant named" in found[1].doubts


# --- what cannot be read is listed, never guessed -------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Sepoy Ali Khan, having fought gallantly, embraced shahadat.", "without a number"),
        ("A policeman was martyred and another injured.", "without a number"),
        ("The attack left casualties among law enforcement and military ranks.", "casualties"),
    ],
)
def test_unread(sentence: str, reason: str) -> None:
    reading = extract(sentence, None, Context())
    assert reading.proposals == ()
    assert len(reading.unread) == 1 and reason in reading.unread[0].reason
    assert reading.unread[0].text == sentence


def test_headline_is_read_with_offsets_in_the_headline() -> None:
    found = read("Police said the toll was rising.", headline="23 terrorists killed in Kech operation")
    assert [(p.part, p.quantity, p.quantity_start, p.quote) for p in found] == [
        ("headline", "23", 0, "23 terrorists killed in Kech operation")
    ]


def test_sentences_keep_offsets_and_abbreviations() -> None:
    text = "Lt. Col. A. Khan said 12 people were killed. U.S. officials agreed.\nSecond paragraph."
    got = list(sentences(text, "body", load_rules().abbreviations))
    assert [s.text for s in got] == [
        "Lt. Col. A. Khan said 12 people were killed.",
        "U.S. officials agreed.",
        "Second paragraph.",
    ]
    assert all(text[s.start : s.end] == s.text for s in got)
    assert [s.paragraph for s in got] == [0, 0, 1]


# --- every number a proposal carries is in its span --------------------------------------------------


def _corpus_texts() -> list[str]:
    return [item.text for part in ("tuning", "test") for item in read_corpus(CORPUS / f"{part}.txt")]


def test_no_proposal_carries_a_number_absent_from_its_span() -> None:
    checked = 0
    for text in _corpus_texts():
        for p in extract(text, None, Context(voice="outlet")).proposals:
            for words, start, end in p.numbers():
                assert text[start:end] == words, (words, text[start:end])
                # The span reads as the number proposed, and the quote (where the span lies) states it.
                assert parse_quantity(text[start:end]).reading == parse_quantity(words).reading
                assert p.quote_start <= start and end <= p.quote_end
                assert states_quantity(p.quote, parse_quantity(words))
            assert text[p.quote_start : p.quote_end] == p.quote
            for count in (p.women, p.children):
                # A sub-count is a number the quote states (a word such as "a child" stands for one).
                assert count is None or count == 1 or any(q.low == count for _, q in quantities_in(p.quote))
            checked += 1
    assert checked > 100


def test_published_rules_are_unchanged() -> None:
    """A published version's files never change: a figure's `extract:ledger-rules@1` names exactly these rules."""
    assert digest_of(1) == PUBLISHED[1]
    assert load_rules(1).label == "ledger-rules@1"
