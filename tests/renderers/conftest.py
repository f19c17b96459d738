"""Shared fixtures for the renderer tests: the vendored agentgateway schemas and the ADOT list.

The data is vendored in ``reference/`` (with its provenance and license), so a fresh clone has
everything these tests need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import reference

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def agentgateway_validator() -> Draft202012Validator:
    """Validator for agentgateway local configs of the pinned version (built once per session)."""
    schema = reference.agentgateway_config_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="session")
def cel_schema() -> dict[str, Any]:
    """The CEL variables the pinned agentgateway exposes (``schema/cel.json``)."""
    return reference.agentgateway_cel_schema()


@pytest.fixture(scope="session")
def adot_components() -> dict[str, Any]:
    """Component type names the pinned ADOT image registers."""
    return reference.adot_components()
