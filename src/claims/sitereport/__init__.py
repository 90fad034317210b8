"""Per-site facts for sites.parquet: what each clinic site claims, and how.

``table.site_table`` builds the table from the dataset's articles and claim rows;
``harms`` says whether a SAFETY claim names a harm, ``fda`` which FDA approvals a sentence
claims and which of them are misstated. The tagger is read, never changed.
"""

from claims.sitereport.fda import approval_claims, misstated
from claims.sitereport.harms import states_harm
from claims.sitereport.table import CLAIM_COLUMNS, fill_sites, site_table

__all__ = ["CLAIM_COLUMNS", "approval_claims", "fill_sites", "misstated", "site_table", "states_harm"]
