"""Reading import files as a stream of records with their line numbers, re-readable from the start.

CSV as spreadsheets and published datasets write it: UTF-8 with or without a byte-order mark,
quoted fields holding commas, doubled quotes and newlines, and an optional HXL hashtag row under
the header. JSON Lines: one object per line. Nothing is held whole, so memory does not grow with
the file; each pass re-opens it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ledger import interrupts
from ledger.domain.limits import COUNT_FIX, MAX_JSON_DEPTH, MAX_NUMBER_TEXT
from ledger.errors import InvalidInput
from ledger.io.formats.csv_text import restored
from ledger.io.pipeline.checked_copy import reading_path
from ledger.io.pipeline.problems import RowProblem

# (phase, bytes read, bytes in the file): "checking" or "writing" and how far the pass has got.
Progress = Callable[[str, int, int], None]

csv.field_size_limit(16 * 1024 * 1024)  # archived texts and long UCDP source lists exceed the 128 KiB default


@attrs.frozen
class Record:
    line: int  # physical line where the record starts; the header is line 1
    fields: dict[str, Any]
    problem: RowProblem | None = None  # the record could not be read at all


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(path: Path, what: str) -> None:
    if not path.is_file():
        raise InvalidInput(f"{what} {path}: no such file; give the path of the file to import")


def is_hxl_row(cells: list[str]) -> bool:
    """An HXL hashtag row: every non-empty cell is a hashtag such as '#affected+killed'."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


_SNIFF = 64 * 1024  # the head of a file read to tell its encoding and line endings


def check_text(path: Path) -> None:
    """Refuse, in one line, a file that is not UTF-8 text with LF or CRLF line endings, before any row is
    read: UTF-16 (with or without a byte-order mark) would read as garbled columns, CR-only line
    endings (old Mac) as one endless row."""
    with reading_path(path).open("rb") as raw:  # the private copy during an import; messages name `path`
        head = raw.read(_SNIFF)
    fix = "save it as UTF-8 (CSV UTF-8 in spreadsheets)"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(f"{path}: is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8; {fix}")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InvalidInput(f"{path}: is UTF-32, not UTF-8; {fix}")
    if b"\x00" in head:
        pairs = head[: len(head) // 2 * 2]
        even, odd = pairs[0::2].count(0), pairs[1::2].count(0)
        if max(even, odd) > len(pairs) // 4 and min(even, odd) < max(even, odd) // 4:
            order = "little-endian" if odd > even else "big-endian"
            raise InvalidInput(f"{path}: looks like UTF-16 ({order}) without a byte-order mark, not UTF-8; {fix}")
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise InvalidInput(f"{path}: line {line} holds a NUL byte, so this is not a text file; give the CSV or JSON Lines file")
    if b"\r" in head and b"\n" not in head:
        raise InvalidInput(
            f"{path}: lines end in a carriage return only (CR, as old Mac files do); save it with LF or CRLF line endings"
        )


class _Lines:
    """Lines decoded from bytes, counting bytes read for the progress bar (text files cannot tell())."""

    def __init__(self, path: Path, raw: Any) -> None:
        self.path, self.raw, self.done, self.line = path, raw, 0, 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.raw:
            self.line += 1
            self.done += len(chunk)
            if self.line == 1:
                chunk = chunk.removeprefix(codecs.BOM_UTF8)
            try:
                yield chunk.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{self.path}: line {self.line} is not UTF-8; save the file as UTF-8 (CSV UTF-8 in spreadsheets)"
                ) from None


def csv_records(path: Path, phase: str = "reading", progress: Progress | None = None) -> Iterator[Record]:
    """Each data row as a Record keyed by the header's (lower-cased) column names."""
    check_text(path)
    total = reading_path(path).stat().st_size
    with reading_path(path).open("rb") as raw:
        lines = _Lines(path, raw)
        reader = csv.reader(iter(lines), strict=True)
        try:
            header = [restored(h).strip().lower() for h in next(reader)]
        except StopIteration:
            raise InvalidInput(f"{path}: empty file; a header row is needed, see `ledger import template`") from None
        except csv.Error as error:
            raise InvalidInput(f"{path}: line 1: {error}; fix the header row") from None
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            raise InvalidInput(f"{path}: column {duplicated[0]!r} appears twice in the header; keep one")
        last, first_data = reader.line_num, True
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise InvalidInput(
                    f"{path}: line {last + 1}: {error}; close the quoted field (a quote inside a field is written twice)"
                ) from None
            start, last = last + 1, reader.line_num
            interrupts.check()  # between records: a stop asked for by a signal is made here
            if progress is not None:
                progress(phase, lines.done, total)
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if first_data and is_hxl_row(cells):
                first_data = False
                continue
            first_data = False
            if len(cells) != len(header):
                problem = RowProblem(start, None, None, f"has {len(cells)} fields, the header has {len(header)}")
                yield Record(start, {}, problem)
                continue
            # A cell the ledger neutralised against formulas ("'=x") reads back as written ("=x").
            yield Record(start, dict(zip(header, map(restored, cells), strict=True)))
        if progress is not None:
            progress(phase, total, total)


def csv_header(path: Path) -> list[str]:
    check_text(path)
    with reading_path(path).open("rb") as raw:
        reader = csv.reader(iter(_Lines(path, raw)))
        try:
            return [h.strip().lower() for h in next(reader)]
        except (StopIteration, csv.Error):
            return []


class _TooLarge(ValueError):
    """A JSON value beyond what the format needs: a number longer than any count, nesting too deep."""


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_TEXT:
        raise _TooLarge(f"a number of {len(text):,} characters is longer than any count; {COUNT_FIX}")
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _depth(value: Any, limit: int) -> bool:
    """Whether `value` nests no deeper than `limit` (1: a flat object)."""
    if isinstance(value, dict):
        return limit > 0 and all(_depth(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return limit > 0 and all(_depth(v, limit - 1) for v in value)
    return True


def _json_record(text: str) -> Any:
    """One line's JSON, refusing numbers longer than any count and nesting deeper than any record."""
    try:
        value = json.loads(text, parse_int=_number, parse_float=_number)
    except RecursionError:  # a line nested thousands deep: one problem, not a traceback out of the parser
        raise _TooLarge(f"nested more than {MAX_JSON_DEPTH} deep; a record needs at most a few levels") from None
    if not _depth(value, MAX_JSON_DEPTH):
        raise _TooLarge(f"nested more than {MAX_JSON_DEPTH} deep; a record needs at most a few levels")
    return value


def jsonl_records(path: Path, phase: str = "reading", progress: Progress | None = None) -> Iterator[Record]:
    """Each non-blank line as a Record holding its JSON object."""
    check_text(path)
    total = reading_path(path).stat().st_size
    with reading_path(path).open("rb") as raw:
        lines = _Lines(path, raw)
        for text in lines:
            interrupts.check()  # between records: a stop asked for by a signal is made here
            if progress is not None:
                progress(phase, lines.done, total)
            if not text.strip():
                continue
            try:
                value = _json_record(text)
            except json.JSONDecodeError as error:
                yield Record(lines.line, {}, RowProblem(lines.line, None, None, f"not valid JSON ({error.msg})"))
                continue
            except _TooLarge as error:
                yield Record(lines.line, {}, RowProblem(lines.line, None, None, str(error)))
                continue
            if not isinstance(value, dict):
                yield Record(lines.line, {}, RowProblem(lines.line, None, None, "not a JSON object; write one {...} per line"))
                continue
            yield Record(lines.line, value)
        if progress is not None:
            progress(phase, total, total)
