"""The ledger's use-cases told as stories, on a real SQLite event store and a real DuckDB read model.

Each story registers what it needs, records what claimants said, and reads back what the ledger
now holds. The error stories check two things: the command fails with a ledger error that says
what is wrong, and the event log is exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from conftest import World, day, event_count, reported, writes_nothing

from ledger import clock
from ledger.application.app import RejectedImport
from ledger.domain.series import Correction
from ledger.domain.values import Location, Period, SubCounts
from ledger.domain.vocabulary import LocationPrecision
from ledger.errors import Conflict, InvalidInput, LedgerError, NotFound
from ledger.ledger import Ledger
from ledger.readmodel.view import View


def by_id(ledger: Ledger, figure_id: uuid.UUID) -> dict[str, object]:
    return next(row for row in ledger.figures() if row["figure_id"] == str(figure_id))


def cell(
    ledger: Ledger, incident: str, victim_status: str, outcome: str = "killed", view: View | None = None
) -> dict[str, object]:
    rows = ledger.tally(view=view or View()).rows
    return next(r for r in rows if (r["incident"], r["victim_status"], r["outcome"]) == (incident, victim_status, outcome))


class TestRecordingAFigure:
    def test_a_figure_is_recorded_with_its_quote_located_in_the_archived_document(self, world: World) -> None:
        # The military's statement, as Dawn carried it, is recorded with the words it was read from.
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        assert recorded.is_new

        row = by_id(ledger, recorded.figure_id)
        quote = "killed at least 216 militants"
        start = world.text.index(quote)
        assert (row["quote"], row["quote_start"], row["quote_end"]) == (quote, start, start + len(quote))
        assert world.text[row["quote_start"] : row["quote_end"]] == quote
        assert row["document"] == world.document
        assert row["publisher"] == world.publisher  # taken from the document
        assert row["role"] == "enemy_losses"  # the claimant's default role for militants
        assert (row["bound_kind"], row["low"], row["best"], row["high"]) == ("at_least", 216, 216, None)
        assert row["analyst"] == "tester"
        assert row["state"] == "standing"

    def test_recording_the_same_figure_twice_changes_nothing(self, world: World) -> None:
        ledger = world.ledger
        first = ledger.record_figure(world.figure())
        with writes_nothing(ledger):
            again = ledger.record_figure(world.figure())
        assert not again.is_new
        assert (again.figure_id, again.series_id) == (first.figure_id, first.series_id)
        assert len(ledger.figures()) == 1

    def test_an_explicit_quote_offset_is_checked(self, world: World) -> None:
        ledger = world.ledger
        quote = "12 civilians were killed"
        start = world.text.index(quote)
        recorded = ledger.record_figure(
            world.figure(
                incident=world.standoff,
                claimant=world.rights_group,
                victim_status="civilian",
                quantity="12",
                quote=quote,
                quote_start=start,
            )
        )
        assert by_id(ledger, recorded.figure_id)["quote_start"] == start
        with writes_nothing(ledger), pytest.raises(InvalidInput, match="not at offset"):
            ledger.record_figure(world.figure(quote=quote, quote_start=start + 1, quantity="13"))


class TestRevisions:
    def test_a_claimants_later_figure_stands_and_a_back_filled_older_one_does_not_displace_it(self, world: World) -> None:
        ledger = world.ledger
        # 5 February: the military says it killed at least 216 militants.
        with clock.pinned(day("2026-02-05T12:00:00")):
            first = ledger.record_figure(world.figure())
        # 7 February: it revises the figure to 230; the revision joins the same claim series.
        with clock.pinned(day("2026-02-07T12:00:00")):
            revision = ledger.revise_figure(str(first.figure_id)[:8], "230", reported("2026-02-07"))
        assert revision.is_new
        assert revision.series_id == first.series_id
        states = {row["figure_id"]: row["state"] for row in ledger.figures()}
        assert states == {str(first.figure_id): "superseded", str(revision.figure_id): "standing"}
        assert (cell(ledger, world.campaign, "militant")["low"], cell(ledger, world.campaign, "militant")["best"]) == (
            230,
            230,
        )

        # 9 February: an analyst back-fills a 3 February statement ("at least 200") found late.
        with clock.pinned(day("2026-02-09T12:00:00")):
            backfill = ledger.record_figure(
                world.figure(quantity="at least 200", document=None, quote=None, reported=reported("2026-02-03"))
            )
        assert backfill.series_id == first.series_id
        states = {row["figure_id"]: row["state"] for row in ledger.figures()}
        assert states[str(backfill.figure_id)] == "superseded"
        assert states[str(revision.figure_id)] == "standing"  # reported later, so it still stands
        militants = cell(ledger, world.campaign, "militant")
        assert (militants["low"], militants["best"], militants["high"]) == (230, 230, 230)
        assert militants["claims"] == 1

        # Recorded times follow the log, reported times follow the claimant.
        rows = {row["figure_id"]: row for row in ledger.figures()}
        assert rows[str(backfill.figure_id)]["recorded_at"] > rows[str(revision.figure_id)]["recorded_at"]
        assert rows[str(backfill.figure_id)]["reported_at"] < rows[str(revision.figure_id)]["reported_at"]

        # The analyst finds the back-filled date was mistyped: it was said on 8 February. Corrected, it stands.
        ledger.correct_figure(str(backfill.figure_id)[:12], "date mistyped at entry", reported=reported("2026-02-08"))
        states = {row["figure_id"]: row["state"] for row in ledger.figures()}
        assert states[str(backfill.figure_id)] == "standing"
        assert states[str(revision.figure_id)] == "superseded"
        assert cell(ledger, world.campaign, "militant")["low"] == 200


class TestWithdrawalsCorrectionsAndStrikes:
    def test_the_three_remain_distinguishable_in_the_audit_trail(self, world: World) -> None:
        ledger = world.ledger
        # Residents' count, carried by the rights group: 12 civilians killed at Nushki.
        civilians = ledger.record_figure(
            world.figure(
                incident=world.standoff,
                claimant=world.rights_group,
                victim_status="civilian",
                quantity="12",
                quote="12 civilians were killed",
            )
        )
        # The armed group's claim about soldiers, mistyped as 18 at entry (with no quote to catch the slip).
        soldiers = ledger.record_figure(
            world.figure(claimant=world.armed_group, victim_status="security_forces", quantity="18", quote=None)
        )
        # The military's own figure, which nobody disputes here.
        ledger.record_figure(world.figure())
        # An entry against the wrong claimant altogether.
        mistake = ledger.record_figure(world.figure(claimant=world.rights_group, quantity="216"))

        # The rights group withdraws its count; the claimant took it back, the fact stays.
        ledger.withdraw_figure(str(civilians.figure_id), "HRCP says the deaths were double-counted")
        # An analyst corrects the typo, naming the figure and the reason.
        ledger.correct_figure(str(soldiers.figure_id), "typo at entry: the statement says 81", quantity="81")
        # And strikes the entry error.
        ledger.strike_figure(str(mistake.figure_id), "entered against the wrong claimant")

        states = {row["figure_id"]: row for row in ledger.figures()}
        assert states[str(civilians.figure_id)]["state"] == "withdrawn"
        assert states[str(soldiers.figure_id)]["state"] == "standing"
        assert states[str(soldiers.figure_id)]["corrected"] is True
        assert states[str(soldiers.figure_id)]["current_quantity"] == "81"
        assert states[str(soldiers.figure_id)]["quantity_text"] == "18"  # the words as first recorded stay
        assert states[str(mistake.figure_id)]["state"] == "struck"

        trail = ledger.audit(incident=world.campaign)  # the standoff is inside the campaign
        by_topic = {row["topic"]: row for row in trail if row["topic"].startswith("ledger:ClaimSeries.Figure")}
        withdrawn = by_topic["ledger:ClaimSeries.FigureWithdrawn"]
        corrected = by_topic["ledger:ClaimSeries.FigureCorrected"]
        struck = by_topic["ledger:ClaimSeries.FigureStruck"]
        assert (withdrawn["figure_id"], withdrawn["reason"]) == (
            str(civilians.figure_id),
            "HRCP says the deaths were double-counted",
        )
        assert (corrected["figure_id"], corrected["reason"]) == (
            str(soldiers.figure_id),
            "typo at entry: the statement says 81",
        )
        assert (struck["figure_id"], struck["reason"]) == (str(mistake.figure_id), "entered against the wrong claimant")
        assert withdrawn["summary"].startswith("figure withdrawn")
        assert corrected["summary"].startswith("figure corrected (quantity)")
        assert struck["summary"].startswith("figure struck")
        assert withdrawn["incident"] == world.standoff
        assert all(row["analyst"] == "tester" for row in (withdrawn, corrected, struck))
        positions = [row["position"] for row in trail]
        assert positions == sorted(positions)

        # One figure's story is its claim series: opened, reported, corrected.
        own = ledger.audit(figure=str(soldiers.figure_id)[:10])
        assert [row["topic"] for row in own] == [
            "ledger:ClaimSeries.Opened",
            "ledger:ClaimSeries.FigureReported",
            "ledger:ClaimSeries.FigureCorrected",
        ]
        assert {row["figure_id"] for row in own[1:]} == {str(soldiers.figure_id)}

        # Tallies honour all three: the withdrawn count is set aside, the correction counts, the strike vanishes.
        assert cell(ledger, world.standoff, "civilian")["grade"] == "discounted"
        assert cell(ledger, world.campaign, "security_forces")["grade"] == "discounted"  # reliability E
        militants = cell(ledger, world.campaign, "militant")
        assert (militants["claims"], militants["best"], militants["claimants"]) == (
            1,
            216,
            "Inter-Services Public Relations",
        )

    def test_a_withdrawal_can_cite_where_the_claimant_withdrew(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        ledger.withdraw_figure(
            str(recorded.figure_id),
            "the military retracted it",
            reported=reported("2026-02-06"),
            document=world.document,
            quote="a figure the military rejected",
        )
        row = next(r for r in ledger.audit(figure=str(recorded.figure_id)) if r["reason"])
        assert row["quote"] == "a figure the military rejected"
        assert row["document"] == world.document

    def test_a_withdrawal_needs_a_reason_and_happens_once(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        with writes_nothing(ledger), pytest.raises(InvalidInput, match="reason"):
            ledger.withdraw_figure(str(recorded.figure_id), "  ")
        ledger.withdraw_figure(str(recorded.figure_id), "retracted")
        with writes_nothing(ledger), pytest.raises(Conflict, match="already withdrawn"):
            ledger.withdraw_figure(str(recorded.figure_id), "retracted again")

    def test_a_struck_figure_cannot_be_acted_on(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        ledger.strike_figure(str(recorded.figure_id), "duplicate entry")
        with writes_nothing(ledger), pytest.raises(Conflict, match="struck"):
            ledger.correct_figure(str(recorded.figure_id), "fix", quantity="5")
        with writes_nothing(ledger), pytest.raises(Conflict, match="struck"):
            ledger.withdraw_figure(str(recorded.figure_id), "gone")


class TestRegistration:
    def test_registering_the_same_claimant_twice_is_a_no_op(self, world: World) -> None:
        app, entry = world.ledger.app, world.ledger.entry("test")
        existing = app.claimant(world.rights_group)
        with writes_nothing(world.ledger):
            again = app.register_claimant(world.rights_group, existing.name, "ngo", {"*": "independent"}, "B", entry)
        assert again == existing.id

    def test_registering_a_claimant_again_after_grading_it_is_still_a_no_op(self, world: World) -> None:
        # A grade is its own fact: re-running the registration (a seed, a script) must not clash with it.
        app, entry = world.ledger.app, world.ledger.entry("test")
        app.grade_claimant(world.rights_group, "A", "consistently matched hospital records", entry)
        with writes_nothing(world.ledger):
            app.register_claimant(
                world.rights_group, "Human Rights Commission of Pakistan", "ngo", {"*": "independent"}, "B", entry
            )
        assert app.claimant(world.rights_group).reliability == "A"

    def test_registering_a_claimant_again_with_different_details_is_a_conflict(self, world: World) -> None:
        app, entry = world.ledger.app, world.ledger.entry("test")
        with writes_nothing(world.ledger), pytest.raises(Conflict, match="name"):
            app.register_claimant(world.rights_group, "Someone else", "ngo", {"*": "independent"}, "B", entry)
        with writes_nothing(world.ledger), pytest.raises(Conflict, match="reliability"):
            app.register_claimant(
                world.rights_group, "Human Rights Commission of Pakistan", "ngo", {"*": "independent"}, "A", entry
            )

    def test_the_world_is_listed(self, world: World) -> None:
        incidents = {row["key"]: row for row in world.ledger.listing("incidents")}
        assert incidents[world.standoff]["parent"] == world.campaign
        claimants = {row["key"]: row["reliability"] for row in world.ledger.listing("claimants")}
        assert claimants == {world.military: "D", world.rights_group: "B", world.armed_group: "E"}

    def test_grading_a_claimant_changes_the_tally(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(
            world.figure(claimant=world.armed_group, victim_status="security_forces", quantity="81", quote="81 soldiers")
        )
        assert cell(ledger, world.campaign, "security_forces")["grade"] == "discounted"
        ledger.app.grade_claimant(world.armed_group, "D", "its claims have matched hospital counts", ledger.entry())
        soldiers = cell(ledger, world.campaign, "security_forces")
        assert (soldiers["best"], soldiers["grade"]) == (81, "weak")
        with writes_nothing(ledger):  # the same grade again is nothing new
            ledger.app.grade_claimant(world.armed_group, "D", "again", ledger.entry())


class TestIncidentCorrections:
    def test_a_mistyped_incident_is_corrected_as_a_new_fact(self, world: World) -> None:
        ledger = world.ledger
        ledger.app.correct_incident(
            world.standoff, "typed the wrong district", ledger.entry(), name="Nushki standoff",
            location=Location("Pakistan", "Balochistan", "Nushki", "Nushki town", LocationPrecision.PLACE),
            period=Period(dt.date(2026, 1, 31), dt.date(2026, 2, 2)),
        )  # fmt: skip
        row = {r["key"]: r for r in ledger.listing("incidents")}[world.standoff]
        assert (row["name"], row["place"], row["occurred_start"]) == ("Nushki standoff", "Nushki town", dt.date(2026, 1, 31))
        assert row["parent"] == world.campaign  # what was not corrected stays
        summaries = [r["summary"] for r in ledger.audit(incident=world.standoff)]
        assert "incident corrected (name, location, period): typed the wrong district" in summaries
        ledger.rebuild()
        assert {r["key"]: r for r in ledger.listing("incidents")}[world.standoff] == row

    def test_as_of_reads_see_the_incident_tree_as_it_was_recorded(self, world: World) -> None:
        ledger = world.ledger
        location = Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1)
        with clock.pinned(day("2030-01-06")):  # after the world fixture was recorded
            ledger.app.register_incident(
                "kech-operation", "Kech operation", location, Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), ledger.entry()
            )
            ledger.record_figure(world.figure(incident=world.standoff, quantity="12", quote=None, document=None))
        with clock.pinned(day("2030-01-20")):
            ledger.app.correct_incident(world.standoff, "belongs to the Kech operation", ledger.entry(), parent="kech-operation")
        before, now = View.parse(as_of="2030-01-10"), View()
        assert cell(ledger, world.campaign, "militant", view=before)["best"] == 12
        assert cell(ledger, "kech-operation", "militant", view=now)["best"] == 12
        assert all(r["incident"] != world.campaign for r in ledger.tally(view=now).rows)
        subtree_then = {r["incident"] for r in ledger.tally(incident=world.campaign, view=before).rows}
        assert subtree_then == {world.campaign, world.standoff}
        assert {r["incident"] for r in ledger.tally(incident=world.campaign, view=now).rows} == set()

    def test_an_incident_cannot_move_under_its_own_subtree(self, world: World) -> None:
        ledger = world.ledger
        with writes_nothing(ledger):
            with pytest.raises(InvalidInput, match="lies inside it"):
                ledger.app.correct_incident(world.campaign, "regrouping", ledger.entry(), parent=world.standoff)
            with pytest.raises(InvalidInput, match="nothing changes"):
                ledger.app.correct_incident(world.standoff, "no-op", ledger.entry(), parent=world.campaign)
            with pytest.raises(InvalidInput, match="reason"):
                ledger.app.correct_incident(world.standoff, " ", ledger.entry(), name="x")
            with pytest.raises(NotFound):
                ledger.app.correct_incident("no-such-incident", "typo", ledger.entry(), name="x")


class TestRejectedCommandsWriteNothing:
    """Every rejected command raises a ledger error and leaves the event log untouched."""

    @pytest.mark.parametrize(
        ("overrides", "error", "message"),
        [
            ({"incident": "no-such-incident"}, LedgerError, "incident 'no-such-incident': not in the ledger"),
            ({"claimant": "no-such-claimant"}, LedgerError, "claimant 'no-such-claimant': not in the ledger"),
            ({"document": "no-such-document"}, LedgerError, "document 'no-such-document': not in the ledger"),
            ({"quote": "killed at least 999 militants"}, InvalidInput, "not found in document"),
            ({"reported": reported("2026-01-20")}, InvalidInput, "before the casualties occurred"),
            ({"quantity": "-5"}, InvalidInput, "cannot be negative"),
            ({"quantity": "12.5"}, InvalidInput, "whole numbers"),
            ({"quantity": 12}, InvalidInput, "should be text"),
            ({"quantity": "a great many"}, InvalidInput, "not a number, bound, range or vague word"),
            ({"victim_status": "bystander"}, InvalidInput, "victim status"),
            ({"outcome": "displaced"}, InvalidInput, "outcome"),
            ({"role": "bystander"}, InvalidInput, "role"),
            ({"publisher": "no-such-publisher"}, LedgerError, "publisher 'no-such-publisher': not in the ledger"),
            ({"quantity": "12", "subcounts": SubCounts(10, 10)}, InvalidInput, "sub-counts"),
            ({"document": None, "quote": "killed at least 216 militants"}, InvalidInput, "no document given"),
            (
                {"occurred": Period(dt.date(2026, 2, 10), dt.date(2026, 2, 11)), "reported": reported("2026-02-05")},
                InvalidInput,
                "before the casualties occurred",
            ),
        ],
        ids=[
            "unknown-incident",
            "unknown-claimant",
            "unknown-document",
            "quote-not-in-document",
            "reported-before-incident",
            "negative-quantity",
            "decimal-quantity",
            "non-text-quantity",
            "unparseable-phrase",
            "unknown-victim-status",
            "unknown-outcome",
            "unknown-role",
            "unknown-publisher",
            "subcounts-above-figure",
            "quote-without-document",
            "reported-before-occurred",
        ],
    )
    def test_bad_figure(self, world: World, overrides: dict[str, object], error: type[Exception], message: str) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())  # the log is not empty, so "nothing written" means something
        with writes_nothing(ledger), pytest.raises(error, match=message):
            ledger.record_figure(world.figure(**{"quantity": "300", **overrides}))

    def test_unknown_things_are_reported_as_not_found(self, world: World) -> None:
        ledger = world.ledger
        with writes_nothing(ledger), pytest.raises(NotFound):
            ledger.record_figure(world.figure(incident="no-such-incident"))

    def test_correcting_or_withdrawing_a_figure_that_does_not_exist(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        absent = "0123456789abcdef"
        with writes_nothing(ledger):
            with pytest.raises(NotFound, match="not in the ledger"):
                ledger.correct_figure(absent, "typo", quantity="5")
            with pytest.raises(NotFound, match="not in the ledger"):
                ledger.withdraw_figure(absent, "retracted")
            with pytest.raises(NotFound, match="not in the ledger"):
                ledger.strike_figure(absent, "mistake")
            # Below the facade: a real series, a figure it never held; and a series that never existed.
            with pytest.raises(NotFound, match="not in this claim series"):
                ledger.app.correct_figure(recorded.series_id, uuid.uuid4(), Correction(role="official"), "typo", ledger.entry())
            with pytest.raises(NotFound):
                ledger.app.withdraw_figure(uuid.uuid4(), uuid.uuid4(), "retracted", ledger.entry())
            # A real figure, withdrawn citing a document the ledger does not hold.
            with pytest.raises(NotFound, match="document 'no-such-document'"):
                ledger.withdraw_figure(str(recorded.figure_id), "retracted", document="no-such-document", quote="x")
            with pytest.raises(InvalidInput, match="not found in document"):
                ledger.withdraw_figure(str(recorded.figure_id), "retracted", document=world.document, quote="no such words")

    def test_a_correction_must_change_something_and_say_why(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure())
        with writes_nothing(ledger):
            with pytest.raises(InvalidInput, match="nothing to change"):
                ledger.correct_figure(str(recorded.figure_id), "typo")
            with pytest.raises(InvalidInput, match="reason"):
                ledger.correct_figure(str(recorded.figure_id), "", quantity="217")
            with pytest.raises(InvalidInput, match="quantity"):
                ledger.correct_figure(str(recorded.figure_id), "typo", quantity="-3")

    def test_a_corrected_figure_passes_the_checks_a_new_one_does(self, world: World) -> None:
        ledger = world.ledger
        recorded = ledger.record_figure(world.figure(quantity="12", quote=None, document=None, subcounts=SubCounts(2, 3)))
        with writes_nothing(ledger):
            with pytest.raises(InvalidInput, match="before the casualties occurred"):
                ledger.correct_figure(str(recorded.figure_id), "wrong date", reported=reported("2020-01-01"))
            with pytest.raises(InvalidInput, match="sub-counts 5"):
                ledger.correct_figure(str(recorded.figure_id), "typo", quantity="4")
        ledger.correct_figure(str(recorded.figure_id), "typo", quantity="21")
        assert by_id(ledger, recorded.figure_id)["current_quantity"] == "21"

    def test_a_batch_with_one_bad_row_writes_nothing_and_names_the_line(self, world: World) -> None:
        ledger = world.ledger
        before = event_count(ledger)
        rows = [
            world.figure(line=1),
            world.figure(
                line=2,
                incident=world.standoff,
                claimant=world.rights_group,
                victim_status="civilian",
                quantity="12",
                quote="12 civilians were killed",
            ),
            world.figure(line=3, claimant=world.armed_group, victim_status="security_forces", quantity="eighty-one!"),
            world.figure(
                line=4, claimant=world.armed_group, victim_status="security_forces", quantity="81", quote="81 soldiers died"
            ),
        ]
        with writes_nothing(ledger), pytest.raises(RejectedImport) as rejected:
            ledger.record_figures(rows, via="import:test")
        assert [e.line for e in rejected.value.errors] == [3]
        assert "line 3:" in str(rejected.value)
        assert "eighty-one!" in str(rejected.value)
        assert "nothing was recorded" in str(rejected.value)
        assert ledger.figures() == []

        # Fixed, the same batch goes in whole, in one go.
        rows[2] = world.figure(
            line=3, claimant=world.armed_group, victim_status="security_forces", quantity="81", document=None, quote=None
        )
        results = ledger.record_figures(rows, via="import:test")
        assert all(r.is_new for r in results)
        # The BLA's 81, entered bare and then from the document the same day, is one statement carried twice.
        assert [r.carried for r in results] == [False, False, False, True]
        assert results[3].figure_id == results[2].figure_id
        assert len(ledger.figures()) == 3
        assert event_count(ledger) > before

    def test_a_batch_lists_every_bad_line(self, world: World) -> None:
        ledger = world.ledger
        rows = [
            world.figure(line=10, incident="nowhere"),
            world.figure(line=11),
            world.figure(line=12, quantity="-1"),
        ]
        with writes_nothing(ledger), pytest.raises(RejectedImport) as rejected:
            ledger.record_figures(rows, via="import:test")
        assert [e.line for e in rejected.value.errors] == [10, 12]
        assert "and 1 more bad rows" in str(rejected.value)
