"""`ledger export tallies --format ucdp|acled`: rows a UCDP or ACLED user can load unchanged.

Imported events are written back as the dataset published them (every column, in its order, with
its ids, sides, codes and sources), with the numbers from the ledger's tally; re-importing the
export into an empty ledger gives the same tallies, cell by cell. The samples are the published
layouts (GED 23.1's 49 columns, ACLED's 31; tests/io/data/README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import build_world, make_ledger, reported

from ledger.application.inputs import FigureInput
from ledger.domain.values import Location, Period
from ledger.domain.vocabulary import LocationPrecision, Precision
from ledger.io.export import export
from ledger.io.formats.acled.reading import ACLED_COLUMNS
from ledger.io.formats.ucdp.reading import GED_COLUMNS
from ledger.io.imports import import_acled, import_figures, import_ucdp
from ledger.io.pipeline.problems import ImportRejected
from ledger.ledger import Ledger

DATA = Path(__file__).parent / "data"
UCDP = DATA / "ucdp_ged_sample.csv"
ACLED = DATA / "acled_sample.csv"
# What a tally row reflects rather than holds: the log position and view differ between two ledgers.
REFLECTS = ("view", "log_position")


def read_rows(path: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    return [r for r in rows if not all(v.startswith("#") for v in r.values() if v)]  # an HXL row, as on HDX


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def tally_cells(ledger: Ledger) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {
        (r["incident"], r["victim_status"], r["outcome"]): {k: v for k, v in r.items() if k not in REFLECTS}
        for r in ledger.tally().rows
    }


def root(ledger: Ledger, incident: str) -> dict[str, Any]:
    return tally_cells(ledger)[(incident, "all", "killed")]


@pytest.fixture(scope="class")
def imported(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[tuple[Ledger, Path]]:
    """A ledger holding one release (the class's `SAMPLE`), and a folder for its exports."""
    home = tmp_path_factory.mktemp("published")
    ledger = make_ledger(home / "ledger")
    request.cls.load(ledger, request.cls.SAMPLE)
    try:
        yield ledger, home
    finally:
        ledger.close()


def exported(ledger: Ledger, folder: Path, fmt: str, name: str | None = None, **options: Any) -> Path:
    target = folder / (name or f"{fmt}.csv")
    export(ledger, "tallies", target, fmt, **options)
    return target


class TestUcdp:
    SAMPLE = UCDP
    load = staticmethod(import_ucdp)

    def test_imported_events_are_written_as_ged_published_them(self, imported: tuple[Ledger, Path]) -> None:
        ledger, folder = imported
        target = exported(ledger, folder, "ucdp")
        assert header(target)[: len(GED_COLUMNS)] == list(GED_COLUMNS)  # GED's columns in GED's order
        rows = {r["id"]: r for r in read_rows(target)}
        original = {r["id"]: r for r in read_rows(UCDP)}
        assert set(rows) == set(original)
        for event, published in original.items():
            mine = rows[event]
            differing = {c for c in GED_COLUMNS if mine[c] != published[c]}
            # The only column that may differ is the tallied low, raised where the import had to
            # (README, "UCDP GED"): the export writes the ledger's tally, never a copy of GED's.
            assert differing <= {"low"}, (event, {c: (published[c], mine[c]) for c in differing})
            assert int(mine["low"]) == root(ledger, f"ucdp-ged-{event}")["low"]
        assert (rows["501001"]["relid"], rows["501001"]["number_of_sources"]) == ("PAK-2024-1-501001", "2")
        # A non-state dyad keeps its sides: BLA's 3 on side A, BLF's 5 on side B.
        assert (rows["501003"]["deaths_a"], rows["501003"]["deaths_b"], rows["501003"]["type_of_violence"]) == ("3", "5", "2")
        # Two governments share one victim status; the split is GED's while the cell holds GED's number.
        assert (rows["501005"]["deaths_a"], rows["501005"]["deaths_b"]) == ("2", "3")

    def test_reimporting_the_export_into_an_empty_ledger_gives_the_same_tallies(
        self, imported: tuple[Ledger, Path], tmp_path: Path
    ) -> None:
        ledger, folder = imported
        target = exported(ledger, folder, "ucdp", "ucdp-round-trip.csv")
        again = make_ledger(tmp_path / "again")
        try:
            report = import_ucdp(again, target)
            assert report.ignored_columns == ["ledger_parent", "high_open", "grades", "policy", "view", "log_position"]
            assert tally_cells(again) == tally_cells(ledger)  # cell by cell: bounds, grade, basis, claims, claimants
            second = exported(again, tmp_path, "ucdp")
            first = {r["id"]: r for r in read_rows(target)}
            assert {r["id"]: {c: r[c] for c in GED_COLUMNS} for r in read_rows(second)} == {
                k: {c: r[c] for c in GED_COLUMNS} for k, r in first.items()
            }
        finally:
            again.close()


class TestAcled:
    SAMPLE = ACLED
    load = staticmethod(import_acled)

    def test_imported_events_are_written_as_acled_published_them(self, imported: tuple[Ledger, Path]) -> None:
        ledger, folder = imported
        target = exported(ledger, folder, "acled")
        assert header(target)[: len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
        rows = {r["event_id_cnty"]: r for r in read_rows(target)}
        original = {r["event_id_cnty"]: r for r in read_rows(ACLED) if r["fatalities"] != "0"}  # zeros are skipped
        assert set(rows) == set(original)
        for event, published in original.items():
            assert {c: rows[event][c] for c in ACLED_COLUMNS} == {c: published[c] for c in ACLED_COLUMNS}, event
        # Week- and month-dated events keep the date ACLED gave, at its precision.
        assert (rows["PAK100004"]["event_date"], rows["PAK100004"]["time_precision"]) == ("2024-02-07", "2")
        assert (rows["PAK100005"]["event_date"], rows["PAK100005"]["time_precision"]) == ("2024-02-15", "3")
        assert rows["PAK100001"]["notes"].endswith("including 9 militants.")
        assert (rows["PAK100002"]["actor1"], rows["PAK100002"]["admin2"]) == ("BLA: Baloch Liberation Army", "Kech")

    def test_reimporting_the_export_into_an_empty_ledger_gives_the_same_tallies(
        self, imported: tuple[Ledger, Path], tmp_path: Path
    ) -> None:
        ledger, folder = imported
        target = exported(ledger, folder, "acled", "acled-round-trip.csv")
        again = make_ledger(tmp_path / "again")
        try:
            import_acled(again, target)
            assert tally_cells(again) == tally_cells(ledger)
            second = {r["event_id_cnty"]: {c: r[c] for c in ACLED_COLUMNS} for r in read_rows(exported(again, tmp_path, "acled"))}
            first = {r["event_id_cnty"]: {c: r[c] for c in ACLED_COLUMNS} for r in read_rows(target)}
            assert second == first
        finally:
            again.close()


def rewritten(source: Path, target: Path, event_column: str, event: str, change: Callable[[dict[str, str]], None]) -> Path:
    """The published file with one row changed, written as the dataset writes it (header, HXL row, rows)."""
    text = source.read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    columns = lines[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for cells in lines[1:]:
        row = dict(zip(columns, cells, strict=True))
        if row[event_column] == event:
            change(row)
        writer.writerow([row[c] for c in columns])
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def test_a_release_that_rewords_a_row_is_exported_reworded_and_as_of_before_it_as_it_was(ledger: Ledger, tmp_path: Path) -> None:
    import_ucdp(ledger, UCDP)
    first = exported(ledger, tmp_path, "ucdp", "first.csv")
    cutoff = dt.datetime.now(dt.UTC)

    def reword(row: dict[str, str]) -> None:
        row["source_headline"] = "Standoff at Nushki police station ends (reworded in the next release)"
        row["number_of_sources"] = "3"

    later = rewritten(UCDP, tmp_path / "GEDEvent_next.csv", "id", "501001", reword)
    report = import_ucdp(ledger, later)
    assert report.registered.get("published_row") == 1  # only the changed row is recorded again
    assert import_ucdp(ledger, later).registered == {}  # and the same release again records nothing
    now = {r["id"]: r for r in read_rows(exported(ledger, tmp_path, "ucdp", "now.csv"))}
    assert now["501001"]["source_headline"].endswith("(reworded in the next release)")
    assert now["501001"]["number_of_sources"] == "3"
    then = {r["id"]: r for r in read_rows(exported(ledger, tmp_path, "ucdp", "then.csv", view=_as_of(cutoff)))}
    assert then["501001"]["source_headline"] == {r["id"]: r for r in read_rows(first)}["501001"]["source_headline"]


def _as_of(at: dt.datetime) -> Any:
    from ledger.readmodel.view import View

    return View(recorded_by=at)


def test_a_number_the_ledger_holds_since_is_written_from_its_tally(ledger: Ledger, tmp_path: Path) -> None:
    """An analyst's later figure for an imported event: the numbers follow the tally, the split falls back."""
    import_ucdp(ledger, UCDP)
    ledger.app.register_claimant("ispr", "Inter-Services Public Relations", "state_forces", {"*": "own_losses"}, "D",
                                 ledger.entry("test"))  # fmt: skip
    ledger.record_figure(FigureInput(
        "ucdp-ged-501005", "ispr", "security_forces", "killed", "at least 9", reported("2024-02-20"),
    ))  # fmt: skip
    rows = {r["id"]: r for r in read_rows(exported(ledger, tmp_path, "ucdp"))}
    cells = tally_cells(ledger)
    security = cells[("ucdp-ged-501005", "security_forces", "killed")]
    total = cells[("ucdp-ged-501005", "all", "killed")]
    assert security["best"] != 5  # the ledger now holds more than GED's 2 + 3
    row = rows["501005"]
    assert (int(row["deaths_a"]), int(row["deaths_b"])) == (security["best"], 0)  # GED's split no longer holds
    assert (int(row["low"]), int(row["best"])) == (total["low"], total["best"])
    assert row["high"] == ("" if total["high_open"] else str(total["high"]))
    assert sum(int(row[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")) == int(row["best"])
    assert row["relid"] == "PAK-2024-1-501005" and row["source_original"] == "ISPR"  # GED's attributes stay


def test_incidents_the_ledger_recorded_itself_get_the_documented_values(ledger: Ledger, tmp_path: Path) -> None:
    world = build_world(ledger)
    ledger.record_figure(world.figure())  # at least 216 militants killed in the campaign
    ledger.app.register_incident(
        "kohlu-week", "IED near Kohlu", Location("Pakistan", "Balochistan", "Kohlu", precision=LocationPrecision.ADM2),
        Period(dt.date(2026, 2, 4), dt.date(2026, 2, 10), Precision.WEEK), ledger.entry("test"),
    )  # fmt: skip
    ledger.record_figure(world.figure(incident="kohlu-week", claimant="hrcp", victim_status="civilian", quantity="3"))
    ucdp = {r["relid"]: r for r in read_rows(exported(ledger, tmp_path, "ucdp"))}
    campaign = ucdp["balochistan-2026"]
    assert (campaign["id"], campaign["year"], campaign["type_of_violence"], campaign["side_a"]) == ("", "2026", "", "")
    assert (campaign["date_start"], campaign["date_end"]) == ("2026-01-25 00:00:00.000", "2026-02-28 00:00:00.000")
    assert (campaign["date_prec"], campaign["where_prec"], campaign["adm_1"]) == ("1", "4", "Balochistan")
    assert (campaign["deaths_b"], campaign["best"], campaign["number_of_sources"]) == ("216", "216", "1")
    assert campaign["source_office"] == "Dawn" and campaign["source_original"] == "Inter-Services Public Relations"
    assert (ucdp["kohlu-week"]["date_prec"], ucdp["kohlu-week"]["where_prec"]) == ("3", "3")
    assert ucdp["kohlu-week"]["deaths_civilians"] == "3"
    acled = {r["event_id_cnty"]: r for r in read_rows(exported(ledger, tmp_path, "acled"))}
    week = acled["kohlu-week"]
    assert (week["event_date"], week["time_precision"], week["geo_precision"]) == ("2026-02-07", "2", "2")  # the week's middle
    assert (week["fatalities"], week["source"]) == ("3", "Dawn")
    # GED ids are UCDP's to give: an export holding the ledger's own incidents is no GED release.
    with pytest.raises(ImportRejected) as rejected:
        import_ucdp(make_ledger(tmp_path / "other"), tmp_path / "ucdp.csv")
    assert any(p.column == "id" for p in rejected.value.problems)


def test_a_bundle_carries_the_published_rows_so_its_ledger_exports_the_same(ledger: Ledger, tmp_path: Path) -> None:
    import_ucdp(ledger, UCDP)
    import_acled(ledger, ACLED)
    bundle = tmp_path / "ledger.jsonl"
    export(ledger, "figures", bundle, "jsonl")
    again = make_ledger(tmp_path / "again")
    try:
        import_figures(again, bundle)
        for fmt in ("ucdp", "acled"):
            ours = read_rows(exported(ledger, tmp_path, fmt, f"ours-{fmt}.csv"))
            theirs = read_rows(exported(again, tmp_path, fmt, f"theirs-{fmt}.csv"))
            assert [{k: v for k, v in r.items() if k not in REFLECTS} for r in theirs] == [
                {k: v for k, v in r.items() if k not in REFLECTS} for r in ours
            ]
        with ledger.reading() as con, again.reading() as con_again:
            query = "SELECT row_id, summary FROM published_rows JOIN facts ON facts.aggregate_id = row_id ORDER BY key"
            assert con_again.execute(query).fetchall() == con.execute(query).fetchall()  # the same facts, the same words
    finally:
        again.close()


def test_events_imported_before_rows_were_kept_export_as_the_ledger_s_own(tmp_path: Path) -> None:
    """The previous release's ledger imported the UCDP sample without keeping its rows: its events
    get the documented values for the ledger's own incidents, and nothing is made up."""
    previous = Path(__file__).parents[1] / "app" / "data" / "previous_release" / "events.sqlite"
    home = tmp_path / "previous"
    home.mkdir()
    shutil.copy(previous, home / "events.sqlite")  # a copy: the fixture itself is never written
    old = make_ledger(home)
    try:
        rows = {r["relid"]: r for r in read_rows(exported(old, tmp_path, "ucdp"))}
        standoff = rows["ucdp-ged-501001"]
        assert (standoff["id"], standoff["side_a"], standoff["latitude"], standoff["date_prec"]) == ("", "", "", "1")
        assert standoff["best"] == str(root(old, "ucdp-ged-501001")["best"])
    finally:
        old.close()


def test_an_analyst_s_correction_of_dates_or_place_is_the_ledger_s_and_is_exported(ledger: Ledger, tmp_path: Path) -> None:
    import_ucdp(ledger, UCDP)
    import_acled(ledger, ACLED)
    entry = ledger.entry("test")
    ledger.app.correct_incident(
        "ucdp-ged-501005", "the firing began the evening before", entry,
        period=Period(dt.date(2024, 2, 10), dt.date(2024, 2, 11), Precision.DAY),
    )  # fmt: skip
    ledger.app.correct_incident(
        "acled-pak100002", "the village lies across the district line", entry,
        location=Location("Pakistan", "Balochistan", "Gwadar", "Turbat East", LocationPrecision.PLACE),
    )  # fmt: skip
    ged = {r["id"]: r for r in read_rows(exported(ledger, tmp_path, "ucdp"))}
    assert (ged["501005"]["date_start"], ged["501005"]["date_end"]) == ("2024-02-10 00:00:00.000", "2024-02-11 00:00:00.000")
    assert (ged["501005"]["date_prec"], ged["501005"]["relid"]) == ("1", "PAK-2024-1-501005")  # the rest is GED's
    assert ged["501001"]["date_start"] == "2024-01-30 00:00:00.000"  # uncorrected events keep GED's text
    acled = {r["event_id_cnty"]: r for r in read_rows(exported(ledger, tmp_path, "acled"))}
    assert (acled["PAK100002"]["admin2"], acled["PAK100002"]["location"]) == ("Gwadar", "Turbat East")
    assert acled["PAK100002"]["latitude"] == ""  # ACLED's coordinates were of the place it named
    assert acled["PAK100002"]["event_date"] == "2024-02-04"  # still inside the period: ACLED's date stands
    assert acled["PAK100004"]["event_date"] == "2024-02-07"  # week-dated, uncorrected
