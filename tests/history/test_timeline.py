"""`timeline`: a claim series through reported time, as a text chart and as CSV / JSON rows."""

from __future__ import annotations

import csv
import io
import json

import pytest
from history_world import Cli, History, history_fixture  # noqa: F401

from ledger.errors import InvalidInput, NotFound
from ledger.history.facade import series_timeline
from ledger.history.timeline import chart
from ledger.readmodel.view import View


def test_the_series_in_reported_order_whatever_the_order_of_entry(history: History) -> None:
    line = series_timeline(history.ledger, figure=str(history.revision)[:8])
    assert line.title.startswith("Claim series of Inter-Services Public Relations on balochistan-2026 / militant / killed")
    assert [(p.reported, p.quantity, p.low, p.best, p.high, p.high_open, p.state) for p in line.points] == [
        ("2026-02-01", "145", 145, 145, 145, False, "superseded"),  # entered on 4 Feb, after the 3 Feb report
        ("2026-02-03", "at least 216", 216, 216, None, True, "standing"),
        ("2026-02-06", "230", 230, 230, 230, False, "withdrawn"),
    ]
    assert [p.figure_id for p in line.points] == [str(history.feb1), str(history.feb3), str(history.revision)]
    assert line.points[0].recorded_at > line.points[1].recorded_at


def test_the_series_as_it_was(history: History) -> None:
    line = series_timeline(history.ledger, figure=str(history.feb3), view=View.parse(as_of="2026-02-06"))
    states = [(p.quantity, p.state) for p in line.points]
    assert states == [("145", "superseded"), ("at least 216", "superseded"), ("230", "standing")]
    early = series_timeline(history.ledger, figure=str(history.feb3), view=View.parse(reported_before="2026-02-02"))
    assert [(p.quantity, p.state) for p in early.points] == [("145", "standing")]


def test_a_corrected_figure_shows_both_words(history: History) -> None:
    series = {"incident": "nushki-standoff", "claimant": "ispr", "victim_status": "civilian", "outcome": "killed"}
    [point] = series_timeline(history.ledger, **series).points
    assert (point.quantity, point.first_quantity, point.best, point.corrected) == ("26", "261", 26, True)


def test_the_chart_puts_time_down_and_value_across(history: History) -> None:
    text = chart(series_timeline(history.ledger, figure=str(history.feb3)))
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["reported", "quantity", "state"]
    assert lines[1].split()[3:] == ["0", "126", "253"]  # 230 and 216 with a tenth of headroom
    rows = lines[3:]
    assert [r.split()[0] for r in rows] == ["2026-02-01", "2026-02-03", "2026-02-06"]
    start = lines[2].index("+")
    # 145 sits left of 216; the open high of "at least 216" runs to the edge; the withdrawn 230 is an x
    assert rows[0].index("o") - start < rows[1].index("O") - start < rows[2].index("x") - start
    assert rows[1].rstrip().endswith(">")


def test_a_series_must_be_named(history: History) -> None:
    with pytest.raises(InvalidInput, match="give --figure ID, or all of --incident, --claimant, --victim-status, --outcome"):
        series_timeline(history.ledger, incident="nushki-standoff")
    with pytest.raises(NotFound, match=r"^claim series nushki-standoff / hrcp / militant / killed: nothing recorded"):
        series_timeline(history.ledger, incident="nushki-standoff", claimant="hrcp", victim_status="militant", outcome="killed")


# --- the command --------------------------------------------------------------------------------------


def test_timeline_chart_csv_and_json(history: History) -> None:
    cli = Cli(history)
    out = cli.ok("timeline", "--figure", str(history.feb3))
    assert out.splitlines()[0].startswith("Claim series of Inter-Services Public Relations")
    assert "2026-02-06  230" in out
    rows = list(csv.DictReader(io.StringIO(cli.ok("timeline", "--figure", str(history.feb3), "--format", "csv"))))
    assert [(r["reported"], r["low"], r["best"], r["high"], r["high_open"], r["state"]) for r in rows] == [
        ("2026-02-01", "145", "145", "145", "false", "superseded"),
        ("2026-02-03", "216", "216", "", "true", "standing"),
        ("2026-02-06", "230", "230", "230", "false", "withdrawn"),
    ]
    payload = json.loads(cli.ok("timeline", "--figure", str(history.feb3), "--as-of", "2026-02-03", "--format", "json"))
    assert payload["view"] == "as recorded at 2026-02-03T23:59:59.999999Z"
    assert [r["quantity"] for r in payload["rows"]] == ["at least 216"]


def test_timeline_errors(history: History) -> None:
    cli = Cli(history)
    assert cli.fails("timeline", "--figure", "abc").startswith("Error: figure 'abc': too short")
    assert "nothing recorded" in cli.fails(
        "timeline", "--incident", "nushki-standoff", "--claimant", "hrcp", "--victim-status", "militant", "--outcome", "killed"
    )


def test_a_struck_figure_stays_on_the_timeline_marked_struck(history: History) -> None:
    series = {"incident": "nushki-standoff", "claimant": "ispr", "victim_status": "civilian", "outcome": "injured"}
    [point] = series_timeline(history.ledger, **series).points
    assert (point.state, point.first_quantity, point.best) == ("struck", "400", None)
    assert chart(series_timeline(history.ledger, **series)).splitlines()[-1].endswith("x (struck)")
    [before] = series_timeline(history.ledger, **series, view=View.parse(as_of="2026-02-11")).points
    assert (before.state, before.best) == ("standing", 400)
