"""Importing UCDP GED and ACLED files in their published layouts (see tests/io/data/README.md).

The samples are synthetic rows in the real column layouts, with the awkward parts real files have:
quoted fields holding commas, doubled quotes and newlines, an HXL hashtag row, a byte-order mark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import writes_nothing

from ledger.io.export import export
from ledger.io.formats.ucdp.reading import GED_COLUMNS
from ledger.io.imports import import_acled, import_ucdp
from ledger.io.pipeline.fields import Fields
from ledger.io.pipeline.problems import ImportRejected
from ledger.io.pipeline.published import day
from ledger.ledger import Ledger

DATA = Path(__file__).parent / "data"
UCDP = DATA / "ucdp_ged_sample.csv"
ACLED = DATA / "acled_sample.csv"


def cells(ledger: Ledger, incident: str) -> dict[str, tuple[Any, Any, Any]]:
    """An event's people killed by victim category (its total, `all`, is `total`)."""
    return {
        r["victim_status"]: (r["low"], r["best"], r["high"])
        for r in ledger.tally().rows
        if r["incident"] == incident and r["outcome"] == "killed" and r["status_level"] == 1
    }


def total(ledger: Ledger, incident: str) -> tuple[Any, Any, Any]:
    [row] = [r for r in ledger.tally().rows if r["incident"] == incident and r["outcome"] == "killed" and r["status_level"] == 0]
    return row["low"], row["best"], row["high"]


