"""Fixtures for the pure ``gateway_config`` tests: agentgateway's own model catalog schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from tests.renderers.conftest import shared_json


@pytest.fixture(scope="session")
def catalog_validator() -> Draft202012Validator:
    """Validator for a model catalog file: ``$defs/Catalog`` of agentgateway v1.4.1's schema."""
    schema = shared_json("agentgateway/local-schema-v1.4.1.json")
    return Draft202012Validator({"$ref": "#/$defs/Catalog", "$defs": schema["$defs"]})
