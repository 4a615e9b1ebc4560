"""The review queue through the CLI: extract, list, accept, edit, reject, in bulk, and extract again.

Real SQLite event store and DuckDB read model in `tmp_path`; every error path checks the exit code,
the single "Error: ..." line and that nothing was written.
"""

from __future__ import annotations

from pathlib import Path

from review_world import REPORT, Cli, build, by_quantity, extract


def _queue(cli: Cli, *args: str) -> list[dict[str, object]]:
    return cli.rows("review", "list", *args)  # type: ignore[no-any-return]


def test_extract_proposes_every_figure_with_its_quote_and_lists_the_unread(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    result = extract(cli, report)
    got = [(p["incident"], p["claimant"], p["victim_status"], p["outcome"], p["quantity"], p["includes"], p["new"])
           for p in result["proposals"]]  # fmt: skip
    assert got == [
        ("quetta-market", "police", "all", "killed", "At least 12", None, True),
        ("quetta-market", "police", "all", "injured", "30", None, True),
        ("nushki-attack", "officials", "all", "killed", "Forty-one", "security_forces=14", True),
    ]
    for p in result["proposals"]:  # the quote is the archived sentence, the number a slice of it
        assert REPORT[p["quote_start"] : p["quote_start"] + len(p["sentence"])] == p["sentence"]
        assert REPORT[p["quantity_start"] : p["quantity_end"]] == p["quantity"]
    assert [(u["text"], u["reason"]) for u in result["unread"]] == [
        ("A policeman was martyred and another injured.", "an outcome ('martyred') without a number the ledger reads")
    ]
    listed = cli.ok("review").stdout  # alone, `ledger review` lists the pending proposals
    assert "At least 12" in listed and "Forty-one" in listed and "pending" in listed
    assert listed == cli.ok("review", "list").stdout
    assert "A policeman was martyred" in cli.ok("review", "unread").stdout
    assert cli.rows("figures") == []  # proposals are not figures until accepted


def test_accept_records_through_the_figure_add_path(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    ids = by_quantity(extract(cli, report)["proposals"])
    accepted = cli.rows("review", "accept", ids["At least 12"])
    assert [a["recorded"] for a in accepted] == ["new"]
    figure_id = accepted[0]["figure_id"]
    [figure] = cli.rows("figures")
    assert (figure["figure_id"], figure["claimant"], figure["victim_status"], figure["quantity_text"]) == (
        figure_id, "police", "all", "At least 12",
    )  # fmt: skip
    assert figure["document"] == "wire-0204" and figure["quote"].startswith("QUETTA: At least 12 people")
    # The very figure `figure add` would record: typing it by hand adds nothing.
    again = cli.ok("figure", "add", "--incident", "quetta-market", "--claimant", "police", "--status", "all",
                   "--outcome", "killed", "--quantity", "At least 12", "--reported", "2026-02-04",
                   "--document", "wire-0204", "--quote", figure["quote"])  # fmt: skip
    assert again.stdout.strip() == figure_id and "already recorded" in again.stderr
    states = {p["quantity"]: p["state"] for p in _queue(cli, "--state", "all")}
    assert states == {"At least 12": "accepted", "30": "pending", "Forty-one": "pending"}


def test_edit_then_accept_records_the_edited_figure(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    ids = by_quantity(extract(cli, report)["proposals"])
    cli.ok("review", "edit", ids["30"], "--status", "civilian", "--reason", "the market's shoppers")
    [row] = [p for p in _queue(cli) if p["quantity"] == "30"]
    assert (row["victim_status"], row["changed"], row["edits"]) == ("civilian", "victim_status", 1)
    cli.ok("review", "accept", ids["30"])
    [figure] = cli.rows("figures")
    assert (figure["victim_status"], figure["outcome"], figure["quantity_text"]) == ("civilian", "injured", "30")


def test_bulk_accept_of_a_document_records_totals_with_their_parts(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    extract(cli, report)
    accepted = cli.rows("review", "accept", "--document", "wire-0204")
    assert len(accepted) == 3 and {a["recorded"] for a in accepted} == {"new"}
    figures = {(f["incident"], f["victim_status"], f["outcome"], f["quantity_text"]) for f in cli.rows("figures")}
    assert figures == {
        ("quetta-market", "all", "killed", "At least 12"),
        ("quetta-market", "all", "injured", "30"),
        ("nushki-attack", "all", "killed", "Forty-one"),
        ("nushki-attack", "security_forces", "killed", "14"),  # the named part, recorded with its total
    }
    tally = {(r["incident"], r["victim_status"], r["outcome"]): r["best"] for r in cli.json("tally")["rows"]}
    assert tally[("nushki-attack", "all", "killed")] == 41 and tally[("nushki-attack", "security_forces", "killed")] == 14
    assert _queue(cli) == []


def test_reject_needs_a_reason_and_extracting_again_proposes_nothing_reviewed(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    ids = by_quantity(extract(cli, report)["proposals"])
    assert "missing option '--reason'" in cli("review", "reject", ids["30"]).stderr
    error = cli.fails("review", "reject", ids["30"], "--reason", " ")
    assert "a reason is required" in error
    cli.ok("review", "reject", ids["30"], "--reason", "the wounded are counted by the hospital's later report")
    cli.ok("review", "accept", ids["At least 12"])
    before = cli.events()
    again = extract(cli, report)  # the same document, archived again: the same key and text change nothing
    assert [p["new"] for p in again["proposals"]] == [False, False, False]
    assert cli.events() == before
    assert [p["quantity"] for p in _queue(cli)] == ["Forty-one"]
    states = {p["quantity"]: (p["state"], p["reason"]) for p in _queue(cli, "--state", "all")}
    assert states["30"] == ("rejected", "the wounded are counted by the hospital's later report")


def test_bulk_reject_and_bulk_edit(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    extract(cli, report)
    assert "3 proposals edited" in cli.ok("review", "edit", "--all", "--note", "checked against the Urdu edition").stderr
    assert {p["note"] for p in _queue(cli)} == {"checked against the Urdu edition"}
    assert "3 proposals rejected" in cli.ok("review", "reject", "--document", "wire-0204", "--reason", "duplicate wire").stderr
    assert _queue(cli) == [] and len(_queue(cli, "--state", "rejected")) == 3


def test_review_errors_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    ids = by_quantity(extract(cli, report)["proposals"])
    assert "not in the review queue" in cli.fails("review", "accept", "ffffffff")
    assert "too short" in cli.fails("review", "accept", "abc")
    assert "say which proposals" in cli.fails("review", "accept")
    error = cli.fails("review", "edit", ids["30"], "--quantity", "31")
    assert "does not state it" in error and "--derived" in error
    assert "unknown category" in cli.fails("review", "edit", ids["30"], "--status", "bystander")
    cli.ok("review", "accept", ids["30"])
    assert "already accepted as figure" in cli.fails("review", "edit", ids["30"], "--status", "civilian")
    assert "already accepted" in cli.fails("review", "reject", ids["30"], "--reason", "no")


def test_accept_says_what_is_missing_and_a_bulk_accept_is_all_or_nothing(tmp_path: Path) -> None:
    cli, report = build(tmp_path / "home", tmp_path)
    other = tmp_path / "other.txt"
    other.write_text("Five Levies personnel were injured in the attack, Levies officials said.", encoding="utf-8")
    found = cli.json("extract", "levies-note", "--file", str(other), "--published", "2026-02-04")["proposals"]
    [levies] = [p["proposal_id"] for p in found]
    assert found[0]["incident"] is None and "incident not clear" in found[0]["doubts"]
    error = cli.fails("review", "accept", levies)
    assert "does not make its incident clear" in error and "--incident" in error
    error = cli.fails("review", "accept", levies, "--incident", "balochistan-2026")
    assert (
        "claimant 'levies' is not in the ledger" in error
        and "ledger claimant add levies --name 'Levies' --kind state_forces" in error
    )
    extract(cli, report)
    before = cli.events()
    assert "does not make its incident clear" in cli.fails("review", "accept", "--all")
    assert cli.events() == before and cli.rows("figures") == []
    cli.ok("claimant", "add", "levies", "--name", "Levies", "--kind", "state_forces")
    cli.ok("review", "accept", levies, "--incident", "balochistan-2026", "--reason", "the note names no town")
    [figure] = cli.rows("figures")
    assert (figure["incident"], figure["claimant"], figure["victim_status"]) == (
        "balochistan-2026",
        "levies",
        "security_forces/levies",
    )
