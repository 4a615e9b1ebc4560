"""The checkpoint signing key: generated on first use, kept outside the event log, checked before use.

Keys live in `$LEDGER_KEYS`, or `HOME/keys` when that is not set: never in the event store, so
whoever can edit the log cannot read the key from it (keep the directory elsewhere, e.g. on a
removable or separately backed-up volume, to keep it from whoever can read the ledger's home).

    <dir>/<log>.key    the signer key (PRIVATE+KEY+...), mode 0600, in a directory of mode 0700
    <dir>/<log>.vkey   its verifier key, to give to anyone who checks the ledger's checkpoints
    <dir>/*.vkey       other verifier keys trusted here (a colleague signing the same shared log)

A private key that group or others can read, or that another user owns, is refused, as ssh does.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ledger.integrity.errors import UnsafeKey
from ledger.integrity.note import NoteError, Signer, Verifier
from ledger.integrity.settings import KEYS_ENV, keys_dir

__all__ = ["KEYS_ENV", "keys_dir", "signer", "trusted"]


def _file_stem(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


def key_path(directory: Path, name: str) -> Path:
    return directory / f"{_file_stem(name)}.key"


def signer(directory: Path, name: str, create: bool = True) -> Signer | None:
    """The signer key named `name`; generated (with its .vkey) when absent and `create`."""
    path = key_path(directory, name)
    if not path.exists():
        if not create:
            return None
        return _generate(directory, path, name)
    _check_private(path)
    try:
        found = Signer.parse(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError, NoteError) as error:
        raise UnsafeKey(f"key file {path}: unreadable as a signer key ({error}); restore it from your backup") from None
    if found.name != name:
        raise UnsafeKey(f"key file {path}: holds the key of {found.name!r}, not {name!r}; restore the right file")
    return found


def _generate(directory: Path, path: Path, name: str) -> Signer:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        os.chmod(directory, 0o700)
    created = Signer.generate(name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return signer(directory, name, create=False) or created
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(created.text() + "\n")
    path.with_suffix(".vkey").write_text(created.verifier.text() + "\n", encoding="ascii")
    return created


def _check_private(path: Path) -> None:
    if os.name != "posix":
        return
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UnsafeKey(
            f"key file {path}: readable by group or others (mode {stat.S_IMODE(info.st_mode):04o}); run `chmod 600 {path}`"
        )
    if info.st_uid != os.getuid():
        raise UnsafeKey(f"key file {path}: owned by another user (uid {info.st_uid}); sign as its owner, or make a new key")


def trusted(directory: Path, extra: Iterable[str | Path] = ()) -> list[Verifier]:
    """The verifier keys trusted here: those of the signer keys in `directory`, its .vkey files, and `extra`
    (verifier key texts or files holding one)."""
    found: dict[tuple[str, int], Verifier] = {}
    if directory.is_dir():
        for path in sorted(directory.glob("*.vkey")):
            verifier = _read_vkey(path)
            found[(verifier.name, verifier.id)] = verifier
        for path in sorted(directory.glob("*.key")):
            try:
                own = Signer.parse(path.read_text(encoding="ascii")).verifier
            except (OSError, UnicodeDecodeError, NoteError):
                continue  # an unreadable signer key is reported when it is used to sign
            found[(own.name, own.id)] = own
    for item in extra:
        verifier = _read_vkey(Path(item)) if Path(str(item)).is_file() else _parse_vkey(str(item), "--key")
        found[(verifier.name, verifier.id)] = verifier
    return list(found.values())


def _read_vkey(path: Path) -> Verifier:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise UnsafeKey(f"verifier key {path}: unreadable ({error}); give a file holding name+keyid+key") from None
    return _parse_vkey(text, str(path))


def _parse_vkey(text: str, where: str) -> Verifier:
    try:
        return Verifier.parse(text)
    except NoteError as error:
        raise UnsafeKey(f"verifier key {where}: {error}; give the .vkey file the ledger wrote") from None
