"""Rules never crash on unexpected shapes: any input of any resource replaced by any JSON value
yields violations or "cannot decide", never "policy raised" (which would fail a real preview)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy.check import evaluate

from .policy_fixtures import UNKNOWN, compliant_stack

BASE = compliant_stack()
SLOTS = [(row["name"], key) for row in BASE.doc["resources"] for key in row["inputs"]]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70000) | st.sampled_from(["", "*", "0.0.0.0/0", UNKNOWN, "[secret]",
                                                                           "{}", "[]", "{\"Statement\": 3}"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["type", "name", "Statement", "Effect", "Action", "Resource", "Principal", "order",
                         "redirect", "protocol", "cidrBlocks", "enabled", "value", "image", "environment"]),
        children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(slots=st.lists(st.sampled_from(SLOTS), min_size=1, max_size=3, unique=True),
       values=st.lists(json_values, min_size=3, max_size=3))
def test_no_policy_crashes_on_odd_inputs(slots: list[tuple[str, str]], values: list[Any]) -> None:
    inv = BASE.copy()
    for (name, key), value in zip(slots, values):
        inv.inputs(name)[key] = value
    crashes = [v for v in evaluate(inv.doc, {}) if v["message"].startswith("policy raised")]
    assert not crashes, crashes


ODD_SHAPES = [
    ("endpoint-sg", "ingress", [3]), ("endpoint-sg", "egress", "x"), ("https", "defaultActions", "x"),
    ("https", "defaultActions", [1]), ("cluster", "settings", [1]),
    ("task", "containerDefinitions", json.dumps([1, "x", None])),
    ("task", "containerDefinitions", json.dumps([{"environment": [1, "x"], "image": 3}])),
    ("task-policy", "policy", json.dumps({"Statement": 3})),
    ("task-policy", "policy", json.dumps({"Statement": [1, {"Effect": "Allow", "Action": [1, None], "Resource": {"a": 1}}]})),
    ("waf", "rules", [1, "x"]), ("waf", "ruleJson", "[1]"), ("waf-logging", "redactedFields", [1]),
    ("alb", "accessLogs", "x"), ("service", "networkConfiguration", [1]), ("fn", "environment", {"variables": [1]}),
    ("logs-bucket-policy", "policy", json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                                                "Condition": {"Bool": 3}}]})),
    ("ci-role", "inlinePolicies", [1]), ("task-role", "managedPolicyArns", "x"), ("execution-managed", "policyArn", 5),
    ("alb-https-in", "fromPort", "x"), ("alb-https-in", "ipProtocol", None),
    ("logs-key", "policy", json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": 3}}]})),
    ("gateway-logs", "retentionInDays", "x"), ("table", "pointInTimeRecovery", "x"),
]


@pytest.mark.parametrize("name, key, value", ODD_SHAPES, ids=[f"{n}.{k}" for n, k, _ in ODD_SHAPES])
def test_no_policy_crashes_on_known_odd_shapes(name: str, key: str, value: Any) -> None:
    inv = BASE.copy()
    inv.inputs(name)[key] = value
    crashes = [v for v in evaluate(inv.doc, {}) if v["message"].startswith("policy raised")]
    assert not crashes, crashes
