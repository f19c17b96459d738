"""Fixtures for the pure ``gateway_config`` tests: agentgateway's own model catalog schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

import reference


@pytest.fixture(scope="session")
def catalog_validator() -> Draft202012Validator:
    """Validator for a model catalog file: ``$defs/Catalog`` of the pinned agentgateway's schema."""
    schema = reference.agentgateway_config_schema()
    return Draft202012Validator({"$ref": "#/$defs/Catalog", "$defs": schema["$defs"]})
