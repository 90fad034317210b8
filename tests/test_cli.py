"""The single-stage commands, run through the real entry point."""

import io
import json

import pandas as pd

from claims.cli import main

ARTICLE = (
    "Spinal cord stimulation for back pain\n\n"
    "The stimulator masks pain signals before they reach the brain. It may reduce leg pain, "
    "but it is completely safe for everyone.\n\n"
    "Is it right for you?\n"
)


def _json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_sentences_prints_offsets_into_the_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(ARTICLE))
    assert main(["sentences"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert [r["text"] for r in rows][0] == "Spinal cord stimulation for back pain"
    assert rows[-1]["text"] == "Is it right for you?"
    for row in rows:
        assert ARTICLE[row["start"] : row["end"]] == row["text"]


def test_tag_prints_every_sentence_with_its_tags(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    assert main(["tag", str(path)]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert len(rows) == 4  # heading, two sentences, question: claims or not
    by_text = {r["text"]: r for r in rows}
    mixed = by_text["It may reduce leg pain, but it is completely safe for everyone."]
    assert mixed["claim_types"] == ["EFFICACY", "SAFETY"]
    assert mixed["hedged"] is False  # 'may' does not reach past 'but'
    assert "completely safe" in mixed["red_flags"] and mixed["priority"] == "high"
    assert by_text["Spinal cord stimulation for back pain"]["claim_types"] == []
    assert {"start", "end", "cited", "citations", "vague_authority", "needs_citation", "reasons", "hedge_cues"} <= set(
        mixed
    )


def test_tag_lines_treats_each_line_as_a_document(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("TMS relieves depression.\n\nIt is non-addictive.\n"))
    assert main(["tag", "--lines", "--tagger", "rules"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    assert [r["document"] for r in rows] == [0, 2]
    # 'It' in its own document refers to nothing: the rules find no claim needing context
    assert rows[1]["claim_types"] == [] and rows[1]["red_flags"] == ["non-addictive"]


def test_extract_prints_blocks_and_reports_bad_sources(tmp_path, capsys):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><nav>Home | Book</nav><article><h1>PRP</h1><p>PRP may ease knee pain.</p>"
        "</article><footer>Leave a Reply</footer></body></html>"
    )
    assert main(["extract", str(page)]) == 0
    out = capsys.readouterr().out
    assert "PRP may ease knee pain." in out and "Leave a Reply" not in out and "Book" not in out
    assert main(["extract", str(tmp_path / "nope.html")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_evaluate_reports_scores_and_explains_errors(tmp_path, capsys):
    gold = tmp_path / "gold.jsonl"
    units = [
        {
            "doc": "a",
            "i": 0,
            "text": "TMS relieves depression.",
            "labels": ["EFFICACY"],
            "hedged": False,
            "cited": False,
            "vague_authority": False,
            "red_flags": [],
            "needs_citation": True,
        },
        {
            "doc": "a",
            "i": 1,
            "text": "Sessions take twenty minutes.",
            "labels": [],
            "hedged": False,
            "cited": False,
            "vague_authority": False,
            "red_flags": [],
            "needs_citation": False,
        },
        {
            "doc": "a",
            "i": 2,
            "text": "It blocks NMDA receptors.",
            "labels": ["MECHANISM"],
            "hedged": False,
            "cited": False,
            "vague_authority": False,
            "red_flags": [],
            "needs_citation": True,
        },
    ]
    gold.write_text("".join(json.dumps(u) + "\n" for u in units))
    pred = tmp_path / "pred.jsonl"
    rows = [
        {
            "source": "dir/a.txt",
            "sentence": "TMS relieves depression.",
            "claim_types": ["EFFICACY"],
            "needs_citation": True,
            "rule_ids": ["EFF-relieve-problem"],
            "triggers": ["relieves depression"],
        },
        {
            "source": "dir/a.txt",
            "sentence": "Sessions take twenty minutes.",
            "claim_types": ["SAFETY"],
            "needs_citation": True,
            "rule_ids": ["SAF-x"],
            "triggers": ["twenty"],
        },
    ]
    pd.DataFrame(rows).to_json(pred, orient="records", lines=True)
    assert main(["evaluate", str(gold), "--pred", str(pred), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["EFFICACY"]["f1"] == 1.0
    assert (report["SAFETY"]["fp"], report["MECHANISM"]["fn"]) == (1, 1)
    assert report["NEEDS_CITATION"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 1, "fp": 1, "fn": 1}
    fp = next(e for e in report["errors"] if e["false_positive"])
    assert fp["rule_ids"] == ["SAF-x"] and fp["text"] == "Sessions take twenty minutes."
    assert main(["evaluate", str(gold), "--pred", str(pred)]) == 0
    text = capsys.readouterr().out
    assert "false positives (1)" in text and "false negatives (1)" in text


def test_user_mistakes_get_a_message_and_status_2_not_a_traceback(tmp_path, capsys):
    bad_rules = tmp_path / "rules"
    bad_rules.mkdir()
    (bad_rules / "mine.jsonl").write_text('{"id": "X", "label": "SPARKLE", "pattern": "x"}\n')
    empty = tmp_path / "list.txt"
    empty.write_text("# nothing yet\n")
    assert main(["run", "--rules", str(bad_rules), "--out", str(tmp_path / "o")]) == 2
    assert "SPARKLE" in capsys.readouterr().err
    assert main(["run", f"@{empty}", "--out", str(tmp_path / "o")]) == 2
    assert "nothing to read" in capsys.readouterr().err
    assert main(["evaluate", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    assert main(["tag", "--rules", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_discover_and_run_refuse_unusable_sites_and_options_before_anything_runs(tmp_path, capsys):
    assert main(["discover", "not a site"]) == 2
    assert "'not a site' is not a site" in capsys.readouterr().err
    assert main(["run", "--site", "ftp://clinic.example/", "--out", str(tmp_path / "o")]) == 2
    assert "is not a site" in capsys.readouterr().err
    assert main(["discover", "clinic.example", "--include", "("]) == 2
    assert "is not a regular expression" in capsys.readouterr().err
    assert main(["discover", "clinic.example", "--max-pages", "-1"]) == 2
    assert "max_pages must be 0 or more" in capsys.readouterr().err
    assert main(["discover", f"@{tmp_path / 'missing.txt'}"]) == 2
    assert "missing.txt" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_missing_file_or_a_folder_is_one_line_and_status_2(tmp_path, capsys):
    for command in ("sentences", "tag"):
        assert main([command, str(tmp_path / "absent.txt")]) == 2
        err = capsys.readouterr().err
        assert err == f"claims {command}: {tmp_path / 'absent.txt'}: no such file\n"
        assert main([command, str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"claims {command}: {tmp_path}: is a folder") and err.count("\n") == 1


def test_utf16_input_is_read_as_utf16(tmp_path, capsys):
    text = "TMS relieves depression. It is completely safe \u2013 na\u00efve patients too.\n"
    for name, raw in {
        "bom-le.txt": text.encode("utf-16"),
        "bom-be.txt": b"\xfe\xff" + text.encode("utf-16-be"),
        "no-bom.txt": text.encode("utf-16-le"),
    }.items():
        path = tmp_path / name
        path.write_bytes(raw)
        assert main(["sentences", str(path)]) == 0
        rows = _json_lines(capsys.readouterr().out)
        assert [r["text"] for r in rows] == [
            "TMS relieves depression.",
            "It is completely safe \u2013 na\u00efve patients too.",
        ], name
        assert main(["tag", str(path)]) == 0
        tagged = _json_lines(capsys.readouterr().out)
        assert tagged[1]["red_flags"] == ["completely safe"], name


def test_utf16_on_standard_input(monkeypatch, capsys):
    raw = "TMS relieves depression.\n".encode("utf-16")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["sentences"]) == 0
    assert [r["text"] for r in _json_lines(capsys.readouterr().out)] == ["TMS relieves depression."]


def test_the_default_examples_ship_inside_the_package(tmp_path, monkeypatch):
    """`claims run` with no source reads examples the package carries, wherever it runs
    from: not a folder of the checkout (an installed claims has none)."""
    from pathlib import Path

    import claims
    from claims.cli import _examples_dir

    monkeypatch.chdir(tmp_path)
    folder = Path(_examples_dir()).resolve()
    assert folder.is_relative_to(Path(claims.__file__).resolve().parent)
    assert {p.suffix for p in folder.iterdir()} == {".html", ".txt"}


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`claims sentences BIG | head -1`: the closed pipe ends the command with 141 (as
    SIGPIPE ends GNU tools), not a BrokenPipeError traceback."""
    import subprocess
    import sys

    big = tmp_path / "big.txt"
    big.write_text("Ketamine eases pain. It is given slowly.\n" * 20_000, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "claims.cli", "sentences", str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141, stderr
    assert "Traceback" not in stderr
