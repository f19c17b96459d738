"""Two builds from scratch (separate empty dependency caches, fresh pip installs) give the same bytes."""

from __future__ import annotations

from tools.package import build_function_zip

from .conftest import FIXTURE


def test_two_builds_from_empty_caches_hash_the_same(tmp_path, fixture_zip):
    first = build_function_zip(FIXTURE, tmp_path / "out-a", cache_dir=tmp_path / "cache-a")
    second = build_function_zip(FIXTURE, tmp_path / "out-b", cache_dir=tmp_path / "cache-b")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == fixture_zip.sha256
    assert first.sha256_base64 == second.sha256_base64
    again = build_function_zip(FIXTURE, tmp_path / "out-c", cache_dir=tmp_path / "cache-a")
    assert again.sha256 == first.sha256
