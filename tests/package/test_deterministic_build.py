"""Two builds give the same bytes: one from scratch (an empty dependency cache, a fresh pip install)
and the session's build of the same function (the repository's cache), then a rebuild from the warm
cache."""

from __future__ import annotations

from tools.package import build_function_zip

from .conftest import FIXTURE


def test_a_build_from_an_empty_cache_hashes_like_every_other(tmp_path, fixture_zip):
    first = build_function_zip(FIXTURE, tmp_path / "out-a", cache_dir=tmp_path / "cache-a")
    assert first.path.read_bytes() == fixture_zip.path.read_bytes()
    assert first.sha256 == fixture_zip.sha256 and first.sha256_base64 == fixture_zip.sha256_base64
    again = build_function_zip(FIXTURE, tmp_path / "out-c", cache_dir=tmp_path / "cache-a")
    assert again.path.read_bytes() == first.path.read_bytes()
