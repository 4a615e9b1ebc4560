"""ACLED imported release by release (ledger/io/pipeline/published.py), its codebook applied.

The files are written here in ACLED's 31-column export layout (ledger's ACLED_COLUMNS, in that
order), and as HDX's per-country files: the same columns with an HXL hashtag row under the header.
The rows are synthetic; the notes copy the codebook's placeholder wording ("Unspecified number of
fatalities coded as 3").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from ledger.history.facade import diff_instants
from ledger.io.formats.acled.reading import ACLED_COLUMNS
from ledger.io.imports import import_acled
from ledger.ledger import Ledger

HXL = {"event_id_cnty": "#event+code", "event_date": "#date+occurred", "year": "#date+year", "event_type": "#event+type",
       "actor1": "#group+name+first", "actor2": "#group+name+second", "country": "#country+name", "admin1": "#adm1+name",
       "admin2": "#adm2+name", "location": "#loc+name", "latitude": "#geo+lat", "longitude": "#geo+lon",
       "source": "#meta+source", "notes": "#description", "fatalities": "#affected+killed"}  # fmt: skip
MARCH = 1709251200  # 2024-03-01T00:00Z


def event(n: int, **given: Any) -> dict[str, Any]:
    row = {c: "" for c in ACLED_COLUMNS}
    row.update(
        event_id_cnty=f"PAK{n}", event_date="2024-02-10", year=2024, time_precision=1, disorder_type="Political violence",
        event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)", inter1=1,
        actor2="BLA: Balochistan Liberation Army", inter2=2, interaction=12, iso=586, region="Southern Asia",
        country="Pakistan", admin1="Balochistan", admin2="Kech", location="Turbat", latitude=26.0, longitude=63.05,
        geo_precision=1, source="Dawn", source_scale="National", notes=f"On 10 February 2024, event {n}.",
        fatalities=4, tags="", timestamp=MARCH - 86400,
    )  # fmt: skip
    row.update(given)
    return row


def write(path: Path, rows: list[dict[str, Any]], hxl: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if hxl else "utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(ACLED_COLUMNS)
        if hxl:
            writer.writerow([HXL.get(c, "") for c in ACLED_COLUMNS])
        writer.writerows([row[c] for c in ACLED_COLUMNS] for row in rows)
    return path


def first_release() -> list[dict[str, Any]]:
    return [
        event(1),  # revised to 0
        event(2),  # deleted
        event(3),  # date moved
        event(
            4, fatalities=3, notes="On 10 February 2024, militants attacked a post. [Unspecified number of fatalities coded as 3]"
        ),
        event(
            5,
            event_type="Explosions/Remote violence",
            sub_event_type="Remote explosive/landmine/IED",
            civilian_targeting="Civilian targeting",
            fatalities=2,
        ),
        event(6, fatalities=10, notes="Several people were killed; several fatalities coded as 10."),
        event(7, fatalities=0, event_type="Protests"),
    ]


def cells(ledger: Ledger, key: str, policy: str | None = None) -> dict[str, tuple[Any, Any, Any]]:
    rows = ledger.tally(policy, incident=key).rows
    return {r["victim_status"]: (r["low"], r["best"], r["high"]) for r in rows if r["best"] is not None}


class TestCodebook:
    def test_the_31_column_export_imports_with_acled_the_claimant(self, ledger: Ledger, tmp_path: Path) -> None:
        assert len(ACLED_COLUMNS) == 31
        report = import_acled(ledger, write(tmp_path / "export.csv", first_release()))
        assert report.release is not None
        assert (report.release["release"], report.release["published"]) == ("acled-2024-02-29", "2024-02-29")
        assert report.release["new"] == 6 and report.mapping is not None and report.mapping["skipped_rows"] == 1
        assert ledger.app.claimant("acled").kind == "dataset"
        assert ledger.app.document("release-acled-acled-2024-02-29").sha256 == report.sha256
        assert cells(ledger, "acled-pak1") == {"unknown": (4, 4, 4), "all": (4, 4, 4)}

    def test_a_placeholder_count_is_a_vague_reading_with_its_words_kept(self, ledger: Ledger, tmp_path: Path) -> None:
        import_acled(ledger, write(tmp_path / "export.csv", first_release()))
        [placeholder] = ledger.figures("acled-pak4")
        assert (placeholder["quantity_text"], placeholder["bound_kind"]) == ("a few", "vague")
        assert json.loads(placeholder["attributed"])["placeholder"] == "Unspecified number of fatalities coded as 3"
        assert (placeholder["low"], placeholder["best"], placeholder["high"]) == (3, 3, None)  # at least 3, no ceiling
        assert cells(ledger, "acled-pak4", "acled@1")["unknown"] == (3, 3, 3)  # ACLED's policy counts a single number
        [several] = ledger.figures("acled-pak6")
        assert (several["quantity_text"], several["bound_kind"]) == ("tens", "vague")
        assert (several["low"], several["high"]) == (20, None)  # default@2 reads "tens" as at least 20
        assert cells(ledger, "acled-pak6", "acled@1")["unknown"] == (10, 10, 10)  # ACLED's own reading: 10
        [plain] = ledger.figures("acled-pak1")
        assert plain["bound_kind"] == "exact"  # a number reports gave stays a number

    def test_civilian_targeting_means_civilian_victims(self, ledger: Ledger, tmp_path: Path) -> None:
        import_acled(ledger, write(tmp_path / "export.csv", first_release()))
        assert set(cells(ledger, "acled-pak5")) == {"civilian", "all"}

    def test_the_mapping_can_override_the_codebook(self, ledger: Ledger, tmp_path: Path) -> None:
        mapping = tmp_path / "mine.json"
        mapping.write_text(json.dumps({"placeholders": {"pattern": "(?!)", "words": {}}, "statuses": []}), encoding="utf-8")
        import_acled(ledger, write(tmp_path / "export.csv", first_release()), mapping)
        assert ledger.figures("acled-pak4")[0]["quantity_text"] == "3"
        assert set(cells(ledger, "acled-pak5")) == {"unknown", "all"}

    def test_an_hdx_per_country_file_with_its_hxl_row(self, ledger: Ledger, tmp_path: Path) -> None:
        path = write(tmp_path / "conflict_data_pak.csv", first_release(), hxl=True)
        report = import_acled(ledger, path, release="hdx-pak-2024-03", published=dt.date(2024, 3, 4))
        assert report.rows == 7 and report.release is not None and report.release["new"] == 6


class TestReleases:
    def test_a_later_release_revises_to_0_withdraws_and_corrects(self, ledger: Ledger, tmp_path: Path) -> None:
        import_acled(ledger, write(tmp_path / "one.csv", first_release()))
        rows = {r["event_id_cnty"]: r for r in first_release()}
        del rows["PAK2"]
        rows["PAK1"] = event(1, fatalities=0, timestamp=MARCH + 86400 * 5)
        rows["PAK3"] = event(3, event_date="2024-02-12")
        time.sleep(0.01)
        between = dt.datetime.now(dt.UTC).isoformat()
        time.sleep(0.01)
        report = import_acled(ledger, write(tmp_path / "two.csv", list(rows.values())))
        assert report.release is not None
        assert (report.release["release"], report.release["published"]) == ("acled-2024-03-06", "2024-03-06")
        counts = {k: report.release[k] for k in ("new", "revised", "withdrawn", "corrected", "unchanged")}
        assert counts == {"new": 0, "revised": 1, "withdrawn": 1, "corrected": 1, "unchanged": 3}
        assert cells(ledger, "acled-pak1") == {"unknown": (0, 0, 0), "all": (0, 0, 0)}  # revised to 0, not left at 4
        [revision] = [r for r in ledger.figures("acled-pak1") if r["state"] == "standing"]
        assert revision["reported_at"] == dt.datetime(2024, 3, 6, tzinfo=dt.UTC)
        assert cells(ledger, "acled-pak2") == {}
        assert ledger.app.incident("acled-pak3").period.start == dt.date(2024, 2, 12)
        [moved] = diff_instants(ledger, between).corrections  # diff lists the moved date, the release its cause
        assert (moved.incident, [c.field for c in moved.changes]) == ("acled-pak3", ["dates"])
        assert moved.changes[0].after == "2024-02-12 (day)" and moved.reason.startswith("release acled-2024-03-06: dates ")
        assert moved.document is not None and "acled-2024-03-06" in moved.document
        assert len(ledger.figures("acled-pak4")) == 1  # an unchanged placeholder: no revision
