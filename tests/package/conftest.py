"""Shared fixtures for the packaging tests: the fixture function, built once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.package import LambdaZip, build_function_zip

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "package_fixture"


@pytest.fixture(scope="session")
def fixture_zip(tmp_path_factory) -> LambdaZip:
    """``tests/package_fixture`` built with the repository's dependency cache (warm after the first run)."""
    return build_function_zip(FIXTURE, tmp_path_factory.mktemp("lambda"))
