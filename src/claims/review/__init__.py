"""The fact-checker's review app: read a run's claims, record verdicts, export them.

``launch(out_dir)`` serves the Streamlit app (``app.py``) on 127.0.0.1; ``ReviewStore`` keeps
the verdicts in ``out_dir/reviews.sqlite`` and can be used without the app.
"""

from claims.review.server import LaunchError, ReviewServer, launch
from claims.review.store import SCOPES, VERDICTS, ReviewStore, Verdict

__all__ = ["LaunchError", "ReviewServer", "ReviewStore", "SCOPES", "VERDICTS", "Verdict", "launch"]
