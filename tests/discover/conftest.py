"""The clinic sites fixture (``clinicsites``) for the discovery tests."""

from clinicsites import clinic_sites, resolve_test_names  # noqa: F401  (fixtures)
