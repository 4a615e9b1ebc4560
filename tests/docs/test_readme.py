"""The README's own console blocks, run in order against a fresh ledger, print what the README shows.

The tour is followed as a newcomer follows it: from the directory of a fresh clone (here: a scratch
directory holding the checkout's scripts/ and seeds/, so the ledger, the reports and any file the tour
writes land there), with nothing beside it (LEDGER_SHARED points at an empty directory, so the demo
archives the shipped excerpt of the seed article), tables 100 columns wide. Outputs
must match line for line, recorded times apart. After a change to what commands print, regenerate
the README's outputs with `scripts/update-readme` (it also puts a figure's new id, when ids change,
into the commands after it), then read the diff.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from readme_blocks import normalise, printed_id, renamed, rewrite, run, steps

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
UPDATE = os.environ.get("LEDGER_UPDATE_README") == "1"


def test_the_readme_runs_as_written(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    found = steps(text)
    assert len(found) > 30 and "scripts/demo" in [s.command for s in found[:2]]
    for name in ("scripts", "seeds"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "no-shared").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "VIRTUAL_ENV")) and k != "COLUMNS"}
    env |= {
        "HOME": str(tmp_path),
        "LEDGER_VENV": str(Path(sys.executable).parents[1]),
        "LEDGER_SHARED": str(tmp_path / "no-shared"),
        "COLUMNS": "100",
        "PYTHONUNBUFFERED": "1",  # stderr and stdout interleave as a terminal shows them
        "LANG": "C.UTF-8",
    }
    actual: dict[int, list[str]] = {}
    sources: dict[int, tuple[str, ...]] = {}
    ids: dict[str, str] = {}  # updating: figure ids that changed, to use in the commands after them
    differences = []
    for step in found:
        if UPDATE and ids:
            step = renamed(step, ids)
            sources[step.line] = step.source
        code, lines = run(step, tmp_path, env)
        same = normalise(lines) == normalise(step.expected)
        actual[step.line] = list(step.expected) if same else lines  # an unchanged output keeps its times: no noise
        was, now = printed_id(step.expected), printed_id(lines)
        if UPDATE and was and now and was != now:
            ids[was] = now
        shown_error = any(line.startswith("Error: ") for line in step.expected)
        if not same or (code != 0) != shown_error:
            differences.append(f"README line {step.line}: $ {step.command}\n  exit {code}; printed:\n    "
                               + "\n    ".join(lines) + "\n  README shows:\n    " + "\n    ".join(step.expected))  # fmt: skip
    if UPDATE:
        README.write_text(rewrite(text, actual, sources), encoding="utf-8")
        return
    assert not differences, "\n\n".join(differences) + "\n\n(regenerate with scripts/update-readme, then read the diff)"
