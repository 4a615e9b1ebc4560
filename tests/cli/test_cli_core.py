"""The core `ledger` commands through `typer.testing.CliRunner`, on a real SQLite event store and DuckDB read model.

Every command runs against its own `--home` in `tmp_path`. Success tests check what reaches stdout (the data)
and stderr (the chatter); error tests check the exit code, the single "Error: ..." line naming the bad input,
and that the event log is exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import REPORT_TEXT, World, build_world, day, event_count, make_ledger
from typer.testing import CliRunner, Result

from ledger import clock
from ledger.cli.main import app

ANALYST = "cli-tester"
POLICY = "default@2"  # what a new ledger tallies under


class Cli:
    """`ledger --home HOME ...` in-process, with the analyst set and no stray LEDGER_* settings."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        env = {"LEDGER_ANALYST": ANALYST, "LEDGER_HOME": None, "LEDGER_STORE": None}
        return self.runner.invoke(app, ["--home", str(self.home), *args], env=env)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.stderr}\n{result.exception!r}"
        return result

    def events(self) -> int:
        """The event store's last notification id, read through the library (not the CLI under test); 0 with no ledger."""
        if not (self.home / "events.sqlite").exists():
            return 0
        ledger = make_ledger(self.home)
        try:
            return event_count(ledger)
        finally:
            ledger.close()

    def fails(self, *args: str, code: int = 1) -> str:
        """Run a command that must fail: exit `code`, one "Error: ..." line on stderr, nothing on stdout, no event."""
        before = self.events()
        result = self(*args)
        assert result.exit_code == code, f"{args}: exit {result.exit_code}, wanted {code}\n{result.stderr}"
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert "Traceback" not in result.output
        assert self.events() == before, "a rejected command wrote events"
        return lines[0]

    def envelope(self, *args: str) -> dict[str, object]:
        """The JSON a read prints: its envelope (view, log position...) around its rows."""
        payload = json.loads(self.ok(*args, "--format", "json").stdout)
        assert isinstance(payload, dict) and isinstance(payload["rows"], list), payload
        return payload

    def json(self, *args: str) -> list[dict[str, object]]:
        """The rows of a read's JSON."""
        return self.envelope(*args)["rows"]  # type: ignore[return-value]

    def csv(self, *args: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.ok(*args, "--format", "csv").stdout)))


