"""A history with known recorded times, facts arriving out of order: the shared scene of the history tests.

Recorded (pinned clock)   Fact
2026-02-01 08:00          the world: claimants, publishers, documents, the campaign and the Nushki standoff
2026-02-03 10:00          ISPR: "at least 216" militants killed in the campaign, reported 3 Feb           (feb3)
2026-02-04 10:00          ISPR: "145" militants killed, reported 1 Feb, found late and back-filled        (feb1)
2026-02-05 10:00          HRCP: "between 20 and 30" civilians killed at the standoff, reported 5 Feb      (hrcp_standoff)
                          HRCP: "dozens" civilians killed in the campaign, reported 5 Feb                (hrcp_dozens)
                          ISPR: "261" civilians killed at the standoff (a typo for 26, quote not copied), reported 5 Feb  (typo)
                          ISPR: "5" police killed at the standoff, its own losses, reported 4 Feb        (police)
                          BLA spokesman (graded E): "81" security forces killed at the standoff          (bla)
                          HRCP: "around 40" civilians injured at the standoff                            (injured)
                          ISPR: "400" civilians injured at the standoff, entered against the wrong incident (stray)
2026-02-06 10:00          ISPR revises the militants to "230", reported 6 Feb                            (revision)
2026-02-12 10:00          analyst corrects the typo 261 -> 26, a week after entering it                   (correction)
                          analyst strikes the stray 400 as an entry error                                 (strike)
2026-02-13 10:00          ISPR withdraws the 230, said on 13 Feb                                          (withdrawal)

Documents are synthetic: written for these tests, not real reporting. The ledger was set up to tally
under default@1, the policy these answers were worked out by hand under (a ledger's default is a fact
of its own, recorded with the world).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs
import pytest
from conftest import World, build_world, day, make_ledger, reported

from ledger import clock
from ledger.ledger import Ledger

if TYPE_CHECKING:
    from click.testing import Result

TRIBUNE_TEXT = (
    "Synthetic test document. HRCP said between 20 and 30 civilians were killed at the Nushki police station. "
    "Across the campaign, dozens of civilians died, HRCP said. "
    "ISPR said 26 civilians were killed by militants at Nushki. "
    "The military said five policemen were killed at Nushki on Wednesday."
)


@attrs.frozen
class History:
    world: World
    feb3: uuid.UUID
    feb1: uuid.UUID
    hrcp_standoff: uuid.UUID
    hrcp_dozens: uuid.UUID
    typo: uuid.UUID
    police: uuid.UUID
    bla: uuid.UUID
    revision: uuid.UUID
    injured: uuid.UUID
    stray: uuid.UUID

    @property
    def ledger(self) -> Ledger:
        return self.world.ledger


def build_history(ledger: Ledger) -> History:
    with clock.pinned(day("2026-02-01T08:00:00")):
        world = build_world(ledger)
        ledger.app.set_default_policy("default@1", "the history tests were worked out under default@1", ledger.entry("test"))
        ledger.app.register_publisher("tribune", "Express Tribune", "media", None, ledger.entry("test"))
        ledger.app.archive_document(
            ledger.entry("test"), text=TRIBUNE_TEXT, title="Synthetic: Nushki toll", publisher="tribune",
            published=reported("2026-02-05"), key="tribune-2026-02-05",
        )  # fmt: skip
    with clock.pinned(day("2026-02-03T10:00:00")):
        feb3 = ledger.record_figure(world.figure(reported=reported("2026-02-03"))).figure_id
    with clock.pinned(day("2026-02-04T10:00:00")):
        feb1 = ledger.record_figure(world.figure(quantity="145", reported=reported("2026-02-01"), document=None, quote=None))

    def at_standoff(claimant: str, status: str, quantity: str, quote: str | None, **more: object) -> uuid.UUID:
        fields = {"incident": world.standoff, "document": "tribune-2026-02-05", "reported": reported("2026-02-05"), **more}
        figure = world.figure(claimant=claimant, victim_status=status, quantity=quantity, quote=quote, **fields)
        return ledger.record_figure(figure).figure_id

    with clock.pinned(day("2026-02-05T10:00:00")):
        hrcp_standoff = at_standoff("hrcp", "civilian", "between 20 and 30", "between 20 and 30 civilians were killed")
        hrcp_dozens = at_standoff("hrcp", "civilian", "dozens", "dozens of civilians died", incident=world.campaign)
        typo = at_standoff("ispr", "civilian", "261", None)  # the analyst copied no quote, so nothing caught the slip
        police = at_standoff(
            "ispr", "security_forces/police", "5", "five policemen were killed", reported=reported("2026-02-04")
        )
        bla = ledger.record_figure(
            world.figure(
                incident=world.standoff, claimant="bla-spokesman", victim_status="security_forces", quantity="81",
                reported=reported("2026-02-05"), quote="81 soldiers died",
            )
        ).figure_id
        injured = ledger.record_figure(
            world.figure(incident=world.standoff, claimant="hrcp", victim_status="civilian", outcome="injured",
                         quantity="around 40", reported=reported("2026-02-05"), quote="around 40 people were injured")
        ).figure_id
        stray = ledger.record_figure(
            world.figure(incident=world.standoff, victim_status="civilian", outcome="injured", quantity="400",
                         reported=reported("2026-02-05"), document=None, quote=None)
        ).figure_id
    with clock.pinned(day("2026-02-06T10:00:00")):
        revision = ledger.revise_figure(str(feb3), "230", reported("2026-02-06"))
    with clock.pinned(day("2026-02-12T10:00:00")):
        ledger.correct_figure(str(typo), "typed 261 for 26", quantity="26")
        ledger.strike_figure(str(stray), "entered against the wrong incident")
    with clock.pinned(day("2026-02-13T10:00:00")):
        ledger.withdraw_figure(str(revision.figure_id), "statement retracted", reported=reported("2026-02-13"))
    return History(
        world, feb3, feb1.figure_id, hrcp_standoff, hrcp_dozens, typo, police, bla, revision.figure_id, injured, stray
    )


def cells(rows: list[dict[str, object]]) -> dict[tuple[object, object, object], tuple[object, ...]]:
    """Tally rows as (incident, status, outcome) -> (low, best, high or 'open', grade)."""
    return {(r["incident"], r["victim_status"], r["outcome"]): bounds(r) for r in rows}


CERTAINTY = {"confirmed": 5, "fair": 4, "weak": 3, "contested": 2, "pending": 1, "discounted": 0}


def with_totals(expected: dict[tuple[str, str, str], tuple[object, ...]]) -> dict[tuple[str, str, str], tuple[object, ...]]:
    """The expected cells and, for each incident and outcome, the total of all victims: nobody in the
    scene gives a total, so each is the sum of the incident's categories (which already hold its
    children), each bound added to its like, graded by its least certain part with a number."""
    totals: dict[tuple[str, str], list[tuple[object, ...]]] = {}
    for (incident, status, outcome), value in expected.items():
        if status != "all" and "/" not in status:
            totals.setdefault((incident, outcome), []).append(value)
    result = dict(expected)
    for (incident, outcome), parts in totals.items():
        numbered = [p for p in parts if p[0] is not None]
        if not numbered:
            result[(incident, "all", outcome)] = (None, None, None, "pending")
            continue
        high = "open" if any(p[2] == "open" for p in numbered) else sum(p[2] for p in numbered)  # type: ignore[misc]
        grade = min((p[3] for p in numbered), key=lambda g: CERTAINTY[str(g)])
        result[(incident, "all", outcome)] = (sum(p[0] for p in numbered), sum(p[1] for p in numbered), high, grade)  # type: ignore[misc]
    return result


def bounds(row: dict[str, object]) -> tuple[object, ...]:
    return row["low"], row["best"], "open" if row["high_open"] else row["high"], row["grade"]


@pytest.fixture(scope="module", name="history")
def history_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    """The history above, built once per test module: the tests that use it only read."""
    ledger = make_ledger(tmp_path_factory.mktemp("history"))
    try:
        yield build_history(ledger)
    finally:
        ledger.close()


class Cli:
    """`ledger --home HOME ...` in-process through typer's CliRunner, on the history's own files."""

    def __init__(self, history: History) -> None:
        from typer.testing import CliRunner

        self.home = str(history.ledger.settings.home)
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        from ledger.cli.main import app

        env = {"LEDGER_ANALYST": "cli-tester", "LEDGER_HOME": None, "LEDGER_STORE": None}
        return self.runner.invoke(app, ["--home", self.home, *args], env=env)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.stderr}\n{result.exception!r}"
        return result.stdout

    def fails(self, *args: str, code: int = 1) -> str:
        """The single line on stderr of a command that must fail with `code`, printing nothing on stdout."""
        result = self(*args)
        assert result.exit_code == code, f"{args}: exit {result.exit_code}, wanted {code}\n{result.output}"
        assert result.stdout == ""
        assert "Traceback" not in result.output
        return result.stderr.strip().splitlines()[-1]
