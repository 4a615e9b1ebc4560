"""`ledger query`'s SQL surface: exactly one read-only SELECT over the read model, sealed from the world.

The connection is opened read-only (see ReadModel.read_only), then sealed: DuckDB's external access is
turned off (no file readers such as read_csv, read_text or glob, no COPY TO, no ATTACH, no INSTALL or
LOAD) and its configuration is locked, so no SET can turn it back on. Before anything runs, the text
must parse as one statement of type SELECT (WITH, FROM-first, VALUES, SHOW, DESCRIBE and SUMMARIZE are
SELECTs to DuckDB); everything else is refused in one line. The seal, not the statement check, is
what guarantees no file is touched: a SELECT that reaches for a file fails inside DuckDB.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ledger.errors import InvalidInput, Refused

_FIX = "`ledger query` runs one read-only SELECT over the read model; files are written by `ledger export`"


def seal(con: duckdb.DuckDBPyConnection) -> None:
    """No file, network or extension access from here on, and no setting can be changed again."""
    con.execute("SET autoinstall_known_extensions = false")  # sqlite_scan and the like would fetch an extension
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def checked_statement(sql: str) -> str:
    """The one SELECT in `sql`, or Refused saying why not (parsed only: nothing runs)."""
    parser = duckdb.connect(":memory:")
    try:
        statements = parser.extract_statements(sql)
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise InvalidInput(f"query: {first_line}; {_FIX}") from None
    finally:
        parser.close()
    if not statements:
        raise Refused(f"query: no statement given; {_FIX}")
    if len(statements) > 1:
        raise Refused(f"query: refused, {len(statements)} statements given where one is run; {_FIX}")
    kind = statements[0].type
    if kind is not duckdb.StatementType.SELECT:
        raise Refused(f"query: refused, a {kind.name} statement is not a read; {_FIX}")
    return sql


def run_sealed(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one checked SELECT on a sealed, read-only connection."""
    statement = checked_statement(sql)
    seal(con)
    try:
        cursor = con.execute(statement)
    except duckdb.PermissionException as error:
        first_line = str(error).splitlines()[0]
        raise Refused(f"query: refused, {first_line}; {_FIX}") from None
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise InvalidInput(f"query: {first_line}; the read model is read-only, see `ledger query --help`") from None
    if cursor.description is None:
        return [], []
    return [d[0] for d in cursor.description], cursor.fetchall()
