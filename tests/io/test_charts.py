"""Charts are real PNG and SVG files of a sensible size, with their policy and log position written in."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import World, reported
from typer.testing import CliRunner

from ledger.cli.main import app as cli_app
from ledger.io.charts import claims_chart, tallies_chart
from ledger.readmodel.queries import NOW

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def history(world: World) -> World:
    ledger = world.ledger
    ledger.record_figure(world.figure(quantity="145", reported=reported("2026-02-01"), quote=None, document=None))
    ledger.record_figure(world.figure(quantity="177", reported=reported("2026-02-03"), quote=None, document=None))
    ledger.record_figure(world.figure())
    ledger.record_figure(world.figure(claimant="hrcp", quantity="between 150 and 190", quote=None, document=None))
    withdrawn = ledger.record_figure(world.figure(claimant="bla-spokesman", quantity="dozens", quote=None, document=None))
    ledger.withdraw_figure(str(withdrawn.figure_id), "retracted")
    ledger.record_figure(
        world.figure(incident=world.standoff, claimant="hrcp", victim_status="civilian", quantity="12", quote=None)
    )
    return world


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_claims_chart_as_png(history: World, tmp_path: Path) -> None:
    target = tmp_path / "claims.png"
    result = claims_chart(history.ledger, history.campaign, "militant", "killed", target)
    assert (result.series, result.points) == (3, 5)  # ISPR's three figures, HRCP's range, the withdrawn one
    assert png_size(target) == (900, 550)
    assert 20_000 < target.stat().st_size < 500_000
    assert not list(tmp_path.glob("*.partial"))


def test_a_tallies_chart_as_svg_names_its_policy_and_position(history: World, tmp_path: Path) -> None:
    target = tmp_path / "tallies.svg"
    result = tallies_chart(history.ledger, history.campaign, target)
    assert result.series == 2  # civilians and militants
    root = ET.parse(target).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert 10_000 < target.stat().st_size < 2_000_000
    position = history.ledger.tally().position
    text = target.read_text(encoding="utf-8")
    # matplotlib writes text as glyph paths, naming each glyph run in a comment: look for the footnote there.
    assert f"event-log position {position}" in text and "Policy default@2" in text


def test_charts_refuse_unknown_formats_and_empty_cells(history: World, tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(ValueError, match="format 'gif' unknown"):
        claims_chart(history.ledger, history.campaign, "militant", "killed", tmp_path / "c.gif")
    with pytest.raises(ValueError, match="no quantified figures"):
        claims_chart(history.ledger, history.campaign, "pro_government_militia", "killed", tmp_path / "c.png")
    with pytest.raises(ValueError, match="nothing injured"):
        tallies_chart(history.ledger, history.standoff, tmp_path / "t.png", "injured", view=NOW)
    assert list(tmp_path.iterdir()) == []


def test_chart_commands(history: World, tmp_path: Path) -> None:
    env = {"LEDGER_ANALYST": "cli-tester", "LEDGER_HOME": None, "LEDGER_STORE": None}
    home = str(history.ledger.settings.home)
    target = tmp_path / "c.svg"
    args = ["--home", home, "chart", "claims", "--incident", history.campaign, "--status", "militant", "-o", str(target)]
    result = CliRunner().invoke(cli_app, args, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"chart written to {target}: 3 claimants, 5 figures\n"
    assert ET.parse(target).getroot().tag.endswith("svg")
    bad = CliRunner().invoke(
        cli_app, ["--home", home, "chart", "tallies", "--incident", "nope", "-o", str(tmp_path / "t.png")], env=env
    )
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: incident 'nope'")
