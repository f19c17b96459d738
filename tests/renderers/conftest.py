"""Shared fixtures for the renderer tests: the vendored agentgateway schemas and the ADOT list.

The data lives in the steering repository's ``shared/`` directory: ``$AI_GATEWAY_SHARED_DIR``, or
``<repo>/../shared`` by default. A missing file fails the run (never skips): without the schema
these tests would prove nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The shared data directory (``AI_GATEWAY_SHARED_DIR`` or ``<repo>/../shared``)."""
    return Path(os.environ.get("AI_GATEWAY_SHARED_DIR") or REPO.parent / "shared")


def shared_json(relative: str) -> Any:
    """A JSON file under the shared directory; fails the test run when it is missing."""
    path = shared_dir() / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing; set AI_GATEWAY_SHARED_DIR to the shared data directory", pytrace=False)
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def agentgateway_validator() -> Draft202012Validator:
    """Validator for agentgateway v1.4.1 local configs (built once per session)."""
    schema = shared_json("agentgateway/local-schema-v1.4.1.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="session")
def cel_schema() -> dict[str, Any]:
    """The CEL variables agentgateway v1.4.1 exposes (``schema/cel.json``)."""
    return shared_json("agentgateway/cel-schema-v1.4.1.json")


@pytest.fixture(scope="session")
def adot_components() -> dict[str, Any]:
    """Component type names ADOT v0.47.0 registers."""
    return shared_json("adot/aws-otel-collector-v0.47.0-components.json")
