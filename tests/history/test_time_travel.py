"""As-of (recorded axis), reported-before (reported axis) and occurred filters, checked against answers worked out by hand.

The scene is in history_world.py: a report of 1 Feb recorded after one of 3 Feb, a revision, a typo corrected
a week after entry, a withdrawal. Every expectation below is computed by hand from the default policy.
"""

from __future__ import annotations

import pytest
from conftest import day, reported
from history_world import History, build_history, cells, history_fixture, with_totals  # noqa: F401

from ledger import clock
from ledger.errors import InvalidInput
from ledger.history.facade import query_as_of
from ledger.readmodel.view import View

CAMPAIGN, STANDOFF = "balochistan-2026", "nushki-standoff"
MILITANTS = (CAMPAIGN, "militant", "killed")
CIVILIANS, CAMPAIGN_CIVILIANS = (STANDOFF, "civilian", "killed"), (CAMPAIGN, "civilian", "killed")
POLICE, SF = (STANDOFF, "security_forces/police", "killed"), (STANDOFF, "security_forces", "killed")
CAMPAIGN_SF, CAMPAIGN_POLICE = (CAMPAIGN, "security_forces", "killed"), (CAMPAIGN, "security_forces/police", "killed")
INJURED, CAMPAIGN_INJURED = (STANDOFF, "civilian", "injured"), (CAMPAIGN, "civilian", "injured")

# Security forces: ISPR concedes 5 police (confirmed); the BLA's 81 is not credible (graded E), so the
# standoff's security forces are the sum of their sub-status, and the campaign takes its child's.
SECURITY = {POLICE: (5, 5, 5, "confirmed"), SF: (5, 5, 5, "confirmed"),
            CAMPAIGN_SF: (5, 5, 5, "confirmed"), CAMPAIGN_POLICE: (5, 5, 5, "confirmed")}  # fmt: skip
# Before the correction: HRCP's 20-30 (B) and ISPR's mistyped 261 (D) disagree: contested, high 261.
# The campaign's civilians: the larger of HRCP's own "dozens" (12, open) and the standoff's sum.
TYPO = {CIVILIANS: (20, 20, 261, "contested"), CAMPAIGN_CIVILIANS: (20, 20, "open", "contested")}
# After it: 26 sits inside 20-30 widened by the tolerance; two claimants, one independent: fair.
CORRECTED = {CIVILIANS: (20, 20, 30, "fair"), CAMPAIGN_CIVILIANS: (20, 20, "open", "fair")}
# HRCP's "around 40" injured against ISPR's stray 400 (contested) until the analyst strikes the 400 on 12 Feb.
STRAY = {INJURED: (40, 40, 400, "contested"), CAMPAIGN_INJURED: (40, 40, 400, "contested")}
STRUCK = {INJURED: (40, 40, 40, "weak"), CAMPAIGN_INJURED: (40, 40, 40, "weak")}

AS_OF = {
    "2026-02-02": {},  # only registrations: no figure yet
    "2026-02-03": {MILITANTS: (216, 216, "open", "weak")},
    # the 1 Feb report (145), entered on 4 Feb, was said before 3 Feb's "at least 216": it does not displace it
    "2026-02-04": {MILITANTS: (216, 216, "open", "weak")},
    "2026-02-05": {MILITANTS: (216, 216, "open", "weak"), **TYPO, **SECURITY, **STRAY},
    "2026-02-06": {MILITANTS: (230, 230, 230, "weak"), **TYPO, **SECURITY, **STRAY},
    "2026-02-12": {MILITANTS: (230, 230, 230, "weak"), **CORRECTED, **SECURITY, **STRUCK},
    # 230 withdrawn: the latest figure not withdrawn, by reported time, is 3 Feb's again
    "2026-02-13": {MILITANTS: (216, 216, "open", "weak"), **CORRECTED, **SECURITY, **STRUCK},
}

