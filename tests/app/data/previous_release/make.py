"""Writes the ledger the previous release (0.1.0, commit 70a958e) stored, and what it read from it.

Run with that release's code, not this one:

    git worktree add /tmp/previous 70a958e
    PYTHONPATH=/tmp/previous python tests/app/data/previous_release/make.py tests/app/data/previous_release

It leaves `events.sqlite` (the event log as that release wrote it) and `expected.json` (its tallies
under every policy it had, its figures' states and its audit trail) beside this file. The test in
tests/app/test_previous_release.py reads them with today's code. The facts are synthetic.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

from ledger import clock
from ledger.application.inputs import FigureInput
from ledger.domain.values import Location, Period, ReportedTime
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.io.imports import import_ucdp
from ledger.ledger import Ledger
from ledger.reconcile.run import Options, reconcile
from ledger.settings import Settings

TEXT = (
    "Synthetic test document. The military said it had killed at least 216 militants in the campaign. "
    "HRCP said between 20 and 30 civilians were killed at the Nushki police station. Across the campaign, "
    "dozens of civilians died, HRCP said. The military said five policemen were killed at Nushki. "
    "Hospital staff said nearly 50 people were injured, and about 40 were still in hospital. "
    "The BLA claimed that 81 soldiers died. Several fighters of the BLA were killed, the military said."
)


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def reported(day: str, precision: Precision = Precision.DAY, estimated: bool = False) -> ReportedTime:
    padded = {4: "-01-01", 7: "-01"}.get(len(day), "")
    return ReportedTime(dt.datetime.fromisoformat(day + padded).replace(tzinfo=dt.UTC), precision, estimated)


def build(ledger: Ledger, ucdp_sample: Path) -> None:
    app, entry = ledger.app, ledger.entry("previous-release")
    with clock.pinned(at("2026-02-01", 8)):
        app.register_claimant("ispr", "Inter-Services Public Relations", "state_forces",
                              {"militant": "enemy_losses", "security_forces": "own_losses", "*": "party_other"}, "D", entry)
        app.register_claimant("hrcp", "Human Rights Commission of Pakistan", "ngo", {"*": "independent"}, "B", entry)
        app.register_claimant("bla-spokesman", "BLA spokesman", "armed_group",
                              {"security_forces": "enemy_losses", "militant": "own_losses"}, "E", entry)
        app.register_claimant("hospital", "Quetta hospital staff", "medical", {"*": "medical"}, "C", entry)
        app.register_claimant("outlet", "An outlet's own reporting", "media", {}, "F", entry)
        app.register_publisher("dawn", "Dawn", "media", "https://www.dawn.com", entry)
        app.archive_document(entry, text=TEXT, title="Synthetic report", publisher="dawn",
                             published=reported("2026-02-05"), key="dawn-0205")
        province = Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1)
        town = Location("Pakistan", "Balochistan", "Nushki", "Nushki", LocationPrecision.PLACE)
        whole = Period(dt.date(2026, 1, 25), dt.date(2026, 2, 28))
        app.register_incident("campaign", "Campaign (synthetic)", province, whole, entry)
        app.register_incident("standoff", "Standoff (synthetic)", town, Period(dt.date(2026, 1, 30), dt.date(2026, 2, 2)), entry,
                              parent="campaign")

    def fig(claimant: str, incident: str, status: str, outcome: str, words: str, when: ReportedTime,
            quote: str | None = None, **more: object) -> FigureInput:
        return FigureInput(incident, claimant, status, outcome, words, when, document="dawn-0205" if quote else None,
                           quote=quote, **more)  # type: ignore[arg-type]

    with clock.pinned(at("2026-02-05")):
        feb5 = ledger.record_figure(fig("ispr", "campaign", "militant", "killed", "at least 216", reported("2026-02-05"),
                                        "killed at least 216 militants"))
        ledger.record_figure(fig("ispr", "campaign", "militant", "killed", "145", reported("2026-02-01")))
        ledger.record_figure(fig("hrcp", "standoff", "civilian", "killed", "between 20 and 30", reported("2026-02-05"),
                                 "between 20 and 30 civilians were killed"))
        ledger.record_figure(fig("hrcp", "campaign", "civilian", "killed", "dozens", reported("2026-02-05"),
                                 "dozens of civilians died"))
        typo = ledger.record_figure(fig("ispr", "standoff", "civilian", "killed", "261", reported("2026-02-05")))
        ledger.record_figure(fig("ispr", "standoff", "security_forces/police", "killed", "5", reported("2026-02-04"),
                                 "five policemen were killed"))
        ledger.record_figure(fig("bla-spokesman", "standoff", "security_forces", "killed", "81", reported("2026-02-05"),
                                 "81 soldiers died"))
        ledger.record_figure(fig("hospital", "standoff", "civilian", "injured", "nearly 50", reported("2026-02-05"),
                                 "nearly 50 people were injured"))
        coarse = reported("2026-02", Precision.MONTH, True)
        ledger.record_figure(fig("outlet", "standoff", "civilian", "injured", "about 40", coarse))
        ledger.record_figure(fig("ispr", "campaign", "militant/bla", "killed", "several", reported("2026-02-05"),
                                 "Several fighters"))
        month = reported("2026-02", Precision.MONTH)
        ledger.record_figure(fig("hrcp", "campaign", "security_forces", "killed", "casualties", month))
        stray = ledger.record_figure(fig("ispr", "standoff", "civilian", "injured", "400", reported("2026-02-05")))
    with clock.pinned(at("2026-02-06")):
        revision = ledger.revise_figure(str(feb5.figure_id), "230", reported("2026-02-06"))
    with clock.pinned(at("2026-02-12")):
        ledger.correct_figure(str(typo.figure_id), "typed 261 for 26", quantity="26")
        ledger.strike_figure(str(stray.figure_id), "entered against the wrong incident")
        app.grade_claimant("bla-spokesman", "D", "corroborated twice", entry)
        app.correct_incident("standoff", "the standoff began a day earlier", entry,
                             period=Period(dt.date(2026, 1, 29), dt.date(2026, 2, 2)))
    with clock.pinned(at("2026-02-13")):
        ledger.withdraw_figure(str(revision.figure_id), "statement retracted", reported("2026-02-13"))
    with clock.pinned(at("2026-02-14")):
        import_ucdp(ledger, ucdp_sample)
    with clock.pinned(at("2026-02-15")):
        reconcile(ledger, Options(lock_wait=5, record=True))


def read(ledger: Ledger) -> dict[str, object]:
    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value

    tallies = {
        label: [{k: plain(v) for k, v in row.items()} for row in ledger.tally(label).rows]
        for label in ("default@1", "acled@1", "independent@1")
    }
    figures = [{k: plain(v) for k, v in row.items()} for row in ledger.figures()]
    audit = [{k: plain(r[k]) for k in ("position", "topic", "summary", "analyst")} for r in ledger.audit(incident="campaign")]
    return {"release": "0.1.0 (70a958e)", "tallies": tallies, "figures": figures, "audit": audit,
            "events": ledger.app.recorder.max_notification_id()}


def main(out: Path) -> None:
    home = Path(tempfile.mkdtemp())
    ledger = Ledger(Settings(home=home, store=str(home / "events.sqlite"), analyst="previous-release"))
    try:
        build(ledger, Path(__file__).resolve().parents[3] / "io" / "data" / "ucdp_ged_sample.csv")
        expected = read(ledger)
    finally:
        ledger.close()
    shutil.copy(home / "events.sqlite", out / "events.sqlite")
    (out / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
