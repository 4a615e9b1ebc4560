"""A small ledger for the review-queue tests: claimants, incidents and a wire report written for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import event_count, make_ledger
from typer.testing import CliRunner, Result

from ledger.cli.main import app

ANALYST = "reviewer"

REPORT = (
    "QUETTA: At least 12 people were killed and 30 wounded when a bomb exploded at a market in Quetta on Tuesday, "
    "police said.\n"
    "Forty-one people, including 14 security personnel, were killed in a separate attack in Nushki, provincial "
    "officials said.\n"
    "A policeman was martyred and another injured."
)


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

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--format", "json").stdout)

    def rows(self, *args: str) -> Any:
        """The rows of a read's JSON envelope."""
        return self.json(*args)["rows"]

    def events(self) -> int:
        ledger = make_ledger(self.home)
        try:
            return event_count(ledger)
        finally:
            ledger.close()

    def fails(self, *args: str, code: int = 1) -> str:
        """A command that must fail: exit `code`, one "Error: ..." line, nothing on stdout, no event written."""
        before = self.events()
        result = self(*args)
        assert result.exit_code == code, f"{args}: exit {result.exit_code}, wanted {code}\n{result.stderr}"
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert self.events() == before, "a rejected command wrote events"
        return lines[0]


def build(home: Path, tmp: Path) -> tuple[Cli, Path]:
    """Claimants police and officials, a province with two incidents, and the report as a file."""
    cli = Cli(home)
    cli.ok("claimant", "add", "police", "--name", "Balochistan Police", "--kind", "state_forces",
           "--role-default", "security_forces=own_losses", "--role-default", "*=party_other")  # fmt: skip
    cli.ok("claimant", "add", "officials", "--name", "Provincial officials", "--kind", "government")
    cli.ok("publisher", "add", "wire", "--name", "A wire service")
    cli.ok("incident", "add", "balochistan-2026", "--name", "Violence in Balochistan", "--country", "Pakistan",
           "--adm1", "Balochistan", "--occurred", "2026-02")  # fmt: skip
    cli.ok("incident", "add", "quetta-market", "--name", "Quetta market bombing", "--country", "Pakistan",
           "--adm1", "Balochistan", "--place", "Quetta", "--occurred", "2026-02-03", "--parent", "balochistan-2026")  # fmt: skip
    cli.ok("incident", "add", "nushki-attack", "--name", "Nushki attack", "--country", "Pakistan",
           "--adm1", "Balochistan", "--place", "Nushki", "--occurred", "2026-02-03", "--parent", "balochistan-2026")  # fmt: skip
    report = tmp / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    return cli, report


def extract(cli: Cli, report: Path, *extra: str) -> dict[str, Any]:
    return cli.json(  # type: ignore[no-any-return]
        "extract", "wire-0204", "--file", str(report), "--publisher", "wire", "--published", "2026-02-04", *extra
    )


def by_quantity(proposals: list[dict[str, Any]]) -> dict[str, str]:
    """Proposal ids by their number's words."""
    return {p["quantity"]: p["proposal_id"] for p in proposals}
