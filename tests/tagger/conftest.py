import pytest

from claims.settings import Settings
from claims.tagger import Tagger


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    """The rule tagger (the rules alone decide) with the shipped rules and the real spaCy
    model, loaded once: the rule tests specify what the rules find."""
    return Tagger(Settings(tagger="rules"))
