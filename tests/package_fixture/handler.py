"""Fixture handler: uses a pure-python dependency, a compiled one and a vendored first-party package."""

from __future__ import annotations

import jmespath
import pydantic
import pydantic_core

from gateway_config import prices


class Event(pydantic.BaseModel):
    query: str
    data: dict


def handler(event, context):
    """Validate the event with pydantic, run its JMESPath query, and report where things came from."""
    parsed = Event.model_validate(event)
    catalog = prices.model_catalog()
    return {
        "result": jmespath.search(parsed.query, parsed.data),
        "pydantic": pydantic.VERSION,
        "coreExtension": pydantic_core._pydantic_core.__file__,
        "catalogProviders": sorted(catalog["providers"]),
    }
