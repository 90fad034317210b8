"""Whether a folder can take a run, answered with the standard library alone.

``claims run`` asks before anything heavy starts, so a wrong ``--out`` is reported at once;
``RunFolder.check_writable`` asks the same before a run begins.
"""

from __future__ import annotations

import os
from pathlib import Path

from claims.runfolder.layout import CURRENT, TABLE_FILES


def folder_problem(path: str | os.PathLike[str]) -> str | None:
    """Why a run could not commit into ``path``, or None if it could."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        return f"{path}: exists and is not a folder"
    existing = next((p for p in (path, *path.absolute().parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        return f"{path}: cannot write in {existing}"
    link = path / CURRENT
    if link.is_symlink() or link.is_dir():
        target = link.resolve()
        if not target.is_dir():
            return f"{link} points to {target.name}, which is missing"
        return None
    if (path / TABLE_FILES["claims"]).is_file() and not (path / TABLE_FILES["articles"]).is_file():
        return (
            f"{path}: has {TABLE_FILES['claims']} but no {TABLE_FILES['articles']}; "
            "move it away or choose another folder"
        )
    return None