def table(text: str) -> list[dict[str, str]]:
    """Parse render.table output (after an optional title line) back into rows, using the dashes line for widths."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line and set(line) <= {"-", " "})
    spans, start = [], 0
    for dashes in lines[rule].split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    names = [lines[rule - 1][a:b].strip() for a, b in spans]
    body = [line for line in lines[rule + 1 :] if line and line != "(no rows)"]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)} for line in body]


def cells(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    return {(r["incident"], r["victim_status"]): r for r in rows}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


@pytest.fixture
def world(cli: Cli) -> World:
    """The shared small world (claimants, publisher, document, campaign and standoff), registered on 1 Feb 2026."""
    ledger = make_ledger(cli.home)
    try:
        with clock.pinned(day("2026-02-01T09:00:00")):
            return build_world(ledger)
    finally:
        ledger.close()


MILITANTS = [
    "figure", "add", "--incident", "balochistan-2026", "--claimant", "ispr", "--status", "militant",
    "--outcome", "killed", "--quantity", "at least 216", "--reported", "2026-02-05",
    "--document", "dawn-2026-02-05", "--quote", "killed at least 216 militants",
]  # fmt: skip
CIVILIANS = [
    "figure", "add", "--incident", "nushki-standoff", "--claimant", "hrcp", "--status", "civilian",
    "--outcome", "killed", "--quantity", "12", "--reported", "2026-02-04",
    "--document", "dawn-2026-02-05", "--quote", "12 civilians were killed",
]  # fmt: skip


SOLDIERS = [
    "figure", "add", "--incident", "balochistan-2026", "--claimant", "bla-spokesman", "--status", "security_forces",
    "--outcome", "killed", "--quantity", "81", "--reported", "2026-02-05",
]  # fmt: skip


def figure_id(result: Result) -> str:
    text = result.stdout.strip()
    assert str(uuid.UUID(text)) == text
    return text


# --- demo and seed ------------------------------------------------------------------------------------


def test_demo_prints_the_tally_and_an_audit_trail_and_adds_nothing_the_second_time(cli: Cli) -> None:
    first = cli.ok("demo")
    created, loaded = first.stderr.splitlines()
    assert created == f"created a new ledger in {cli.home}"
    assert loaded.startswith(f"seed loaded into {cli.home}: 3 new figures, 0 already there; seed-article archived ")
    tally_text, _, audit_text = first.stdout.partition("\nAudit trail of figure ")
    position = cli.events()
    assert tally_text.splitlines()[0] == f"Tallies under policy {POLICY}, as recorded now, event-log position {position}"
    got = cells(table(tally_text))
    militant = got["balochistan-campaign", "militant"]
    assert (militant["low"], militant["best"], militant["high"], militant["grade"]) == ("216", "216", "open", "weak")
    civilian = got["balochistan-campaign", "civilian"]
    assert (civilian["low"], civilian["best"], civilian["grade"]) == ("24", "24", "weak")  # "dozens", default@2
    total = got["balochistan-campaign", "all"]
    assert (total["low"], total["best"], total["high"], total["basis"]) == ("240", "240", "open", "parts")
    assert got["balochistan-campaign", "security_forces"]["grade"] == "pending"
    assert got["balochistan-campaign", "security_forces"]["best"] == ""

    heading, _, trail = audit_text.partition("\n")
    militant_id = next(f["figure_id"] for f in cli.json("figures") if f["victim_status"] == "militant")  # type: ignore[attr-defined]
    assert heading == f"{militant_id} (at least 216 militant killed), as recorded now, event-log position {position}"
    trail_rows = table(trail)
    assert [r["summary"].split(":")[0] for r in trail_rows] == ["claim series opened", "figure reported"]
    assert trail_rows[-1]["quote"] == "killed at least 216 militants"
    assert trail_rows[-1]["document"] == "seed-article"
    assert trail_rows[-1]["analyst"] == ANALYST

    second = cli.ok("demo")
    assert second.stderr.startswith(f"seed loaded into {cli.home}: 0 new figures, 3 already there; seed-article already")
    assert second.stdout == first.stdout  # same tally, same log position, same trail
    assert cli.events() == position
    assert len(cli.json("figures")) == 3  # type: ignore[arg-type]


def test_seed_loads_once_and_names_a_bad_seed_file(cli: Cli, tmp_path: Path) -> None:
    assert "seed loaded into" in cli.ok("seed").stderr
    position = cli.events()
    assert f"seed loaded into {cli.home}: 0 new figures, 3 already there" in cli.ok("seed").stderr
    assert cli.events() == position

    missing = tmp_path / "missing.json"
    assert cli.fails("seed", str(missing)) == f"Error: seed {missing}: no such file; give the path of a seed JSON file"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert cli.fails("seed", str(broken)).startswith(f"Error: seed {broken}: not valid JSON")


# --- registration -------------------------------------------------------------------------------------


def test_claimants_are_registered_graded_and_listed(cli: Cli) -> None:
    result = cli.ok(
        "claimant", "add", "ispr", "--name", "Inter-Services Public Relations", "--kind", "state_forces",
        "--reliability", "D", "--role-default", "militant=enemy_losses", "--role-default", "*=party_other",
    )  # fmt: skip
    assert (result.stdout, result.stderr) == ("", f"created a new ledger in {cli.home}\nclaimant ispr registered\n")
    cli.ok("claimant", "add", "hrcp", "--name", "HRCP", "--kind", "ngo", "--role-default", "*=independent")
    assert cli.ok("claimant", "grade", "hrcp", "b", "--reason", "long record").stderr == "claimant hrcp graded B\n"

    listed = {r["key"]: r for r in cli.csv("claimant", "list")}
    assert listed["hrcp"]["reliability"] == "B"
    assert listed["ispr"]["reliability"] == "D"
    assert json.loads(listed["ispr"]["default_roles"]) == {"militant": "enemy_losses", "*": "party_other"}
    assert [r["key"] for r in table(cli.ok("claimant", "list").stdout)] == ["hrcp", "ispr"]
    assert [r["name"] for r in cli.json("claimant", "list")] == ["HRCP", "Inter-Services Public Relations"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["claimant", "grade", "nobody", "B", "--reason", "x"], "Error: claimant 'nobody': not in the ledger"),
        (["claimant", "grade", "ispr", "Z", "--reason", "x"], "Error: reliability 'Z': not recognised"),
        (["claimant", "add", "x", "--name", "X", "--kind", "wizard"], "Error: claimant kind 'wizard': not recognised"),
        (["claimant", "add", "x", "--name", "X", "--kind", "ngo", "--role-default", "militant"],
         "Error: --role-default 'militant': expected KEY=VALUE"),
        (["claimant", "add", "ispr", "--name", "Someone else", "--kind", "ngo"], "Error: claimant 'ispr': already registered"),
        (["publisher", "add", "dawn", "--name", "Not Dawn"], "Error: publisher 'dawn': already registered"),
        (["document", "add", "--file", "{tmp}/nowhere.txt"], "Error: document file {tmp}/nowhere.txt: cannot be read"),
        (["document", "add", "--file", "{tmp}/note.txt", "--publisher", "nopub"], "Error: publisher 'nopub': not in the ledger"),
        (["incident", "add", "z", "--name", "Z", "--country", "P", "--occurred", "2026", "--parent", "nope"],
         "Error: incident 'nope': not in the ledger"),
        (["incident", "add", "z", "--name", "Z", "--country", "P", "--occurred", "2026-02-10", "--until", "2026-02-01"],
         "Error: period 2026-02-10..2026-02-01: end is before start"),
        (["incident", "close", "nope", "--reason", "over"], "Error: incident 'nope': not in the ledger"),
    ],
)  # fmt: skip
def test_bad_registrations_are_refused(world: World, cli: Cli, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "note.txt").write_text("some words", encoding="utf-8")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert cli.fails(*args).startswith(message.replace("{tmp}", str(tmp_path)))


def test_registering_the_same_claimant_again_changes_nothing(world: World, cli: Cli) -> None:
    before = cli.events()
    cli.ok(
        "claimant", "add", "hrcp", "--name", "Human Rights Commission of Pakistan", "--kind", "ngo",
        "--reliability", "B", "--role-default", "*=independent",
    )  # fmt: skip
    assert cli.events() == before


def test_publishers_documents_and_incidents_are_registered_and_listed(cli: Cli, tmp_path: Path) -> None:
    assert cli.ok("publisher", "add", "dawn", "--name", "Dawn", "--url", "https://www.dawn.com").stderr == (
        f"created a new ledger in {cli.home}\npublisher dawn registered\n"
    )
    assert cli.csv("publisher", "list") == [
        {"key": "dawn", "name": "Dawn", "kind": "media", "url": "https://www.dawn.com", "view": "as recorded now",
         "log_position": "2"}  # the ledger's configuration is its first fact
    ]  # fmt: skip

    article = tmp_path / "article.txt"
    article.write_text(REPORT_TEXT, encoding="utf-8")
    sha256 = hashlib.sha256(article.read_bytes()).hexdigest()
    added = cli.ok(
        "document", "add", "--file", str(article), "--key", "dawn-1", "--publisher", "dawn", "--published", "2026-02-05",
        "--title", "Military ends operation",
    )  # fmt: skip
    assert added.stdout == "dawn-1\n"
    unnamed = cli.ok("document", "add", "--file", str(article), "--url", "https://example.org/a")
    assert unnamed.stdout == f"sha-{sha256[:12]}\n"  # the default key comes from the text's SHA-256
    documents = {r["key"]: r for r in cli.csv("document", "list")}
    assert documents["dawn-1"]["sha256"] == documents[f"sha-{sha256[:12]}"]["sha256"] == sha256
    assert documents["dawn-1"]["characters"] == str(len(REPORT_TEXT))
    assert (documents["dawn-1"]["publisher"], documents["dawn-1"]["published_at"]) == ("dawn", "2026-02-05T00:00:00Z")

    campaign = ["incident", "add", "camp", "--name", "Campaign", "--country", "Pakistan", "--adm1", "Balochistan"]
    assert cli.ok(*campaign, "--occurred", "2026-01", "--until", "2026-02-28").stderr == "incident camp registered\n"
    cli.ok(
        "incident", "add", "nushki", "--name", "Standoff", "--country", "Pakistan", "--place", "Nushki",
        "--occurred", "2026-01-30", "--until", "2026-02-02", "--parent", "camp",
    )  # fmt: skip
    assert cli.ok("incident", "close", "nushki", "--reason", "the standoff ended").stderr == "incident nushki closed\n"
    incidents = {r["key"]: r for r in cli.json("incident", "list")}  # type: ignore[union-attr]
    assert incidents["camp"]["parent"] is None and incidents["camp"]["is_open"] is True
    assert incidents["nushki"]["parent"] == "camp" and incidents["nushki"]["is_open"] is False
    assert (incidents["camp"]["occurred_start"], incidents["camp"]["occurred_end"]) == ("2026-01-01", "2026-02-28")
    assert (incidents["camp"]["location_precision"], incidents["nushki"]["location_precision"]) == ("adm1", "place")

    corrected = cli.ok(
        "incident", "correct", "nushki", "--reason", "wrong start", "--occurred", "2026-01-31", "--until", "2026-02-02"
    )
    assert corrected.stderr == "incident nushki corrected\n"
    incidents = {r["key"]: r for r in cli.json("incident", "list")}  # type: ignore[union-attr]
    assert (incidents["nushki"]["occurred_start"], incidents["nushki"]["name"]) == ("2026-01-31", "Standoff")
    assert cli.fails("incident", "correct", "nushki", "--reason", "x", "--adm1", "Sindh").endswith("add --country")
    assert "lies inside it" in cli.fails("incident", "correct", "camp", "--reason", "x", "--parent", "nushki")


# --- figures ------------------------------------------------------------------------------------------


def test_figure_add_prints_its_id_records_quote_offsets_and_is_idempotent(world: World, cli: Cli) -> None:
    added = cli.ok(*MILITANTS)
    militant = figure_id(added)
    assert added.stderr == ""
    position = cli.events()
    again = cli.ok(*MILITANTS)
    assert again.stdout == added.stdout
    assert again.stderr == "already recorded: nothing added\n"
    assert cli.events() == position

    [row] = cli.json("figures")  # type: ignore[misc]
    quote = "killed at least 216 militants"
    assert row["figure_id"] == militant
    assert (row["quote_start"], row["quote_end"]) == (REPORT_TEXT.index(quote), REPORT_TEXT.index(quote) + len(quote))
    assert REPORT_TEXT[row["quote_start"] : row["quote_end"]] == quote
    assert (row["bound_kind"], row["low"], row["high"], row["role"]) == ("at_least", 216, None, "enemy_losses")
    assert (row["analyst"], row["state"], row["position"]) == (ANALYST, "standing", position)


def test_figures_are_revised_corrected_withdrawn_and_struck_by_id_prefix(world: World, cli: Cli) -> None:
    militant = figure_id(cli.ok(*MILITANTS))
    civilian = figure_id(cli.ok(*CIVILIANS))
    armed = figure_id(cli.ok(*SOLDIERS))

    revised = figure_id(cli.ok("figure", "revise", militant[:8], "--quantity", "at least 230", "--reported", "2026-02-07"))
    assert cli.ok("figure", "correct", civilian[:8], "--reason", "typed 12 for 13", "--quantity", "13", "--derived",
                  "13 in the body; the quote is the headline's older 12").stderr == (f"figure {civilian} corrected\n")
    assert cli.ok("figure", "withdraw", civilian[:10], "--reason", "retracted").stderr == f"figure {civilian} withdrawn\n"
    assert cli.ok("figure", "strike", armed[:6], "--reason", "duplicate entry").stderr == f"figure {armed} struck\n"

    states = {r["figure_id"]: r for r in cli.csv("figures")}
    assert {k: v["state"] for k, v in states.items()} == {
        militant: "superseded",
        revised: "standing",
        civilian: "withdrawn",
        armed: "struck",
    }
    assert (states[civilian]["corrected"], states[civilian]["current_quantity"]) == ("true", "13")
    assert (states[revised]["quantity_text"], states[revised]["claimant"]) == ("at least 230", "ispr")

    trail = table(cli.ok("audit", "--figure", civilian[:8]).stdout)
    assert [r["summary"] for r in trail][-2:] == [
        "figure corrected (quantity, derived): typed 12 for 13", "figure withdrawn: retracted"
    ]
    assert {r["analyst"] for r in trail} <= {ANALYST, ""}
    shown = cells(table(cli.ok("tally").stdout))
    assert shown["balochistan-2026", "militant"]["best"] == "230"
    assert (shown["nushki-standoff", "civilian"]["grade"], shown["nushki-standoff", "civilian"]["best"]) == ("discounted", "")
    assert ("balochistan-2026", "security_forces") not in shown  # a struck figure leaves no cell behind


def test_figures_lists_every_figure_in_each_format(world: World, cli: Cli) -> None:
    militant, civilian = figure_id(cli.ok(*MILITANTS)), figure_id(cli.ok(*CIVILIANS))
    shown = table(cli.ok("figures").stdout)
    assert [r["figure_id"] for r in sorted(shown, key=lambda r: r["claimant"])] == [civilian[:8], militant[:8]]
    assert list(shown[0])[-1] == "reported_at"  # the table keeps to a choice of columns
    assert "recorded_at" not in shown[0]
    assert {r["figure_id"]: r["quote"] for r in cli.csv("figures")} == {
        militant: "killed at least 216 militants",
        civilian: "12 civilians were killed",
    }
    only = cli.json("figures", "--incident", "nushki-standoff")
    assert [r["figure_id"] for r in only] == [civilian]  # type: ignore[union-attr, index]


# --- tallies, audit, export, query, rebuild -----------------------------------------------------------


def test_tally_in_each_format_states_policy_view_and_log_position(world: World, cli: Cli) -> None:
    cli.ok(*MILITANTS)
    cli.ok(*CIVILIANS)
    position = cli.events()
    text = cli.ok("tally").stdout
    assert text.splitlines()[0] == f"Tallies under policy {POLICY}, as recorded now, event-log position {position}"
    shown = cells(table(text))
    assert (shown["balochistan-2026", "militant"]["high"], shown["nushki-standoff", "civilian"]["high"]) == ("open", "12")
    assert shown["balochistan-2026", "militant"]["claimants"] == "Inter-Services Public Relations"

    rows = cli.csv("tally")
    assert {(r["policy"], r["view"], r["log_position"]) for r in rows} == {(POLICY, "as recorded now", str(position))}
    militant = next(r for r in rows if r["victim_status"] == "militant")
    assert (militant["high"], militant["high_open"], militant["best"]) == ("", "true", "216")

    payload = cli.envelope("tally")
    assert {k: payload[k] for k in ("policy", "view", "log_position")} == {  # type: ignore[index]
        "policy": POLICY,
        "view": "as recorded now",
        "log_position": position,
    }
    assert {(r["incident"], r["victim_status"], r["best"]) for r in payload["rows"]} == {  # type: ignore[index]
        ("balochistan-2026", "militant", 216),
        ("balochistan-2026", "civilian", 12),
        ("nushki-standoff", "civilian", 12),
        ("balochistan-2026", "all", 228),  # the totals: the sums of their parts
        ("nushki-standoff", "all", 12),
    }


def test_tally_of_an_incident_covers_its_subtree_only(world: World, cli: Cli) -> None:
    cli.ok(*MILITANTS)
    cli.ok(*CIVILIANS)
    standoff = table(cli.ok("tally", "--incident", "nushki-standoff").stdout)
    assert {(r["incident"], r["victim_status"]) for r in standoff} == {
        ("nushki-standoff", "civilian"), ("nushki-standoff", "all")
    }
    campaign = table(cli.ok("tally", "--incident", "balochistan-2026").stdout)
    assert {r["incident"] for r in campaign} == {"balochistan-2026", "nushki-standoff"}
    assert cli.fails("tally", "--incident", "nope").startswith("Error: incident 'nope': not in the ledger")


def test_tally_as_of_and_reported_before_look_along_different_time_axes(world: World, cli: Cli) -> None:
    with clock.pinned(day("2026-02-05T12:00:00")):
        militant = figure_id(cli.ok(*MILITANTS))
    with clock.pinned(day("2026-02-08T12:00:00")):
        cli.ok("figure", "revise", militant[:8], "--quantity", "at least 230", "--reported", "2026-02-07")
    with clock.pinned(day("2026-02-10T12:00:00")):
        cli.ok(*CIVILIANS)  # reported on 4 Feb, entered on 10 Feb

    now = cells(table(cli.ok("tally").stdout))
    assert now["balochistan-2026", "militant"]["best"] == "230"
    assert ("nushki-standoff", "civilian") in now

    as_of = cli.ok("tally", "--as-of", "2026-02-06").stdout
    assert "as recorded at 2026-02-06T23:59:59.999999Z" in as_of.splitlines()[0]
    known = cells(table(as_of))
    assert known["balochistan-2026", "militant"]["best"] == "216"
    assert ("nushki-standoff", "civilian") not in known  # not yet entered on 6 Feb

    reported = cli.ok("tally", "--reported-before", "2026-02-06").stdout
    assert "as reported by 2026-02-06T23:59:59.999999Z" in reported.splitlines()[0]
    claimed = cells(table(reported))
    assert claimed["balochistan-2026", "militant"]["best"] == "216"
    assert claimed["nushki-standoff", "civilian"]["best"] == "12"  # claimed on 4 Feb, whenever it was entered

    assert table(cli.ok("tally", "--as-of", "2026-01-31").stdout) == []
    assert cli.fails("tally", "--as-of", "2026-02-06", "--reported-before", "2026-02-06").startswith(
        "Error: --as-of and --reported-before: choose one time axis"
    )


def test_reads_of_a_day_use_the_end_of_that_day(world: World, cli: Cli) -> None:
    with clock.pinned(dt.datetime(2026, 2, 6, 23, 30, tzinfo=dt.UTC)):
        cli.ok(*MILITANTS)
    assert len(table(cli.ok("tally", "--as-of", "2026-02-06").stdout)) == 2  # the militants and the total
    assert table(cli.ok("tally", "--as-of", "2026-02-05").stdout) == []


def test_audit_by_incident_and_by_figure(world: World, cli: Cli) -> None:
    militant, civilian = figure_id(cli.ok(*MILITANTS)), figure_id(cli.ok(*CIVILIANS))
    standoff = cli.csv("audit", "--incident", "nushki-standoff")
    assert {r["incident"] for r in standoff} == {"nushki-standoff"}
    reported = [r for r in standoff if r["summary"].startswith("figure reported")]
    assert [(r["figure_id"], r["quote"], r["reported"]) for r in reported] == [(civilian, CIVILIANS[-1], "2026-02-04")]
    assert "figure_id" not in table(cli.ok("audit", "--incident", "nushki-standoff").stdout.partition("\n")[2])[0]

    trail = cli.json("audit", "--figure", militant[:8])
    assert {r["figure_id"] for r in trail if r["figure_id"]} == {militant}  # type: ignore[union-attr, index]
    assert {r["document"] for r in trail} >= {"dawn-2026-02-05"}  # type: ignore[union-attr, index]
    assert cli.fails("audit", "--figure", "00000000").startswith("Error: figure '00000000': not in the ledger")
    assert cli.fails("audit", "--incident", "nope").startswith("Error: incident 'nope': not in the ledger")


def test_export_figures_and_tallies_to_stdout_and_to_a_file(world: World, cli: Cli, tmp_path: Path) -> None:
    militant, civilian = figure_id(cli.ok(*MILITANTS)), figure_id(cli.ok(*CIVILIANS))
    position = cli.events()
    exported = cli.ok("export", "figures")
    assert exported.stderr == ""
    figures = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["figure_id"]: r["quantity_text"] for r in figures} == {militant: "at least 216", civilian: "12"}
    assert {r["analyst"] for r in figures} == {ANALYST}

    target = tmp_path / "tallies.csv"
    written = cli.ok("export", "tallies", "-o", str(target))
    assert written.stdout == ""
    tallies = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert written.stderr == f"{len(tallies)} rows written to {target}\n"
    assert len(tallies) == 5
    assert {(r["policy"], r["log_position"]) for r in tallies} == {(POLICY, str(position))}
    assert {(r["incident"], r["victim_status"], r["best"]) for r in tallies} == {
        ("balochistan-2026", "militant", "216"),
        ("balochistan-2026", "civilian", "12"),
        ("nushki-standoff", "civilian", "12"),
        ("balochistan-2026", "all", "228"),
        ("nushki-standoff", "all", "12"),
    }
    # Adding up the top cells counts nobody twice: the campaign's total, which holds the standoff's.
    assert [r["best"] for r in tallies if r["top"] == "true"] == ["228"]
    to_stdout = list(csv.DictReader(io.StringIO(cli.ok("export", "tallies").stdout)))
    assert to_stdout == tallies

    assert cli.fails("export", "nonsense").startswith("Error: export 'nonsense': unknown")


def test_query_reads_in_each_format_and_refuses_writes(world: World, cli: Cli) -> None:
    cli.ok(*MILITANTS)
    count = "select count(*) as n from facts"
    facts = cli.json("query", count)[0]["n"]  # type: ignore[index]
    assert facts > 0
    assert table(cli.ok("query", count).stdout) == [{"n": str(facts)}]
    assert cli.csv("query", count) == [{"n": str(facts)}]

    message = cli.fails("query", "insert into facts select * from facts", code=2)
    assert message.startswith("Error: query: ") and "read-only" in message
    assert cli.fails("query", "delete from facts", code=2).startswith("Error: query: ")
    assert cli.json("query", count)[0]["n"] == facts  # type: ignore[index]


def test_rebuild_derives_the_same_read_model_again(world: World, cli: Cli) -> None:
    militant = figure_id(cli.ok(*MILITANTS))
    cli.ok(*CIVILIANS)
    cli.ok("figure", "revise", militant[:8], "--quantity", "at least 230", "--reported", "2026-02-07")
    before = [cli.ok(*args).stdout for args in (["tally"], ["tally", "-f", "csv"], ["figures", "-f", "json"])]
    position = cli.events()
    assert cli.ok("rebuild").stderr == f"read model rebuilt up to log position {position}\n"
    after = [cli.ok(*args).stdout for args in (["tally"], ["tally", "-f", "csv"], ["figures", "-f", "json"])]
    assert after == before
    assert cli.events() == position


# --- error paths of figure commands -------------------------------------------------------------------


def _with(args: list[str], **changes: str) -> list[str]:
    """MILITANTS with options replaced (`quantity="x"` replaces --quantity's value) or dropped (value "")."""
    out = list(args)
    for name, value in changes.items():
        flag = "--" + name.replace("_", "-")
        at = out.index(flag)
        out[at : at + 2] = [f"{flag}={value}"] if value else []
    return out


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"incident": "nope"}, "Error: incident 'nope': not in the ledger"),
        ({"claimant": "nobody"}, "Error: claimant 'nobody': not in the ledger"),
        ({"document": "nodoc"}, "Error: document 'nodoc': not in the ledger"),
        ({"quote": "killed 216 militants"}, "Error: quote 'killed 216 militants': not found in document"),
        ({"reported": "2026-01-10"}, "Error: reported time 2026-01-10: before the casualties occurred (2026-01-25)"),
        ({"reported": "2026-13-45"}, "Error: reported time '2026-13-45': not a date or time"),
        ({"quantity": "-5"}, "Error: quantity '-5': counts cannot be negative"),
        ({"quantity": "abc"}, "Error: quantity 'abc': not a number"),
        ({"quantity": "12.5"}, "Error: quantity '12.5': counts are whole numbers"),
        ({"quantity": "a great many"}, "Error: quantity 'a great many': not a number, bound, range or vague word"),
        ({"quantity": "between 20 and 10"}, "Error: quantity 'between 20 and 10': the range is reversed"),
        ({"status": "alien"}, "Error: victim status 'alien': unknown category"),
        ({"outcome": "exploded"}, "Error: outcome 'exploded': not recognised"),
    ],
)
def test_bad_figures_are_refused_and_write_nothing(world: World, cli: Cli, changes: dict[str, str], message: str) -> None:
    assert cli.fails(*_with(MILITANTS, **changes)).startswith(message)
    assert cli.json("figures") == []


