import pytest

from claims.clusters.sites import site_of


def test_host_without_www_and_port():
    assert site_of("https://WWW.Clinic.example:8443/page", None) == "clinic.example"


def test_source_url_used_when_url_missing():
    assert site_of(None, "http://clinic.example/x") == "clinic.example"


def test_files_count_per_file_or_per_folder():
    assert site_of(None, "seeds/a.txt") != site_of(None, "seeds/b.txt")
    assert site_of(None, "seeds/a.txt", "folder") == site_of(None, "seeds/b.txt", "folder")


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        site_of(None, "a.txt", "host")
