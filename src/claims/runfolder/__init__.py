"""The run folder: the only code that knows what a run writes and where.

``RunFolder(DIR)`` reads the committed dataset (``load``, ``load_tables``, ``text``) and lets a
run write a new one as a unit (``begin``, then ``RunParts.write_chunk`` from each task, then
``commit``). ``layout`` spells every file name; ``records`` holds the typed rows and the
texts format; ``precheck`` says whether a folder can take a run. See ``folder.py`` for what
is promised when runs crash, run at once or are cancelled.

The classes load on first use (pandas, pyarrow and the contract take seconds to import),
so ``layout`` and ``precheck`` serve ``claims run``'s checks before anything heavy starts.
"""

from importlib import import_module

from claims.runfolder import layout

_HOMES = {
    "Begun": "folder",
    "FolderError": "folder",
    "RunFolder": "folder",
    "Committed": "generation",
    "Generation": "generation",
    "RunInfo": "generation",
    "RunParts": "parts",
    "ArticleRow": "records",
    "ArticleText": "records",
    "ClaimRow": "records",
}

__all__ = [*sorted(_HOMES), "data_dictionary", "layout"]


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f"claims.runfolder.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'claims.runfolder' has no attribute {name!r}")


def data_dictionary() -> str:
    """The README's data dictionary, generated from the contract (``dataset/schema.py``)."""
    from claims.dataset import columns

    parts = []
    for table, name in layout.TABLE_FILES.items():
        parts.append(
            f"#### `{name}`: {layout.DESCRIPTIONS[table]}\n\n| column | type | null | meaning |\n|---|---|---|---|"
        )
        parts += [
            f"| `{c.name}` | {c.type_label} | {'yes' if c.nullable else 'no'} | {c.doc} |" for c in columns(table)
        ]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
