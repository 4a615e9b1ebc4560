"""Each kind of finding, on a hand-built ledger where it is present and on one where it is absent.

The ledgers are real (SQLite events, DuckDB read model); the checks run through a dry reconciliation,
which reads the evidence from a read model rebuilt afresh in a scratch file.
"""

from __future__ import annotations

import uuid

import attrs
from conftest import World, day, reported
from reconcile_support import PROVINCE, RESIDENTS, add_claimants, kinds, run

from ledger import clock
from ledger.domain.policy import DEFAULT_POLICY
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import ClaimSeries
from ledger.domain.tally import Bounds, tally
from ledger.domain.values import Citation, SubCounts
from ledger.reconcile.checks import nondeterminism
from ledger.reconcile.evidence import load_evidence
from ledger.reconcile.findings import Severity

STANDOFF_CIVILIANS = "nushki-standoff/civilian/killed"


def civilians(world: World, claimant: str, quantity: str, quote: str | None = None, incident: str | None = None) -> None:
    """A count of civilians killed at the standoff (or in `incident`), quoted from Dawn's report when `quote` is given."""
    world.ledger.record_figure(
        world.figure(
            incident=incident or world.standoff,
            claimant=claimant,
            victim_status="civilian",
            quantity=quantity,
            document=world.document if quote else None,
            quote=quote,
        )
    )


class TestContested:
    def test_claims_far_apart_make_a_contested_cell(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "40")
        result = run(world.ledger)
        [finding] = kinds(result)["contested"]
        assert (finding.subject, finding.severity) == (STANDOFF_CIVILIANS, Severity.WARNING)
        assert "hrcp '12'" in finding.message and "nushki-residents '40'" in finding.message

    def test_claims_within_the_tolerance_are_not_contested_unless_the_tolerance_is_tightened(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "13")
        relaxed = run(world.ledger)
        assert "contested" not in kinds(relaxed)
        assert relaxed.grades["confirmed"] >= 1  # two independent claimants agree
        strict = run(world.ledger, DEFAULT_POLICY.with_tolerance(0))
        assert [f.subject for f in kinds(strict)["contested"]] == [STANDOFF_CIVILIANS]
        assert strict.policy.label == "default@1[tolerance=0]"


    def test_grading_a_claimant_unreliable_sets_its_claim_aside_and_ends_the_contest(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "40")
        world.ledger.app.grade_claimant(RESIDENTS, "E", "their counts proved unreliable", world.ledger.entry("test"))
        result = run(world.ledger)
        assert "contested" not in kinds(result)
        cell = next(r for r in world.ledger.tally().rows if (r["incident"], r["victim_status"]) == (world.standoff, "civilian"))
        assert (cell["best"], cell["high"], cell["grade"]) == (12, 12, "weak")  # HRCP alone now


class TestParentBelowChildren:
    def test_a_campaign_figure_below_its_incidents_sum_is_found(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, PROVINCE, "5", incident=world.campaign)
        [finding] = kinds(run(world.ledger))["parent_below_children"]
        assert finding.subject == "balochistan-2026/civilian/killed"
        assert "best 5" in finding.message and "lows 12" in finding.message and "nushki-standoff 12" in finding.message
        rows = world.ledger.tally().rows
        campaign = next(r for r in rows if (r["incident"], r["victim_status"]) == (world.campaign, "civilian"))
        assert campaign["best"] == 12  # the tally takes the sum, never adds the two

    def test_a_campaign_figure_above_the_sum_is_not(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, PROVINCE, "20", incident=world.campaign)
        assert "parent_below_children" not in kinds(run(world.ledger))


class TestRepublication:
    def test_one_statement_carried_by_two_outlets_is_flagged_and_counted_once(self, world: World) -> None:
        ledger = world.ledger
        ledger.app.register_publisher("geo", "Geo News", "media", None, ledger.entry("test"))
        first = ledger.record_figure(world.figure())  # via Dawn's report
        later = reported("2026-02-05T18:00:00")  # the same words, via Geo, that evening
        again = ledger.record_figure(world.figure(document=None, quote=None, publisher="geo", reported=later))
        assert (again.carried, again.figure_id) == (True, first.figure_id)  # one statement, one more carrier
        [finding] = kinds(run(ledger))["republication"]
        assert finding.severity is Severity.INFO
        assert "carried by 2 sources (dawn 2026-02-05 (primary), geo 2026-02-05)" in finding.message  # the earliest first
        assert "counted once" in finding.message
        assert len(ledger.figures()) == 1
        militants = next(r for r in ledger.tally().rows if (r["incident"], r["victim_status"]) == (world.campaign, "militant"))
        assert militants["claims"] == 1

    def test_a_revised_number_via_another_outlet_is_not_a_republication(self, world: World) -> None:
        ledger = world.ledger
        ledger.app.register_publisher("geo", "Geo News", "media", None, ledger.entry("test"))
        ledger.record_figure(world.figure())
        ledger.record_figure(world.figure(quantity="230", document=None, quote=None, publisher="geo"))
        assert "republication" not in kinds(run(ledger))


class TestDoubleCountedStatement:
    def test_the_same_quote_entered_for_two_claimants_is_found(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "12", "12 civilians were killed")
        [finding] = kinds(run(world.ledger))["double_counted_statement"]
        assert finding.severity is Severity.WARNING
        assert "hrcp, nushki-residents" in finding.message and world.document in finding.message

    def test_each_claimant_quoted_in_its_own_words_is_fine(self, world: World) -> None:
        add_claimants(world)
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "12", "Residents of Nushki said 12 civilians")
        assert "double_counted_statement" not in kinds(run(world.ledger))


