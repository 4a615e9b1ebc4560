"""The backend contract: the same story on SQLite and on PostgreSQL gives the same ledger.

The event store is the evidence, so switching it must not change a single answer. Every test in
`TestBackendContract` runs once per backend against the same expected values; the last test runs
the story on both stores side by side and compares everything it can read back, except log
positions: PostgreSQL's id sequence skips the ids of rolled-back inserts, so ids may have gaps there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import POSTGRES_SERVER, make_ledger, postgres_schema, reported

from ledger.application.inputs import FigureInput
from ledger.io.seed import load_seed
from ledger.ledger import Ledger

CAMPAIGN = "balochistan-campaign"
STANDOFF = "nushki-standoff"

# incident, victim status, outcome, low, best, high, grade, standing claims. A new ledger tallies
# under default@2: "dozens" is at least two dozen; the total of all victims adds up its parts.
EXPECTED_TALLY = [
    (CAMPAIGN, "all", "killed", 254, 254, None, "weak", 0),
    (CAMPAIGN, "civilian", "killed", 24, 24, None, "weak", 1),
    (CAMPAIGN, "militant", "killed", 230, 230, None, "weak", 1),
    (CAMPAIGN, "security_forces", "killed", None, None, None, "pending", 1),
]


def run_story(ledger: Ledger) -> dict[str, Any]:
    """Seed, revise, withdraw, grade; then read the tally, the figures and the audit trail."""
    first = load_seed(ledger)
    again = load_seed(ledger)
    figures = {(row["claimant"], row["victim_status"]): row for row in ledger.figures()}

    # The military revises its count of militants killed: "at least 230", a week later.
    military = figures[("pakistan-military", "militant")]
    revision = ledger.revise_figure(military["figure_id"][:12], "at least 230", reported("2026-02-10"))

    # The independent reports give a civilian count, then take it back; "dozens" stands again.
    later = ledger.record_figure(
        FigureInput(
            incident=CAMPAIGN,
            claimant="independent-reports",
            victim_status="civilian",
            outcome="killed",
            quantity="at least 30",
            reported=reported("2026-02-12"),
            publisher="unidentified-outlet",
        )
    )
    ledger.withdraw_figure(str(later.figure_id), "the reports were about a different district")

    # An analyst judges the independent reports fairly reliable.
    ledger.app.grade_claimant("independent-reports", "C", "corroborated elsewhere", ledger.entry())

    return {
        "seed": (first.figures_new, first.figures_known, again.figures_new, again.figures_known),
        "revision": revision,
        "tally": ledger.tally(),
        "states": sorted((r["claimant"], r["victim_status"], r["quantity_text"], r["state"]) for r in ledger.figures()),
        "audit": [
            (r["position"], r["topic"], r["summary"], r["figure_id"], r["reason"]) for r in ledger.audit(incident=CAMPAIGN)
        ],
        "events": ledger.app.recorder.max_notification_id(),
        "event_count": len(ledger.app.recorder.select_notifications(0, 10_000)),
    }


def tally_cells(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (r["incident"], r["victim_status"], r["outcome"], r["low"], r["best"], r["high"], r["grade"], r["claims"])
        for r in result["tally"].rows
    ]


class TestBackendContract:
    """One story, each backend; the expected answers are the same constants for both."""

    def test_the_story_gives_the_same_tally(self, any_ledger: Ledger) -> None:
        result = run_story(any_ledger)
        assert result["seed"] == (3, 0, 0, 3)
        assert tally_cells(result) == EXPECTED_TALLY
        assert result["event_count"] == 17  # the ledger's configuration first, then the story's facts
        # PostgreSQL's sequence skips the ids of rolled-back inserts (re-registrations), SQLite does not:
        # positions are comparable within one store only.
        assert result["tally"].position == result["events"] >= 17
        assert result["tally"].policy == "default@2"

    def test_the_story_leaves_the_same_figures_and_trail(self, any_ledger: Ledger) -> None:
        result = run_story(any_ledger)
        assert result["states"] == [
            ("independent-reports", "civilian", "at least 30", "withdrawn"),
            ("independent-reports", "civilian", "dozens", "standing"),
            ("independent-reports", "security_forces", "casualties", "standing"),
            ("pakistan-military", "militant", "at least 216", "superseded"),
            ("pakistan-military", "militant", "at least 230", "standing"),
        ]
        topics = [topic for _, topic, _, _, _ in result["audit"]]
        assert topics.count("ledger:ClaimSeries.FigureReported") == 5
        assert topics.count("ledger:ClaimSeries.FigureWithdrawn") == 1
        withdrawal = next(a for a in result["audit"] if a[1] == "ledger:ClaimSeries.FigureWithdrawn")
        assert withdrawal[4] == "the reports were about a different district"
        assert [a[0] for a in result["audit"]] == sorted(a[0] for a in result["audit"])

    def test_rebuilding_the_read_model_gives_the_same_answers(self, any_ledger: Ledger) -> None:
        result = run_story(any_ledger)
        assert any_ledger.rebuild() == result["events"]
        assert tally_cells({"tally": any_ledger.tally()}) == EXPECTED_TALLY

    def test_registering_and_recording_again_adds_nothing(self, any_ledger: Ledger) -> None:
        result = run_story(any_ledger)
        assert load_seed(any_ledger).figures_new == 0
        again = any_ledger.revise_figure(str(result["revision"].figure_id)[:12], "at least 230", reported("2026-02-10"))
        assert not again.is_new
        assert any_ledger.app.recorder.max_notification_id() == result["events"]


@pytest.mark.postgres
def test_sqlite_and_postgres_agree_on_everything_read_back(tmp_path: Path) -> None:
    with postgres_schema() as url:
        on_sqlite = make_ledger(tmp_path / "sqlite")
        on_postgres = make_ledger(tmp_path / "postgres", url)
        try:
            sqlite_result, postgres_result = run_story(on_sqlite), run_story(on_postgres)
        finally:
            on_sqlite.close()
            on_postgres.close()
    assert tally_cells(sqlite_result) == tally_cells(postgres_result) == EXPECTED_TALLY
    assert without_positions(sqlite_result["tally"].rows) == without_positions(postgres_result["tally"].rows)
    assert [a[1:] for a in sqlite_result["audit"]] == [a[1:] for a in postgres_result["audit"]]
    for key in ("seed", "states", "event_count"):
        assert sqlite_result[key] == postgres_result[key], key


def without_positions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "log_position"} for row in rows]


@pytest.mark.postgres
def test_each_schema_is_a_store_of_its_own(pg_ledger: Ledger, tmp_path: Path) -> None:
    """`?schema=` in the store URL puts the event tables in that schema, and nowhere else."""
    import psycopg

    load_seed(pg_ledger)
    schema = pg_ledger.settings.store.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_SERVER) as con:
        tables = {
            row[0] for row in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        }
    assert tables, f"no event tables in schema {schema}"
    with postgres_schema() as other_url:
        other = make_ledger(tmp_path / "other", other_url)
        try:
            assert other.app.recorder.max_notification_id() in (None, 0)
            assert other.figures() == []
        finally:
            other.close()
    assert len(pg_ledger.figures()) == 3
