"""What ``bin/mirror-images`` copies into a stack's ECR repository, and what a first deploy must
create before it can: the ``mirror`` entry of ``build/<stack>/synth.json``.

Pure functions of the stack's settings and its offline inventory::

    {"repository": "ai-gateway-dev-images", "region": "us-east-1",
     "targets": ["urn:pulumi:dev::ai-gateway::ai-gateway:index:AiGateway::ai-gateway", ...],
     "images": [{"source": "public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147",
                 "tag": "aws-appconfig-agent-2.0.13147"},
                {"source": "docker.io/envoyproxy/ratelimit:3e085e5b", "tag": "ratelimit-3e085e5b"}]}

- ``repository``: the physical name of the stack's image repository; ``region``: the stack's
  ``aws:region``, where that repository is (not necessarily the CI's default region).
- ``targets``: the URNs a targeted ``pulumi up`` names to create that repository in a stack that
  has nothing yet: the repository, everything it depends on, and the components they are children
  of. The engine refuses to create a targeted resource whose dependency or parent would be left
  out, and it adds the stack and the providers by itself. These are the engine's URNs, which are
  not the inventory's (see :func:`engine_urns`).
- ``images``: what to copy, ``source`` (upstream reference) to ``tag`` (in the repository): the
  AppConfig Agent and, in ``rateLimit.mode`` global, envoyproxy/ratelimit. An image pinned by
  digest is not mirrored. A tag whose upstream the
  program does not know (``liveConfig.agentImage: ecr:<some-tag>``) has ``source: null``: it must
  already be in the repository, put there by whoever chose it.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional, Sequence

from components.settings.live_config import APPCONFIG_AGENT_SOURCE, LiveConfigSettings
from components.settings.llm import RATELIMIT_SOURCE, RateLimitSettings

REPOSITORY_TYPE = "aws:ecr/repository:Repository"
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
AGENT_TAG = re.compile(r"^aws-appconfig-agent-(?P<version>[0-9][A-Za-z0-9._-]*)$")
"""Tags the program names after an AppConfig Agent release: the upstream is that release."""
RATELIMIT_TAG = re.compile(r"^ratelimit-(?P<commit>[0-9a-f]{7,40})$")
"""Tags the program names after an envoyproxy/ratelimit build (its images are tagged by short commit)."""

Row = Mapping[str, Any]


def engine_urns(inventory: Mapping[str, Any]) -> dict[str, str]:
    """Inventory URN -> the URN the Pulumi engine gives the same registration.

    The engine qualifies a child's type with its parent's whole type chain and leaves out the root
    stack's type (``AiGateway$GatewayService$aws:ecr/repository:Repository``); the Python SDK's
    mocks, which the inventory records, keep only the parent's last type and do include the stack
    (``GatewayService$aws:ecr/repository:Repository``). Both use the same names.
    """
    rows = {row["urn"]: row for row in inventory["resources"]}
    qualified: dict[str, str] = {}

    def qualify(urn: str) -> str:
        if urn not in qualified:
            row = rows[urn]
            parent = row.get("parent")
            if parent is None or rows[parent]["type"] == ROOT_STACK_TYPE:
                qualified[urn] = row["type"]
            else:
                qualified[urn] = f"{qualify(parent)}${row['type']}"
        return qualified[urn]

    prefix = f"urn:pulumi:{inventory['stack']}::{inventory['project']}::"
    return {urn: f"{prefix}{qualify(urn)}::{row['name']}" for urn, row in rows.items()}


def _implicit(row: Row) -> bool:
    """Registrations every targeted update includes without being named."""
    return row["type"] == ROOT_STACK_TYPE or row["type"].startswith(PROVIDER_TYPE_PREFIX)


def create_targets(inventory: Mapping[str, Any], urn: str) -> list[str]:
    """Engine URNs a targeted ``pulumi up`` must name to create the registration ``urn`` (an
    inventory URN) in an empty stack: it and, transitively, its dependencies, property
    dependencies and parents, without the root stack and the providers. Sorted."""
    rows = {row["urn"]: row for row in inventory["resources"]}
    seen: set[str] = set()
    pending = [urn]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        row = rows[current]
        if _implicit(row):
            continue
        seen.add(current)
        pending += row.get("dependencies") or []
        for urns in (row.get("propertyDependencies") or {}).values():
            pending += urns
        if row.get("parent"):
            pending.append(row["parent"])
    names = engine_urns(inventory)
    return sorted(names[u] for u in seen)


def images_to_mirror(live_config: LiveConfigSettings,
                     rate_limit: Optional[RateLimitSettings] = None) -> list[dict[str, Optional[str]]]:
    """The images the stack expects in its repository, each with its upstream (None if unknown):
    the AppConfig Agent, and, when ``rate_limit`` is given (global mode), envoyproxy/ratelimit."""
    images: list[dict[str, Optional[str]]] = []
    tag = live_config.mirrored_tag
    if tag is not None:
        release = AGENT_TAG.match(tag)
        source = f"{APPCONFIG_AGENT_SOURCE}:{release.group('version')}" if release else None
        images.append({"source": source, "tag": tag})
    tag = rate_limit.mirrored_tag if rate_limit is not None else None
    if tag is not None:
        build = RATELIMIT_TAG.match(tag)
        images.append({"source": f"{RATELIMIT_SOURCE}:{build.group('commit')}" if build else None, "tag": tag})
    return images


def repository_row(inventory: Mapping[str, Any]) -> Row:
    """The stack's one image repository."""
    found = [row for row in inventory["resources"] if row["type"] == REPOSITORY_TYPE]
    if len(found) != 1:
        raise ValueError(f"expected one {REPOSITORY_TYPE} in the inventory, found {len(found)}")
    return found[0]


def mirror_plan(inventory: Mapping[str, Any], live_config: LiveConfigSettings, region: str,
                rate_limit: Optional[RateLimitSettings] = None) -> dict[str, Any]:
    """The ``mirror`` entry of ``synth.json`` (see the module docstring)."""
    repository = repository_row(inventory)
    return {
        "repository": repository["inputs"]["name"],
        "region": region,
        "targets": create_targets(inventory, repository["urn"]),
        "images": images_to_mirror(live_config, rate_limit),
    }


def target_names(targets: Sequence[str]) -> set[tuple[str, str]]:
    """(type, name) of each engine URN: how a registration is recognized whatever its URN form."""
    found = set()
    for urn in targets:
        qualified, name = urn.split("::")[2:4]
        found.add((qualified.rsplit("$", 1)[-1], name))
    return found
