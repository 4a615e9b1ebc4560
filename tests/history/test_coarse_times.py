"""Coarse reported times on the reported axis, and in every output."""

from __future__ import annotations

from conftest import World
from history_world import Cli

from ledger.domain.values import ReportedTime, parse_instant
from ledger.readmodel.view import View


def month(text: str) -> ReportedTime:
    at, precision = parse_instant(text, "reported")
    return ReportedTime(at, precision, True)


def test_a_coarse_report_counts_as_public_once_its_whole_period_has_passed(world: World) -> None:
    """`--reported-before T` counts a coarse report only when it was certainly public by T."""
    ledger = world.ledger
    ledger.record_figure(world.figure(quantity="12", quote=None, reported=month("2026-02")))

    def visible(instant: str) -> bool:
        return bool(ledger.figures(view=View.parse(reported_before=instant)))

    assert not visible("2026-02-10")  # it may have come out on the 28th
    assert visible("2026-02-28")
    [row] = ledger.figures()
    assert (row["reported_precision"], row["reported_estimated"]) == ("month", True)  # kept in every output
    [audit] = [r for r in ledger.audit(incident=world.campaign) if r["topic"] == "ledger:ClaimSeries.FigureReported"]
    assert audit["reported"] == "2026-02 (estimated)"


def test_a_report_of_a_month_about_a_day_in_it_is_accepted_through_the_cli(world: World) -> None:
    cli = Cli(world)  # type: ignore[arg-type]  # the helper needs only the ledger
    out = cli.ok(
        "figure", "add", "--incident", world.standoff, "--claimant", "hrcp", "--status", "civilian", "--outcome",
        "killed", "--quantity", "12", "--reported", "Jan 2026", "--estimated",
    )  # fmt: skip
    assert len(out.strip()) == 36
