"""Values within the ledger's limits (ledger/domain/limits.py), at every entry path, at the limit and beyond.

A count of 2^63 once became NULL in the read model and broke every read for good; a 5,000-digit
quantity was a traceback; a report dated 2999 and a `javascript:` URL were accepted. Each entry path
(CLI figure add / correct, CSV and JSON Lines imports, UCDP and ACLED imports, bundles, seeds,
extraction acceptance goes through the same Quantity) must take the limit itself and refuse one past
it with one line, writing nothing; and figures at the limit must add up, be queried and exported
exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest
from conftest import World, build_world, day, event_count, make_ledger, reported, writes_nothing
from typer.testing import CliRunner

from ledger import clock
from ledger.application.inputs import FigureInput
from ledger.cli.main import app as cli_app
from ledger.domain.limits import MAX_COUNT, MAX_KEY_LENGTH, MAX_YEAR
from ledger.domain.quantity import Quantity, parse_quantity
from ledger.domain.readings import VagueBounds
from ledger.domain.values import Location, Period, SubCounts, parse_instant
from ledger.domain.vocabulary import LocationPrecision
from ledger.errors import InvalidInput
from ledger.io.export import export
from ledger.io.imports import import_acled, import_figures, import_ucdp
from ledger.io.pipeline.problems import ImportRejected
from ledger.ledger import Ledger

DATA = Path(__file__).parent / "data"
BEYOND = [MAX_COUNT + 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30]


# --- the domain: one check every path goes through --------------------------------------------------


def test_the_limit_is_inside_every_type_a_count_passes_through() -> None:
    assert MAX_COUNT <= 2**53  # exact as a JSON double
    assert MAX_COUNT * 9_000_000 < 2**63  # nine million figures at the limit still fit BIGINT / INT64
    assert MAX_COUNT > 8_100_000_000 * 100  # and far above any real count of people


@pytest.mark.parametrize("words", ["1000000000000", "1,000,000,000,000", "at least 1000000000000", "between 5 and 1000000000000"])
def test_a_quantity_at_the_limit_is_read(words: str) -> None:
    quantity = parse_quantity(words)
    assert MAX_COUNT in (quantity.low, quantity.high)


@pytest.mark.parametrize(
    "words",
    ["1000000000001", "more than 1000000000000", "9,223,372,036,854,775,808", str(2**63), "1000000001 thousand",
     "between 5 and 1000000000001", "9" * 5000, "at least " + "9" * 5000, "1" + ",000" * 1000],
)  # fmt: skip
def test_a_quantity_beyond_the_limit_is_one_line(words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_quantity(words)
    message = str(refused.value)
    assert "\n" not in message and len(message) < 400, message
    assert "10^12" in message or "longer than any" in message or "limit" in message, message


@pytest.mark.parametrize("value", BEYOND)
def test_bounds_beyond_the_limit_are_refused_however_they_come(value: int) -> None:
    Quantity(str(MAX_COUNT), "exact", MAX_COUNT, MAX_COUNT, MAX_COUNT)  # the limit itself is a count
    with pytest.raises(InvalidInput, match="limit"):
        Quantity(str(value), "exact", value, value, value)  # as UCDP, ACLED, bundles and seeds build them
    with pytest.raises(InvalidInput, match="limit"):
        Quantity.from_dict({"text": "x", "kind": "at_least", "low": value, "best": value, "high": None})
    with pytest.raises(InvalidInput, match="limit"):
        SubCounts(women=value)
    with pytest.raises(InvalidInput, match="limit"):
        VagueBounds(10, value, value)  # a policy's vague table


@pytest.mark.parametrize("text", ["2999-01-01", "2101", "2101-01", f"{MAX_YEAR + 1}-W02", "Jan 2999", "2999-01-01T00:00Z"])
def test_dates_past_the_horizon_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=str(MAX_YEAR)):
        parse_instant(text, "reported")
    parse_instant("2100-12-31", "reported")


# --- the CLI ------------------------------------------------------------------------------------------


class Cli:
    def __init__(self, home: Path) -> None:
        self.home, self.runner = home, CliRunner()

    def __call__(self, *args: str) -> tuple[int, str, str]:
        env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
        result = self.runner.invoke(cli_app, ["--home", str(self.home), *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    def refused(self, *args: str) -> str:
        ledger = make_ledger(self.home)
        before = event_count(ledger)
        ledger.close()
        code, out, err = self(*args)
        assert code == 1 and out == "", (args, code, out, err)
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in err, err
        ledger = make_ledger(self.home)
        assert event_count(ledger) == before, f"{args}: a refused command wrote events"
        ledger.close()
        return lines[0]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    home = tmp_path / "home"
    ledger = make_ledger(home)
    with clock.pinned(day("2026-02-01T09:00:00")):
        build_world(ledger)
    ledger.close()
    return Cli(home)


FIGURE = ["figure", "add", "--incident", "nushki-standoff", "--claimant", "hrcp", "--status", "civilian",
          "--outcome", "killed", "--reported", "2026-02-05"]  # fmt: skip


def test_figure_add_takes_the_limit_and_refuses_past_it(cli: Cli) -> None:
    code, out, err = cli(*FIGURE, "--quantity", str(MAX_COUNT))
    assert code == 0, err
    figure_id = out.strip()
    for value in BEYOND:
        assert "limit" in cli.refused(*FIGURE, "--quantity", str(value))
    assert "longer than any" in cli.refused(*FIGURE, "--quantity", "9" * 5000)
    assert "limit" in cli.refused("figure", "correct", figure_id, "--reason", "typo", "--quantity", str(2**63))
    assert "limit" in cli.refused(*FIGURE, "--quantity", "at least 12", "--women", str(MAX_COUNT + 1))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--quantity", "5", "--reported", "2999-01-01"], str(MAX_YEAR)),
        (["--quantity", "5", "--reported", f"{dt.date.today().year + 1}-06-01"], "in the future"),
    ],
)
def test_a_report_from_the_future_is_refused(cli: Cli, args: list[str], expected: str) -> None:
    base = [a for a in FIGURE if a not in ("--reported", "2026-02-05")]
    assert expected in cli.refused(*base, *args)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>1</script>", "file:///etc/passwd",
     "vbscript:msgbox", "ftp://example.org/x", "http:/no-host", "//example.org", "example.org", "https://" + "a" * 3000],
)  # fmt: skip
def test_urls_must_be_http_or_https(cli: Cli, url: str) -> None:
    assert "url" in cli.refused("publisher", "add", "evil", "--name", "Evil", "--url", url)
    assert "url" in cli.refused("publisher", "correct", "dawn", "--reason", "r", "--url", url)
    assert "url" in cli.refused("document", "add", "--key", "evil-doc", "--title", "t", "--url", url)
    code, _, err = cli("publisher", "add", "fine", "--name", "Fine", "--url", "https://example.org/a?b=c")
    assert code == 0, err


def test_keys_have_a_sane_length(cli: Cli) -> None:
    assert f"at most {MAX_KEY_LENGTH}" in cli.refused("publisher", "add", "a" * (MAX_KEY_LENGTH + 1), "--name", "Long")
    code, _, err = cli("publisher", "add", "a" * MAX_KEY_LENGTH, "--name", "Long enough")
    assert code == 0, err


# --- imports ------------------------------------------------------------------------------------------


@pytest.fixture
def world(ledger: Ledger) -> World:
    with clock.pinned(day("2026-02-01T09:00:00")):
        return build_world(ledger)


HEADER = "incident,claimant,victim_status,outcome,quantity,reported,women,note\r\n"


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "figures.csv"
    path.write_text(HEADER + "".join(r + "\r\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (f"nushki-standoff,hrcp,civilian,killed,{MAX_COUNT + 1},2026-02-05,,", "quantity"),
        (f"nushki-standoff,hrcp,civilian,killed,{2**63},2026-02-05,,", "quantity"),
        (f"nushki-standoff,hrcp,civilian,killed,{'9' * 5000},2026-02-05,,", "quantity"),
        (f"nushki-standoff,hrcp,civilian,killed,at least 5,2026-02-05,{MAX_COUNT + 1},", "women"),
        (f"nushki-standoff,hrcp,civilian,killed,at least 5,2026-02-05,{'9' * 5000},", "women"),
        ("nushki-standoff,hrcp,civilian,killed,at least 5,2026-02-05,1e400,", "women"),
        ("nushki-standoff,hrcp,civilian,killed,5,2999-02-05,,", "reported"),
    ],
)
def test_a_csv_row_beyond_a_limit_is_a_problem_of_its_column(world: World, tmp_path: Path, row: str, column: str) -> None:
    with writes_nothing(world.ledger), pytest.raises(ImportRejected) as rejected:
        import_figures(world.ledger, _csv(tmp_path, "nushki-standoff,hrcp,civilian,injured,5,2026-02-05,,", row))
    [problem] = rejected.value.problems
    assert (problem.line, problem.column) == (3, column), problem
    assert "\n" not in str(rejected.value) and len(problem.problem) < 300, problem


def _jsonl(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "bundle.jsonl"
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return path


FIGURE_RECORD = {"record": "figure", "incident": "nushki-standoff", "claimant": "hrcp", "victim_status": "civilian",
                 "outcome": "killed", "quantity": "5", "reported": "2026-02-05"}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[" * 50_000 + "]" * 50_000, "nested more than"),
        ('{"record": "figure", "x": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested more than"),
        ('{"record": "figure", "x": ' + "[" * 40 + "]" * 40 + "}", "nested more than"),
        (json.dumps({**FIGURE_RECORD, "women": 1})[:-1] + ', "children": ' + "9" * 5000 + "}", "longer than any count"),
        (json.dumps({**FIGURE_RECORD, "women": 2**63}), "limit"),
        (json.dumps({**FIGURE_RECORD, "quantity": str(2**63)}), "limit"),
        (json.dumps({**FIGURE_RECORD, "quantity": 10**13}), "limit"),
        (json.dumps({**FIGURE_RECORD, "reported": "2999-01-01"}), str(MAX_YEAR)),
        (json.dumps({"record": "publisher", "key": "evil", "name": "Evil", "url": "javascript:alert(1)"}), "http(s)"),
        (json.dumps({"record": "document", "key": "evil", "title": "t", "url": "file:///etc/passwd"}), "http(s)"),
        (json.dumps({"record": "publisher_correction", "publisher": "dawn", "reason": "r", "url": "javascript:x"}), "http(s)"),
        (json.dumps({"record": "claimant", "key": "k" * 5000, "name": "n", "kind": "ngo", "reliability": "C"}), "at most"),
    ],
)
def test_a_jsonl_line_beyond_a_limit_is_one_problem_and_writes_nothing(
    world: World, tmp_path: Path, line: str, expected: str
) -> None:
    with writes_nothing(world.ledger), pytest.raises(ImportRejected) as rejected:
        import_figures(world.ledger, _jsonl(tmp_path, json.dumps(FIGURE_RECORD), line))
    assert {p.line for p in rejected.value.problems} == {2}, rejected.value.problems
    assert any(expected in p.problem for p in rejected.value.problems), rejected.value.problems
    assert "\n" not in str(rejected.value)


def _published(source: Path, target: Path, **changes: str) -> Path:
    """The sample with the first event's columns changed, kept in its published layout."""
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    first = 2 if rows[1][0].startswith("#") else 1
    for column, value in changes.items():
        rows[first][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    "changes",
    [
        {"best": str(2**63), "high": str(2**63)},
        {"high": str(MAX_COUNT + 1)},
        {"deaths_a": "9" * 5000},
        {"date_start": "2999-01-01", "date_end": "2999-01-02"},
    ],
)
def test_a_ucdp_row_beyond_a_limit_writes_nothing(ledger: Ledger, tmp_path: Path, changes: dict[str, str]) -> None:
    path = _published(DATA / "ucdp_ged_sample.csv", tmp_path / "ged.csv", **changes)
    with writes_nothing(ledger), pytest.raises(ImportRejected) as rejected:
        import_ucdp(ledger, path)
    assert "\n" not in str(rejected.value)


