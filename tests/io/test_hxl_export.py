"""`--format hxl` checked by the HXL standard's own library (libhxl): its built-in schema (numbers
under numeric hashtags, dates under #date) and a schema of the ledger's own (coordinates in range,
one row per incident, the hashtags a humanitarian dashboard looks for)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import build_world, make_ledger

from ledger.domain.values import Location, Period
from ledger.domain.vocabulary import LocationPrecision
from ledger.io.export import export
from ledger.io.imports import import_acled, import_ucdp
from ledger.ledger import Ledger

hxl = pytest.importorskip("hxl", reason="libhxl is in the test extras: pip install -e .[test]")

DATA = Path(__file__).parent / "data"
# The ledger's own rules, in libhxl's schema format (a HXL table of #valid_* columns).
LEDGER_SCHEMA = [
    ["#valid_tag", "#valid_severity", "#valid_datatype", "#valid_value+min", "#valid_value+max", "#valid_unique",
     "#valid_required"],
    ["#affected", "error", "number", "0", "", "", ""],
    ["#date", "error", "date", "", "", "", ""],
    ["#geo+lat", "error", "number", "-90", "90", "", ""],
    ["#geo+lon", "error", "number", "-180", "180", "", ""],
    ["#event+id-parent", "error", "", "", "", "true", "true"],  # one row per incident
    ["#country", "error", "", "", "", "", "true"],
]  # fmt: skip


def dataset(path: Path) -> Any:
    return hxl.data(str(path), hxl.InputOptions(allow_local=True))


def validated(path: Path, schema: Any = None) -> dict[str, Any]:
    report: dict[str, Any] = hxl.validate(dataset(path), hxl.data(schema) if schema else None)
    return report


def errors(report: dict[str, Any]) -> list[str]:
    return [issue["description"] or str(issue["rule"]) for issue in report["issues"] if issue["severity"] == "error"]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, Path]]:
    """UCDP and ACLED imports beside the ledger's own incidents, one with a claim of no number."""
    home = tmp_path_factory.mktemp("hxl")
    ledger = make_ledger(home / "ledger")
    world = build_world(ledger)
    import_ucdp(ledger, DATA / "ucdp_ged_sample.csv")
    import_acled(ledger, DATA / "acled_sample.csv")
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(incident=world.standoff, claimant="hrcp", victim_status="security_forces",
                                      quantity="casualties", quote=None))  # fmt: skip
    ledger.app.register_incident(
        "no-country-detail", "A report naming only the country", Location("Pakistan", precision=LocationPrecision.COUNTRY),
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), ledger.entry("test"),
    )  # fmt: skip
    try:
        yield ledger, home
    finally:
        ledger.close()


def written(ledger: Ledger, folder: Path, what: str) -> Path:
    target = folder / f"{what}.hxl.csv"
    export(ledger, what, target, "hxl")
    return target


def test_tallies_pass_libhxl_built_in_schema(mixed: tuple[Ledger, Path]) -> None:
    """No error and no warning; what may remain is libhxl's note that 216 stands out among 2 to 15."""
    report = validated(written(*mixed, "tallies"))
    assert report["stats"]["error"] == report["stats"]["warning"] == 0, report["issues"]
    assert {issue["description"] for issue in report["issues"]} <= {"Possible numeric outlier"}


def test_tallies_pass_the_ledger_own_schema(mixed: tuple[Ledger, Path]) -> None:
    report = validated(written(*mixed, "tallies"), LEDGER_SCHEMA)
    assert report["is_valid"], report["issues"]


def test_figures_have_no_datatype_errors(mixed: tuple[Ledger, Path]) -> None:
    """Only a warning may remain: ACLED's notes, kept as published, hold a line break."""
    report = validated(written(*mixed, "figures"))
    assert errors(report) == []
    assert {issue["severity"] for issue in report["issues"]} <= {"warning", "info"}
    assert validated(written(*mixed, "figures"), LEDGER_SCHEMA[:3])["is_valid"]


def test_the_checks_do_catch_text_under_a_numeric_hashtag(tmp_path: Path) -> None:
    """What the export used to write: words under #affected, a precision under #date."""
    bad = tmp_path / "old.hxl.csv"
    with bad.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["quantity", "reported_precision"], ["#affected+text", "#date+reported+precision"],
                                   ["at least 216", "day"]])  # fmt: skip
    assert len(errors(validated(bad))) == 2


def test_one_row_per_incident_with_killed_by_category_place_and_dates(mixed: tuple[Ledger, Path]) -> None:
    ledger, folder = mixed
    data = dataset(written(ledger, folder, "tallies")).cache()
    tags = set(data.display_tags)
    for tag in ("#affected+killed+min", "#affected+killed+best", "#affected+killed+max", "#affected+killed+civ+best",
                "#affected+killed+sf+best", "#affected+killed+militant+best", "#country+name", "#adm1+name",
                "#adm2+name", "#date+occurred+start", "#date+reported", "#geo+lat", "#geo+lon"):  # fmt: skip
        assert tag in tags, tag
    rows = {row.get("#event+id"): row for row in data}
    standoff = rows["ucdp-ged-501001"]
    killed = {a: standoff.get(f"#affected+killed{a}+best") for a in ("", "+civ", "+sf", "+militant")}
    assert killed == {"": "15", "+civ": "2", "+sf": "4", "+militant": "9"}
    assert (standoff.get("#geo+lat"), standoff.get("#geo+lon")) == ("29.5542", "66.0215")  # from GED's row
    assert (standoff.get("#date+occurred+start"), standoff.get("#date+reported")) == ("2024-01-30", "2024-02-04")
    assert rows["acled-pak100002"].get("#geo+lat") == "26.0031"  # from ACLED's row
    # The ledger's own: no coordinates it was never given; a claim of no number leaves its cell empty.
    assert rows["nushki-standoff"].get("#geo+lat") in (None, "")
    assert rows["nushki-standoff"].get("#affected+killed+sf+best") in (None, "")
    assert rows["balochistan-2026"].get("#affected+killed+militant+min") == "216"
    assert rows["balochistan-2026"].get("#affected+killed+max") in (None, "")  # "at least": open, so empty
    assert rows["balochistan-2026"].get("#meta+killed+max_open") == "true"
    assert "no-country-detail" not in rows  # nothing claimed there, so no tally
