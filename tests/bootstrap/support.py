"""Run the bootstrap program under the harness, like `make bootstrap-synth` does."""

from __future__ import annotations

import json
import runpy
from functools import lru_cache
from typing import Any, Mapping, Optional

from tests.support import ROOT
from tools.harness import Inventory, run_program
from tools.stack_config import load_stack_config
from tools.stacks import by_environment

PROJECT_DIR = ROOT / "bootstrap"
PROJECT = "ai-gateway-bootstrap"
STACK = "example"


def run_bootstrap(overrides: Optional[Mapping[str, Any]] = None, *, stack: str = STACK,
                  preview: bool = False) -> Inventory:
    """The example stack file (bare keys override ``ai-gateway-bootstrap:`` settings; None removes)."""
    values = dict(load_stack_config(PROJECT_DIR, STACK).values)
    for key, value in (overrides or {}).items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        if value is None:
            values.pop(full, None)
        else:
            values[full] = value if isinstance(value, str) else json.dumps(value)
    return run_program(lambda: runpy.run_path(str(PROJECT_DIR), run_name="__main__"), project=PROJECT,
                       stack=stack, config=values, preview=preview)


@lru_cache(maxsize=None)
def bootstrap_baseline(preview: bool = False) -> Inventory:
    """The example stack's inventory (cached: read-only)."""
    return run_bootstrap(preview=preview)


REPOSITORY_ROLES = {env: stacks for env, stacks in by_environment().items() if env != "all" and stacks}
"""The default deploy roles: the repository's stack files by class (dev: [dev], prod: [prod] today)."""

THREE_CLASSES = {"dev": ["dev", "sandbox-alice"], "staging": ["eu-staging"], "prod": ["prod"]}
"""Deploy roles of every class, one with two stacks (sandbox-alice and eu-staging have no stack file)."""


@lru_cache(maxsize=None)
def three_classes() -> Inventory:
    """The example stack with :data:`THREE_CLASSES` as its deploy roles (cached: read-only)."""
    return run_bootstrap({"deployRoles": THREE_CLASSES})


def documents(inv: Inventory, role_prefix: str) -> list[dict[str, Any]]:
    """The managed-policy documents of one role (``preview``, ``deploy-dev``, ...), in order."""
    rows = [r for r in inv.of_type("aws:iam/policy:Policy") if r.name.rsplit("-", 1)[0] == f"ci-{role_prefix}"]
    return [json.loads(r.inputs["policy"]) for r in sorted(rows, key=lambda r: int(r.name.rsplit("-", 1)[1]))]


def trust(inv: Inventory, role: str) -> dict[str, Any]:
    """The trust policy of ``ci-<role>``."""
    return json.loads(inv.one("aws:iam/role:Role", f"ci-{role}").inputs["assumeRolePolicy"])