@pytest.mark.parametrize(
    "changes",
    [{"fatalities": str(2**63)}, {"fatalities": str(MAX_COUNT + 1)}, {"fatalities": "9" * 5000},
     {"timestamp": str(10**12)}, {"event_date": "2999-01-01"}],
)  # fmt: skip
def test_an_acled_row_beyond_a_limit_writes_nothing(ledger: Ledger, tmp_path: Path, changes: dict[str, str]) -> None:
    path = _published(DATA / "acled_sample.csv", tmp_path / "acled.csv", **changes)
    with writes_nothing(ledger), pytest.raises(ImportRejected) as rejected:
        import_acled(ledger, path)
    assert "\n" not in str(rejected.value)


def test_a_seed_beyond_the_limit_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    from ledger.io.seed import load_seed

    seed = json.loads((Path(__file__).parents[2] / "seeds" / "balochistan.json").read_text(encoding="utf-8"))
    figures = seed["figures"]
    figures[0]["quantity"] = str(2**63)
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    with writes_nothing(ledger), pytest.raises(InvalidInput, match="limit"):
        load_seed(ledger, path)


# --- figures at the limit add up, and every read and export holds them -------------------------------

CHILDREN = 120  # incidents under one campaign, each with figures at the limit in three statuses


@pytest.fixture
def at_the_limit(ledger: Ledger) -> Ledger:
    app, entry = ledger.app, ledger.entry("test")
    where = Location("Pakistan", "Balochistan", precision=LocationPrecision.ADM1)
    with clock.pinned(day("2026-02-01T09:00:00")):
        app.register_claimant("hrcp", "HRCP", "ngo", {"*": "independent"}, "B", entry)
        app.register_incident("campaign", "Campaign", where, Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), entry)
        for n in range(CHILDREN):
            app.register_incident(
                f"part-{n:03}", f"Part {n}", where, Period(dt.date(2026, 1, 2), dt.date(2026, 1, 3)), entry, parent="campaign"
            )
    figures = [
        FigureInput(incident=f"part-{n:03}", claimant="hrcp", victim_status=status, outcome="killed",
                    quantity=str(MAX_COUNT), reported=reported("2026-02-05"))
        for n in range(CHILDREN) for status in ("civilian", "security_forces", "militant")
    ]  # fmt: skip
    with clock.pinned(day("2026-02-06T09:00:00")):
        ledger.record_figures(figures, "test")
    return ledger


