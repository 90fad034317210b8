"""claims: find health claims in clinic web articles and flag those that need a citation."""
__version__ = "0.1.0"


def load(out_dir="data/processed"):
    """Load a run's claims table as a pandas DataFrame with the documented dtypes."""
    from claims.dataset import load_claims

    return load_claims(out_dir)
