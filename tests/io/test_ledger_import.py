"""Importing the ledger's own CSV and JSON Lines, and the round trips through `export`.

Real files in tmp_path, a real SQLite event store and DuckDB read model. Each failure story checks
that the event log did not move (the notification id is compared before and after).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import World, event_count, make_ledger, reported, writes_nothing
from typer.testing import CliRunner

from ledger import clock
from ledger.cli.main import app as cli_app
from ledger.io.export import export
from ledger.io.formats.ledger.reading import FIGURE_FIELDS, LedgerCsv, template
from ledger.io.imports import import_figures
from ledger.io.pipeline.catalog import Catalog
from ledger.io.pipeline.problems import ImportRejected
from ledger.ledger import Ledger

HEADER = "incident,claimant,victim_status,outcome,quantity,reported,document,quote,women,note\r\n"
GOOD_ROWS = (
    "balochistan-2026,ispr,militant,killed,at least 216,2026-02-05,dawn-2026-02-05,killed at least 216 militants,,"
    '"the military\'s figure, as Dawn ""carried"" it"\r\n'
    'nushki-standoff,hrcp,civilian,killed,12,2026-02-05,dawn-2026-02-05,12 civilians were killed,3,"a note\r\n'
    'over two lines"\r\n'
    "nushki-standoff,hrcp,civilian,injured,dozens,2026-02-06,,,,\r\n"
)
# Provenance a round trip must keep: everything but when and by whom the copy was recorded.
PROVENANCE = [
    "figure_id", "incident", "claimant", "victim_status", "outcome", "role", "quantity_text", "bound_kind", "low",
    "best", "high", "vague_word", "state", "corrected", "current_quantity", "reported_at", "reported_precision",
    "reported_estimated", "publisher", "document", "quote", "quote_start", "quote_end", "occurred_start",
    "occurred_end", "women", "children", "note",
]  # fmt: skip


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def tallies(ledger: Ledger) -> list[tuple[Any, ...]]:
    keys = ("incident", "victim_status", "outcome", "low", "best", "high", "high_open", "grade", "basis", "claims", "claimants")
    return sorted(tuple(row[k] for k in keys) for row in ledger.tally().rows)


def provenance(ledger: Ledger) -> list[tuple[Any, ...]]:
    return sorted(tuple(row.get(k) for k in PROVENANCE) for row in ledger.figures())


class TestLedgerCsv:
    def test_rows_with_commas_quotes_and_newlines_become_figures(self, world: World, tmp_path: Path) -> None:
        ledger = world.ledger
        report = import_figures(ledger, write(tmp_path / "figures.csv", HEADER + GOOD_ROWS))
        assert (report.rows, report.figures_new, report.figures_known) == (3, 3, 0)
        rows = {(r["victim_status"], r["outcome"]): r for r in ledger.figures()}
        assert rows[("militant", "killed")]["note"] == 'the military\'s figure, as Dawn "carried" it'
        assert rows[("civilian", "killed")]["note"] == "a note\r\nover two lines"
        assert rows[("civilian", "killed")]["women"] == 3
        assert rows[("civilian", "injured")]["vague_word"] == "dozens"
        assert {r["via"] for r in ledger.audit(incident=world.campaign) if r["summary"].startswith("figure")} == {
            f"import:{report.sha256}"
        }

    def test_importing_the_same_file_twice_adds_nothing(self, world: World, tmp_path: Path) -> None:
        path = write(tmp_path / "figures.csv", HEADER + GOOD_ROWS)
        import_figures(world.ledger, path)
        with writes_nothing(world.ledger):
            again = import_figures(world.ledger, path)
        assert (again.figures_new, again.figures_known) == (0, 3)

    def test_what_rows_name_is_read_a_chunk_at_a_time_not_row_by_row(
        self, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        repository = world.ledger.app.repository
        single_reads = []
        plain_get = repository.get
        monkeypatch.setattr(repository, "get", lambda *a, **k: single_reads.append(a) or plain_get(*a, **k))
        report = import_figures(world.ledger, write(tmp_path / "figures.csv", HEADER + GOOD_ROWS * 20))
        assert (report.figures_new, report.figures_known) == (3, 57)
        assert single_reads == []  # incidents, claimants and documents came with their chunk's one query

    def test_one_bad_row_writes_nothing_and_every_problem_is_listed(self, world: World, tmp_path: Path) -> None:
        bad = (
            "nushki-standoff,nobody,civilian,killed,12,2026-02-05,,,,\r\n"
            'nushki-standoff,hrcp,civvy,killed,lots and lots,2026-13-01,,,,"spans\r\ntwo lines"\r\n'
            "no-such-incident,hrcp,civilian,killed,-3,2026-02-05,,,,\r\n"
        )
        path = write(tmp_path / "bad.csv", HEADER + GOOD_ROWS + bad)
        before = world.ledger.app.recorder.max_notification_id()
        with pytest.raises(ImportRejected) as rejected:
            import_figures(world.ledger, path)
        assert world.ledger.app.recorder.max_notification_id() == before
        found = {(p.line, p.column) for p in rejected.value.problems}
        # Lines are where each record starts: the two-line note of line 3 moves the later records down.
        assert found == {
            (6, "claimant"),
            (7, "victim_status"), (7, "quantity"), (7, "reported"),
            (9, "incident"), (9, "quantity"),
        }  # fmt: skip
        assert str(rejected.value).startswith("import ")
        assert "nothing was recorded" in str(rejected.value)

    def test_a_quote_not_in_the_document_is_a_problem_of_its_column(self, world: World, tmp_path: Path) -> None:
        row = "nushki-standoff,hrcp,civilian,killed,12,2026-02-05,dawn-2026-02-05,thirteen civilians,,\r\n"
        with writes_nothing(world.ledger), pytest.raises(ImportRejected) as rejected:
            import_figures(world.ledger, write(tmp_path / "quote.csv", HEADER + row))
        assert [(p.line, p.column) for p in rejected.value.problems] == [(2, "quote")]

    def test_unknown_or_missing_columns_are_refused_before_reading_rows(self, world: World, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="column 'qty' is not one the ledger reads"):
            import_figures(world.ledger, write(tmp_path / "a.csv", "incident,claimant,victim_status,outcome,qty,reported\r\n"))
        with pytest.raises(ValueError, match="required column 'outcome' is missing"):
            import_figures(world.ledger, write(tmp_path / "b.csv", "incident,claimant,victim_status,quantity,reported\r\n"))

    def test_unknown_claimants_and_publishers_are_registered_only_when_asked(self, world: World, tmp_path: Path) -> None:
        text = "incident,claimant,victim_status,outcome,quantity,reported,publisher\r\n"
        text += "nushki-standoff,levies-spokesman,security_forces/levies,killed,2,2026-02-05,quetta-voice\r\n"
        path = write(tmp_path / "new.csv", text)
        with writes_nothing(world.ledger), pytest.raises(ImportRejected) as rejected:
            import_figures(world.ledger, path)
        assert {p.column for p in rejected.value.problems} == {"claimant", "publisher"}
        report = import_figures(world.ledger, path, register_missing=True)
        assert report.registered == {"claimant": 1, "publisher": 1}
        claimant = world.ledger.app.claimant("levies-spokesman")
        assert (claimant.kind, claimant.reliability) == ("other", "F")

    def test_the_checker_gives_the_ids_the_application_records(self, world: World, tmp_path: Path) -> None:
        path = write(tmp_path / "figures.csv", HEADER + GOOD_ROWS)
        source = LedgerCsv(path)
        catalog = Catalog(world.ledger.app, world.ledger.entry())
        checked = [catalog.check_figure(item)[1] for r in source.records("checking") for item in source.parse(r)]
        recorded = [r.figure_id for r in world.ledger.app.record_figures(
            [i for r in source.records("x") for i in source.parse(r)], world.ledger.entry()
        )]  # fmt: skip
        assert checked == recorded

    def test_the_template_documents_every_column_and_imports_cleanly(self, ledger: Ledger, tmp_path: Path) -> None:
        header = next(csv.reader(io.StringIO(template("csv"))))
        assert header == list(FIGURE_FIELDS)
        bundle = import_figures(ledger, write(tmp_path / "t.jsonl", template("jsonl")))
        # The example figure, and a total with its named part (two figures, entered as one row).
        assert bundle.figures_new == 3 and bundle.registered["incident"] == 1
        figures = import_figures(ledger, write(tmp_path / "t.csv", template("csv")))
        assert (figures.figures_new, figures.figures_known) == (0, 3)  # the same example figures
        assert "synthetic" in ledger.figures()[0]["note"].lower()


class TestBundles:
    def test_registrations_in_a_jsonl_file_must_agree_with_the_ledger(self, world: World, tmp_path: Path) -> None:
        lines = [
            {"record": "claimant", "key": "ispr", "name": "Someone else", "kind": "state_forces", "reliability": "D"},
            {"record": "incident", "key": "new-one", "name": "New", "country": "Pakistan", "occurred_start": "2026-02-01"},
            {"record": "figure", "incident": "new-one", "claimant": "hrcp", "victim_status": "civilian",
             "outcome": "killed", "quantity": "3", "reported": "2026-01-01"},
            {"record": "withdrawal", "series_id": "not-a-uuid", "figure_id": "00000000-0000-0000-0000-000000000000"},
            {"record": "sighting"},
            "not an object",
        ]  # fmt: skip
        path = write(tmp_path / "b.jsonl", "".join(json.dumps(line) + "\n" for line in lines) + "{broken\n")
        with writes_nothing(world.ledger), pytest.raises(ImportRejected) as rejected:
            import_figures(world.ledger, path)
        found = {(p.line, p.column) for p in rejected.value.problems}
        assert found == {
            (1, "key"),  # ispr is registered with another name
            (3, "reported"),  # reported before the incident occurred
            (4, "series_id"), (4, "reason"),
            (5, "record"), (6, None), (7, None),
        }  # fmt: skip

    def test_a_bundle_into_an_empty_ledger_gives_the_same_tallies_and_provenance(self, world: World, tmp_path: Path) -> None:
        source = world.ledger
        source.app.grade_claimant("bla-spokesman", "D", "corroborated twice", source.entry())
        source.record_figure(world.figure(quantity="145", reported=reported("2026-02-01"), quote=None, document=None))
        source.record_figure(world.figure())
        source.record_figure(world.figure(claimant="hrcp", quantity="between 150 and 190", quote=None, document=None))
        wrong = source.record_figure(world.figure(incident=world.standoff, claimant="hrcp", victim_status="civilian",
                                                  quantity="21", quote=None))  # mistyped, with no quote to catch it
        source.correct_figure(str(wrong.figure_id), "typed 21 for 12", quantity="12")
        withdrawn = source.record_figure(world.figure(claimant="bla-spokesman", victim_status="security_forces",
                                                      quantity="81", quote="81 soldiers died"))  # fmt: skip
        source.withdraw_figure(str(withdrawn.figure_id), "the spokesman retracted it")
        struck = source.record_figure(world.figure(victim_status="civilian", quantity="7", quote=None, document=None))
        source.strike_figure(str(struck.figure_id), "entered against the wrong incident")

        bundle = tmp_path / "ledger.jsonl"
        export(source, "figures", bundle, "jsonl")
        copy = make_ledger(tmp_path / "copy")
        try:
            report = import_figures(copy, bundle)
            assert report.facts == {"withdrawal": 1, "correction": 1, "strike": 1, "grade": 1}
            assert tallies(copy) == tallies(source)
            assert provenance(copy) == provenance(source)
            assert {r["state"] for r in copy.figures()} >= {"standing", "superseded", "withdrawn", "struck"}
            assert copy.listing("documents") == source.listing("documents")
            assert copy.app.claimant("bla-spokesman").reliability == "D"
            with writes_nothing(copy):
                again = import_figures(copy, bundle)
            assert again.figures_new == 0 and not any(again.facts.values())
        finally:
            copy.close()

    def test_a_csv_export_imports_back_with_the_same_tallies(self, world: World, tmp_path: Path) -> None:
        source = world.ledger
        source.record_figure(world.figure(quantity="145", reported=reported("2026-02-01"), quote=None, document=None))
        source.record_figure(world.figure())
        source.record_figure(world.figure(incident=world.standoff, claimant="hrcp", victim_status="civilian",
                                          quantity="dozens", reported=dt_reported(), quote=None, document=None))  # fmt: skip
        exported = tmp_path / "figures.csv"
        export(source, "figures", exported)
        registrations = tmp_path / "registrations.jsonl"
        export(source, "figures", registrations, "jsonl")
        only = [line for line in registrations.read_text().splitlines() if '"record": "figure"' not in line]
        registrations.write_text("\n".join(only) + "\n")
        copy = make_ledger(tmp_path / "copy")
        try:
            import_figures(copy, registrations)
            report = import_figures(copy, exported)
            assert report.figures_new == 3
            assert "figure_id" in report.ignored_columns and "state" in report.ignored_columns
            assert tallies(copy) == tallies(source)
            assert provenance(copy) == provenance(source)
        finally:
            copy.close()

    def test_an_as_of_bundle_holds_only_what_was_recorded_by_then(self, world: World, tmp_path: Path) -> None:
        with clock.pinned(dt.datetime(2026, 2, 6, tzinfo=dt.UTC)):
            world.ledger.record_figure(world.figure())
        with clock.pinned(dt.datetime(2026, 2, 9, tzinfo=dt.UTC)):
            world.ledger.record_figure(world.figure(quantity="250", reported=reported("2026-02-08"), quote=None, document=None))
        from ledger.readmodel.view import View

        bundle = tmp_path / "then.jsonl"
        export(world.ledger, "figures", bundle, "jsonl", view=View.parse(as_of="2026-02-07"))
        figures = [json.loads(line) for line in bundle.read_text().splitlines() if '"figure"' in line]
        assert [f["quantity"] for f in figures] == ["at least 216"]


def dt_reported() -> Any:
    return reported("2026-02-06")


class TestCli:
    def run(self, home: Path, *args: str) -> Any:
        env = {"LEDGER_ANALYST": "cli-tester", "LEDGER_HOME": None, "LEDGER_STORE": None}
        return CliRunner().invoke(cli_app, ["--home", str(home), *args], env=env)

    def test_a_rejected_import_prints_the_table_writes_rejects_and_exits_1(self, world: World, tmp_path: Path) -> None:
        home = world.ledger.settings.home
        path = write(tmp_path / "bad.csv", HEADER + "nushki-standoff,nobody,civilian,killed,x,2026-02-05,,,,\r\n")
        rejects = tmp_path / "rejects.csv"
        before = event_count(world.ledger)
        result = self.run(home, "import", "figures", str(path), "--rejects", str(rejects))
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.splitlines()[0].split() == ["line", "column", "value", "problem"]
        assert result.stderr.splitlines()[-1].startswith(f"Error: import {path}: line 2, ")
        assert [(r["line"], r["column"]) for r in csv.DictReader(rejects.open(newline=""))] == [
            ("2", "quantity"), ("2", "claimant"),
        ]  # fmt: skip
        assert event_count(world.ledger) == before

    def test_template_and_import_through_the_cli(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        printed = self.run(home, "import", "template", "--format", "jsonl")
        assert printed.exit_code == 0
        path = write(tmp_path / "t.jsonl", printed.stdout)
        result = self.run(home, "import", "figures", str(path))
        assert result.exit_code == 0, result.stderr
        assert "figures: 3 new, 0 already recorded" in result.stderr
        assert self.run(home, "import", "template", "--format", "xml").exit_code == 1

    def test_the_shipped_mapping_prints_as_json(self, tmp_path: Path) -> None:
        printed = self.run(tmp_path / "home", "import", "mapping", "ucdp")
        assert printed.exit_code == 0
        assert json.loads(printed.stdout)["name"] == "ucdp-ged"
        assert self.run(tmp_path / "home", "import", "mapping", "gdelt").exit_code == 1


def test_the_progress_bar_draws_only_for_large_files(capsys: pytest.CaptureFixture[str]) -> None:
    from ledger.cli.transfer import ProgressBar

    bar = ProgressBar()
    bar("checking", 10, 1000)
    assert capsys.readouterr().err == ""
    bar("checking", 1 << 20, 2 << 20)
    bar("writing figures", 2 << 20, 2 << 20)
    bar.close()
    drawn = capsys.readouterr().err
    assert "\rchecking" in drawn and " 50%" in drawn and "100%" in drawn and drawn.endswith("\n")
