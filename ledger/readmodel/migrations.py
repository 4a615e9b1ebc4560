"""Numbered SQL files applied in order, each recorded with its checksum; an applied file never changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from ledger.errors import StoreUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "_migrations"


def migrations_dir() -> Path:
    """The repository's migrations/, or the copy packaged into a wheel."""
    return MIGRATIONS_DIR if MIGRATIONS_DIR.is_dir() else PACKAGED_DIR


def migrate(con: duckdb.DuckDBPyConnection, directory: Path | None = None) -> list[str]:
    """Apply the files not yet applied; returns their names."""
    directory = directory or migrations_dir()
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    applied = dict(con.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    done = []
    for path in sorted(directory.glob("[0-9][0-9][0-9]_*.sql")):
        version = int(path.name[:3])
        sql = path.read_text(encoding="utf-8")
        checksum = hashlib.sha256(sql.encode("utf-8")).hexdigest()
        if version in applied:
            if applied[version] != checksum:
                raise StoreUnavailable(
                    f"migration {path.name}: changed after it was applied; restore it and add a new "
                    "numbered file instead (or `ledger rebuild` to start the read model afresh)"
                )
            continue
        con.execute("BEGIN")
        con.execute(sql)
        con.execute("INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)", [version, path.name, checksum])
        con.execute("COMMIT")
        done.append(path.name)
    return done


def up_to_date(con: duckdb.DuckDBPyConnection, directory: Path | None = None) -> bool:
    """Whether every file is applied, unchanged (so `migrate` would do nothing and raise nothing)."""
    directory = directory or migrations_dir()
    try:
        applied = dict(con.execute("SELECT version, checksum FROM schema_migrations").fetchall())
    except duckdb.CatalogException:
        return False
    for path in sorted(directory.glob("[0-9][0-9][0-9]_*.sql")):
        checksum = hashlib.sha256(path.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
        if applied.get(int(path.name[:3])) != checksum:
            return False
    return True
