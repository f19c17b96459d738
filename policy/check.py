"""Offline policy check: run the pack's own Policy objects on an offline inventory.

    python -m policy.check build/prod/inventory.json [--config policy/config/prod.json]

The default config is the one of the stack's environment class (``policy/config/<environment>.json``,
the environment read from the inventory's ``environment`` output), so a stack of any name is
checked at its environment's levels.

prints ``{"violations": [{"policy", "enforcement", "urn", "message"}, ...]}`` and exits 1 when a
mandatory violation is reported, 0 otherwise, 2 when the inventory or the config cannot be read.

It mirrors what ``pulumi preview --policy-pack policy --policy-pack-config <file>`` does:

- the policy config is reconciled like the CLI does it: schema defaults, then ``all``, then
  per-policy levels and properties, validated against each policy's ``config_schema``;
- resource policies get a ``ResourceValidationArgs`` per resource with its *inputs*; stack
  policies get every resource as a ``PolicyResource`` with parent, dependencies and property
  dependencies linked to the other ``PolicyResource`` objects;
- props go through the same protobuf ``Struct`` round trip (numbers become floats) and are
  wrapped in pulumi_policy's unknown-checking proxies, so reading an unknown preview value
  raises ``UnknownValueError``; the CLI reports that as an advisory "can't run policy during
  preview", here it is an advisory "cannot decide during preview: <prop> is unknown";
- disabled policies are skipped; remediate counts as mandatory, as the CLI does.

Differences, by necessity: the CLI hands stack policies resource *outputs* (in a preview, the
inputs plus unknown computed values) and resource policies the inputs after the provider's
Check (with defaults filled in); the inventory only has the program's inputs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from inspect import isawaitable
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError  # pinned pulumi-policy; the servicer uses it too
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from .rules import ALL_POLICIES, PACK_ENFORCEMENT
from .rules.values import SecretValueError

CONFIG_DIR = Path(__file__).resolve().parent / "config"

__all__ = [
    "CONFIG_DIR",
    "InventoryError",
    "PolicyConfigError",
    "ResolvedConfig",
    "evaluate",
    "has_mandatory",
    "config_path_for",
    "environment_of",
    "load_config",
    "load_config_file",
    "load_inventory",
    "main",
    "resolve_config",
]


class InventoryError(ValueError):
    """The inventory file is missing, not JSON, or not shaped like an inventory."""


class PolicyConfigError(ValueError):
    """The policy config names an unknown policy or does not match a policy's schema."""


@dataclass(frozen=True)
class ResolvedConfig:
    """What the engine would send a policy after reconciling the config: level and properties."""

    level: EnforcementLevel
    properties: Mapping[str, Any]


# --- configuration ----------------------------------------------------------------------------

