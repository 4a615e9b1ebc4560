"""A generated corpus of malformed import files: each one line of error, no traceback, nothing written.

Four files in their real layouts (the ledger's CSV and JSON Lines, a UCDP GED and an ACLED sample) are
each broken every way a file arrives broken: another encoding (UTF-16 and UTF-32 with and without a
byte-order mark, Latin-1), CR-only line endings, NUL bytes, binary or compressed content, truncation,
an unclosed quote, missing or duplicated columns, rows of the wrong width, and values beyond the
ledger's limits (a 5,000-digit or a 2^63 count, a year 2999, a `javascript:` URL, JSON nested 50,000
deep). Then hypothesis writes arbitrary files. For every file `ledger import` must exit 1 with exactly
one "Error: ..." line (the last on stderr, after any table of row problems), print no traceback and
leave the event log as it was.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_world, day, event_count, make_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ledger import clock
from ledger.cli.main import app as cli_app

DATA = Path(__file__).parent / "data"
LEDGER_CSV = (
    "incident,claimant,victim_status,outcome,quantity,reported,document,quote,women,note\r\n"
    "balochistan-2026,ispr,militant,killed,at least 216,2026-02-05,dawn-2026-02-05,killed at least 216 militants,,"
    '"as Dawn ""carried"" it, café"\r\n'
    "nushki-standoff,hrcp,civilian,killed,12,2026-02-05,,,3,\r\n"
)
FIGURE_RECORD = {"record": "figure", "incident": "nushki-standoff", "claimant": "hrcp", "victim_status": "civilian",
                 "outcome": "injured", "quantity": "dozens", "reported": "2026-02-06", "publisher": "daily"}  # fmt: skip
LEDGER_JSONL = (
    json.dumps({"record": "publisher", "key": "daily", "name": "Daily Café", "kind": "media", "url": "https://daily.example"},
               ensure_ascii=False)
    + "\n"
    + json.dumps(FIGURE_RECORD)
    + "\n"
)
BASES = {
    "ledger.csv": ("figures", LEDGER_CSV.encode("utf-8")),
    "ledger.jsonl": ("figures", LEDGER_JSONL.encode("utf-8")),
    "ucdp.csv": ("ucdp", (DATA / "ucdp_ged_sample.csv").read_bytes()),
    "acled.csv": ("acled", (DATA / "acled_sample.csv").read_bytes()),
}


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(data), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _first_data(rows: list[list[str]]) -> int:
    return 2 if len(rows) > 1 and rows[1] and rows[1][0].startswith("#") else 1


def _cell(column: str, value: str) -> Callable[[bytes], bytes]:
    """The first data row's `column` set to `value` (CSV files)."""

    def change(data: bytes) -> bytes:
        rows = _rows(data)
        rows[_first_data(rows)][rows[0].index(column)] = value
        return _csv(rows)

    return change


def _json_field(record: int, field: str, value: object, raw: str | None = None) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        lines = _text(data).splitlines()
        loaded = json.loads(lines[record])
        loaded[field] = value
        text = json.dumps(loaded)
        if raw is not None:
            text = text.replace(json.dumps(value), raw)
        lines[record] = text
        return ("\n".join(lines) + "\n").encode("utf-8")

    return change


def _encoding(codec: str, bom: bytes = b"") -> Callable[[bytes], bytes]:
    return lambda data: bom + _text(data).encode(codec)


def _garbage(seed: int, size: int) -> Callable[[bytes], bytes]:
    return lambda data: random.Random(seed).randbytes(size)