@pytest.mark.parametrize(
    "args",
    [
        ["figure", "correct", "00000000", "--reason", "typo", "--quantity", "3"],
        ["figure", "withdraw", "00000000", "--reason", "retracted"],
        ["figure", "strike", "00000000", "--reason", "duplicate"],
        ["figure", "revise", "00000000", "--quantity", "3", "--reported", "2026-02-06"],
    ],
)
def test_changing_a_figure_that_does_not_exist_is_refused(world: World, cli: Cli, args: list[str]) -> None:
    cli.ok(*MILITANTS)
    assert cli.fails(*args) == "Error: figure '00000000': not in the ledger; list ids with `ledger figures`"


def test_figure_references_must_be_long_enough_and_corrections_readable(world: World, cli: Cli) -> None:
    militant = figure_id(cli.ok(*MILITANTS))
    assert cli.fails("figure", "strike", militant[:4], "--reason", "x").startswith(f"Error: figure '{militant[:4]}': too short")
    assert cli.fails("figure", "correct", militant[:8], "--reason", "x", "--quantity", "lots and lots").startswith(
        "Error: quantity 'lots and lots'"
    )
    assert cli.json("figures")[0]["state"] == "standing"  # type: ignore[index]


@pytest.mark.parametrize("command", [["tally"], ["figures"], ["audit"], ["export", "tallies"]])
def test_a_bad_as_of_is_refused(world: World, cli: Cli, command: list[str]) -> None:
    assert cli.fails(*command, "--as-of", "yesterdayish").startswith("Error: --as-of 'yesterdayish': not a date or time")


