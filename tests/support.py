"""Test helpers: run the real program for a stack file, with overrides, under the harness."""

from __future__ import annotations

import json
import runpy
from functools import lru_cache
from pathlib import Path
from typing import AbstractSet, Any, Iterable, Mapping, Optional

from tools.harness import Inventory, run_program
from tools.stack_config import load_stack_config

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "__main__.py")


def stack_values(stack: str = "dev", overrides: Optional[Mapping[str, Any]] = None) -> tuple[dict[str, str], frozenset[str]]:
    """A stack file's config with top-level ``ai-gateway:`` keys replaced by ``overrides``.

    Override keys are bare (``"edge"``) or full (``"aws:region"``); values are Python data.
    An override value of ``None`` removes the key.
    """
    cfg = load_stack_config(ROOT, stack)
    values = dict(cfg.values)
    for key, value in (overrides or {}).items():
        full = key if ":" in key else f"ai-gateway:{key}"
        if value is None:
            values.pop(full, None)
        else:
            values[full] = value if isinstance(value, str) else json.dumps(value)
    return values, cfg.secret_keys


def run_stack(
    stack: str = "dev",
    overrides: Optional[Mapping[str, Any]] = None,
    *,
    preview: bool = False,
    extra_secret_keys: Iterable[str] = (),
    targets: Optional[AbstractSet[tuple[str, str]]] = None,
) -> Inventory:
    """Run ``__main__.py`` under mocks with the stack file's config (plus overrides); ``targets``
    as in :func:`tools.harness.run_program`."""
    values, secret_keys = stack_values(stack, overrides)
    return run_program(
        lambda: runpy.run_path(ENTRY, run_name="__main__"),
        project="ai-gateway",
        stack=stack,
        config=values,
        secret_keys=set(secret_keys) | set(extra_secret_keys),
        preview=preview,
        targets=targets,
    )


@lru_cache(maxsize=None)
def baseline(stack: str, preview: bool = False) -> Inventory:
    """The unmodified stack file's inventory (cached: treat it as read-only)."""
    return run_stack(stack, preview=preview)


def container_definitions(inv: Inventory) -> list[dict[str, Any]]:
    """The gateway task definition's containers, parsed."""
    task = inv.one("aws:ecs/taskDefinition:TaskDefinition")
    return json.loads(task.inputs["containerDefinitions"])


@lru_cache(maxsize=None)
def everything_on(stack: str) -> Inventory:
    """The stack file's inventory with every toggle that adds resources on (cached; read-only).

    One definition of "every toggle" (``tools.stack_types.EVERYTHING_ON``) for every test that needs
    the widest inventory: the deploy-permission table, the price table.
    """
    from tools.stack_types import everything_on as build

    return build(stack)


def gateway_config(inv: Inventory) -> dict[str, Any]:
    """The agentgateway config the deploy publishes, rendered from the publisher's input exactly as
    the publisher renders it."""
    from tools.synth import rendered_configs

    return json.loads(rendered_configs(inv)["agentgateway.json"])


def model_catalog(inv: Inventory) -> dict[str, Any]:
    """The model catalog the deploy publishes (same path as :func:`gateway_config`)."""
    from tools.synth import rendered_configs

    return json.loads(rendered_configs(inv)["catalog.json"])
