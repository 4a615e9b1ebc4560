"""The command line's edge: every error becomes one "Error: ..." line and its exit code, the global
options work before or after the command, and help lists each command's whole first sentence.

Exit codes: 1 bad data, 2 bad usage, 3 a store or home cannot be opened (see ledger.errors).
"""

from __future__ import annotations

from typing import Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from ledger.cli.coercion import plain_command
from ledger.errors import LedgerError

# Options of the root command that may also be given after the command, and whether each takes a value.
GLOBAL_OPTIONS = {"--home": True, "--store": True, "--analyst": True, "--wide": False, "--raw-csv": False}
GLOBALS_EPILOG = (
    "Global options, before or after the command: --home DIR, --store PATH|URL, --analyst NAME, "
    "--wide (tables show every column), --raw-csv (CSV cells as stored). See `ledger --help`."
)


# Ctrl-C in any other command. Every write is one transaction, and a rebuild swaps its file in only when whole.
INTERRUPTED = "interrupted (SIGINT): stopped before it finished; nothing is half-written, so run it again"


class OneLine(ClickException):
    """An error already worded as one line; shown as "Error: ..." and nothing else."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        typer.echo(f"Error: {self.message}", err=True)


def usage_line(error: UsageError) -> str:
    """Click's usage error (usage block, hint, message) as one line with the fix."""
    message = " ".join(error.format_message().split()).rstrip(".")
    path = "ledger"
    if error.ctx is not None:  # the program's own name, however it was started (`python -c`, a test runner)
        path += error.ctx.command_path[len(error.ctx.find_root().command_path) :]
    message = message[:1].lower() + message[1:]
    return f"{path}: {message}; see `{path} --help`"


def hoist_globals(args: list[str]) -> list[str]:
    """Move global options found after the command to the front, where the root command reads them."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i:]
            break
        name = token.split("=", 1)[0]
        takes_value = GLOBAL_OPTIONS.get(name)
        if takes_value is None:
            rest.append(token)
        elif takes_value and "=" not in token and i + 1 < len(args):
            front += [token, args[i + 1]]
            i += 1
        else:
            front.append(token)
        i += 1
    return front + rest


def store_failure(error: Exception, ctx: Any) -> LedgerError | None:
    """A store library's error (sqlite3, psycopg, eventsourcing) met while a command wrote, as one line."""
    from ledger.opening import unavailable
    from ledger.settings import Settings

    obj = ctx.find_root().obj or {}
    try:
        settings = Settings.resolve(obj.get("home"), obj.get("store"), obj.get("analyst"))
    except LedgerError:
        return None
    return unavailable(error, settings)


class WholeHelp:
    """Help lists each command with its whole first sentence, where Click cuts it to fit one line."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            command = self.get_command(ctx, name)  # type: ignore[attr-defined]
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)  # type: ignore[misc]
        if command is not None:
            plain_command(command)
        if command is not None and not isinstance(command, TyperGroup) and not command.epilog:
            command.epilog = GLOBALS_EPILOG
        return command


class LedgerGroup(WholeHelp, TyperGroup):
    """The root command: global options anywhere; library errors, store errors and usage errors as one line."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_command(self)
        return super().parse_args(ctx, hoist_globals(args))

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except NoArgsIsHelpError:
            raise
        except UsageError as error:
            raise OneLine(usage_line(error), error.exit_code) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LedgerError as error:
            raise OneLine(str(error), error.exit_code) from None
        except NoArgsIsHelpError:
            raise
        except UsageError as error:
            raise OneLine(usage_line(error), error.exit_code) from None
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:  # an import makes its own stop and says what it left (ledger/interrupts.py)
            typer.echo(INTERRUPTED, err=True)
            raise typer.Exit(130) from None
        except Exception as error:
            found = store_failure(error, ctx)
            if found is not None:
                raise OneLine(str(found), found.exit_code) from None
            if isinstance(error, OSError) and error.filename:  # a file the user named: an output, a mapping...
                name = str(error.filename).removesuffix(".partial")  # written beside the file, then moved onto it
                raise OneLine(f"{name}: {(error.strerror or str(error)).lower()}; check the path, "
                              "and that you may read or write there", 1) from None  # fmt: skip
            raise
