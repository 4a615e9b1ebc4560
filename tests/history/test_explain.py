"""`explain`: why a tally cell reads what it reads, each line pointing at its fact, document and words."""

from __future__ import annotations

import json

import pytest
from history_world import Cli, History, history_fixture  # noqa: F401

from ledger.errors import NotFound
from ledger.history.explain import Explanation, Line
from ledger.history.facade import explain_cell
from ledger.readmodel.view import View


def section(result: Explanation, name: str) -> list[Line]:
    return [line for line in result.lines if line.section == name]


def position(history: History, figure: object) -> int:
    return next(int(r["position"]) for r in history.ledger.figures() if r["figure_id"] == str(figure))


def test_standing_figures_each_bound_and_the_grade_of_a_contested_cell(history: History) -> None:
    result = explain_cell(history.ledger, "nushki-standoff", "civilian", "killed", view=View.parse(as_of="2026-02-05"))
    assert result.bounds is not None
    assert (result.bounds.low, result.bounds.best, result.bounds.high, result.grade) == (20, 20, 261, "contested")
    assert result.view == "as recorded at 2026-02-05T23:59:59.999999Z"
    counted = section(result, "counted")
    assert [(line.figure_id, line.position) for line in counted] == [
        (str(history.hrcp_standoff), position(history, history.hrcp_standoff)),
        (str(history.typo), position(history, history.typo)),
    ]
    assert counted[0].document == "tribune-2026-02-05"
    assert counted[0].quote == "between 20 and 30 civilians were killed"
    assert "Human Rights Commission of Pakistan (independent, reliability B) said 'between 20 and 30'" in counted[0].text
    assert "said '261'" in counted[1].text and counted[1].text.endswith("261 / 261 / 261")
    assert section(result, "low")[0].text.startswith("low 20: the lowest credible low, Human Rights Commission")
    assert section(result, "best")[0].text.startswith("best 20: the figure of the most reliable claimant, Human Rights")
    high = section(result, "high")[0]
    assert high.text.startswith("high 261: the highest credible bound, Inter-Services Public Relations")
    assert high.figure_id == str(history.typo)
    assert section(result, "grade")[0].text.startswith("contested: credible claims disagree beyond the tolerance (0.2)")
    assert section(result, "correction") == []  # the typo was corrected only on 12 Feb


def test_a_correction_is_shown_with_its_own_fact_and_reason(history: History) -> None:
    result = explain_cell(history.ledger, "nushki-standoff", "civilian", "killed")
    assert result.grade == "fair" and result.bounds is not None and result.bounds.high == 30
    [correction] = section(result, "correction")
    audit = history.ledger.audit(figure=str(history.typo))
    corrected_at = next(r["position"] for r in audit if r["summary"].startswith("figure corrected"))
    assert correction.position == corrected_at
    assert f"first recorded as '261' [#{position(history, history.typo)}]" in correction.text
    assert correction.text.endswith("(quantity -> '26'): typed 261 for 26")
    assert section(result, "grade")[0].text.startswith("fair: two or more claimants, at least one independent")


def test_superseded_and_withdrawn_figures_are_set_aside_with_their_reasons(history: History) -> None:
    result = explain_cell(history.ledger, "balochistan-2026", "militant", "killed")
    assert [line.figure_id for line in section(result, "counted")] == [str(history.feb3)]
    superseded, withdrawn = section(result, "set aside")
    assert superseded.figure_id == str(history.feb1)
    assert "said '145', reported 2026-02-01: superseded by a later report, 'at least 216' reported 2026-02-03" in superseded.text
    assert withdrawn.figure_id == str(history.revision)
    assert withdrawn.text.endswith("withdrawn by the claimant on 2026-02-13: statement retracted")
    assert withdrawn.position == max(r["position"] for r in history.ledger.audit(figure=str(history.feb3)))
    assert section(result, "high")[0].text.startswith("high open: Inter-Services Public Relations")
    grade = section(result, "grade")[0].text
    assert grade == "weak: one claimant only, a party to the conflict (Inter-Services Public Relations)"


def test_a_claimant_the_policy_finds_not_credible_is_set_aside(history: History) -> None:
    result = explain_cell(history.ledger, "nushki-standoff", "security_forces", "killed")
    [bla] = section(result, "set aside")
    assert bla.figure_id == str(history.bla)
    assert bla.text.endswith("claimant graded E, not credible under policy default@1")
    assert (bla.document, bla.quote) == ("dawn-2026-02-05", "81 soldiers died")
    assert [line.text for line in section(result, "part")] == ["nushki-standoff / security_forces/police: 5 / 5 / 5, confirmed"]
    combined = [line.text for line in section(result, "combined")]
    assert "low 5 from sum of sub-statuses" in combined
    assert combined[-1].startswith("grade confirmed: the least certain grade among the parts")