def test_figures_at_the_limit_add_up_exactly_in_tallies_queries_and_exports(at_the_limit: Ledger, tmp_path: Path) -> None:
    ledger = at_the_limit
    total = 3 * CHILDREN * MAX_COUNT
    [campaign] = [r for r in ledger.tally().rows if r["incident"] == "campaign" and r["victim_status"] == "all"]
    assert (campaign["low"], campaign["best"], campaign["high"]) == (total, total, total)
    _, rows = ledger.query("select sum(best) as s, typeof(best) as t from tallies group by all")
    assert rows == [(sum(r["best"] for r in ledger.tally().rows), "HUGEINT")]
    assert ledger.query("select 1 as one")[1] == [(1,)]
    assert ledger.query("select max(best) from figures")[1] == [(MAX_COUNT,)]
    for fmt in ("csv", "json", "parquet", "hxl", "ucdp", "acled"):
        target = tmp_path / f"tallies.{fmt}"
        export(ledger, "tallies", target, fmt)
        if fmt == "json":
            best = {r["incident"]: r["best"] for r in json.loads(target.read_text())["rows"] if r["victim_status"] == "all"}
            assert best["campaign"] == total
        elif fmt == "parquet":
            found = duckdb.sql(
                f"SELECT best FROM read_parquet('{target}') WHERE incident = 'campaign' AND victim_status = 'all'"
            ).fetchall()
            assert found == [(total,)]
        else:
            assert str(total) in target.read_text(encoding="utf-8"), fmt
    bundle = tmp_path / "bundle.jsonl"
    export(ledger, "figures", bundle, "jsonl")
    again = make_ledger(tmp_path / "again")
    try:
        import_figures(again, bundle)
        assert again.tally().rows == [
            {**r, "log_position": again.tally().rows[i]["log_position"]} for i, r in enumerate(ledger.tally().rows)
        ] or [r["best"] for r in again.tally().rows] == [r["best"] for r in ledger.tally().rows]
    finally:
        again.close()


def test_a_sum_past_bigint_is_held_by_the_read_models_types(at_the_limit: Ledger) -> None:
    """Nine million figures at the limit would be needed to pass BIGINT; the columns a sum lands in are HUGEINT,
    and DuckDB adds HUGEINTs past 2^63 exactly (what a tally of that many figures would do)."""
    ledger = at_the_limit
    types = dict(ledger.query("select column_name, data_type from information_schema.columns where table_name = 'tallies'")[1])
    assert {types[c] for c in ("low", "best", "high", "unattributed")} == {"HUGEINT"}
    _, rows = ledger.query(f"select sum(best) * 10000000 as s from tallies where incident_id is not null and best = {MAX_COUNT}")
    assert rows[0][0] > 2**63