def load_config_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--policy-pack-config`` JSON file. Raises ``PolicyConfigError``."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise PolicyConfigError(f"cannot read policy config {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyConfigError(f"policy config {path} must be a JSON object")
    return data


def load_config(environment: str) -> dict[str, Any]:
    """The policy config of an environment class (``policy/config/<environment>.json``), or ``{}``
    when there is none (then every policy runs at its default level with default properties)."""
    path = config_path_for(environment)
    return load_config_file(path) if path is not None else {}


def config_path_for(environment: str) -> Optional[Path]:
    """``policy/config/<environment>.json`` when that file exists."""
    path = CONFIG_DIR / f"{environment}.json"
    return path if environment and "/" not in environment and path.is_file() else None


def environment_of(inventory: Mapping[str, Any]) -> str:
    """The environment class of a synthesized stack (its ``environment`` output; ``""`` when absent)."""
    value = (inventory.get("outputs") or {}).get("environment")
    return value if isinstance(value, str) else ""


def _level(value: Any, where: str) -> EnforcementLevel:
    try:
        return EnforcementLevel(value)
    except ValueError:
        choices = ", ".join(level.value for level in EnforcementLevel)
        raise PolicyConfigError(f"{where}: {value!r} is not an enforcement level ({choices})") from None


def _floats(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as the policy receives them: through a protobuf Struct (numbers as floats)."""
    struct = struct_pb2.Struct()
    struct.update(dict(properties))
    return json_format.MessageToDict(struct)


def _validate_properties(policy: Policy, properties: Mapping[str, Any]) -> None:
    schema = policy.config_schema
    if schema is None:
        if properties:
            raise PolicyConfigError(f"{policy.name}: the policy takes no configuration properties "
                                    f"(got {', '.join(sorted(properties))})")
        return
    import jsonschema  # only needed when evaluating; part of requirements-dev.txt

    document: dict[str, Any] = {"type": "object", "properties": schema.properties}
    if schema.required:
        document["required"] = schema.required
    error = jsonschema.validators.validator_for(document)(document).iter_errors(dict(properties))
    first = next(iter(sorted(error, key=lambda e: list(e.absolute_path))), None)
    if first is not None:
        where = ".".join(str(p) for p in first.absolute_path) or "(root)"
        raise PolicyConfigError(f"{policy.name}: {where}: {first.message}")


def resolve_config(config: Optional[Mapping[str, Any]],
                   policies: Sequence[Policy] = ALL_POLICIES) -> dict[str, ResolvedConfig]:
    """Each policy's enforcement level and properties, reconciled like the Pulumi engine does:
    schema defaults and the policy's own level (else the pack default), then the config's
    ``all`` level, then per-policy entries (a level string, or an object with an optional
    ``enforcementLevel`` and properties). Unknown policy names are an error here (the CLI
    silently ignores them, which hides typos)."""
    by_name = {p.name: p for p in policies}
    config = dict(config or {})
    for key in config:
        if key != "all" and key not in by_name:
            raise PolicyConfigError(f"unknown policy {key!r} in policy config")

    entries: dict[str, tuple[Optional[EnforcementLevel], dict[str, Any]]] = {}
    for key, value in config.items():
        if isinstance(value, str):
            entries[key] = (_level(value, key), {})
        elif isinstance(value, dict):
            props = {k: v for k, v in value.items() if k != "enforcementLevel"}
            level = _level(value["enforcementLevel"], key) if "enforcementLevel" in value else None
            entries[key] = (level, props)
        else:
            raise PolicyConfigError(f"{key}: must be an enforcement level or an object")
    all_level = entries.get("all", (None, {}))[0]

    resolved: dict[str, ResolvedConfig] = {}
    for policy in policies:
        level = policy.enforcement_level or PACK_ENFORCEMENT
        properties: dict[str, Any] = {}
        if policy.config_schema is not None:
            properties = {k: v["default"] for k, v in policy.config_schema.properties.items() if "default" in v}
        if all_level is not None:
            level = all_level
        own_level, own_props = entries.get(policy.name, (None, {}))
        level = own_level or level
        properties.update(own_props)
        _validate_properties(policy, properties)
        resolved[policy.name] = ResolvedConfig(level, _floats(properties))
    return resolved


# --- inventory ----------------------------------------------------------------------------------

def load_inventory(path: str | Path) -> dict[str, Any]:
    """Read and shape-check an ``inventory.json``. Raises ``InventoryError``."""
    try:
        inventory = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise InventoryError(f"cannot read inventory {path}: {exc}") from exc
    _check_inventory(inventory, str(path))
    return inventory


def _check_inventory(inventory: Any, where: str) -> None:
    if not isinstance(inventory, dict) or not isinstance(inventory.get("resources"), list):
        raise InventoryError(f"{where}: not an inventory (expected an object with a 'resources' list)")
    for index, row in enumerate(inventory["resources"]):
        if not isinstance(row, dict) or not isinstance(row.get("urn"), str) or not isinstance(row.get("type"), str):
            raise InventoryError(f"{where}: resources[{index}] needs string 'urn' and 'type'")
        if not isinstance(row.get("inputs") or {}, dict):
            raise InventoryError(f"{where}: resources[{index}].inputs must be an object")
        if not isinstance(row.get("dependencies") or [], list):
            raise InventoryError(f"{where}: resources[{index}].dependencies must be a list")
        prop_deps = row.get("propertyDependencies") or {}
        if not isinstance(prop_deps, dict) or not all(isinstance(v, list) for v in prop_deps.values()):
            raise InventoryError(f"{where}: resources[{index}].propertyDependencies must map names to lists")


def _props(row: Mapping[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(row.get("inputs") or {})
    return unknown_checking_proxy(json_format.MessageToDict(struct))


def _options(row: Mapping[str, Any]) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=bool(row.get("protect", False)), ignore_changes=[], delete_before_replace=None,
        aliases=[], custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[],
        parent=row.get("parent") or None,
    )


def _name(row: Mapping[str, Any]) -> str:
    return str(row.get("name") or row["urn"].rsplit("::", 1)[-1])


def _stack_resources(rows: Sequence[Mapping[str, Any]], props: Sequence[Any]) -> list[PolicyResource]:
    """PolicyResources linked to each other like the CLI's AnalyzeStack does (by URN)."""
    resources = [PolicyResource(row["type"], p, row["urn"], _name(row), _options(row), None, None, [], {})
                 for row, p in zip(rows, props)]
    by_urn = {r.urn: r for r in resources}
    for row, resource in zip(rows, resources):
        resource.parent = by_urn.get(row.get("parent") or "")
        resource.dependencies = [by_urn[u] for u in row.get("dependencies") or [] if u in by_urn]
        resource.property_dependencies = {
            prop: [by_urn[u] for u in urns if u in by_urn]
            for prop, urns in (row.get("propertyDependencies") or {}).items()
        }
    return resources


# --- evaluation -----------------------------------------------------------------------------------

def _run(validate: Callable[[], Any]) -> None:
    result = validate()
    if isawaitable(result):
        asyncio.run(_await(result))


async def _await(awaitable: Any) -> None:
    await awaitable


def _undecided_message(error: UnknownValueError) -> str:
    prop = ".".join(str(p) for p in error.props)
    if isinstance(error, SecretValueError):
        return f"cannot decide offline: {prop} is a secret"
    return f"cannot decide during preview: {prop} is unknown"


class _Collector:
    """Gathers violations the way the CLI prints them: level from the config, REMEDIATE as
    mandatory, unknowns as advisory, exceptions as mandatory (the CLI would fail the preview)."""

    def __init__(self) -> None:
        self.violations: list[dict[str, str]] = []

    def add(self, policy: str, level: EnforcementLevel, urn: Optional[str], message: str) -> None:
        enforcement = "advisory" if level == EnforcementLevel.ADVISORY else "mandatory"
        self.violations.append({"policy": policy, "enforcement": enforcement,
                                "urn": urn or "", "message": message})

    def run(self, policy: Policy, level: EnforcementLevel, default_urn: Optional[str],
            validate: Callable[[Callable[..., None]], Any]) -> None:
        def report(message: str, urn: Optional[str] = None) -> None:
            # Resource diagnostics always belong to the resource under validation.
            self.add(policy.name, level, default_urn or urn, message or policy.description)

        try:
            _run(lambda: validate(report))
        except UnknownValueError as exc:
            self.add(policy.name, EnforcementLevel.ADVISORY, default_urn, _undecided_message(exc))
        except _NotApplicableError:
            pass
        except Exception as exc:  # noqa: BLE001 - a crashing policy must fail the check, visibly
            self.add(policy.name, EnforcementLevel.MANDATORY, default_urn,
                     f"policy raised {type(exc).__name__}: {exc}")


def evaluate(inventory: Mapping[str, Any], config: Optional[Mapping[str, Any]] = None) -> list[dict[str, str]]:
    """Run every enabled policy of the pack on an inventory; return the sorted violations.

    ``config`` is a ``--policy-pack-config`` document; ``None`` means the file of the stack's
    environment (``load_config(environment_of(inventory))``), ``{}`` means pack defaults. Raises
    ``InventoryError`` for a malformed inventory and ``PolicyConfigError`` for a bad config.
    """
    _check_inventory(inventory, "inventory")
    if config is None:
        config = load_config(environment_of(inventory))
    resolved = resolve_config(config)
    rows = inventory["resources"]
    props = [_props(row) for row in rows]
    collector = _Collector()
    enabled = [(p, resolved[p.name]) for p in ALL_POLICIES
               if resolved[p.name].level != EnforcementLevel.DISABLED]

    for row, row_props in zip(rows, props):
        for policy, conf in enabled:
            if not isinstance(policy, ResourceValidationPolicy) or not policy.has_validation():
                continue
            args = ResourceValidationArgs(row["type"], row_props, row["urn"], _name(row), _options(row),
                                          None, dict(conf.properties) or None)
            collector.run(policy, conf.level, row["urn"], lambda report, a=args, p=policy: p.validate(a, report))

    stack = _stack_resources(rows, props)
    for policy, conf in enabled:
        if isinstance(policy, StackValidationPolicy):
            args = StackValidationArgs(stack, dict(conf.properties) or None)
            collector.run(policy, conf.level, None, lambda report, a=args, p=policy: p.validate(a, report))

    return _sorted(collector.violations)


def _sorted(violations: list[dict[str, str]]) -> list[dict[str, str]]:
    unique = {tuple(sorted(v.items())): v for v in violations}
    return sorted(unique.values(), key=lambda v: (v["enforcement"] != "mandatory", v["policy"],
                                                   v["urn"], v["message"]))


def has_mandatory(violations: Sequence[Mapping[str, str]]) -> bool:
    """Whether any violation would block ``pulumi up`` (a mandatory one)."""
    return any(v["enforcement"] == "mandatory" for v in violations)


# --- command line -----------------------------------------------------------------------------------

def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m policy.check <inventory.json> [--config FILE]``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m policy.check", description=__doc__.split("\n\n")[0])
    parser.add_argument("inventory", help="build/<stack>/inventory.json written by `make synth`")
    parser.add_argument("--config", help="policy pack config (default: policy/config/<environment>.json)")
    options = parser.parse_args(argv)
    try:
        inventory = load_inventory(options.inventory)
        config = load_config_file(options.config) if options.config else None
        violations = evaluate(inventory, config)
    except (InventoryError, PolicyConfigError) as exc:
        print(f"policy.check: error: {exc}", file=sys.stderr)
        return 2
    json.dump({"violations": violations}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if has_mandatory(violations) else 0


if __name__ == "__main__":
    sys.exit(main())