def test_a_parent_takes_the_larger_of_its_own_claims_and_its_childrens_sum(history: History) -> None:
    result = explain_cell(history.ledger, "balochistan-2026", "civilian", "killed")
    assert result.basis == "claims+parts"
    [vague] = section(result, "words")
    assert vague.text == "'dozens' read as low / best / high 12 / 12 / open by table default@1"
    assert vague.figure_id == str(history.hrcp_dozens) and vague.quote == "dozens of civilians died"
    assert section(result, "part")[0].text == "nushki-standoff / civilian: 20 / 20 / 30, fair"
    combined = [line.text for line in section(result, "combined")]
    assert combined[:4] == [
        "for each bound the larger, never added (they overlap): own claims 12 / 12 / open; sum of child incidents 20 / 20 / 30",
        "low 20 from sum of child incidents",
        "best 20 from sum of child incidents",
        "high open from own claims",
    ]
    assert combined[4].startswith("grade fair: the least certain grade among the parts that carry a number (nushki-standoff")


def test_another_policy_explains_its_own_rules(history: History) -> None:
    result = explain_cell(history.ledger, "balochistan-2026", "militant", "killed", policy="acled")
    assert result.policy == "acled@1"
    assert section(result, "best")[0].text.startswith("best 216: the lowest best of any counted claimant")
    assert section(result, "low")[0].text == "low and high collapse onto best: policy acled@1 publishes one number"


def test_a_cell_absent_at_that_instant_is_not_found(history: History) -> None:
    with pytest.raises(NotFound, match=r"cell nushki-standoff / civilian / killed: no figures as recorded at 2026-02-04"):
        explain_cell(history.ledger, "nushki-standoff", "civilian", "killed", view=View.parse(as_of="2026-02-04"))


# --- the command --------------------------------------------------------------------------------------


def test_explain_prints_prose_with_positions_documents_and_quotes(history: History) -> None:
    out = Cli(history).ok("explain", "balochistan-2026", "militant", "killed", "--as-of", "2026-02-06")
    lines = out.splitlines()
    assert lines[0].startswith("Cell balochistan-2026 / militant / killed under policy default@1, as recorded at 2026-02-06")
    assert "  low / best / high 230 / 230 / 230, grade weak, from its own claims" in lines
    feb3 = position(history, history.feb3)
    assert any(line.startswith(f"  [#{feb3}] ") and 'dawn-2026-02-05: "killed at least 216 militants"' in line for line in lines)


def test_explain_as_json_carries_the_cell_and_its_lines(history: History) -> None:
    out = Cli(history).ok("explain", "nushki-standoff", "civilian", "killed", "--format", "json")
    payload = json.loads(out)
    assert (payload["low"], payload["best"], payload["high"], payload["grade"]) == (20, 20, 30, "fair")
    assert payload["view"] == "as recorded now" and payload["policy"] == "default@1"
    assert {row["section"] for row in payload["rows"]} >= {"counted", "correction", "low", "best", "high", "grade"}


def test_explain_errors(history: History) -> None:
    cli = Cli(history)
    assert cli.fails("explain", "nowhere", "civilian", "killed") == (
        "Error: incident 'nowhere': not in the ledger; list incidents with `ledger incident list`"
    )
    assert "outcome 'dead': not recognised" in cli.fails("explain", "nushki-standoff", "civilian", "dead")
    bad_instant = cli.fails("explain", "nushki-standoff", "civilian", "killed", "--as-of", "soon")
    assert "--as-of 'soon': not a date or time" in bad_instant
    cli.fails("explain", "nushki-standoff", code=2)  # missing arguments: a usage error


def test_a_struck_entry_is_named_with_the_strike_that_removed_it(history: History) -> None:
    result = explain_cell(history.ledger, "nushki-standoff", "civilian", "injured")
    assert result.grade == "weak" and [line.figure_id for line in section(result, "counted")] == [str(history.injured)]
    [struck] = section(result, "struck")
    assert struck.figure_id == str(history.stray)
    assert struck.text == (
        f"'400' of Inter-Services Public Relations [#{position(history, history.stray)}] struck out as an entry error "
        "by tester: entered against the wrong incident"
    )
    assert struck.position == max(r["position"] for r in history.ledger.audit(figure=str(history.stray)))
    before = explain_cell(history.ledger, "nushki-standoff", "civilian", "injured", view=View.parse(as_of="2026-02-11"))
    assert section(before, "struck") == [] and before.grade == "contested"
    assert "around 40" in section(before, "counted")[0].text