def test_a_missing_required_option_is_a_usage_error(world: World, cli: Cli) -> None:
    before = cli.events()
    result = cli(*_with(MILITANTS, claimant=""))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: ledger figure add: missing option '--claimant'; see `ledger figure add --help`\n"
    assert cli.events() == before


def test_an_unknown_format_is_a_usage_error(world: World, cli: Cli) -> None:
    result = cli("tally", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr


# --- the console entry point --------------------------------------------------------------------------

RUN = [sys.executable, "-c", "from ledger.cli.main import run; run()"]


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "LEDGER_ANALYST": ANALYST, "HOME": str(home.parent)}
    return subprocess.run([*RUN, "--home", str(home), *args], capture_output=True, text=True, env=env, timeout=60)


def test_run_prints_one_error_line_and_exits_1_on_a_data_error(world: World, cli: Cli) -> None:
    before = cli.events()
    done = _run(cli.home, *_with(MILITANTS, incident="nope"))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == ["Error: incident 'nope': not in the ledger; register it first with `ledger incident add`"]
    assert cli.events() == before


def test_run_reports_usage_errors_in_plain_text_with_exit_2_and_succeeds_with_0(world: World, cli: Cli) -> None:
    usage = _run(cli.home, *_with(MILITANTS, claimant=""))
    assert usage.returncode == 2
    assert usage.stderr.splitlines() == [
        "Error: ledger figure add: missing option '--claimant'; see `ledger figure add --help`"
    ]
    assert "Traceback" not in usage.stderr
    done = _run(cli.home, "tally", "--format", "csv")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("incident,incident_name,victim_status,outcome,low,best,high,high_open,grade")


