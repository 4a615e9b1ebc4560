"""Plain option values without Pydantic: Typer builds a Pydantic adapter for every option a command
parses, and importing Pydantic alone took a third of a `ledger tally` (issue 18). A string option's
string, and an enum option's exact choice, are what that adapter returns; anything else (a number, a
path, a value that is not one of the choices) still goes through Typer's own coercion, so its
results and its error messages are unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

try:  # Typer's lazy runtime coercion (0.2x); without it there is nothing to spare
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, lenient_issubclass, routes_to_path
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - an older Typer
    RuntimeParam = None  # type: ignore[assignment,misc]


def plain_command(command: Any) -> None:
    """Give a command's parameters, its help option included (made when first parsed), the plain coercion."""
    if RuntimeParam is None or getattr(command, "_plain_coercion", False):
        return
    command._plain_coercion = True
    plain_coercion(command.params)
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        plain_coercion([option])
        return option

    command.get_help_option = get_help_option


def plain_coercion(params: list[Any]) -> None:
    """Give each Typer parameter not yet coerced the plain coercion below."""
    if RuntimeParam is None:
        return
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            descriptor = param.type_descriptor
            param._runtime_param = _Plain(descriptor.parameter_info, descriptor.annotation, descriptor)


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _Plain(RuntimeParam):
        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation, info = self.annotation, self.parameter_info
            if annotation is bool and isinstance(value, bool):
                return value
            if isinstance(value, str) and info.parser is None:
                if annotation is str:
                    return value
                if routes_to_path(annotation, info):
                    path_type = info.path_type or (annotation if lenient_issubclass(annotation, Path) else None)
                    if path_type is Path and value:
                        value = Path(value)  # what Pydantic's Path validator makes of a string
                    try:
                        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
                    except ValueError:
                        pass  # Typer's own coercion words it
                if isinstance(annotation, type) and issubclass(annotation, Enum):
                    try:
                        return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
                    except ValueError:
                        pass  # not a choice: Typer's own coercion says so, in its words
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
