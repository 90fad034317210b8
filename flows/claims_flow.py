"""Prefect's entry point for the claims flow (``prefect.yaml`` names it).

The flow and its tasks live in the library (``claims.flow``), where Dask workers and
``claims run`` import them from the installed package; this file only exposes the flow to
``prefect deploy``.
"""

from claims.flow import claims_run

__all__ = ["claims_run"]