def published(path: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    return rows[1:]  # under the header: the HXL row


class TestUcdp:
    def test_the_sample_is_in_the_published_layout(self) -> None:
        text = UCDP.read_text(encoding="utf-8")
        assert next(csv.reader(io.StringIO(text))) == list(GED_COLUMNS)
        assert '""martyred""' in text and "Near Turbat,\nKech" in text  # awkward quoting, kept for the test
        assert published(UCDP)[0]["id"] == "501001"

    def test_each_event_becomes_an_incident_with_its_precisions(self, ledger: Ledger) -> None:
        report = import_ucdp(ledger, UCDP)
        assert (report.rows, report.registered["incident"], report.registered["document"]) == (5, 5, 1)  # the release
        incidents = {r["key"]: r for r in ledger.listing("incidents")}
        standoff = incidents["ucdp-ged-501001"]
        assert (standoff["place"], standoff["location_precision"], standoff["date_precision"]) == ("Nushki town", "place", "day")
        assert (standoff["occurred_start"], standoff["occurred_end"]) == (dt.date(2024, 1, 30), dt.date(2024, 1, 30))
        assert (incidents["ucdp-ged-501002"]["location_precision"], incidents["ucdp-ged-501002"]["date_precision"]) == (
            "adm2", "week",
        )  # fmt: skip
        assert (incidents["ucdp-ged-501004"]["location_precision"], incidents["ucdp-ged-501004"]["date_precision"]) == (
            "country", "month",
        )  # fmt: skip
        assert "Near Turbat,\nKech district" in ledger.app.incident("ucdp-ged-501002").description

    def test_sides_become_victim_statuses_and_ucdp_is_the_claimant_of_attributed_sources(self, ledger: Ledger) -> None:
        report = import_ucdp(ledger, UCDP)
        assert cells(ledger, "ucdp-ged-501001") == {"security_forces": (4, 4, 4), "militant": (9, 9, 9), "civilian": (2, 2, 2)}
        assert cells(ledger, "ucdp-ged-501005") == {"security_forces": (5, 5, 5)}  # two governments: one status, added
        figures = [r for r in ledger.figures() if r["incident"] == "ucdp-ged-501001"]
        assert {r["claimant"] for r in figures} == {"ucdp-ged"}  # the dataset, never its free-text sources
        assert {(r["publisher"], r["document"], r["reported_at"].date()) for r in figures} == {
            ("ucdp", "release-ucdp-ucdp_ged_sample", dt.date(2024, 2, 4)),  # the latest source date
        }
        attributed = json.loads(figures[0]["attributed"])
        assert attributed["text"] == "Security officials; Local police" and attributed["office"] == "Dawn;The Express Tribune"
        assert attributed["article"].startswith('Dawn,2024-02-03,"Militants storm Nushki police station')
        assert {r["incident"] for r in ledger.figures(source_text="local POLICE")} == {"ucdp-ged-501001"}
        no_source = [r for r in ledger.figures() if r["incident"] == "ucdp-ged-501004"]
        assert all(r["reported_estimated"] for r in no_source)  # no source date: the event's end, estimated
        applied = {(a["value"], a["status"]) for a in report.mapping["applied"]}
        assert ("Government of Pakistan", "security_forces") in applied and ("BLF", "militant/blf") in applied
        assert report.mapping["unmapped"] == []

    def test_the_tally_gives_ucdps_low_best_and_high_and_the_sides_bests(self, ledger: Ledger) -> None:
        import_ucdp(ledger, UCDP)
        rows = {r["id"]: r for r in published(UCDP)}
        for event, row in rows.items():
            assert total(ledger, f"ucdp-ged-{event}") == (int(row["low"]), int(row["best"]), int(row["high"])), event
        assert cells(ledger, "ucdp-ged-501002") == {"civilian": (6, 6, 6)}  # low = best: the sides are exact
        assert cells(ledger, "ucdp-ged-501003") == {"militant": (4, 8, 8), "unknown": (0, 2, 2)}  # best 10, low 8

    def test_a_mapping_file_overrides_the_shipped_one_and_unmapped_sides_are_reported(
        self, ledger: Ledger, tmp_path: Path
    ) -> None:
        mapping = tmp_path / "mine.toml"
        mapping.write_text('sides = [{match = "^Government of Pakistan$", status = "security_forces"}]\n', encoding="utf-8")
        report = import_ucdp(ledger, UCDP, mapping)
        assert report.mapping["file"] == str(mapping)
        unmapped = {u["value"] for u in report.mapping["unmapped"]}
        assert unmapped == {"BLA", "BLF", "Civilians", "Government of India"}
        assert set(cells(ledger, "ucdp-ged-501001")) == {"security_forces", "unknown", "civilian"}

    def test_reimporting_adds_nothing_and_a_bad_row_writes_nothing(self, ledger: Ledger, tmp_path: Path) -> None:
        import_ucdp(ledger, UCDP)
        with writes_nothing(ledger):
            again = import_ucdp(ledger, UCDP)
        assert again.figures_new == 0 and again.registered == {}
        broken = tmp_path / "broken.csv"
        text = UCDP.read_text(encoding="utf-8").replace(',1,"2024-02-08 00:00', ',9,"2024-02-08 00:00')  # date_prec 9
        text = text.replace("2,3,0,0,5,5,5", "2,3,0,0,6,5,5")  # best no longer the sum of the sides: flagged, not refused
        broken.write_text(text, encoding="utf-8")
        fresh = ledger.app.recorder.max_notification_id()
        with pytest.raises(ImportRejected) as rejected:
            import_ucdp(ledger, broken)
        assert ledger.app.recorder.max_notification_id() == fresh
        assert {p.column for p in rejected.value.problems} == {"date_prec"}
        assert "--occurred" not in str(rejected.value) and "--rejects FILE" in str(rejected.value)

    def test_the_file_must_have_the_columns_the_import_reads(self, ledger: Ledger, tmp_path: Path) -> None:
        path = tmp_path / "short.csv"
        path.write_text("id,side_a\n1,Government of Pakistan\n", encoding="utf-8")
        with pytest.raises(ValueError, match="column 'side_b' is missing; is this a ucdp-ged file"):
            import_ucdp(ledger, path)


class TestAcled:
    def test_each_event_with_fatalities_becomes_one_figure(self, ledger: Ledger) -> None:
        report = import_acled(ledger, ACLED)
        assert (report.rows, report.figures_new, report.mapping["skipped_rows"]) == (5, 4, 1)  # a protest without deaths
        figures = {r["incident"]: r for r in ledger.figures()}
        battle = figures["acled-pak100001"]
        assert (battle["victim_status"], battle["quantity_text"], battle["claimant"]) == ("unknown", "11", "acled")
        assert battle["reported_at"] == dt.datetime(2024, 2, 2, tzinfo=dt.UTC)  # ACLED's timestamp, 1706832000
        assert battle["publisher"] == "acled"
        assert 'the "standoff" lasted three days.\nSecurity officials' in json.loads(battle["attributed"])["notes"]
        assert json.loads(battle["attributed"])["text"] == "Dawn; Balochistan Post"
        assert figures["acled-pak100002"]["victim_status"] == "civilian"  # violence against civilians
        assert {u["value"] for u in report.mapping["unmapped"]} == {"Battles", "Explosions/Remote violence", "Protests"}
        assert ledger.app.document(battle["document"]).title == "ACLED release acled-2024-03-01"

    def test_time_and_geo_precision_set_the_incident(self, ledger: Ledger) -> None:
        import_acled(ledger, ACLED)
        incidents = {r["key"]: r for r in ledger.listing("incidents")}
        week, month = incidents["acled-pak100004"], incidents["acled-pak100005"]
        assert (week["occurred_start"], week["occurred_end"], week["date_precision"]) == (
            dt.date(2024, 2, 4), dt.date(2024, 2, 10), "week",
        )  # fmt: skip
        assert (month["occurred_start"], month["occurred_end"], month["location_precision"]) == (
            dt.date(2024, 2, 1), dt.date(2024, 2, 29), "adm1",
        )  # fmt: skip
        assert incidents["acled-pak100001"]["place"] == "Nushki"

    def test_zero_fatalities_can_be_kept_and_reimport_adds_nothing(self, ledger: Ledger) -> None:
        report = import_acled(ledger, ACLED, keep_zero=True)
        assert report.figures_new == 5
        with writes_nothing(ledger):
            assert import_acled(ledger, ACLED, keep_zero=True).figures_new == 0

    def test_a_changed_number_in_a_later_export_is_a_revision(self, ledger: Ledger, tmp_path: Path) -> None:
        import_acled(ledger, ACLED)
        later = tmp_path / "later.csv"
        old, new = 'including 9 militants.",11,,1706832000', 'including 9 militants.",13,,1707000000'
        text = ACLED.read_text(encoding="utf-8-sig").replace(old, new)
        assert text != ACLED.read_text(encoding="utf-8-sig")
        later.write_text(text, encoding="utf-8")
        assert import_acled(ledger, later).figures_new == 1
        assert cells(ledger, "acled-pak100001") == {"unknown": (13, 13, 13)}
        [revision] = [r for r in ledger.figures() if r["incident"] == "acled-pak100001" and r["state"] == "standing"]
        assert revision["reported_at"] == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)  # the release's date: its latest timestamp

    def test_acled_dates_are_read_in_both_published_formats(self) -> None:
        assert day(Fields({"event_date": "30 January 2024"}), "event_date") == dt.date(2024, 1, 30)
        assert day(Fields({"event_date": "2024-01-30"}), "event_date") == dt.date(2024, 1, 30)