REPORTED_BEFORE = {
    "2026-01-31": {},
    "2026-02-01": {MILITANTS: (145, 145, 145, "weak")},  # the back-filled report counts on this axis
    "2026-02-03": {MILITANTS: (216, 216, "open", "weak")},
    "2026-02-04": {MILITANTS: (216, 216, "open", "weak"), **SECURITY},  # the police figure was said on 4 Feb
    # corrections and strikes fix our entry, not the claim: the reported axis always reads them
    "2026-02-05": {MILITANTS: (216, 216, "open", "weak"), **CORRECTED, **SECURITY, **STRUCK},
    # the withdrawal was said on 13 Feb: before then the 230 stood
    "2026-02-12": {MILITANTS: (230, 230, 230, "weak"), **CORRECTED, **SECURITY, **STRUCK},
    "2026-02-13": {MILITANTS: (216, 216, "open", "weak"), **CORRECTED, **SECURITY, **STRUCK},
}


@pytest.mark.parametrize("instant", AS_OF)
def test_as_of_gives_what_the_ledger_knew_then(history: History, instant: str) -> None:
    result = history.ledger.tally(view=View.parse(as_of=instant))
    assert cells(result.rows) == with_totals(AS_OF[instant])
    assert result.view == f"as recorded at {instant}T23:59:59.999999Z"
    assert f"as recorded at {instant}" in result.title


@pytest.mark.parametrize("instant", REPORTED_BEFORE)
def test_reported_before_gives_what_had_been_claimed_then(history: History, instant: str) -> None:
    result = history.ledger.tally(view=View.parse(reported_before=instant))
    assert cells(result.rows) == with_totals(REPORTED_BEFORE[instant])
    assert result.view.startswith(f"as reported by {instant}")


def test_now_is_the_last_as_of(history: History) -> None:
    assert cells(history.ledger.tally().rows) == with_totals(AS_OF["2026-02-13"])


def test_log_positions_follow_the_recorded_axis_only(history: History) -> None:
    ledger = history.ledger
    positions = [ledger.tally(view=View.parse(as_of=d)).position for d in AS_OF]
    assert positions == sorted(positions) and positions[0] < positions[-1]
    now = ledger.tally().position
    assert positions[-1] == now
    # the reported axis reads everything recorded so far
    assert {ledger.tally(view=View.parse(reported_before=d)).position for d in REPORTED_BEFORE} == {now}


def test_a_timestamp_with_a_zone_splits_a_day(history: History) -> None:
    # The back-fill was recorded at 10:00Z on 4 Feb: 14:00 in Pakistan (+05:00) is 09:00Z, before it; 16:00 is after.
    before = history.ledger.figures(view=View.parse(as_of="2026-02-04T14:00+05:00"))
    after = history.ledger.figures(view=View.parse(as_of="2026-02-04T16:00+05:00"))
    assert [r["figure_id"] for r in before] == [str(history.feb3)]
    states = {r["figure_id"]: r["state"] for r in after}
    assert states == {str(history.feb3): "standing", str(history.feb1): "superseded"}
    assert View.parse(as_of="2026-02-04T14:00+05:00").describe() == "as recorded at 2026-02-04T09:00:00Z"


def test_figure_states_and_corrections_as_they_were(history: History) -> None:
    def state(instant: str | None, figure: object) -> tuple[object, object, object]:
        rows = history.ledger.figures(view=View.parse(as_of=instant))
        row = next(r for r in rows if r["figure_id"] == str(figure))
        return row["state"], row["corrected"], row.get("current_quantity")

    assert state("2026-02-05", history.feb3) == ("standing", False, "at least 216")
    assert state("2026-02-06", history.feb3) == ("superseded", False, "at least 216")
    assert state("2026-02-12", history.revision) == ("standing", False, "230")
    assert state(None, history.revision) == ("withdrawn", False, "230")
    assert state(None, history.feb3) == ("standing", False, "at least 216")
    assert state("2026-02-11", history.typo) == ("standing", False, "261")
    assert state("2026-02-12", history.typo) == ("standing", True, "26")
    assert state("2026-02-11", history.stray) == ("standing", False, "400")
    assert state("2026-02-12", history.stray)[0] == "struck"


def test_the_audit_trail_as_of_an_instant_stops_there(history: History) -> None:
    rows = history.ledger.audit(figure=str(history.feb3), view=View.parse(as_of="2026-02-06"))
    # the series opening, the 3 Feb report, the back-filled 1 Feb one, the revision; not the withdrawal of 13 Feb
    assert [r["figure_id"] for r in rows] == [None, str(history.feb3), str(history.feb1), str(history.revision)]
    assert len(history.ledger.audit(figure=str(history.feb3))) == 5


