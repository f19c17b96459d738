"""Test helpers: run the real program for a stack file, with overrides, under the harness.

A program run costs about half a second, so every run is shared: within a process, and between
the session's xdist workers through a directory the session creates (``tests/conftest.py``), where
the first worker to need a run computes it under a file lock and the others load its result.
Inventories are therefore shared objects: treat them as read-only. ``fresh=True`` runs anew.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import runpy
import time
from pathlib import Path
from typing import AbstractSet, Any, Callable, Iterable, Mapping, Optional

from tools.bench import RUN_LOG_ENV
from tools.harness import Inventory, run_program
from tools.stack_config import load_stack_config

ROOT = Path(__file__).resolve().parent.parent
ENTRY = str(ROOT / "__main__.py")
SHARED_RUNS_ENV = "AI_GATEWAY_TEST_RUNS"
"""Directory of this session's shared program runs (set by ``tests/conftest.py``)."""
_runs: dict[str, Inventory] = {}


def shared_run(key: Any, compute: Callable[[], Inventory]) -> Inventory:
    """``compute()`` once per session for ``key`` (JSON-able), whichever worker asks first."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    if digest in _runs:
        return _runs[digest]
    compute = _logged(compute, digest)
    directory = os.environ.get(SHARED_RUNS_ENV)
    if not directory or not Path(directory).is_dir():
        _runs[digest] = compute()
        return _runs[digest]
    path = Path(directory) / f"{digest}.pickle"
    with open(Path(directory) / f"{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one worker computes, the others wait and load
        if path.exists():
            inventory = pickle.loads(path.read_bytes())
        else:
            inventory = compute()
            partial = path.with_suffix(f".{os.getpid()}.partial")
            partial.write_bytes(pickle.dumps(inventory))
            partial.replace(path)
    _runs[digest] = inventory
    return inventory


def _logged(compute: Callable[[], Inventory], digest: str) -> Callable[[], Inventory]:
    log = os.environ.get(RUN_LOG_ENV)
    if not log:
        return compute

    def timed() -> Inventory:
        start = time.perf_counter()
        inventory = compute()
        with open(log, "a") as out:
            out.write(f"{time.perf_counter() - start:.3f} {digest}\n")
        return inventory

    return timed


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
    fresh: bool = False,
    targets: Optional[AbstractSet[tuple[str, str]]] = None,
) -> Inventory:
    """Run ``__main__.py`` under mocks with the stack file's config (plus overrides); shared (read-only)
    unless ``fresh``; ``targets`` as in :func:`tools.harness.run_program`."""
    values, secret_keys = stack_values(stack, overrides)
    secret_keys = set(secret_keys) | set(extra_secret_keys)

    def compute() -> Inventory:
        return run_program(
            lambda: runpy.run_path(ENTRY, run_name="__main__"),
            project="ai-gateway",
            stack=stack,
            config=values,
            secret_keys=secret_keys,
            preview=preview,
            targets=targets,
        )

    if fresh:
        return _logged(compute, "fresh")()
    return shared_run(["stack", stack, _normalized(values), sorted(secret_keys), preview, sorted(targets or ())],
                      compute)


def _normalized(values: Mapping[str, str]) -> dict[str, Any]:
    """Config values as data, so an override equal to the stack file's value shares its run."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


PLAIN_HTTP_BEDROCK_ONLY = {
    "edge": {"allowPlainHttp": True}, "auth": {"jwtValidation": False}, "sso": None,
    "providers": {"bedrock": {"enabled": True}, "anthropic": {"enabled": False}},
    "routing": {"fallbackGroups": [["bedrock"]], "providerRoutes": False},
}
"""The smallest dev stack: plain HTTP, no JWT, Bedrock only (no secrets). Shared by the tests of each
of those (one run)."""


def baseline(stack: str, preview: bool = False) -> Inventory:
    """The unmodified stack file's inventory (shared: treat it as read-only)."""
    return run_stack(stack, preview=preview)


def attribute(row: Any, key: str, region: str = "us-east-1") -> Any:
    """An attribute the mocks computed for a registration (its id, ARN, ...), as the program saw it."""
    from tools.fakes import computed_attributes

    return computed_attributes(row.type, row.name, row.inputs, region, "id")[key]


def container_definitions(inv: Inventory) -> list[dict[str, Any]]:
    """The gateway task definition's containers, parsed."""
    task = inv.one("aws:ecs/taskDefinition:TaskDefinition")
    return json.loads(task.inputs["containerDefinitions"])


def everything_on(stack: str) -> Inventory:
    """The stack file's inventory with every toggle that adds resources on (shared; read-only).

    One definition of "every toggle" (``tools.stack_types.EVERYTHING_ON``) for every test that needs
    the widest inventory: the deploy-permission table, the price table.
    """
    from tools.stack_types import everything_on as build, everything_on_config

    values, secret_keys = everything_on_config(stack)
    return shared_run(["everything-on", stack, values, sorted(secret_keys)], lambda: build(stack))


def gateway_config(inv: Inventory) -> dict[str, Any]:
    """The agentgateway config the deploy publishes, rendered from the publisher's input exactly as
    the publisher renders it."""
    from tools.synth import rendered_configs

    return json.loads(rendered_configs(inv)["agentgateway.json"])


def model_catalog(inv: Inventory) -> dict[str, Any]:
    """The model catalog the deploy publishes (same path as :func:`gateway_config`)."""
    from tools.synth import rendered_configs

    return json.loads(rendered_configs(inv)["catalog.json"])
