"""Write files so that a full disk never leaves a half-written one: temporary files first, renamed at the end."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO

REASONS = {
    errno.ENOSPC: "Auf dem Datenträger ist kein Platz mehr frei",
    errno.EDQUOT: "Das Speicherkontingent (Quota) ist erschöpft",
    errno.EACCES: "Keine Schreibberechtigung",
    errno.EPERM: "Keine Schreibberechtigung",
    errno.EROFS: "Der Datenträger ist schreibgeschützt",
    errno.EEXIST: "Dort liegt bereits eine Datei",
    errno.ENOTDIR: "Ein Teil des Pfads ist kein Ordner",
    errno.EIO: "Ein- oder Ausgabefehler des Datenträgers",
    errno.ENOENT: "Eine Datei oder ein Ordner fehlt",
}


def reason(exc: OSError) -> str:
    """Return why writing failed, in German (the system's text for rarer causes)."""
    if exc.errno in REASONS:
        return REASONS[exc.errno]
    return exc.strerror or exc.__class__.__name__


def _write(handle: IO[bytes], content: bytes) -> None:
    """Write and force the bytes to disk: a full disk may only show at flush or fsync (delayed allocation)."""
    handle.write(content)
    handle.flush()
    os.fsync(handle.fileno())


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name → content) into ``folder`` all or nothing; return the paths written.

    Every file is written completely to a hidden temporary file next to its target first; only when all of
    them are on disk are they renamed to their names (an atomic step that needs no space). On an error the
    temporary files are removed, files of an earlier run keep their old content, and the OSError is raised.
    """
    pending: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            target = folder / name
            with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{name}.", suffix=".tmp", delete=False) as handle:
                temporary = Path(handle.name)
                pending.append((temporary, target))
                _write(handle, content)
        written: list[Path] = []
        for temporary, target in pending:
            os.replace(temporary, target)
            written.append(target)
        return written
    except BaseException:
        for temporary, _target in pending:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        raise
