"""The run folder: the only code that knows what a run writes and where.

``RunFolder(DIR)`` reads the committed dataset (``load``, ``load_tables``, ``text``) and lets a
run write a new one as a unit (``begin``, then ``RunParts.write_chunk`` from each task, then
``commit``). ``layout`` spells every file name; ``records`` holds the typed rows and the
texts format. See ``folder.py`` for what is promised when runs crash or run at once.
"""
from claims.runfolder import layout
from claims.runfolder.folder import Begun, FolderError, RunFolder
from claims.runfolder.generation import Committed, Generation, RunInfo
from claims.runfolder.parts import RunParts
from claims.runfolder.records import ArticleRow, ArticleText, ClaimRow

__all__ = [
    "ArticleRow", "ArticleText", "Begun", "ClaimRow", "Committed", "FolderError", "Generation", "RunFolder", "RunInfo",
    "RunParts", "data_dictionary", "layout",
]


def data_dictionary() -> str:
    """The README's data dictionary, generated from the contract (``dataset/schema.py``)."""
    from claims.dataset import columns

    parts = []
    for table, name in layout.TABLE_FILES.items():
        parts.append(f"#### `{name}`: {layout.DESCRIPTIONS[table]}\n\n| column | type | null | meaning |\n|---|---|---|---|")
        parts += [f"| `{c.name}` | {c.type_label} | {'yes' if c.nullable else 'no'} | {c.doc} |" for c in columns(table)]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