ANY = {
    "utf-16-le without a BOM": _encoding("utf-16-le"),
    "utf-16-be without a BOM": _encoding("utf-16-be"),
    "utf-16 with its BOM": _encoding("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16-be with its BOM": _encoding("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-32 with its BOM": _encoding("utf-32-le", codecs.BOM_UTF32_LE),
    "cr-only line endings": lambda data: _text(data).replace("\r\n", "\r").replace("\n", "\r").encode("utf-8"),
    "a nul byte": lambda data: data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :],
    "gzip-compressed": lambda data: gzip.compress(data, mtime=0),
    "random bytes": _garbage(1, 4096),
    "random bytes, small": _garbage(2, 17),
    "an invalid utf-8 byte in a row": lambda data: data.replace(b"2024", b"20\xff4", 1).replace(b"2026", b"20\xff6", 1),
}
LATIN_1 = {"latin-1": _encoding("latin-1")}  # for the files that hold text beyond ASCII (the others read the same)
NOTHING = {  # an empty bundle is a bundle of nothing; a CSV needs its header
    "empty": lambda data: b"",
    "a byte-order mark only": lambda data: codecs.BOM_UTF8,
    "blank lines only": lambda data: b"\r\n\r\n\r\n",
}
CSV_ONLY = {
    "an unclosed quote": lambda data: data + b'"never closed,\r\n',
    "truncated inside a quoted field": lambda data: data[: data.index(b'"', data.index(b"\n")) + 4],
    "a row with too many fields": lambda data: data.rstrip(b"\r\n") + b",extra,extra\r\n",
    "a header only of unknown columns": lambda data: b"what,is,this\r\n1,2,3\r\n",
    "a duplicated column": lambda data: data.split(b"\n", 1)[0].rstrip(b"\r") + b",note\r\n" + data.split(b"\n", 1)[1],
    "a missing column": lambda data: _csv([r[1:] for r in _rows(data)]),
}
LEDGER_CSV_VALUES = {
    "a 5,000-digit quantity": _cell("quantity", "9" * 5000),
    "a quantity of 2^63": _cell("quantity", str(2**63)),
    "a quantity past the limit": _cell("quantity", str(10**12 + 1)),
    "5,000-digit women": _cell("women", "9" * 5000),
    "women of 1e400": _cell("women", "1e400"),
    "reported in 2999": _cell("reported", "2999-01-01"),
    "reported next century": _cell("reported", "2101"),
    "a quantity of 100,000 characters": _cell("quantity", "1" * 100_000),
    "a key of 10,000 characters": _cell("incident", "k" * 10_000),
    "a nan quantity": _cell("quantity", "nan"),
    "a negative women": _cell("women", "-3"),
}
JSONL_VALUES = {
    "nested 50,000 deep": lambda data: data + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "a figure nested 50,000 deep": _json_field(1, "includes", [], "[" * 50_000 + "]" * 50_000),
    "nested 40 deep": _json_field(1, "includes", [], "[" * 40 + "]" * 40),
    "a 5,000-digit number": _json_field(1, "women", 1, "9" * 5000),
    "a 5,000-digit float": _json_field(1, "women", 1, "9" * 4000 + ".5"),
    "a count of 2^63": _json_field(1, "women", 2**63),
    "a quantity of 2^63": _json_field(1, "quantity", str(2**63)),
    "a number for a quantity past the limit": _json_field(1, "quantity", 10**13),
    "reported in 2999": _json_field(1, "reported", "2999-01-01"),
    "a javascript: url": _json_field(0, "url", "javascript:alert(document.cookie)"),
    "a file: url": _json_field(0, "url", "file:///etc/passwd"),
    "a key of 10,000 characters": _json_field(0, "key", "k" * 10_000),
    "a list for a line": lambda data: data + b"[1, 2, 3]\n",
    "a truncated line": lambda data: data + b'{"record": "figure", "incident": \n',
    "a bare number": lambda data: data + b"12\n",
    "NaN": _json_field(1, "women", 1, "NaN"),
    "Infinity": _json_field(1, "women", 1, "Infinity"),
}
UCDP_VALUES = {
    "best of 2^63": _cell("best", str(2**63)),
    "high past the limit": _cell("high", str(10**12 + 1)),
    "5,000-digit deaths": _cell("deaths_a", "9" * 5000),
    "a date in 2999": lambda data: _cell("date_end", "2999-01-02")(_cell("date_start", "2999-01-01")(data)),
    "a negative death toll": _cell("deaths_b", "-4"),
    "deaths in words": _cell("deaths_a", "four"),
    "1e400 deaths": _cell("deaths_a", "1e400"),
}
ACLED_VALUES = {
    "fatalities of 2^63": _cell("fatalities", str(2**63)),
    "fatalities past the limit": _cell("fatalities", str(10**12 + 1)),
    "5,000-digit fatalities": _cell("fatalities", "9" * 5000),
    "a timestamp past 2100": _cell("timestamp", str(10**12)),
    "a 5,000-digit timestamp": _cell("timestamp", "9" * 5000),
    "an event in 2999": _cell("event_date", "2999-01-01"),
    "a negative fatality count": _cell("fatalities", "-1"),
}


def _corpus() -> list[tuple[str, str, str, bytes]]:
    """(name, import kind, file name, bytes) of every malformed file."""
    corpus = []
    for base, (kind, data) in BASES.items():
        broken = dict(ANY)
        if base.endswith(".csv"):
            broken |= CSV_ONLY | NOTHING
        if any(byte > 127 for byte in data.removeprefix(codecs.BOM_UTF8)):
            broken |= LATIN_1
        broken |= {"ledger.csv": LEDGER_CSV_VALUES, "ledger.jsonl": JSONL_VALUES, "ucdp.csv": UCDP_VALUES,
                   "acled.csv": ACLED_VALUES}[base]  # fmt: skip
        for how, breaks in broken.items():
            corpus.append((f"{base}: {how}", kind, base, breaks(data)))
    return corpus


CORPUS = _corpus()


class Home:
    """One ledger with the small world, shared by the corpus: no rejected file may change it."""

    def __init__(self, path: Path) -> None:
        self.path, self.runner = path, CliRunner()
        ledger = make_ledger(path)
        with clock.pinned(day("2026-02-01T09:00:00")):
            build_world(ledger)
        ledger.close()

    def events(self) -> tuple[int, str]:
        """The last notification id, and a digest of every stored event (the SQLite file's bytes move with checkpoints)."""
        ledger = make_ledger(self.path)
        try:
            digest = hashlib.sha256()
            con = sqlite3.connect(self.path / "events.sqlite")
            try:
                for row in con.execute("SELECT * FROM stored_events ORDER BY rowid"):
                    digest.update(repr(row).encode())
            finally:
                con.close()
            return event_count(ledger), digest.hexdigest()
        finally:
            ledger.close()

    def rejects(self, kind: str, file: Path) -> str:
        """Import a file that must be refused; returns its one error line."""
        before = self.events()
        env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
        result = self.runner.invoke(cli_app, ["--home", str(self.path), "import", kind, str(file)], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == 1, f"{file.name}: exit {result.exit_code}\n{result.stderr[-2000:]}"
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, result.stderr[-2000:]
        assert result.stderr.splitlines()[-1] == errors[0], "the error must be a line of its own, the last"
        assert len(errors[0]) < 1000, errors[0][:200]
        assert self.events() == before, f"{file.name}: a rejected import wrote to the event log"
        return errors[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return Home(tmp_path_factory.mktemp("malformed") / "home")


def test_the_bases_import_cleanly(tmp_path: Path) -> None:
    """The unbroken files are good: what breaks each corpus file is its one change."""
    fresh = Home(tmp_path / "home")
    env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
    for base, (kind, data) in BASES.items():
        path = tmp_path / base
        path.write_bytes(data)
        result = fresh.runner.invoke(cli_app, ["--home", str(fresh.path), "import", kind, str(path)], env=env)
        assert result.exit_code == 0, (base, result.stderr)


@pytest.mark.parametrize(("name", "kind", "base", "data"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_malformed_file_is_one_line_and_writes_nothing(
    home: Home, tmp_path: Path, name: str, kind: str, base: str, data: bytes
) -> None:
    path = tmp_path / base
    path.write_bytes(data)
    home.rejects(kind, path)


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("utf-16-le without a BOM", "UTF-16 (little-endian) without a byte-order mark"),
        ("utf-16-be without a BOM", "UTF-16 (big-endian) without a byte-order mark"),
        ("utf-16 with its BOM", "is UTF-16"),
        ("cr-only line endings", "carriage return only"),
        ("latin-1", "not UTF-8"),
    ],
)
def test_encoding_and_line_ending_problems_say_what_they_are(home: Home, tmp_path: Path, how: str, expected: str) -> None:
    for base, (kind, data) in BASES.items():
        if how == "latin-1" and not any(byte > 127 for byte in data.removeprefix(codecs.BOM_UTF8)):
            continue
        path = tmp_path / base
        path.write_bytes({**ANY, **LATIN_1}[how](data))
        message = home.rejects(kind, path)
        assert expected in message and "column" not in message, (base, message)


def test_a_large_file_s_error_is_not_glued_to_the_progress_bar(home: Home, tmp_path: Path) -> None:
    rows = LEDGER_CSV.splitlines(keepends=True)
    good = rows[2]
    path = tmp_path / "large.csv"
    # Over a megabyte of good rows, then a byte that is not UTF-8: the error comes mid-way through the bar.
    path.write_bytes((rows[0] + good * 40_000).encode("utf-8") + b"nushki-standoff,hrcp,civilian,killed,1\xff,2026-02-05,,,,\r\n")
    message = home.rejects("figures", path)
    assert "not UTF-8" in message


csv_text = st.text(alphabet=st.sampled_from('ab,"\r\n=+-@\t\x00é9\ufeff '), max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cell=csv_text, column=st.sampled_from(["quantity", "reported", "women", "note", "incident", "quote"]))
def test_any_text_in_any_cell_imports_or_is_refused_in_one_line(home: Home, tmp_path: Path, cell: str, column: str) -> None:
    """Property: whatever a cell holds, the import either records it or refuses it in one line, writing nothing."""
    rows = _rows(LEDGER_CSV.encode("utf-8"))
    rows[2][rows[0].index(column)] = cell
    if column != "quote":
        rows[2][rows[0].index("outcome")] = "missing"  # a figure the ledger does not hold yet: a clean file writes it
    path = tmp_path / "any.csv"
    path.write_bytes(_csv(rows))
    env = {"LEDGER_ANALYST": "t", "LEDGER_HOME": None, "LEDGER_STORE": None}
    before = home.events()
    result = home.runner.invoke(cli_app, ["--home", str(home.path), "import", "figures", str(path)], env=env)
    assert "Traceback" not in result.stderr and (result.exception is None or isinstance(result.exception, SystemExit))
    if result.exit_code != 0:
        assert result.exit_code == 1
        assert [line for line in result.stderr.splitlines() if line.startswith("Error: ")] == result.stderr.splitlines()[-1:]
        assert home.events() == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), kind=st.sampled_from(["figures", "ucdp", "acled"]), suffix=st.sampled_from([".csv", ".jl"]))
def test_arbitrary_bytes_are_refused_in_one_line(home: Home, tmp_path: Path, data: bytes, kind: str, suffix: str) -> None:
    suffix = ".jsonl" if kind == "figures" and suffix == ".jl" else ".csv"
    path = tmp_path / f"bytes{suffix}"
    path.write_bytes(data)
    if suffix == ".jsonl" and not data.decode("utf-8", "replace").strip(" \t\r\n\ufeff"):
        return  # blank: a bundle of nothing, rightly imported as nothing
    home.rejects(kind, path)
