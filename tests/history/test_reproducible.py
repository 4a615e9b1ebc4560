"""Property: an as-of answer never changes once given. Facts recorded after T, whatever they say
(back-filled reports, revisions, withdrawals, corrections, strikes), leave the tally and the figures
as of T exactly as they were, row for row.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from conftest import build_world, make_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import clock
from ledger.application.app import RecordedFigure
from ledger.domain.quantity import parse_quantity
from ledger.domain.series import Correction
from ledger.domain.values import ReportedTime
from ledger.ledger import Ledger
from ledger.readmodel.view import View

START = dt.datetime(2026, 2, 11, tzinfo=dt.UTC)  # after every reported day: a report is recorded once it is public
QUANTITIES = ["12", "at least 20", "dozens", "between 5 and 9", "about 30", "casualties", "more than 40", "up to 15"]

report = st.tuples(
    st.just("report"),
    st.sampled_from(["ispr", "hrcp", "bla-spokesman"]),
    st.sampled_from(["balochistan-2026", "nushki-standoff"]),
    st.sampled_from(["civilian", "militant", "security_forces/police"]),
    st.sampled_from(QUANTITIES),
    st.integers(0, 9),  # reported day after 1 Feb: later entries may be earlier reports
)
act = st.tuples(st.sampled_from(["withdraw", "correct", "strike"]), st.integers(0, 50), st.sampled_from(QUANTITIES))
Step = tuple[object, ...]
ops = st.lists(st.one_of(report, report, act), min_size=1, max_size=7)


class Recorder:
    """Plays operations into a ledger, one recorded second apart, skipping those the ledger would refuse."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.world = build_world(ledger)
        self.figures: list[RecordedFigure] = []
        self.gone: set[RecordedFigure] = set()  # struck, or withdrawn: not to be withdrawn again
        self.struck: set[RecordedFigure] = set()

    def play(self, steps: list[Step], at: dt.datetime) -> dt.datetime:
        for step in steps:
            at += dt.timedelta(seconds=1)
            with clock.pinned(at):
                self.one(step)
        return at

    def one(self, step: Step) -> None:
        if step[0] == "report":
            _, claimant, incident, status, quantity, day = step
            reported = ReportedTime(dt.datetime(2026, 2, 1 + int(day), tzinfo=dt.UTC))  # type: ignore[call-overload]
            figure = self.world.figure(
                claimant=claimant, incident=incident, victim_status=status, quantity=quantity, reported=reported,
                document=None, quote=None,
            )  # fmt: skip
            recorded = self.ledger.record_figure(figure)
            if recorded.is_new:
                self.figures.append(recorded)
            return
        live = [f for f in self.figures if f not in self.struck]
        if not live:
            return
        kind, index, quantity = step
        target = live[int(index) % len(live)]  # type: ignore[call-overload]
        ids, app, entry = (target.series_id, target.figure_id), self.ledger.app, self.ledger.entry("test")
        # Straight to the use-cases by id: the facade would resolve the id in the read model first.
        if kind == "withdraw" and target not in self.gone:
            app.withdraw_figure(*ids, "withdrawn in a test", entry)
            self.gone.add(target)
        elif kind == "correct":
            app.correct_figure(*ids, Correction(quantity=parse_quantity(str(quantity))), "corrected in a test", entry)
        elif kind == "strike":
            app.strike_figure(*ids, "struck in a test", entry)
            self.struck.add(target)
            self.gone.add(target)


def answer(ledger: Ledger, view: View) -> tuple[object, ...]:
    tally = ledger.tally(view=view)
    return tally.position, tally.view, tally.rows, ledger.figures(view=view)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=ops, after=ops)
def test_an_as_of_answer_never_changes_when_later_facts_arrive(before: list[Step], after: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as home:
        ledger = make_ledger(Path(home))
        try:
            with clock.pinned(START):
                recorder = Recorder(ledger)
            instant = recorder.play(before, START)
            view = View(recorded_by=instant)  # the last fact of `before` is recorded exactly at T: included
            first = answer(ledger, view)
            recorder.play(after, instant)
            assert answer(ledger, view) == first
        finally:
            ledger.close()