def test_the_occurred_filter_keeps_the_incidents_whose_period_overlaps(history: History) -> None:
    # The standoff happened 30 Jan - 2 Feb; the campaign runs 25 Jan - 28 Feb.
    early = cells(history.ledger.tally(view=View.parse(occurred_to="2026-01-29")).rows)
    assert early == with_totals({MILITANTS: (216, 216, "open", "weak"), CAMPAIGN_CIVILIANS: (12, 12, "open", "weak")})
    late = cells(history.ledger.tally(view=View.parse(as_of="2026-02-05", occurred_from="2026-02-02")).rows)
    assert late == with_totals(AS_OF["2026-02-05"])
    described = View.parse(occurred_from="2026-02-02", occurred_to="2026-02").describe()
    assert described == "as recorded now, occurred 2026-02-02..2026-02-28"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"as_of": "yesterday"}, "--as-of 'yesterday': not a date or time"),
        ({"as_of": "2026-02-04T14:00"}, "needs a time zone"),
        ({"reported_before": "2026-13-01"}, "--reported-before '2026-13-01': not a date or time"),
        ({"as_of": "2026-02-04", "reported_before": "2026-02-04"}, "choose one time axis"),
        ({"occurred_from": "2026-02-05", "occurred_to": "2026-02-01"}, "the range is reversed"),
    ],
)
def test_invalid_instants_and_reversed_ranges_are_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        View.parse(**options)


def test_ledger_query_reads_an_as_of_snapshot(history: History) -> None:
    view = View.parse(as_of="2026-02-05")
    columns, rows = query_as_of(
        history.ledger, "SELECT incident, victim_status, low, best, high, grade, view FROM tallies_asof "
        "WHERE incident = 'nushki-standoff' AND victim_status = 'civilian' AND outcome = 'killed'", view,
    )  # fmt: skip
    assert columns == ["incident", "victim_status", "low", "best", "high", "grade", "view"]
    assert rows == [("nushki-standoff", "civilian", 20, 20, 261, "contested", "as recorded at 2026-02-05T23:59:59.999999Z")]
    _, states = query_as_of(history.ledger, "SELECT quantity_text, state, log_position FROM figures_asof ORDER BY position", view)
    at = history.ledger.tally(view=view).position
    assert states[:2] == [("at least 216", "standing", at), ("145", "superseded", at)]
    assert len(states) == 9  # the revision came a day later
    # The raw tables still hold the whole history.
    _, everything = query_as_of(history.ledger, "SELECT count(*) FROM figures", view)
    assert everything == [(10,)]


def test_an_as_of_answer_is_the_same_after_more_facts_are_recorded(tmp_path: object) -> None:
    from conftest import make_ledger

    ledger = make_ledger(tmp_path)  # type: ignore[arg-type]
    try:
        history = build_history(ledger)
        view = View.parse(as_of="2026-02-06")
        tally, figures = ledger.tally(view=view), ledger.figures(view=view)
        with clock.pinned(day("2026-02-20T10:00:00")):
            ledger.record_figure(history.world.figure(quantity="300", reported=reported("2026-02-02"), document=None, quote=None))
            ledger.withdraw_figure(str(history.feb3), "never said", reported=reported("2026-02-04"))
            ledger.correct_figure(str(history.typo), "misread", quantity="2")
        assert ledger.tally(view=view) == tally
        assert ledger.figures(view=view) == figures
        assert ledger.tally().rows != tally.rows  # the new facts do change today's answer
    finally:
        ledger.close()


def test_the_query_command_takes_the_view_options(history: History) -> None:
    from history_world import Cli

    cli = Cli(history)
    sql = "SELECT incident, victim_status, best, grade, view FROM tallies_asof WHERE victim_status = 'militant'"
    result = cli("query", sql, "--reported-before", "2026-02-01", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "incident,victim_status,best,grade,view",
        "balochistan-2026,militant,145,weak,as reported by 2026-02-01T23:59:59.999999Z",
    ]
    assert result.stderr.strip() == "figures_asof, tallies_asof and tally_claims_asof: as reported by 2026-02-01T23:59:59.999999Z"
    # Without a view option there is no snapshot to read: the tables hold the whole history.
    assert "figures_asof" in cli.fails("query", "SELECT * FROM figures_asof")
    assert "--as-of 'later': not a date or time" in cli.fails("query", "SELECT 1", "--as-of", "later")