class TestStyledExports:
    def test_ucdp_style_export_gives_back_the_events_deaths(self, ledger: Ledger, tmp_path: Path) -> None:
        import_ucdp(ledger, UCDP)
        target = tmp_path / "ged.csv"
        export(ledger, "tallies", target, "ucdp")
        rows = {r["id"]: r for r in csv.DictReader(target.open(encoding="utf-8", newline=""))}
        original = {r["id"]: r for r in published(UCDP)}
        assert set(rows) == set(original)  # GED's own ids (tests/io/test_published_exports.py: every column)
        for key in ("501001", "501002", "501004"):  # state-based and one-sided events
            for column in ("deaths_a", "deaths_b", "deaths_civilians", "best", "high", "date_start", "country"):
                assert rows[key][column] == original[key][column], (key, column)
        assert rows["501001"]["where_prec"] == "1" and rows["501004"]["date_prec"] == "4"
        assert rows["501001"]["source_original"] == "Security officials; Local police"

    def test_acled_style_export_has_acled_columns(self, ledger: Ledger, tmp_path: Path) -> None:
        import_acled(ledger, ACLED)
        target = tmp_path / "acled.csv"
        export(ledger, "tallies", target, "acled")
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(target.open(encoding="utf-8", newline=""))}
        assert rows["PAK100001"]["fatalities"] == "11"
        assert rows["PAK100001"]["timestamp"] == "1706832000"
        assert rows["PAK100005"]["time_precision"] == "3"
        assert rows["PAK100002"]["source"] == "Balochistan Post"
