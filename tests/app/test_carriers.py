"""One statement carried by several outlets: whatever order the carriers are entered in, the figure
is one, its primary carrier is the earliest, and the tallies are the same."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

from conftest import build_world, make_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application.inputs import FigureInput
from ledger.domain.values import ReportedTime

OUTLETS = {  # publisher: (hour of publication on 6 Feb 2026, the words it wrote, its sentence)
    "dawn": (4, "21", "The ISPR said 21 terrorists were killed."),
    "dunya": (6, "twenty-one", "According to the ISPR, twenty-one terrorists were killed."),
    "mehr": (10, "21", "Mehr News, citing Dawn, said 21 terrorists were killed."),
    "geo": (12, "Twenty one", "Twenty one terrorists were killed, the ISPR said."),
}


def record(order: list[str]) -> tuple[list[tuple[object, ...]], str, int]:
    with tempfile.TemporaryDirectory() as home:
        ledger = make_ledger(Path(home))
        try:
            world = build_world(ledger)
            app, entry = ledger.app, ledger.entry("test")
            for outlet, (_, _, sentence) in OUTLETS.items():
                if outlet != "dawn":
                    app.register_publisher(outlet, outlet.title(), "media", None, entry)
                app.archive_document(entry, text=f"Synthetic. {sentence}", publisher=outlet, key=f"{outlet}-0826")
            for outlet in order:
                hour, words, sentence = OUTLETS[outlet]
                when = ReportedTime(dt.datetime(2026, 2, 6, hour, tzinfo=dt.UTC))
                quote = sentence.rstrip(".")
                ledger.record_figure(FigureInput(world.campaign, "ispr", "militant", "killed", words, when,
                                                 document=f"{outlet}-0826", quote=quote))  # fmt: skip
            rows = sorted((r["incident"], r["victim_status"], r["low"], r["best"], r["high"], r["grade"])
                          for r in ledger.tally().rows)  # fmt: skip
            [figure] = ledger.figures()
            return rows, figure["carried_by"], figure["carriers"]
        finally:
            ledger.close()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=st.permutations(sorted(OUTLETS)))
def test_any_entry_order_gives_one_figure_the_same_primary_carrier_and_the_same_tallies(order: list[str]) -> None:
    rows, carried_by, carriers = record(list(order))
    assert carriers == 4
    assert carried_by == "dawn; dunya; mehr; geo"  # earliest first: Dawn is the primary carrier
    assert rows == reference()


@functools.cache
def reference() -> list[tuple[object, ...]]:
    """The tallies with the carriers entered in publication order."""
    return record(["dawn", "dunya", "mehr", "geo"])[0]
