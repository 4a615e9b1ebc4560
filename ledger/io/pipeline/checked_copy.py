"""The file an import writes is the file it checked: both passes read one private copy of it.

A file edited while it is imported (a spreadsheet saving over it, a download still growing) would
otherwise give the write pass rows the check pass never saw, recorded under the SHA-256 of the file
as it was. The copy is made once, hashed as it is made, in a directory only this user can read,
and removed when the import ends. The readers (records.py) open the copy where they are given the
file's path, so every message still names the file the user gave.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from ledger import interrupts

_COPIES: ContextVar[dict[str, Path] | None] = ContextVar("ledger_import_copies", default=None)


@contextlib.contextmanager
def checked_copy(path: Path) -> Iterator[str]:
    """Copy `path` privately while hashing it; within the block, reading `path` reads the copy. Yields the SHA-256."""
    folder = Path(tempfile.mkdtemp(prefix="ledger-import-"))  # mode 0700
    copy = folder / path.name
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source, copy.open("wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                interrupts.check()  # a stop asked for while a large file is copied: nothing is recorded yet
                digest.update(chunk)
                target.write(chunk)
        token = _COPIES.set({**(_COPIES.get() or {}), _key(path): copy})
        try:
            yield digest.hexdigest()
        finally:
            _COPIES.reset(token)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def reading_path(path: Path) -> Path:
    """What to open to read `path`: its private copy during an import, else the file itself."""
    copies = _COPIES.get()
    return copies.get(_key(path), path) if copies else path


def _key(path: Path) -> str:
    return str(path.resolve())
