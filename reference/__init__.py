"""Upstream data the checks validate against, vendored with its provenance and license.

- ``agentgateway/``: the config and CEL JSON Schemas of the pinned agentgateway release, copied
  unmodified from the upstream repository (Apache-2.0, ``agentgateway/LICENSE``).
- ``adot/``: the component type names the pinned ADOT collector image registers.

Each folder's ``provenance.json`` names the upstream repository, tag, commit and the git blob of
every copied file; ``python -m tools.refresh_reference`` rewrites them from a checkout of a new tag
(the image bump workflow runs it). This package only reads; it imports nothing but the standard
library, so the Lambda validator can carry it in its zip.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

AGENTGATEWAY = "agentgateway"
ADOT = "adot"


@lru_cache(maxsize=None)
def load(folder: str, file_name: str) -> Any:
    """A vendored JSON file (parsed once per process; treat the result as read-only)."""
    return json.loads(resources.files(__name__).joinpath(folder, file_name).read_text(encoding="utf-8"))


def provenance(folder: str) -> dict[str, Any]:
    """Where a folder's files come from: repository, version (tag), commit, files."""
    return load(folder, "provenance.json")


def agentgateway_config_schema() -> dict[str, Any]:
    """agentgateway's ``schema/config.json`` (draft 2020-12) for the pinned version."""
    return load(AGENTGATEWAY, "config-schema.json")


def agentgateway_cel_schema() -> dict[str, Any]:
    """agentgateway's ``schema/cel.json``: the variables CEL expressions can use."""
    return load(AGENTGATEWAY, "cel-schema.json")


def adot_components() -> dict[str, Any]:
    """Component type names by kind (receivers, processors, exporters, extensions) of the pinned ADOT image."""
    return load(ADOT, "components.json")
