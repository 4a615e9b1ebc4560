"""Aligned text tables that fit the terminal: long text wraps inside its column, and columns that
still do not fit are left out (and named), so a table is never cut mid-word or wider than the screen.

Where the width comes from: $COLUMNS when set, else the terminal's width when stdout is one;
output piped to a file or another program is not limited (every cell whole, one line per row),
and so is `--wide`.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from ledger.io.formats.csv_text import cell_text

COMFORTABLE = 24  # text wraps this narrow before any optional column is left out
MIN_WRAPPED = 12  # and at most this narrow (or its header's width) before more columns go
GAP = "  "


def terminal_width() -> int | None:
    """The width tables must fit, or None for no limit."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        if sys.stdout.isatty():
            return shutil.get_terminal_size().columns
    except (AttributeError, ValueError, OSError):  # a replaced or closed stdout
        pass
    return None


def layout(
    columns: Sequence[str], texts: Sequence[Sequence[str]], width: int | None, optional: Sequence[str] = ()
) -> tuple[list[int | None], list[str]]:
    """Each column's width (None: left out to fit `width`) and the names of the columns left out.

    Text with spaces wraps, first down to a comfortable width; then the `optional` columns are left out
    (in that order), then text wraps down to a narrow width, and last the rightmost columns go.
    """
    natural = [max([len(c), *(len(row[i]) for row in texts)]) for i, c in enumerate(columns)]
    if width is None or _total(natural) <= width:
        return list(natural), []
    wraps = [any(" " in row[i] for row in texts) for i in range(len(columns))]
    dropped: set[int] = set()
    queue = [columns.index(c) for c in optional if c in columns]
    widths = _shrink(natural, wraps, dropped, columns, COMFORTABLE, width)
    while _total(_kept(widths, dropped)) > width and queue:
        dropped.add(queue.pop(0))
        widths = _shrink(natural, wraps, dropped, columns, COMFORTABLE, width)
    widths = _shrink(widths, wraps, dropped, columns, MIN_WRAPPED, width)
    for i in reversed(range(1, len(columns))):
        if _total(_kept(widths, dropped)) <= width:
            break
        dropped.add(i)
    shown: list[int | None] = [None if i in dropped else w for i, w in enumerate(widths)]
    return shown, [c for i, c in enumerate(columns) if i in dropped]


def _shrink(
    start: Sequence[int], wraps: Sequence[bool], dropped: set[int], columns: Sequence[str], floor: int, width: int
) -> list[int]:
    """Narrow the widest wrapping column, one character at a time, until the kept columns fit or none can narrow."""
    widths = list(start)
    least = [max(len(c), min(widths[i], floor)) if wraps[i] else widths[i] for i, c in enumerate(columns)]
    while _total(_kept(widths, dropped)) > width:
        narrowable = [i for i in range(len(widths)) if i not in dropped and widths[i] > least[i]]
        if not narrowable:
            break
        widths[max(narrowable, key=lambda i: widths[i])] -= 1
    return widths


def _kept(widths: Sequence[int], dropped: set[int]) -> list[int]:
    return [w for i, w in enumerate(widths) if i not in dropped]


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * (len(widths) - 1)


def render_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int | None, optional: Sequence[str] = ()
) -> tuple[str, list[str]]:
    """The table's text (a header, a rule, then rows, each perhaps over several lines) and the columns left out."""
    texts = [[_one_line(cell_text(v)) for v in row] for row in rows]
    widths, hidden = layout(columns, texts, width, optional)
    kept = [i for i, w in enumerate(widths) if w is not None]
    sizes = [widths[i] or 0 for i in kept]
    lines = [GAP.join(columns[i].ljust(w) for i, w in zip(kept, sizes, strict=True)).rstrip()]
    lines.append(GAP.join("-" * w for w in sizes))
    for row in texts:
        shown = [row[i] for i in kept]
        if all(len(text) <= w for text, w in zip(shown, sizes, strict=True)):  # the usual row: one line
            lines.append(GAP.join(text.ljust(w) for text, w in zip(shown, sizes, strict=True)).rstrip())
            continue
        cells = [_wrap(text, w) for text, w in zip(shown, sizes, strict=True)]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(w) for c, w in zip(cells, sizes, strict=True)]
            lines.append(GAP.join(parts).rstrip())
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n", hidden


def _one_line(text: str) -> str:
    return text.replace("\r\n", " ").replace("\n", " ") if "\n" in text else text


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
