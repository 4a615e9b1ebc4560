"""The README's console blocks as commands and the output each shows, run as a newcomer would run them.

A block is a fenced ```console block: `$ ` starts a command (a trailing backslash continues it on the
next line), and the lines up to the next command are what it prints (stdout and stderr together).
Outputs are compared apart from recorded times (timestamps with fractions of a second), which no two
runs share. `rewrite` puts actual outputs in place of the README's, keeping every command: the one way
to regenerate the README's outputs after a change (`scripts/update-readme`).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import attrs

FENCE = "```"
# A recorded time: the ledger's clock gives microseconds (a view's instant such as 23:59:59.999999Z is
# the same in every run, so it is masked on both sides alike, harmlessly).
RECORDED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,6}(?:Z|[+-]\d\d:\d\d)")
# A tree root or signature covers the recorded times, so it differs in every run too.
TREE_ROOT = re.compile(r"(?<=root )[A-Za-z0-9+/]{43}=")


@attrs.frozen
class Step:
    line: int  # where the command starts in the README (1-based)
    command: str  # as typed, continuation lines joined
    source: tuple[str, ...]  # the command's lines as written
    expected: tuple[str, ...]  # the output the README shows
    gap: bool = False  # a blank line follows it in the README


def steps(text: str) -> list[Step]:
    found: list[Step] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != FENCE + "console":
            i += 1
            continue
        i += 1
        current: tuple[int, list[str]] | None = None
        output: list[str] = []
        while i < len(lines) and lines[i].strip() != FENCE:
            line = lines[i]
            if line.startswith("$ "):
                if current is not None:
                    found.append(_step(current, output))
                source = [line]
                while source[-1].endswith("\\") and i + 1 < len(lines):
                    i += 1
                    source.append(lines[i])
                current, output = (i + 2 - len(source), source), []
            elif current is not None:
                output.append(line)
            i += 1
        if current is not None:
            found.append(_step(current, output))
        i += 1
    return found


def _step(current: tuple[int, list[str]], output: list[str]) -> Step:
    line, source = current
    joined = " ".join(part.rstrip("\\").strip() for part in source)[2:].strip()
    gap = bool(output) and not output[-1].strip()
    while output and not output[-1].strip():
        output.pop()  # blank lines between commands are layout
    return Step(line, joined, tuple(source), tuple(output), gap)


def normalise(lines: tuple[str, ...] | list[str]) -> list[str]:
    return [TREE_ROOT.sub("<root>", RECORDED_TIME.sub("<recorded time>", line)).rstrip() for line in lines]


def run(step: Step, cwd: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """Run one command in bash, in `cwd`; `export NAME=VALUE` and `. .venv/bin/activate` change `env` for the rest."""
    command = step.command.split("  #", 1)[0].strip()  # a comment after two spaces is the README's aside
    if command.startswith("export ") and "=" in command:
        name, _, value = command[len("export ") :].partition("=")
        env[name] = value.strip("'\"")
        return 0, []
    if command == ". .venv/bin/activate":
        env["PATH"] = f"{env['LEDGER_VENV']}/bin:{env['PATH']}"
        env["VIRTUAL_ENV"] = env["LEDGER_VENV"]
        return 0, []
    done = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600
    )
    return done.returncode, done.stdout.splitlines()


UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def printed_id(lines: tuple[str, ...] | list[str]) -> str | None:
    """The id a command printed alone (`ledger figure add` prints the new figure's), if that is all it printed."""
    return lines[0] if len(lines) == 1 and UUID.match(lines[0]) else None


def renamed(step: Step, ids: dict[str, str]) -> Step:
    """The step with ids (and their 8-character prefixes) that changed since the README was written replaced."""
    def swap(text: str) -> str:
        for old, new in ids.items():
            text = text.replace(old, new).replace(old[:8], new[:8])
        return text

    return attrs.evolve(step, command=swap(step.command), source=tuple(swap(line) for line in step.source))


def rewrite(text: str, actual: dict[int, list[str]], sources: dict[int, tuple[str, ...]] | None = None) -> str:
    """The README with each command's output replaced by `actual[command line]`, and its lines by `sources[command
    line]` where given (ids that changed); every other command is kept as written."""
    lines = text.splitlines()
    by_line = {s.line: s for s in steps(text)}
    out: list[str] = []
    i = 0
    while i < len(lines):
        step = by_line.get(i + 1)
        if step is None:
            out.append(lines[i])
            i += 1
            continue
        out += (sources or {}).get(step.line, step.source)
        i += len(step.source)
        while i < len(lines) and not lines[i].startswith("$ ") and lines[i].strip() != FENCE:
            i += 1  # the old output
        out += actual.get(step.line, list(step.expected))
        if step.gap:
            out.append("")  # as written: a blank line before the next command
    return "\n".join(out) + "\n"