def test_a_read_of_a_caught_up_ledger_loads_no_page_reader(world: World, cli: Cli) -> None:
    # pyarrow (and numpy under it) is a fifth of a second of start-up, needed only to read new events.
    report = (
        "import sys; from ledger.cli.main import run\n"
        "try: run()\n"
        "finally: print(*sorted({'pyarrow', 'numpy'} & set(sys.modules)))"
    )
    env = {"PATH": "/usr/bin:/bin", "LEDGER_ANALYST": ANALYST, "HOME": str(cli.home.parent)}

    def loaded(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", report, "--home", str(cli.home), *args], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[-1]

    assert loaded(*_with(MILITANTS)) == ""  # recording writes the log only
    assert loaded("tally", "--format", "csv") == "numpy pyarrow"  # the read catches up with the new events
    assert loaded("tally", "--format", "csv") == ""  # nothing new to read


# --- creating a ledger --------------------------------------------------------------------------------


def test_init_creates_a_ledger_once_and_reads_never_create_one(cli: Cli) -> None:
    assert cli.fails("tally", code=3).startswith(f"Error: ledger home {cli.home}: does not exist")
    assert not cli.home.exists()
    first = cli.ok("init")
    assert (first.stdout, first.stderr) == ("", f"created a new ledger in {cli.home}\n")
    again = cli.ok("init")
    # Its one fact: the configuration a new ledger records first (the policy it tallies under).
    assert again.stderr == f"a ledger is already in {cli.home} (1 event); nothing changed\n"
    assert table(cli.ok("tally").stdout) == []
    assert cli.fails(*MILITANTS).startswith("Error: incident 'balochistan-2026': not in the ledger; register it first")


def test_global_options_work_after_the_command(world: World, cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    runner = CliRunner()
    env = {"LEDGER_ANALYST": None, "LEDGER_HOME": None, "LEDGER_STORE": None}
    added = runner.invoke(app, ["claimant", "add", "x", "--name", "X", "--kind", "ngo", "--home", str(other),
                                "--analyst=someone"], env=env)  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert added.stderr == f"created a new ledger in {other}\nclaimant x registered\n"
    trail = json.loads(runner.invoke(app, ["audit", "--claimant", "x", "-f", "json", f"--home={other}"], env=env).stdout)
    assert [r["analyst"] for r in trail["rows"]] == ["someone"]
