"""claims: find health claims in clinic web articles and flag those that need a citation."""

__version__ = "0.1.0"
__all__ = ["DatasetError", "TABLES", "__version__", "load"]

#: The tables ``load`` can read from a run folder.
TABLES = ("claims", "articles", "runs", "clusters", "duplicate_articles", "sites")


def load(out_dir="data/processed", table="claims"):
    """Load one table of a run folder as a pandas DataFrame with the documented dtypes.

    ``table`` is one of ``TABLES``. The tables are read from one committed generation and
    checked against each other first (every claim's article and run exist, article claim
    counts match), so a ``DatasetError`` means the folder is not a consistent dataset.
    Column types are listed in the README's data dictionary.
    """
    from claims.runfolder import RunFolder

    if table not in TABLES:
        raise ValueError(f"unknown table {table!r} (choose from {', '.join(TABLES)})")
    return RunFolder(out_dir).load(table)


def __getattr__(name):
    """``claims.DatasetError``, the error ``load`` raises, without importing pandas and pyarrow
    for ``import claims`` alone."""
    if name == "DatasetError":
        from claims.dataset import DatasetError

        return DatasetError
    raise AttributeError(f"module 'claims' has no attribute {name!r}")
