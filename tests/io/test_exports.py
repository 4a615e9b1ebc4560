"""Exports in every format, their manifests, and `ledger export verify`.

A manifest must verify against its file, catch a file changed afterwards, and re-create the file
byte for byte from the ledger, even after the ledger has moved on.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import World, build_world, reported
from typer.testing import CliRunner

from ledger import clock
from ledger.cli.main import app as cli_app
from ledger.io.export import FORMATS, export
from ledger.io.formats.hxl import TALLY_TAGS
from ledger.io.manifest import manifest_path, read_manifest, sha256_file, verify
from ledger.ledger import Ledger
from ledger.readmodel.view import View


@pytest.fixture
def recorded(ledger: Ledger) -> World:
    """The small world registered on 1 February 2026, with figures recorded on known days after."""
    with clock.pinned(dt.datetime(2026, 2, 1, tzinfo=dt.UTC)):
        world = build_world(ledger)
    with clock.pinned(dt.datetime(2026, 2, 6, 9, tzinfo=dt.UTC)):
        ledger.record_figure(world.figure(quantity="145", reported=reported("2026-02-02"), quote=None, document=None))
        ledger.record_figure(
            world.figure(incident=world.standoff, claimant="hrcp", victim_status="civilian", quantity="12", quote=None)
        )
    with clock.pinned(dt.datetime(2026, 2, 8, 9, tzinfo=dt.UTC)):
        ledger.record_figure(world.figure())
    return world


def failed(checks: list[Any]) -> list[str]:
    return [c.name for c in checks if not c.ok]


@pytest.mark.parametrize(("what", "fmt"), [(w, f) for w, formats in FORMATS.items() for f in formats])
def test_every_export_writes_a_manifest_that_verifies_and_re_creates_it(
    recorded: World, tmp_path: Path, what: str, fmt: str
) -> None:
    target = tmp_path / f"{what}.{fmt}"
    result = export(recorded.ledger, what, target, fmt)
    assert result.rows > 0 and target.is_file()
    manifest = read_manifest(manifest_path(target))
    assert (manifest["rows"], manifest["sha256"], manifest["log_position"]) == (result.rows, sha256_file(target), result.position)
    assert manifest["query"]["as_of"] == "2026-02-08T09:00:00Z"  # "now" is pinned to the last recorded fact
    assert manifest["command"].startswith(f"ledger export {what} --format {fmt}")
    assert failed(verify(manifest_path(target))) == []
    # Later facts do not change what the manifest's query sees: the file is re-created exactly.
    with clock.pinned(dt.datetime(2026, 2, 9, tzinfo=dt.UTC)):
        recorded.ledger.record_figure(recorded.figure(quantity="250", reported=reported("2026-02-09"), quote=None))
    assert failed(verify(manifest_path(target), recorded.ledger)) == []


def test_a_modified_file_is_caught(recorded: World, tmp_path: Path) -> None:
    target = tmp_path / "tallies.csv"
    export(recorded.ledger, "tallies", target)
    target.write_bytes(target.read_bytes().replace(b",12,", b",13,"))
    assert failed(verify(manifest_path(target))) == ["sha256"]
    target.unlink()
    assert failed(verify(manifest_path(target))) == ["file exists"]


def test_an_as_of_export_shows_what_was_known_then(recorded: World, tmp_path: Path) -> None:
    target = tmp_path / "then.csv"
    result = export(recorded.ledger, "tallies", target, view=View.parse(as_of="2026-02-07"))
    rows = list(csv.DictReader(target.open(encoding="utf-8", newline="")))
    militants = next(r for r in rows if r["victim_status"] == "militant")
    assert militants["best"] == "145"
    assert {r["view"] for r in rows} == {"as recorded at 2026-02-07T23:59:59.999999Z"}
    assert {r["log_position"] for r in rows} == {str(result.position)}
    assert read_manifest(manifest_path(target))["query"]["as_of"] == "2026-02-07T23:59:59.999999Z"


def test_the_hxl_row_sits_under_the_header(recorded: World, tmp_path: Path) -> None:
    target = tmp_path / "tallies.hxl.csv"
    export(recorded.ledger, "tallies", target, "hxl")
    header, tags, *rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert tags == [TALLY_TAGS[c] for c in header]
    assert tags[header.index("incident")] == "#event+id" and tags[header.index("killed_low")] == "#affected+killed+min"
    assert len(rows) == read_manifest(manifest_path(target))["rows"]


def test_parquet_and_json_hold_the_same_rows_as_csv(recorded: World, tmp_path: Path) -> None:
    export(recorded.ledger, "figures", tmp_path / "f.csv")
    export(recorded.ledger, "figures", tmp_path / "f.parquet", "parquet")
    export(recorded.ledger, "figures", tmp_path / "f.json", "json")
    from_csv = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8", newline="")))
    con = duckdb.connect()
    from_parquet = con.execute(
        "SELECT figure_id, best, reported_at FROM read_parquet(?)", [str(tmp_path / "f.parquet")]
    ).fetchall()
    payload = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert [r["figure_id"] for r in from_csv] == [r[0] for r in from_parquet] == [r["figure_id"] for r in payload["rows"]]
    assert isinstance(from_parquet[0][2], dt.datetime)  # typed, not text
    assert payload["log_position"] == read_manifest(manifest_path(tmp_path / "f.json"))["log_position"]


def test_bad_requests_write_nothing(recorded: World, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValueError, match="format xml: not available"):
        export(recorded.ledger, "tallies", tmp_path / "t.xml", "xml")
    with pytest.raises(ValueError, match="Parquet is binary"):
        export(recorded.ledger, "tallies", None, "parquet")
    with pytest.raises(ValueError, match="only --as-of applies"):
        export(recorded.ledger, "figures", tmp_path / "b.jsonl", "jsonl", view=View.parse(reported_before="2026-02-05"))
    assert list(tmp_path.iterdir()) == []


class TestCli:
    def run(self, world: World, *args: str) -> Any:
        env = {"LEDGER_ANALYST": "cli-tester", "LEDGER_HOME": None, "LEDGER_STORE": None}
        return CliRunner().invoke(cli_app, ["--home", str(world.ledger.settings.home), *args], env=env)

    def test_export_and_verify_through_the_cli(self, recorded: World, tmp_path: Path) -> None:
        target = tmp_path / "ged.csv"
        written = self.run(recorded, "export", "tallies", "--format", "ucdp", "-o", str(target))
        assert written.exit_code == 0 and written.stdout == ""
        ok = self.run(recorded, "export", "verify", str(manifest_path(target)), "--rerun")
        assert ok.exit_code == 0, ok.stderr
        # bytes, sha256, rows; the signed checkpoint's signature, signer and coverage (issue 16); the two re-export checks
        assert [line.split()[-1] for line in ok.stdout.splitlines()[2:]] == ["ok"] * 8
        target.write_bytes(target.read_bytes() + b"\r\n")
        broken = self.run(recorded, "export", "verify", str(manifest_path(target)))
        assert broken.exit_code == 1
        assert broken.stderr.startswith("Error: export ged.csv: bytes, sha256, rows differ from its manifest")
        assert self.run(recorded, "export", "verify", str(tmp_path / "none.json")).exit_code == 1
        assert self.run(recorded, "export", "figures", "--format", "parquet").exit_code == 1