class TestQuoteMissing:
    def test_a_quote_absent_from_its_document_an_unquoted_citation_and_no_document_are_found(self, world: World) -> None:
        ledger, app = world.ledger, world.ledger.app
        ledger.record_figure(world.figure(document=None, quote=None))  # no document at all
        ledger.record_figure(world.figure(claimant=world.rights_group, victim_status="civilian", quantity="12", quote=None))
        # An entry from an older importer that never checked quotes: its words are not in the archived text.
        incident, doc = app.incident(world.standoff), app.document(world.document)
        series = ClaimSeries(incident.id, app.claimant(world.rights_group).id, "civilian", "injured", ledger.entry("legacy"))
        legacy = uuid.uuid4()
        series.report(
            figure_id=legacy,
            quantity=parse_quantity("7"),
            role="independent",
            publisher_id=None,
            citation=Citation(str(doc.id), "seven people were hurt", 0, 22),
            occurred=None,
            reported=reported("2026-02-05"),
            subcounts=SubCounts(),
            fingerprint="legacy-import",
            note="",
            entry=ledger.entry("import:legacy"),
            incident_period=incident.period,
        )
        app.save(series)
        found = {f.severity: f for f in kinds(run(ledger))["quote_missing"]}
        assert set(found) == {Severity.ERROR, Severity.WARNING, Severity.INFO}
        assert found[Severity.ERROR].figure_id == str(legacy)
        assert "'seven people were hurt' is not at offsets 0..22" in found[Severity.ERROR].message
        assert "quotes none of its words" in found[Severity.WARNING].message
        assert "no document recorded" in found[Severity.INFO].message

    def test_a_figure_quoted_from_its_document_is_fine(self, world: World) -> None:
        world.ledger.record_figure(world.figure())
        assert "quote_missing" not in kinds(run(world.ledger))


class TestEnemyClaimOnly:
    def test_a_cell_resting_on_a_claim_about_the_enemy_is_found(self, world: World) -> None:
        world.ledger.record_figure(world.figure())  # the military about militants it killed
        [finding] = kinds(run(world.ledger))["enemy_claim_only"]
        assert finding.subject == "balochistan-2026/militant/killed"
        assert "ispr 'at least 216' (enemy_losses)" in finding.message

    def test_an_independent_figure_beside_it_clears_the_finding(self, world: World) -> None:
        add_claimants(world)
        world.ledger.record_figure(world.figure())
        world.ledger.record_figure(world.figure(claimant=PROVINCE, quantity="about 200", document=None, quote=None))
        assert "enemy_claim_only" not in kinds(run(world.ledger))


    def test_a_role_corrected_to_a_claim_about_the_enemy_is_found(self, world: World) -> None:
        add_claimants(world)
        ledger = world.ledger
        figure = ledger.record_figure(world.figure(claimant=PROVINCE, quantity="about 200", document=None, quote=None))
        assert "enemy_claim_only" not in kinds(run(ledger))
        ledger.correct_figure(str(figure.figure_id), "the province relayed the military's count", role="enemy_losses")
        [finding] = kinds(run(ledger))["enemy_claim_only"]
        assert "balochistan-government 'about 200' (enemy_losses)" in finding.message


class TestStaleSeries:
    def test_a_series_silent_past_the_period_while_its_incident_is_open_is_found(self, world: World) -> None:
        world.ledger.record_figure(world.figure())  # reported 5 February 2026
        with clock.pinned(day("2026-06-01")):
            result = run(world.ledger, stale_days=30)
        [finding] = kinds(result)["stale_series"]
        assert "no report from ispr since 2026-02-05 (116 days) while balochistan-2026 is open" in finding.message

    def test_a_recent_report_or_a_closed_incident_is_not_stale(self, world: World) -> None:
        ledger = world.ledger
        ledger.record_figure(world.figure())
        with clock.pinned(day("2026-02-20")):
            assert "stale_series" not in kinds(run(ledger, stale_days=30))
        ledger.app.close_incident(world.campaign, "operation declared over", ledger.entry("test"))
        with clock.pinned(day("2026-06-01")):
            assert "stale_series" not in kinds(run(ledger, stale_days=30))


class TestNondeterminism:
    def test_a_tally_that_differs_from_a_reweighing_is_an_error(self, world: World) -> None:
        world.ledger.record_figure(world.figure())
        with world.ledger.reading() as con:
            evidence = load_evidence(con)
        facts = evidence.facts
        cells = tally(facts.claims, facts.reliability, facts.parents, DEFAULT_POLICY)
        assert nondeterminism(evidence, DEFAULT_POLICY, cells) == []
        key = next(iter(cells))
        cells[key] = attrs.evolve(cells[key], bounds=Bounds(1, 1, 1))  # what an order-dependent rule might produce
        [finding] = nondeterminism(evidence, DEFAULT_POLICY, cells)
        assert finding.severity is Severity.ERROR and "1 cells differ" in finding.message

    def test_a_real_run_finds_none(self, world: World) -> None:
        add_claimants(world)
        world.ledger.record_figure(world.figure())
        civilians(world, world.rights_group, "12", "12 civilians were killed")
        civilians(world, RESIDENTS, "dozens")
        assert "nondeterminism" not in kinds(run(world.ledger))
