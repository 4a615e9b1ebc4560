"""One night of attacks, as the press reported it: a military statement carried by three outlets (one
writing its numbers in words), totals with their named parts, another outlet's different total, and a
headline that disagrees with its body. Every answer below is worked out by hand.

The reports are synthetic, written for this test in the manner of Pakistani press coverage; they are
not real reporting.

Worked by hand, under default@2 (no vague words here, so default@1 gives the same numbers):
- militants: ISPR's 21 (grade C) and unnamed security officials' twelve (F); the Tribune's headline
  "23" is set aside, its document's body being counted. Low 12, best 21 (the more reliable), high 21;
  21 and 12 disagree beyond 20%: contested.
- security forces: ISPR concedes 14 (own losses: confirmed); the officials' and the Tribune's totals
  name the same 14 as their parts. 14 / 14 / 14.
- civilians: residents' 23 passengers. 23 / 23 / 23, one claimant: weak.
- all victims: the totals given (officials 38, the Tribune 41) are 38 / 41 / 41 (best from the more
  reliable Tribune); the parts add up to 12+14+23 = 49 / 21+14+23 = 58 / 58. For each bound the
  larger: 49 / 58 / 58, graded by its weakest part (contested).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import make_ledger

from ledger import clock
from ledger.application.inputs import FigureInput, PartInput
from ledger.domain.values import ReportedTime, parse_instant
from ledger.history.facade import diff_instants, explain_cell, lineage
from ledger.io.export import export
from ledger.ledger import Ledger
from ledger.reconcile.run import Options, reconcile

NIGHT = "balochistan-night-2024-08-25"
TIMES = {"dawn": "2024-08-26T09:00+05:00", "dunya": "2024-08-26T11:30+05:00", "mehr": "2024-08-26T15:00+05:00",
         "tribune": "2024-08-26T10:00+05:00"}  # fmt: skip
TEXTS = {
    "dawn": (
        "Dozens killed as militants strike across Balochistan",
        "QUETTA: Militants carried out coordinated attacks across Balochistan overnight. The ISPR said 21 terrorists "
        "were killed in clearance operations, while 14 soldiers and law enforcement personnel embraced martyrdom. "
        "Provincial officials said 38 people, including 14 security personnel, were killed across the province. "
        "Residents of Musakhel said 23 passengers were taken off buses and shot on the highway.",
    ),
    "dunya": (
        None,
        "According to the ISPR, twenty-one terrorists were sent to hell during the operations, and fourteen "
        "soldiers embraced martyrdom.",
    ),
    "mehr": (None, "Citing Dawn, Mehr News reported that 21 terrorists were killed and 14 soldiers were martyred."),
    "tribune": (
        "23 terrorists killed in Balochistan attacks",
        "41 people, including 14 security personnel, were martyred in a wave of attacks, The Express Tribune has "
        "learnt. Security officials said twelve militants had been killed by Monday morning.",
    ),
}


def when(outlet: str) -> ReportedTime:
    at, precision = parse_instant(TIMES[outlet], "reported")
    return ReportedTime(at, precision)


def build(ledger: Ledger) -> dict[str, object]:
    app, entry = ledger.app, ledger.entry("test")
    with clock.pinned(dt.datetime(2024, 8, 27, 8, 0, tzinfo=dt.UTC)):
        app.register_claimant("ispr", "Inter-Services Public Relations", "state_forces",
                              {"militant": "enemy_losses", "security_forces": "own_losses", "*": "party_other"}, "C", entry)
        app.register_claimant("officials", "Balochistan government officials", "government", {}, "C", entry)
        app.register_claimant("tribune-desk", "The Express Tribune (own reporting)", "media", {}, "B", entry)
        app.register_claimant("security-sources", "Unnamed security officials", "unattributed", {}, "F", entry)
        app.register_claimant("musakhel-residents", "Residents of Musakhel", "residents", {}, "F", entry)
        names = {"dawn": "Dawn", "dunya": "Dunya News", "mehr": "Mehr News", "tribune": "The Express Tribune"}
        for key, name in names.items():
            app.register_publisher(key, name, "media", None, entry)
            headline, body = TEXTS[key]
            app.archive_document(entry, text=body, headline=headline, publisher=key, published=when(key), key=f"{key}-0826")
        from ledger.domain.values import Location, Period
        from ledger.domain.vocabulary import LocationPrecision

        app.register_incident(NIGHT, "Coordinated attacks across Balochistan, night of 25-26 August 2024 (synthetic)",
                              Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1),
                              Period(dt.date(2024, 8, 25), dt.date(2024, 8, 26)), entry)  # fmt: skip

    def figure(claimant: str, status: str, words: str, outlet: str, quote: str, **more: object) -> FigureInput:
        return FigureInput(NIGHT, claimant, status, "killed", words, when(outlet), document=f"{outlet}-0826", quote=quote,
                           **more)  # type: ignore[arg-type]  # fmt: skip

    with clock.pinned(dt.datetime(2024, 8, 27, 9, 0, tzinfo=dt.UTC)):
        # Entered out of order: Mehr (via Dawn) first, then Dunya, then Dawn, which published first.
        mehr = ledger.record_figure(figure("ispr", "militant", "21", "mehr", "21 terrorists were killed", carried_via=("dawn",)))
        dunya = ledger.record_figure(
            figure("ispr", "militant", "twenty-one", "dunya", "According to the ISPR, twenty-one terrorists were sent to hell")
        )
        dawn = ledger.record_figure(figure("ispr", "militant", "21", "dawn", "The ISPR said 21 terrorists were killed"))
        ledger.record_figure(figure("ispr", "security_forces", "14", "dawn",
                                    "14 soldiers and law enforcement personnel embraced martyrdom"))  # fmt: skip
        ledger.record_figure(figure("ispr", "security_forces", "fourteen", "dunya", "fourteen soldiers embraced martyrdom"))
        ledger.record_figure(figure("ispr", "security_forces", "14", "mehr", "14 soldiers were martyred", carried_via=("dawn",)))
        officials = ledger.record_figure(figure(
            "officials", "all", "38", "dawn", "Provincial officials said 38 people, including 14 security personnel, were killed",
            includes=(PartInput("security_forces", "14"),),
        ))  # fmt: skip
        tribune = ledger.record_figure(figure(
            "tribune-desk", "all", "41", "tribune", "41 people, including 14 security personnel, were martyred",
            includes=(PartInput("security_forces", "14", "14 security personnel"),),
        ))  # fmt: skip
        headline = ledger.record_figure(figure("tribune-desk", "militant", "23", "tribune", "23 terrorists killed",
                                               quote_part="headline"))  # fmt: skip
        ledger.record_figure(figure("security-sources", "militant", "twelve", "tribune",
                                    "Security officials said twelve militants had been killed"))  # fmt: skip
        ledger.record_figure(figure("musakhel-residents", "civilian", "23", "dawn",
                                    "23 passengers were taken off buses and shot"))  # fmt: skip
    return {"mehr": mehr, "dunya": dunya, "dawn": dawn, "officials": officials, "tribune": tribune, "headline": headline}


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> object:
    ledger = make_ledger(tmp_path_factory.mktemp("night"))
    try:
        yield ledger, build(ledger)
    finally:
        ledger.close()


def cells(ledger: Ledger, policy: str | None = None) -> dict[str, tuple[object, ...]]:
    return {
        r["victim_status"]: (r["low"], r["best"], "open" if r["high_open"] else r["high"], r["grade"])
        for r in ledger.tally(policy).rows
    }


def test_every_cell_of_the_night_worked_out_by_hand(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, _ = night
    expected = {
        "militant": (12, 21, 21, "contested"),
        "security_forces": (14, 14, 14, "confirmed"),
        "civilian": (23, 23, 23, "weak"),
        "all": (49, 58, 58, "contested"),
    }
    assert cells(ledger) == expected
    assert cells(ledger, "default@1") == expected  # no vague words: the two versions agree
    [total] = [r for r in ledger.tally().rows if r["victim_status"] == "all"]
    assert (total["basis"], total["top"], total["unattributed"]) == ("claims+parts", True, 0)


def test_one_statement_in_three_outlets_is_one_figure_whose_primary_carrier_is_the_earliest(
    night: tuple[Ledger, dict[str, object]],
) -> None:
    ledger, recorded = night
    mehr, dunya, dawn = recorded["mehr"], recorded["dunya"], recorded["dawn"]
    assert (dunya.carried, dawn.carried) == (True, True)  # type: ignore[attr-defined]
    assert mehr.figure_id == dunya.figure_id == dawn.figure_id  # type: ignore[attr-defined]
    militants = [r for r in ledger.figures() if r["claimant"] == "ispr" and r["victim_status"] == "militant"]
    [row] = militants
    assert (row["carriers"], row["carried_by"]) == (3, "dawn; dunya; mehr via dawn")  # earliest first
    # "Twenty-one" and "21" are the same statement; Dunya's "According to" is its stance, not the figure's.
    assert row["stance"] == "stated"


def test_explain_speaks_of_carriers_not_revisions(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, _ = night
    result = explain_cell(ledger, NIGHT, "militant", "killed")
    carried = [line.text for line in result.lines if line.section == "carried"]
    assert carried == [
        "'21' of Inter-Services Public Relations carried by Dawn, reported 2024-08-26T04:00:00Z (primary carrier)",
        "'twenty-one' (reported) of Inter-Services Public Relations carried by Dunya News, reported 2024-08-26T06:30:00Z "
        "(carried again)",
        "'21' of Inter-Services Public Relations carried by Mehr News via Dawn, reported 2024-08-26T10:00:00Z (carried again)",
    ]
    [counted_ispr] = [line for line in result.lines if line.section == "counted" and "Inter-Services" in line.text]
    assert counted_ispr.document == "dawn-0826"  # the primary carrier's document, whatever the entry order
    aside = [line.text for line in result.lines if line.section == "set aside"]
    assert aside == [
        "The Express Tribune (own reporting) (media, reliability B) said '23', reported 2024-08-26T05:00:00Z: "
        "quoted from a headline whose document's body is also counted in this cell"
    ]
    assert not any("revis" in line.text for line in result.lines)


def test_explain_on_the_total_shows_the_totals_the_parts_and_what_is_left(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, _ = night
    result = explain_cell(ledger, NIGHT, "all", "killed")
    totals = [line.text for line in result.lines if line.section == "total"]
    assert len(totals) == 2
    assert totals[0].startswith("the total '38' of Balochistan government officials names its parts: security_forces '14' [#")
    parts = [line.text for line in result.lines if line.section == "part"]
    assert parts == [
        f"{NIGHT} / civilian: 23 / 23 / 23, weak",
        f"{NIGHT} / militant: 12 / 21 / 21, contested",
        f"{NIGHT} / security_forces: 14 / 14 / 14, confirmed",
    ]
    combined = [line.text for line in result.lines if line.section == "combined"]
    assert combined[0] == (
        "for each bound the larger, never added (they overlap): own claims 38 / 41 / 41; sum of victim statuses 49 / 58 / 58"
    )
    assert not [line for line in result.lines if line.section == "unattributed"]  # the parts account for all of it


def test_a_total_leaves_its_unattributed_part_as_arithmetic(tmp_path: Path) -> None:
    """ "41 killed, including 14 security personnel" alone: 27 not attributed to a status, a derived line."""
    ledger = make_ledger(tmp_path)
    try:
        build_minimal(ledger)
        result = explain_cell(ledger, NIGHT, "all", "killed")
        [rest] = [line.text for line in result.lines if line.section == "unattributed"]
        assert rest == "27 not attributed to a status: the total's best 41 less the statuses' 14 (arithmetic, not anyone's claim)"
        [row] = [r for r in ledger.tally().rows if r["victim_status"] == "all"]
        assert (row["best"], row["unattributed"]) == (41, 27)
        assert [r["unattributed"] for r in ledger.tally("default@1").rows if r["victim_status"] == "all"] == [None]
    finally:
        ledger.close()


def build_minimal(ledger: Ledger) -> None:
    app, entry = ledger.app, ledger.entry("test")
    from ledger.domain.values import Location, Period
    from ledger.domain.vocabulary import LocationPrecision

    app.register_claimant("tribune-desk", "The Express Tribune (own reporting)", "media", {}, "B", entry)
    app.register_publisher("tribune", "The Express Tribune", "media", None, entry)
    headline, body = TEXTS["tribune"]
    app.archive_document(entry, text=body, headline=headline, publisher="tribune", published=when("tribune"), key="tribune-0826")
    app.register_incident(NIGHT, "Attacks (synthetic)", Location("Pakistan", precision=LocationPrecision.COUNTRY),
                          Period(dt.date(2024, 8, 25), dt.date(2024, 8, 26)), entry)  # fmt: skip
    ledger.record_figure(FigureInput(
        NIGHT, "tribune-desk", "all", "killed", "41", when("tribune"), document="tribune-0826",
        quote="41 people, including 14 security personnel, were martyred", includes=(PartInput("security_forces", "14"),),
    ))  # fmt: skip


def test_the_ucdp_and_acled_rows_add_up_to_the_incidents_tally(night: tuple[Ledger, dict[str, object]], tmp_path: Path) -> None:
    ledger, _ = night
    ucdp = tmp_path / "night-ucdp.csv"
    export(ledger, "tallies", ucdp, "ucdp")
    [row] = list(csv.DictReader(io.StringIO(ucdp.read_text(encoding="utf-8"), newline="")))
    deaths = {k: int(row[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")}
    assert deaths == {"deaths_a": 14, "deaths_b": 21, "deaths_civilians": 23, "deaths_unknown": 0}
    assert (int(row["low"]), int(row["best"]), int(row["high"])) == (49, 58, 58)
    assert sum(deaths.values()) == int(row["best"])  # no total added on top of its parts
    acled = tmp_path / "night-acled.csv"
    export(ledger, "tallies", acled, "acled")
    [event] = list(csv.DictReader(io.StringIO(acled.read_text(encoding="utf-8"), newline="")))
    assert int(event["fatalities"]) == 49  # the total's low: one conservative number
    assert "None" not in event["notes"]


def test_diff_of_the_night_names_carriers_and_parts(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, _ = night
    result = diff_instants(ledger, "2024-08-26", "now")
    [militants] = [c for c in result.changes if c.victim_status == "militant"]
    kinds = [cause.kind for cause in militants.causes]
    assert kinds.count("carrier") == 2 and "revision" not in kinds
    carriers = [cause.text for cause in militants.causes if cause.kind == "carrier"]
    assert carriers[0].startswith("'twenty-one' of Inter-Services Public Relations carried by Dunya News")
    assert "(the same statement as '21', one more carrier)" in carriers[0]


def test_the_lineage_quotes_each_carrier_and_names_the_primary_source(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, recorded = night
    document = json.loads(lineage(ledger, figure=str(recorded["dawn"].figure_id)))  # type: ignore[attr-defined]
    figure = f"ledger:figure/{recorded['dawn'].figure_id}"  # type: ignore[attr-defined]

    def derivations(kind: str) -> list[dict[str, object]]:  # PROV-JSON writes each as a typed wasDerivedFrom
        return [v for v in document["wasDerivedFrom"].values() if v.get("prov:type", {}).get("$") == kind]

    quoted = {v["prov:usedEntity"]: v for v in derivations("prov:Quotation") if v["prov:generatedEntity"] == figure}
    assert set(quoted) == {"ledger:document/dawn-0826", "ledger:document/dunya-0826", "ledger:document/mehr-0826"}
    assert quoted["ledger:document/dunya-0826"]["ledger:words"] == "twenty-one"
    [primary] = derivations("prov:PrimarySource")
    assert (primary["prov:generatedEntity"], primary["prov:usedEntity"]) == (figure, "ledger:document/dawn-0826")
    # Mehr News cited Dawn: its document was quoted from Dawn's.
    assert any(
        v["prov:generatedEntity"] == "ledger:document/mehr-0826" and v["prov:usedEntity"] == "ledger:document/dawn-0826"
        for v in derivations("prov:Quotation")
    )
    attributes = document["entity"][figure]
    assert (attributes["ledger:stance"], attributes["ledger:reportedPrecision"]) == ("stated", "day")


def test_reconcile_flags_the_headline_as_its_document_contradicting_itself(night: tuple[Ledger, dict[str, object]]) -> None:
    ledger, _ = night
    result = reconcile(ledger, Options(record=False))
    found = {f.kind: f for f in result.findings}
    contradiction = found["document_contradicts_itself"]
    assert "document tribune-0826 contradicts itself: its headline says '23', its body 'twelve'" in contradiction.message
    contested = [f for f in result.findings if f.kind == "contested"]
    assert all("'23'" not in f.message for f in contested)  # the headline is no claimant disagreeing
    republication = [f for f in result.findings if f.kind == "republication"]
    assert any("carried by 3 sources (dawn 2024-08-26 (primary), dunya 2024-08-26, mehr via dawn 2024-08-26)" in f.message
               for f in republication)  # fmt: skip
