"""A floor on extraction quality over benchmark pages, scored by the benchmark's own scorer.

Only a sample of pages keeps this test quick; ``benchmarks/extraction.py`` scores all 181.
"""

from __future__ import annotations

import gzip
import importlib.util
import json

from claims.extract import extract_html

SAMPLE = 30
#: Measured F1 on this sample was 0.96 (Document.text); the floor leaves room for library
#: updates but catches a broken mapping (losing paragraphs or keeping page chrome).
F1_FLOOR = 0.92


def test_f1_on_benchmark_sample(shared_dir):
    bench = shared_dir / "bench" / "extraction"
    spec = importlib.util.spec_from_file_location("extraction_score", bench / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    paths = sorted((bench / "html").glob("*.html.gz"))[:SAMPLE]
    sample = {p.name.split(".")[0]: p for p in paths}
    predictions = {
        pid: extract_html(gzip.decompress(p.read_bytes()).decode("utf-8"), truth[pid]["url"]).text
        for pid, p in sample.items()
    }
    result, _ = scorer.score({pid: truth[pid] for pid in sample}, predictions)
    assert result["f1"] >= F1_FLOOR, result
