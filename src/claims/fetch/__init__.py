"""Getting article pages: from the web politely (``Fetcher``) or from disk (``read_file``).

Both return ``FetchResult`` records; failures are results with status "error" or "skipped",
never exceptions, so one bad page cannot stop a run.
"""

from claims.fetch.fetcher import Fetcher
from claims.fetch.files import read_file
from claims.fetch.result import FetchResult

__all__ = ["FetchResult", "Fetcher", "read_file"]
