"""`import duckdb` for the command line without the package's Python front (~0.1 s of CPU per process).

The duckdb package's `__init__` loads its relational API, Arrow and Polars adapters and
`importlib.metadata` (for its version) on top of the engine, `_duckdb`, whose connection, exceptions
and types it re-exports unchanged. A command that only connects and runs SQL needs the engine alone.
`install()` puts a stand-in for `duckdb` in `sys.modules` that answers those names from `_duckdb`;
anything else it is asked for, and any import of pyarrow (Arrow tables registered on a connection
need the package's adapters), loads the real package first and hands over to it. Where `_duckdb` is
not there (another layout of the package), nothing is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

# Names the package re-exports from `_duckdb` as they are (tests/cli/test_lean_duckdb.py checks each).
ENGINE_NAMES = frozenset({
    "connect", "DuckDBPyConnection", "StatementType", "Error", "DatabaseError", "DataError", "IntegrityError",
    "InternalError", "NotSupportedError", "OperationalError", "ProgrammingError", "Warning", "BinderException",
    "CatalogException", "ConnectionException", "ConstraintException", "ConversionException", "DependencyException",
    "FatalException", "HTTPException", "InternalException", "InterruptException", "InvalidInputException",
    "InvalidTypeException", "IOException", "NotImplementedException", "OutOfMemoryException", "OutOfRangeException",
    "ParserException", "PermissionException", "SequenceException", "SerializationException", "SyntaxException",
    "TransactionException", "TypeMismatchException",
})  # fmt: skip
# Imports that need the real package loaded before them (they hand Python objects to the engine).
NEEDS_PACKAGE = ("pyarrow", "pandas", "polars", "numpy")


class _Stand(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name in ENGINE_NAMES:
            value = getattr(importlib.import_module("_duckdb"), name)  # loaded on first use: not by `ledger --help`
            setattr(self, name, value)
            return value
        return getattr(load_package(), name)


class _BeforeAdapters:
    """A meta-path finder that loads the real package before pyarrow (or pandas...) is first imported."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] in NEEDS_PACKAGE:
            load_package()
        return None  # the usual finders import it


def install() -> None:
    """Stand in for `duckdb` in this process, unless it (or what needs it whole) is imported already."""
    if "duckdb" in sys.modules or any(name in sys.modules for name in NEEDS_PACKAGE):
        return
    if importlib.util.find_spec("_duckdb") is None:
        return
    sys.modules["duckdb"] = _Stand("duckdb")
    sys.meta_path.insert(0, _BeforeAdapters())


def load_package() -> types.ModuleType:
    """The real duckdb package, loaded now if the stand-in is in its place (which then forwards to it)."""
    stand = sys.modules.get("duckdb")
    if not isinstance(stand, _Stand):
        return importlib.import_module("duckdb")
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _BeforeAdapters)]
    del sys.modules["duckdb"]
    try:
        package = importlib.import_module("duckdb")
    except BaseException:
        sys.modules["duckdb"] = stand
        raise
    stand.__dict__.update({k: v for k, v in package.__dict__.items() if k not in ("__name__", "__spec__", "__loader__")})
    return package
