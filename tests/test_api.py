"""``import claims`` alone gives the documented API (a fresh interpreter, nothing else imported)."""

import subprocess
import sys

from runhelpers import article_row, claim_row, commit_run


def test_import_claims_alone_gives_load_tables_and_the_error(tmp_path):
    commit_run(tmp_path, [([article_row("a.html")], [claim_row("a.html", 0, "It cures pain.")])])
    script = (
        "import claims, sys\n"
        "assert {'claims', 'articles', 'runs', 'clusters', 'duplicate_articles'} <= set(claims.TABLES)\n"
        "assert 'pandas' not in sys.modules  # importing the package is cheap\n"
        f"frames = {{t: claims.load({str(tmp_path)!r}, table=t) for t in claims.TABLES}}\n"
        "assert len(frames['claims']) == 1 and len(frames['articles']) == 1 and len(frames['runs']) == 1\n"
        "assert issubclass(claims.DatasetError, ValueError)\n"
        f"try:\n    claims.load({str(tmp_path / 'nothing')!r})\nexcept claims.DatasetError as exc:\n    print(exc)\n"
        "print(claims.__version__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no dataset here" in done.stdout
