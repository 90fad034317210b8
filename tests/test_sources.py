from claims.sources import resolve_sources


def test_urls_files_folders_and_lists_expand_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z")
    (tmp_path / "b" / "a.html").write_text("<p>a</p>")
    (tmp_path / "b" / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "b" / "deep" / "c.htm").write_text("<p>c</p>")
    single = tmp_path / "one.txt"
    single.write_text("one")
    listing = tmp_path / "list.txt"
    listing.write_text(
        "# sources for the pilot\n"
        "https://clinic.example/a#section-2   # fragment survives, comment does not\n"
        "\n"
        f"{single}\n"
    )
    sources = resolve_sources(["https://clinic.example/x", str(tmp_path / "b"), f"@{listing}"])
    assert [(s.given, s.kind) for s in sources] == [
        ("https://clinic.example/x", "url"),
        (str(tmp_path / "b" / "a.html"), "file"),
        (str(tmp_path / "b" / "deep" / "c.htm"), "file"),
        (str(tmp_path / "b" / "z.txt"), "file"),
        ("https://clinic.example/a#section-2", "url"),
        (str(single), "file"),
    ]


def test_bad_sources_become_errors_not_exceptions(tmp_path):
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    empty = tmp_path / "empty"
    empty.mkdir()
    sources = resolve_sources(
        [
            "ftp://files.example/a.html",
            str(tmp_path / "missing.html"),
            str(pdf),
            str(empty),
            "@/no/such/list",
            "https://",
        ]
    )
    assert [s.kind for s in sources] == ["invalid"] * 6
    errors = [s.error for s in sources]
    assert "unsupported URL scheme" in errors[0]
    assert errors[1] == "no such file or folder"
    assert "unsupported file type" in errors[2]
    assert "no .html" in errors[3]
    assert "cannot read source list" in errors[4]
    assert "no host" in errors[5]


def test_repeated_sources_are_read_once():
    sources = resolve_sources(["https://a.example/p", "https://a.example/p", "https://b.example/p"])
    assert [s.given for s in sources] == ["https://a.example/p", "https://b.example/p"]
