import pytest

from claims.settings import Settings
from claims.tagger import Tagger


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    """The real tagger with the shipped rules and the real spaCy model, loaded once."""
    return Tagger(Settings())
