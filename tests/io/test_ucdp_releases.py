"""UCDP GED imported release by release (ledger/io/pipeline/published.py).

The files are written here in GED's published layouts: the 23.1 column set (ledger's GED_COLUMNS,
in that order, quoted as UCDP quotes) with HDX's HXL hashtag row under the header, and an older
column set with the `_est` names and the second-party GW codes. The rows are synthetic; the odd
ones copy the kinds of inconsistency UCDP's own files hold (aggregated events coded low 0 / best 3
/ high 0, best above high, a source date of 1753-01-01, a source date before the event).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest

from ledger.history.facade import diff_instants
from ledger.io.formats.ucdp.reading import GED_COLUMNS
from ledger.io.imports import import_ucdp
from ledger.io.pipeline.problems import ImportRejected
from ledger.ledger import Ledger
from ledger.readmodel.view import View

HXL = {"id": "#event+id", "side_a": "#org+side_a", "side_b": "#org+side_b", "country": "#country+name",
       "adm_1": "#adm1+name", "date_start": "#date+start", "best": "#affected+killed"}  # fmt: skip


def event(id: int, **given: Any) -> dict[str, Any]:
    """A state-based GED event in Pakistan: Government of Pakistan vs BLA; `given` overrides any column."""
    row = {c: "" for c in GED_COLUMNS}
    row.update(
        id=id, relid=f"PAK-2023-1-{id}", year=2023, active_year=1, code_status="Clear", type_of_violence=1,
        conflict_name="Pakistan: Balochistan", dyad_name="Government of Pakistan - BLA", side_a="Government of Pakistan",
        side_b="BLA", number_of_sources=1, source_article=f"Dawn,2023-03-0{id % 9 + 1},Attack {id}", source_office="Dawn",
        source_date=f"2023-03-0{id % 9 + 1} 00:00:00.000", source_headline=f"Attack {id}", source_original="Security officials",
        where_prec=1, where_coordinates="Turbat town", where_description="Turbat", adm_1="Balochistan province",
        adm_2="Kech district", latitude=26.0, longitude=63.05, country="Pakistan", country_id=770, region="Asia",
        event_clarity=1, date_prec=1, date_start="2023-03-01 00:00:00.000", date_end="2023-03-01 00:00:00.000",
        deaths_a=2, deaths_b=3, deaths_civilians=1, deaths_unknown=0, gwnoa=770,
    )  # fmt: skip
    row.update(given)
    deaths = sum(int(row[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
    row.setdefault("best", deaths) if row.get("best") not in ("", None) else row.update(best=deaths)
    for bound in ("low", "high"):
        if row.get(bound) in ("", None):
            row[bound] = row["best"]
    return row


def write(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = GED_COLUMNS, hxl: bool = True) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(columns)
        if hxl:
            writer.writerow([HXL.get(c, "") for c in columns])
        writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return path


def first_release() -> list[dict[str, Any]]:
    return [
        event(1),  # number goes up
        event(2, deaths_b=5),  # number goes down
        event(3, deaths_b=4),  # a side falls to 0
        event(4),  # deleted from the next release
        event(5),  # date moved
        event(6),  # place changed
        event(7),  # precision changed
        event(8, source_original="Security officials"),  # source reworded
        event(9, deaths_a=0, deaths_b=0, deaths_civilians=0, deaths_unknown=3, low=0, high=0),  # aggregated: odd
        event(10, best=6, high=5),  # best above high: odd
        event(11, source_date="1753-01-01 00:00:00.000"),  # odd source date
        event(12, source_date="2023-02-20 00:00:00.000"),  # source date before the event
        event(13, deaths_a=4, deaths_b=4, deaths_civilians=2, low=7, high=15),  # a range: best 10 inside 7..15
        event(20, country="Afghanistan", relid="AFG-2023-1-20", side_a="Government of Afghanistan"),  # another country
    ]


def second_release() -> list[dict[str, Any]]:
    rows = {r["id"]: r for r in first_release()}
    del rows[4]
    rows[1] = event(1, deaths_b=7)
    rows[2] = event(2, deaths_b=1)
    rows[3] = event(3, deaths_b=0)
    rows[5] = event(5, date_start="2023-03-04 00:00:00.000", date_end="2023-03-04 00:00:00.000")
    rows[6] = event(6, where_coordinates="Gwadar town", adm_2="Gwadar district")
    rows[7] = event(7, where_prec=3)
    rows[8] = event(8, source_original="Local security sources")
    rows[14] = event(14, deaths_a=1, deaths_b=0, deaths_civilians=0)  # new
    return list(rows.values())


def cells(ledger: Ledger, key: str, view: View | None = None) -> dict[str, tuple[int, int, int]]:
    rows = ledger.tally(incident=key, **({"view": view} if view else {})).rows
    return {
        r["victim_status"]: (r["low"], r["best"], r["high"])
        for r in rows
        if r["incident"] == key and r["outcome"] == "killed" and r["best"] is not None  # withdrawn: no number
    }


def expected(row: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """What the tally must say for a consistent GED row: UCDP's low/best/high at `all`, each side's best."""
    low, best, high = int(row["low"]), int(row["best"]), int(row["high"])
    sides = {"security_forces": int(row["deaths_a"]), "militant": int(row["deaths_b"]),
             "civilian": int(row["deaths_civilians"]), "unknown": int(row["deaths_unknown"])}  # fmt: skip
    found = {"all": (low, best, high)}
    for status, n in sides.items():
        if n:
            found[status] = (max(0, n - (best - low)), n, n)
    if sides["militant"]:
        found["militant/bla"] = found["militant"]
    return found


@pytest.fixture
def released(ledger: Ledger, tmp_path: Path) -> tuple[Ledger, Path, Path]:
    one = write(tmp_path / "GEDEvent_v23_1.csv", first_release())
    two = write(tmp_path / "GEDEvent_v24_1.csv", second_release())
    return ledger, one, two


class TestFirstRelease:
    def test_the_release_is_a_document_and_ucdp_the_claimant(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, _ = released
        report = import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        assert report.release is not None
        assert (report.release["release"], report.release["published"], report.release["new"]) == ("ged-23.1", "2023-06-15", 14)
        document = ledger.app.document("release-ucdp-ged-23.1")
        assert document.sha256 == report.sha256  # the file as published, byte for byte
        assert document.published.at == dt.datetime(2023, 6, 15, tzinfo=dt.UTC)
        assert ledger.app.claimant("ucdp-ged").kind == "dataset"
        assert [r["key"] for r in ledger.listing("claimants")] == ["ucdp-ged"]  # no claimant per source text
        attributed = {json.loads(r["attributed"])["text"] for r in ledger.figures()}
        assert attributed == {"Security officials"}

    def test_a_mapping_names_registered_claimants_for_source_texts(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, _ = released
        mapping = one.parent / "mine.json"
        mapping.write_text(json.dumps({"claimants": {"security OFFICIALS": "ispr"}}), encoding="utf-8")
        with pytest.raises(ValueError, match=r"claimant 'ispr' .* is not registered"):
            import_ucdp(ledger, one, mapping, published=dt.date(2023, 6, 15))
        ledger.app.register_claimant("ispr", "ISPR", "state_forces", {"*": "party_other"}, "F", ledger.entry())
        import_ucdp(ledger, one, mapping, published=dt.date(2023, 6, 15))
        figures = ledger.figures("ucdp-ged-1")
        assert {r["claimant"] for r in figures} == {"ucdp-ged"}  # the dataset claims; the source is attributed
        assert {json.loads(r["attributed"])["claimant"] for r in figures} == {"ispr"}

    def test_the_defaults_come_from_the_file_name_and_its_dates(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, _ = released
        report = import_ucdp(ledger, one)
        assert report.release is not None
        assert report.release["release"] == "ged-23.1" and report.release["published"] == "2023-03-09"  # latest date in it
        assert ledger.app.document("release-ucdp-ged-23.1").published.estimated

    def test_tallied_low_best_high_are_ucdps_and_the_sides_bests_its_deaths_columns(
        self, released: tuple[Ledger, Path, Path]
    ) -> None:
        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        for row in first_release():
            if row["id"] in (9, 10):  # odd rows: see test_odd_rows_are_recorded_as_published_and_flagged
                continue
            assert cells(ledger, f"ucdp-ged-{row['id']}") == expected(row), row["id"]
        assert cells(ledger, "ucdp-ged-13")["all"] == (7, 10, 15)

    def test_odd_rows_are_recorded_as_published_and_flagged(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, _ = released
        report = import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        assert report.release is not None and report.release["flagged"] == 4 and report.release["left_out"] == 0
        assert cells(ledger, "ucdp-ged-9") == {"all": (3, 3, 3), "unknown": (3, 3, 3)}  # best 3, as published
        assert cells(ledger, "ucdp-ged-10")["all"] == (6, 6, 6)
        with ledger.reading() as con:
            flags = con.execute("SELECT incident_key, kind, field, value, problem FROM published_flags ORDER BY line").fetchall()
        assert [(k, kind, field, value) for k, kind, field, value, _ in flags] == [
            ("ucdp-ged-9", "odd", "best", "3"), ("ucdp-ged-10", "odd", "best", "6"),
            ("ucdp-ged-11", "odd", "source_date", "1753-01-01"), ("ucdp-ged-12", "odd", "source_date", "2023-02-20"),
        ]  # fmt: skip
        assert "low 0, best 3, high 0: not low <= best <= high" in flags[0][4]
        [dated] = {r["reported_at"] for r in ledger.figures("ucdp-ged-11")}
        assert dated == dt.datetime(2023, 3, 1, tzinfo=dt.UTC)  # the event's end, estimated: never 1753

    def test_reimporting_the_release_writes_nothing(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        before = ledger.app.recorder.max_notification_id()
        again = import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        assert ledger.app.recorder.max_notification_id() == before
        assert again.release is not None and again.release["unchanged"] == 14 and again.figures_new == 0

    def test_an_older_layout_with_other_column_names_imports_the_same(self, ledger: Ledger, tmp_path: Path) -> None:
        older = ("id", "year", "active_year", "type_of_violence", "conflict_new_id", "conflict_name", "dyad_new_id",
                 "dyad_name", "side_a_new_id", "gwnoa", "gwnoa2nd", "side_a", "side_b_new_id", "gwnob", "gwnob2nd",
                 "side_b", "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
                 "source_original", "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude",
                 "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
                 "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
                 "high", "low")  # fmt: skip
        path = write(tmp_path / "ged191.csv", [event(1), event(13, deaths_a=4, deaths_b=4, deaths_civilians=2, low=7, high=15)],
                     older, hxl=False)  # fmt: skip
        report = import_ucdp(ledger, path, published=dt.date(2019, 6, 1))
        assert report.release is not None and report.release["release"] == "ged-19.1"
        assert cells(ledger, "ucdp-ged-13")["all"] == (7, 10, 15) and report.ignored_columns == []


class TestSecondRelease:
    def test_every_kind_of_change_cell_by_cell(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, two = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        report = import_ucdp(ledger, two, published=dt.date(2024, 6, 12))
        assert report.release is not None
        counts = {k: report.release[k] for k in ("new", "revised", "withdrawn", "corrected", "unchanged")}
        assert counts == {"new": 1, "revised": 3, "withdrawn": 1, "corrected": 3, "unchanged": 7}
        fallen = {"militant": (0, 0, 0), "militant/bla": (0, 0, 0)}  # event 3's side fell to 0: a revision, not a stale 4
        for row in second_release():
            if row["id"] in (9, 10):
                continue
            assert cells(ledger, f"ucdp-ged-{row['id']}") == expected(row) | (fallen if row["id"] == 3 else {}), row["id"]
        assert cells(ledger, "ucdp-ged-4") == {}  # deleted: every figure withdrawn
        withdrawn = [r for r in ledger.figures("ucdp-ged-4")]
        assert withdrawn and {r["state"] for r in withdrawn} == {"withdrawn"}
        with ledger.reading() as con:
            reasons = {r[0] for r in con.execute("SELECT reason FROM figure_events WHERE kind = 'withdrawn'").fetchall()}
        assert reasons == {"not in release ged-24.1"}
        moved = ledger.app.incident("ucdp-ged-5")
        assert (moved.period.start, moved.period.end) == (dt.date(2023, 3, 4), dt.date(2023, 3, 4))
        assert (ledger.app.incident("ucdp-ged-6").location.place, ledger.app.incident("ucdp-ged-6").location.adm2) == (
            "Gwadar town", "Gwadar district",
        )  # fmt: skip
        assert ledger.app.incident("ucdp-ged-7").location.precision.value == "adm2"
        assert [r["key"] for r in ledger.listing("claimants")] == ["ucdp-ged"]  # a reworded source opens no claim
        assert {r["state"] for r in ledger.figures("ucdp-ged-8")} == {"standing"}

    def test_revisions_stand_at_the_releases_date_not_the_rows_source_date(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, two = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        import_ucdp(ledger, two, published=dt.date(2024, 6, 12))
        standing = {r["victim_status"]: r["reported_at"] for r in ledger.figures("ucdp-ged-1") if r["state"] == "standing"}
        assert standing["all"] == standing["militant/bla"] == dt.datetime(2024, 6, 12, tzinfo=dt.UTC)  # revised
        assert standing["civilian"] == dt.datetime(2023, 3, 2, tzinfo=dt.UTC)  # unchanged: its source's date still
        before = View.parse(None, "2024-01-01")
        assert cells(ledger, "ucdp-ged-1", before)["all"] == (6, 6, 6)  # what was public then: release 23.1's number
        assert cells(ledger, "ucdp-ged-1")["all"] == (10, 10, 10)

    def test_diff_between_the_imports_shows_each_change_with_its_cause(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, two = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        time.sleep(0.01)
        between = dt.datetime.now(dt.UTC).isoformat()
        time.sleep(0.01)
        import_ucdp(ledger, two, published=dt.date(2024, 6, 12))
        result = diff_instants(ledger, between)
        changes = {(c.incident, c.victim_status): c for c in result.changes}
        assert changes[("ucdp-ged-1", "all")].text.startswith("6 / 6 / 6") and changes[("ucdp-ged-1", "all")].after.best == 10
        assert {c.kind for c in changes[("ucdp-ged-1", "all")].causes} == {"revision"}
        assert changes[("ucdp-ged-3", "militant")].after.best == 0
        assert changes[("ucdp-ged-4", "all")].after is None or changes[("ucdp-ged-4", "all")].after.best is None
        assert {c.kind for c in changes[("ucdp-ged-4", "all")].causes} == {"withdrawal"}
        assert "not in release ged-24.1" in " ".join(c.text for c in changes[("ucdp-ged-4", "all")].causes)
        assert changes[("ucdp-ged-14", "all")].change == "added"
        assert not any(key[0] in ("ucdp-ged-8", "ucdp-ged-20") for key in changes)  # unchanged events: no change
        # moved dates, places and precision change no cell: listed as incident corrections, the release their cause
        corrected = {c.incident: c for c in result.corrections}
        assert set(corrected) == {"ucdp-ged-5", "ucdp-ged-6", "ucdp-ged-7"}
        turbat = "Turbat town, Kech district, Balochistan province, Pakistan"
        assert [(c.field, c.before, c.after) for c in corrected["ucdp-ged-5"].changes] == [
            ("dates", "2023-03-01 (day)", "2023-03-04 (day)")
        ]
        assert [(c.field, c.before, c.after) for c in corrected["ucdp-ged-6"].changes] == [
            ("place", turbat, "Gwadar town, Gwadar district, Balochistan province, Pakistan")
        ]
        assert [(c.field, c.before, c.after) for c in corrected["ucdp-ged-7"].changes] == [
            ("place", turbat, "Kech district, Balochistan province, Pakistan"),  # at adm2 the town is no longer named
            ("location precision", "place", "adm2"),
        ]
        for correction in result.corrections:
            assert correction.reason.startswith("release ged-24.1: ") and correction.document == "release-ucdp-ged-24.1"
            assert correction.via is not None and correction.via.startswith("import:")
            assert correction.cause == f"by tester via the import of release-ucdp-ged-24.1: {correction.reason}"
        assert result.title.endswith(", 3 incidents corrected")

    def test_a_partial_extract_only_touches_its_scope(self, released: tuple[Ledger, Path, Path], tmp_path: Path) -> None:
        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        afghanistan = write(tmp_path / "ged-afg-2023.csv", [event(21, country="Afghanistan")])
        report = import_ucdp(ledger, afghanistan, release="ged-24.1-afg", published=dt.date(2024, 6, 12))
        assert report.release is not None and report.release["scope"] == "Afghanistan; 2023"
        assert report.release["withdrawn"] == 1  # event 20 (Afghanistan, 2023); Pakistan untouched
        assert cells(ledger, "ucdp-ged-1")["all"] == (6, 6, 6) and cells(ledger, "ucdp-ged-20") == {}
        declared = write(tmp_path / "ged-pak-2023-one.csv", [event(1)])
        narrowed = import_ucdp(ledger, declared, release="x", published=dt.date(2024, 6, 12), scope="country=Elsewhere")
        assert narrowed.release is not None and narrowed.release["withdrawn"] == 0

    def test_a_complete_release_declared_withdraws_everything_absent(
        self, released: tuple[Ledger, Path, Path], tmp_path: Path
    ) -> None:
        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        only = write(tmp_path / "ged-one.csv", [event(1)])
        report = import_ucdp(ledger, only, release="tiny", published=dt.date(2024, 6, 12), scope="all")
        assert report.release is not None and report.release["withdrawn"] == 13


class TestUnreadableRows:
    def test_an_unreadable_row_refuses_the_import_unless_it_is_skipped_and_recorded(self, ledger: Ledger, tmp_path: Path) -> None:
        path = write(tmp_path / "GEDEvent_v23_1.csv", [event(1), event(2, date_prec=9), event(3)])
        with pytest.raises(ImportRejected) as rejected:
            import_ucdp(ledger, path, published=dt.date(2023, 6, 15))
        assert "--skip-unreadable" in str(rejected.value) and "--occurred" not in str(rejected.value)
        report = import_ucdp(ledger, path, published=dt.date(2023, 6, 15), skip_unreadable=True)
        assert report.release is not None and (report.release["new"], report.release["left_out"]) == (2, 1)
        with ledger.reading() as con:
            [(kind, line, field)] = con.execute("SELECT kind, line, field FROM published_flags").fetchall()
        assert (kind, line, field) == ("left_out", 4, "date_prec")
        assert ledger.app.document("release-ucdp-ged-23.1").sha256 == report.sha256  # the file is never edited

    def test_an_event_left_out_of_a_later_release_is_not_withdrawn(self, ledger: Ledger, tmp_path: Path) -> None:
        import_ucdp(ledger, write(tmp_path / "GEDEvent_v23_1.csv", [event(1), event(2)]), published=dt.date(2023, 6, 15))
        later = write(tmp_path / "GEDEvent_v24_1.csv", [event(1), event(2, date_start="2023-13-01")])
        report = import_ucdp(ledger, later, published=dt.date(2024, 6, 12), skip_unreadable=True)
        assert report.release is not None and (report.release["left_out"], report.release["withdrawn"]) == (1, 0)
        assert cells(ledger, "ucdp-ged-2")["all"] == (6, 6, 6)  # in the release, only unreadable: kept
        path = tmp_path / "GEDEvent_v25_1.csv"
        text = write(path, [event(1)]).read_text(encoding="utf-8")
        path.write_text(text + "2,3\n", encoding="utf-8")  # a row cut short: its event cannot be named
        cut = import_ucdp(ledger, path, published=dt.date(2025, 6, 10), skip_unreadable=True)
        assert cut.release is not None and cut.release["withdrawn"] == 0 and cut.release["withdrawals_skipped"]
        assert any("no event withdrawn" in line for line in cut.summary())

    def test_release_scope_and_date_options_are_checked(self, ledger: Ledger, tmp_path: Path) -> None:
        path = write(tmp_path / "GEDEvent_v23_1.csv", [event(1)])
        with pytest.raises(ValueError, match="scope 'countries=Pakistan'"):
            import_ucdp(ledger, path, scope="countries=Pakistan")


class TestFlagsAreReported:
    def test_reconcile_reports_the_flags_and_explain_shows_them(self, released: tuple[Ledger, Path, Path]) -> None:
        from ledger.history.facade import explain_cell
        from ledger.reconcile.checks import published_rows
        from ledger.reconcile.evidence import load_evidence

        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        with ledger.reading() as con:
            findings = published_rows(load_evidence(con))
        assert [(f.kind, f.incident) for f in findings] == [("published_row_odd", f"ucdp-ged-{n}") for n in (9, 10, 11, 12)]
        explained = explain_cell(ledger, "ucdp-ged-10", "all", "killed")
        [flag] = [line for line in explained.lines if line.section == "flagged"]
        assert "low 6, best 6, high 5: not low <= best <= high" in flag.text and "release release-ucdp-ged-23.1" in flag.text
        assert "flagged:" in explained.text()
        clean = explain_cell(ledger, "ucdp-ged-1", "all", "killed")
        assert not [line for line in clean.lines if line.section == "flagged"]


class TestReleaseOrder:
    def test_an_event_back_in_a_later_release_stands_at_that_releases_date(
        self, released: tuple[Ledger, Path, Path], tmp_path: Path
    ) -> None:
        ledger, one, two = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        import_ucdp(ledger, two, published=dt.date(2024, 6, 12))
        three = write(tmp_path / "GEDEvent_v25_1.csv", [*second_release(), event(4)])
        report = import_ucdp(ledger, three, published=dt.date(2025, 6, 10))
        assert report.release is not None and (report.release["new"], report.release["revised"]) == (0, 1)
        assert cells(ledger, "ucdp-ged-4") == expected(event(4))
        standing = {r["reported_at"] for r in ledger.figures("ucdp-ged-4") if r["state"] == "standing"}
        assert standing == {dt.datetime(2025, 6, 10, tzinfo=dt.UTC)}

    def test_an_earlier_release_after_a_later_one_is_refused(self, released: tuple[Ledger, Path, Path]) -> None:
        ledger, one, two = released
        import_ucdp(ledger, two, published=dt.date(2024, 6, 12))
        with pytest.raises(ValueError, match=r"release-ucdp-ged-24\.1 was published later"):
            import_ucdp(ledger, one, published=dt.date(2023, 6, 15))


class TestBundles:
    def test_a_bundle_carries_the_attributed_sources(self, released: tuple[Ledger, Path, Path], tmp_path: Path) -> None:
        from conftest import make_ledger

        from ledger.io.export import export
        from ledger.io.imports import import_figures

        ledger, one, _ = released
        import_ucdp(ledger, one, published=dt.date(2023, 6, 15))
        bundle = tmp_path / "bundle.jsonl"
        export(ledger, "figures", bundle, "jsonl")
        fresh = make_ledger(tmp_path / "fresh")
        try:
            import_figures(fresh, bundle)
            sources = {(r["incident"], r["victim_status"], r["attributed"]) for r in fresh.figures()}
            assert sources == {(r["incident"], r["victim_status"], r["attributed"]) for r in ledger.figures()}
            assert all(attributed for _, _, attributed in sources)
        finally:
            fresh.close()
