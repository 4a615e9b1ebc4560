"""Import runs, as the library sees them: what an interrupted run holds back, and what settles it.

An interrupted run is left the way a killed import leaves it: `start_run` recorded, then whatever the
import had written (the crash suite, tests/app/test_crashes.py, kills real processes instead).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import World, event_count

from ledger.application.import_runs import abort_run, latest_run, start_run
from ledger.domain.import_run import run_via
from ledger.errors import Conflict
from ledger.io.imports import import_figures
from ledger.io.pipeline.records import file_sha256

HEADER = "incident,claimant,victim_status,outcome,quantity,reported\r\n"
ROWS = "balochistan-2026,ispr,militant,killed,at least 216,2026-02-05\r\nnushki-standoff,hrcp,civilian,killed,12,2026-02-05\r\n"


def figures_file(tmp_path: Path) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def interrupted_run(world: World, path: Path) -> str:
    """The run a kill right after `Started` leaves: started, nothing more."""
    ledger, sha = world.ledger, file_sha256(path)
    run = start_run(ledger.app, sha, "ledger csv", str(path), {"rows": 2}, ledger.entry(run_via(sha)))
    return run.label


def test_an_unfinished_run_holds_back_everything_recorded_after_it_began(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    path = figures_file(tmp_path)
    label = interrupted_run(world, path)
    ledger.app.register_publisher("dunya", "Dunya News", "media", None, ledger.entry())  # another writer, meanwhile
    assert [run.label for run in ledger.unfinished_imports()] == [label]
    assert "dunya" not in {r["key"] for r in ledger.listing("publishers")}
    report = import_figures(ledger, path)  # the same file again: resumes the run and completes it
    assert report.figures_new == 2
    assert ledger.unfinished_imports() == []
    assert "dunya" in {r["key"] for r in ledger.listing("publishers")}
    assert len(ledger.figures()) == 2
    assert latest_run(ledger.app, file_sha256(path)).state == "completed"  # type: ignore[union-attr]


def test_a_run_interrupted_after_its_last_write_is_completed_by_a_rerun_that_adds_nothing(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    path = figures_file(tmp_path)
    import_figures(ledger, path)
    label = interrupted_run(world, path)  # run 2 started, and (as if killed) never completed
    assert [run.label for run in ledger.unfinished_imports()] == [label]
    again = import_figures(ledger, path)
    assert (again.figures_new, again.figures_known) == (0, 2)
    assert ledger.unfinished_imports() == []
    before = event_count(ledger)
    import_figures(ledger, path)  # and a file that adds nothing still records nothing
    assert event_count(ledger) == before


def test_an_aborted_run_keeps_its_facts_out_for_good_and_its_file_is_refused(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    path = figures_file(tmp_path)
    label = interrupted_run(world, path)
    ledger.record_figure(world.figure(claimant=world.rights_group, victim_status="civilian", quantity="12",
                                      quote="12 civilians were killed"))  # fmt: skip
    recorded = {str(r["figure_id"]) for r in ledger.figures()}
    assert recorded == set()  # held back with the run
    aborted = abort_run(ledger.app, label, "a test", ledger.entry())
    assert aborted.state == "aborted" and ledger.unfinished_imports() == []
    assert len(ledger.figures()) == 1  # the analyst's figure, not carrying the run's via, shows
    with pytest.raises(Conflict, match=f"import run {label} was aborted"):
        import_figures(ledger, path)
    with pytest.raises(Conflict, match="was aborted, so its facts stay out"):
        aborted.complete({}, ledger.entry())


def test_a_completed_run_cannot_be_aborted(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    path = figures_file(tmp_path)
    import_figures(ledger, path)
    run = latest_run(ledger.app, file_sha256(path))
    assert run is not None and run.state == "completed"
    with pytest.raises(Conflict, match="completed, so its facts stand"):
        abort_run(ledger.app, run.label, "too late", ledger.entry())


def test_a_file_rewritten_during_its_import_writes_the_rows_that_were_checked(world: World, tmp_path: Path) -> None:
    ledger = world.ledger
    path = figures_file(tmp_path)
    original = file_sha256(path)

    def rewrite_while_checking(phase: str, done: int, total: int) -> None:  # as an editor saving over the file
        if phase == "checking" and "99" not in path.read_text(encoding="utf-8"):
            path.write_text(HEADER + "nushki-standoff,nobody,civilian,killed,99,2026-02-06\r\n", encoding="utf-8")

    report = import_figures(ledger, path, progress=rewrite_while_checking)
    assert report.sha256 == original and report.figures_new == 2
    assert sorted(r["quantity_text"] for r in ledger.figures()) == ["12", "at least 216"]
