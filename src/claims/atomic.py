"""Atomic file writes: readers see the old file or the whole new one, never half of it.

Every file the project writes (dataset tables, page cache, article texts, exported reviews)
goes through here: a temporary file in the same folder, flushed to disk, then renamed over
the target, so a crash or a full disk leaves the previous version intact.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_DEFAULT_MODE = 0o666 & ~_umask()


def atomic_write(path: Path, write: Callable[[str], None], *, make_folder: bool = True) -> None:
    """Call ``write(tmp_path)`` to produce the file, then move it over ``path``.
    ``make_folder=False``: a missing folder is an error (FileNotFoundError), not made."""
    path = Path(path)
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, _DEFAULT_MODE)  # mkstemp makes 0600; outputs are for analysts to read
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def write_text(path: Path, text: str, *, make_folder: bool = True) -> None:
    """UTF-8, newlines kept as given."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    atomic_write(path, write, make_folder=make_folder)
