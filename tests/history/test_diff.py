"""`diff`: which cells changed between two instants, from what to what, and the facts that changed them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import day, make_ledger
from history_world import Cli, History, build_history, history_fixture  # noqa: F401

from ledger import clock
from ledger.domain.values import Location, LocationPrecision, Period
from ledger.errors import InvalidInput
from ledger.history.diff import Change, Diff, views
from ledger.history.facade import diff_instants


def by_cell(result: Diff) -> dict[tuple[str, str, str], Change]:
    return {(c.incident, c.victim_status, c.outcome): c for c in result.changes}


def positions(history: History, figure: object) -> list[int]:
    return [int(r["position"]) for r in history.ledger.audit(figure=str(figure)) if r["figure_id"] == str(figure)]


def test_a_week_of_recording_a_correction_and_a_revision(history: History) -> None:
    result = diff_instants(history.ledger, "2026-02-05", "2026-02-12")
    assert result.axis == "recorded"
    assert result.title.startswith("Tally changes under policy default@1, from as recorded at 2026-02-05T23:59:59.999999Z")
    assert result.title.endswith(": 9 cells changed")
    changes = by_cell(result)
    assert set(changes) == {
        ("nushki-standoff", "civilian", "killed"),
        ("balochistan-2026", "civilian", "killed"),  # the parent moves with its child
        ("balochistan-2026", "militant", "killed"),
        ("nushki-standoff", "civilian", "injured"),
        ("balochistan-2026", "civilian", "injured"),
        # and every total above them
        ("nushki-standoff", "all", "killed"),
        ("balochistan-2026", "all", "killed"),
        ("nushki-standoff", "all", "injured"),
        ("balochistan-2026", "all", "injured"),
    }
    standoff = changes["nushki-standoff", "civilian", "killed"]
    assert (standoff.change, standoff.text) == ("changed", "20 / 20 / 261, contested -> 20 / 20 / 30, fair")
    [correction] = standoff.causes
    assert correction.kind == "correction" and correction.figure_id == str(history.typo)
    assert correction.position == positions(history, history.typo)[1]
    assert correction.text == (
        "correction of '261' of Inter-Services Public Relations by tester (quantity -> '26'): typed 261 for 26"
    )
    assert (correction.document, correction.quote) == ("tribune-2026-02-05", None)
    assert changes["balochistan-2026", "civilian", "killed"].causes == standoff.causes
    total = changes["nushki-standoff", "all", "killed"]
    assert total.text == "25 / 25 / 266, contested -> 25 / 25 / 35, fair"  # civilians and the police's 5
    assert total.causes == standoff.causes
    campaign = changes["balochistan-2026", "all", "killed"]
    assert {c.kind for c in campaign.causes} == {"correction", "revision"}
    militants = changes["balochistan-2026", "militant", "killed"]
    assert militants.text == "216 / 216 / open, weak -> 230 / 230 / 230, weak"
    [revision] = militants.causes
    assert (revision.kind, revision.figure_id) == ("revision", str(history.revision))
    assert revision.text == "Inter-Services Public Relations said '230', reported 2026-02-06 (revises 'at least 216')"
    injured = changes["nushki-standoff", "civilian", "injured"]
    assert injured.text == "40 / 40 / 400, contested -> 40 / 40 / 40, weak"
    [strike] = injured.causes
    assert (strike.kind, strike.figure_id) == ("strike", str(history.stray))
    assert strike.text == (
        "strike of '400' of Inter-Services Public Relations as an entry error by tester: entered against the wrong incident"
    )


def test_a_withdrawal_brings_back_the_earlier_figure(history: History) -> None:
    result = diff_instants(history.ledger, "2026-02-12")  # to now
    total, change = result.changes
    assert (total.victim_status, change.victim_status) == ("all", "militant")
    assert change.text == "230 / 230 / 230, weak -> 216 / 216 / open, weak"
    assert total.text == "255 / 255 / open, weak -> 241 / 241 / open, weak"  # with the civilians and police
    assert total.causes == change.causes
    [withdrawal] = change.causes
    assert withdrawal.kind == "withdrawal"
    assert withdrawal.text == (
        "withdrawal of '230' of Inter-Services Public Relations by the claimant on 2026-02-13: statement retracted"
    )


def test_a_back_filled_older_report_changes_nothing_on_the_recorded_axis(history: History) -> None:
    assert diff_instants(history.ledger, "2026-02-03", "2026-02-04").changes == ()


def test_on_the_reported_axis_the_back_filled_report_came_first(history: History) -> None:
    result = diff_instants(history.ledger, "2026-02-01", "2026-02-03", axis="reported")
    assert result.before == "as reported by 2026-02-01T23:59:59.999999Z"
    total, change = result.changes
    assert total.victim_status == "all" and total.text == change.text
    assert change.text == "145 / 145 / 145, weak -> 216 / 216 / open, weak"
    [claim] = change.causes
    assert (claim.kind, claim.figure_id) == ("revision", str(history.feb3))
    assert claim.text.endswith("reported 2026-02-03 (revises '145')")


def test_cells_appear_with_their_new_claims(history: History) -> None:
    changes = by_cell(diff_instants(history.ledger, "2026-02-04", "2026-02-05", incident="nushki-standoff"))
    statuses = ("all", "civilian", "security_forces", "security_forces/police")
    injured = {("nushki-standoff", s, "injured") for s in ("all", "civilian")}
    assert set(changes) == {("nushki-standoff", s, "killed") for s in statuses} | injured
    police = changes["nushki-standoff", "security_forces/police", "killed"]
    assert (police.change, police.before, police.text) == ("added", None, "(no cell) -> 5 / 5 / 5, confirmed")
    assert [c.kind for c in police.causes] == ["new claim"]
    # the BLA's 81 is a fact in the scope of the security forces cell, though not credible
    assert {c.figure_id for c in changes["nushki-standoff", "security_forces", "killed"].causes} == {
        str(history.police), str(history.bla)
    }


@pytest.mark.parametrize(
    ("start", "end", "axis", "message"),
    [
        ("2026-02-12", "2026-02-05", "recorded", "diff 2026-02-12..2026-02-05: the range is reversed"),
        ("now", "2026-02-05", "recorded", "diff now..2026-02-05: the range is reversed"),
        ("2026-02-30", "now", "recorded", "diff START '2026-02-30': not a date or time"),
        ("2026-02-01", "2026-02-03T10:00", "reported", "diff END '2026-02-03T10:00': a time needs a time zone"),
        ("2026-02-01", "now", "sideways", "axis 'sideways': unknown"),
    ],
)
def test_bad_instants_and_reversed_ranges(start: str, end: str, axis: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        views(start, end, axis)


def test_instants_with_zones_are_compared_as_instants() -> None:
    # 23:00 at -05:00 on 4 Feb is 04:00Z on 5 Feb: later than 01:00Z on 5 Feb, though its date reads earlier.
    with pytest.raises(InvalidInput, match="the range is reversed"):
        views("2026-02-04T23:00-05:00", "2026-02-05T01:00Z")
    before, after = views("2026-02-05T01:00Z", "2026-02-04T23:00-05:00", "reported")
    assert (before.reported_by, after.reported_by) == (day("2026-02-05T01:00"), day("2026-02-05T04:00"))


@pytest.fixture
def corrected(tmp_path: Path) -> History:
    """The history, then on 14 Feb an analyst moves the standoff's dates and narrows its place (its own ledger:
    the shared history is read-only)."""
    ledger = make_ledger(tmp_path)
    history = build_history(ledger)
    with clock.pinned(day("2026-02-14T10:00:00")):
        ledger.app.correct_incident(
            "nushki-standoff", "the standoff began on 31 January, in Nushki town", ledger.entry(),
            location=Location("Pakistan", "Balochistan", "Nushki", "Nushki town", LocationPrecision.PLACE),
            period=Period(dt.date(2026, 1, 31), dt.date(2026, 2, 2)),
        )  # fmt: skip
    yield history
    ledger.close()


def test_an_analysts_incident_correction_is_listed_with_what_moved_and_why(corrected: History) -> None:
    result = diff_instants(corrected.ledger, "2026-02-13", "now")
    assert result.changes == ()  # no figure moved, and the new dates keep every figure in its cell
    [correction] = result.corrections
    assert correction.incident == "nushki-standoff" and correction.analyst == "tester" and correction.via == "cli"
    assert [(c.field, c.before, c.after) for c in correction.changes] == [
        ("dates", "2026-01-30..2026-02-02 (day)", "2026-01-31..2026-02-02 (day)"),
        ("place", "Nushki, Nushki, Balochistan, Pakistan", "Nushki town, Nushki, Balochistan, Pakistan"),
    ]
    assert correction.cause == "by tester via cli: the standoff began on 31 January, in Nushki town"
    assert result.title.endswith(": 0 cells changed, 1 incident corrected")
    # outside the window, outside the occurred range, or on the reported axis (an analyst's fact): not listed
    assert diff_instants(corrected.ledger, "2026-02-05", "2026-02-12").corrections == ()
    assert diff_instants(corrected.ledger, "2026-02-13", "now", occurred_to="2026-01-29").corrections == ()
    assert diff_instants(corrected.ledger, "2026-02-13", "now", occurred_to="2026-01-30").corrections == (correction,)
    assert diff_instants(corrected.ledger, "2026-02-13", "now", incident="balochistan-2026").corrections == (correction,)
    assert diff_instants(corrected.ledger, "2026-02-13", "now", axis="reported").corrections == ()


def test_diff_prints_and_writes_the_incident_corrections(corrected: History) -> None:
    cli = Cli(corrected)
    lines = cli.ok("diff", "2026-02-13", "now").splitlines()
    assert lines[1:] == [
        "Incidents corrected:",
        "nushki-standoff: dates 2026-01-30..2026-02-02 (day) -> 2026-01-31..2026-02-02 (day); "
        "place Nushki, Nushki, Balochistan, Pakistan -> Nushki town, Nushki, Balochistan, Pakistan",
        lines[3],
    ]
    assert lines[3].startswith("  [#") and lines[3].endswith(
        "] incident correction by tester via cli: the standoff began on 31 January, in Nushki town"
    )
    rows = list(csv.DictReader(io.StringIO(cli.ok("diff", "2026-02-13", "now", "--format", "csv"))))
    assert [(r["incident"], r["change"], r["corrected"], r["before"], r["after"], r["cause"]) for r in rows] == [
        ("nushki-standoff", "incident corrected", "dates", "2026-01-30..2026-02-02 (day)", "2026-01-31..2026-02-02 (day)",
         "incident correction"),
        ("nushki-standoff", "incident corrected", "place", "Nushki, Nushki, Balochistan, Pakistan",
         "Nushki town, Nushki, Balochistan, Pakistan", "incident correction"),
    ]  # fmt: skip
    assert rows[0]["victim_status"] == "" and rows[0]["before_best"] == ""
    payload = json.loads(cli.ok("diff", "2026-02-13", "now", "--format", "json"))
    assert {(r["corrected"], r["cause_text"]) for r in payload["rows"]} == {
        (field, "by tester via cli: the standoff began on 31 January, in Nushki town") for field in ("dates", "place")
    }


# --- the command --------------------------------------------------------------------------------------


def test_diff_prints_each_change_and_its_causes(history: History) -> None:
    out = Cli(history).ok("diff", "2026-02-12", "now")
    lines = out.splitlines()
    assert lines[0].endswith(": 2 cells changed")
    assert lines[1] == "balochistan-2026 / all / killed: 255 / 255 / open, weak -> 241 / 241 / open, weak (changed)"
    assert lines[2].startswith("  [#") and "withdrawal: withdrawal of '230'" in lines[2]
    assert lines[3] == "balochistan-2026 / militant / killed: 230 / 230 / 230, weak -> 216 / 216 / open, weak (changed)"


def test_diff_as_csv_has_one_row_per_cause(history: History) -> None:
    rows = list(csv.DictReader(io.StringIO(Cli(history).ok("diff", "2026-02-05", "2026-02-12", "--format", "csv"))))
    assert [(r["incident"], r["victim_status"], r["outcome"], r["cause"]) for r in rows] == [
        ("balochistan-2026", "all", "injured", "strike"),
        ("balochistan-2026", "all", "killed", "revision"),
        ("balochistan-2026", "all", "killed", "correction"),
        ("balochistan-2026", "civilian", "injured", "strike"),
        ("balochistan-2026", "civilian", "killed", "correction"),
        ("balochistan-2026", "militant", "killed", "revision"),
        ("nushki-standoff", "all", "injured", "strike"),
        ("nushki-standoff", "all", "killed", "correction"),
        ("nushki-standoff", "civilian", "injured", "strike"),
        ("nushki-standoff", "civilian", "killed", "correction"),
    ]
    assert rows[0]["from_view"] == "as recorded at 2026-02-05T23:59:59.999999Z" and rows[0]["axis"] == "recorded"


def test_diff_as_json(history: History) -> None:
    payload = json.loads(Cli(history).ok("diff", "2026-02-01", "2026-02-03", "--axis", "reported", "--format", "json"))
    assert payload["axis"] == "reported"
    rows = payload["rows"]
    assert {r["victim_status"] for r in rows} == {"all", "militant"}  # the total moves with its part
    [change] = [r for r in rows if r["victim_status"] == "militant"]
    assert change["before_best"] == 145 and change["after_high_open"] is True
    assert change["cause"] == "revision"


def test_diff_errors(history: History) -> None:
    cli = Cli(history)
    assert cli.fails("diff", "2026-02-12", "2026-02-05") == (
        "Error: diff 2026-02-12..2026-02-05: the range is reversed; give the earlier instant first"
    )
    cli.fails("diff", "2026-02-01", "--axis", "sideways", code=2)
