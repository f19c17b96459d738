"""The whole policy pack on the synthesized stacks, and defense in depth against prod weakening."""

from __future__ import annotations

import json

import pytest

from components.settings import SettingsError, parse_settings
from policy import check
from tests.support import baseline, run_stack, stack_values

DEV_ADVISORIES = {
    ("aws-cognito-user-pool-deletion-protection", "auth-user-pool"),
    ("aws-lb-access-logs", "edge-alb"),
    ("aws-lb-deletion-protection", "edge-alb"),
    ("aws-dynamodb-table-deletion-protection", "control-store-control"),
    ("aws-dynamodb-table-deletion-protection", "control-store-usage"),
    ("aws-s3-audit-bucket-object-lock", "audit-bucket"),
}
"""The dev stack's expected advisories: a new one is a visible change to this list."""

PREVIEW_UNDECIDABLE = {
    "aws-ecs-task-image-digest", "aws-ecs-task-logging", "aws-ecs-task-no-plaintext-secrets",
    "aws-ecs-task-not-privileged", "aws-ecs-task-readonly-root-filesystem",
    "aws-iam-policy-no-wildcard-action", "aws-iam-policy-wildcard-resource-allowlist",
    "aws-iam-policy-wildcard-only-action-scoped", "aws-lambda-function-no-plaintext-secrets",
    "aws-ecs-task-config-from-watched-file", "aws-appconfig-reader-scoped", "aws-audit-no-prompt-bodies",
    "aws-ecs-rate-limit-service-hardened",
}
"""Policies that read values only known after deploy (container JSON, IAM documents, function
environments and the published gateway base, built from ARNs and ids)."""


def _violations(inv, environment=None):
    """The pack's verdict at the levels of ``environment`` (default: the stack's own environment)."""
    doc = inv.to_json()
    return check.evaluate(doc, check.load_config(environment or check.environment_of(doc)))


def _short(violations, level):
    return {(v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in violations if v["enforcement"] == level}


def test_prod_stack_is_clean():
    assert _violations(baseline("prod")) == []


def test_dev_stack_has_only_the_expected_advisories():
    violations = _violations(baseline("dev"))
    assert _short(violations, "mandatory") == set()
    assert _short(violations, "advisory") == DEV_ADVISORIES


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_mode_only_adds_cannot_decide_advisories(stack):
    normal = _violations(baseline(stack))
    preview = _violations(baseline(stack, preview=True))
    assert _short(preview, "mandatory") == set()
    added = [v for v in preview if v not in normal]
    assert added and all(v["enforcement"] == "advisory" and v["message"].startswith("cannot decide during preview")
                         for v in added)
    assert {v["policy"] for v in added} == PREVIEW_UNDECIDABLE


WEAKENINGS = [
    ({"waf": {"enabled": False}}, "aws-lb-waf-associated"),
    ({"auth": {"jwtValidation": False}}, "aws-lb-listener-jwt-validation"),
    ({"edge": {"domainName": "gateway.example.com", "hostedZoneId": "Z0123456789PRODEXAMPLE", "deletionProtection": False}},
     "aws-lb-deletion-protection"),
    ({"edge": {"domainName": "gateway.example.com", "hostedZoneId": "Z0123456789PRODEXAMPLE", "accessLogs": False}},
     "aws-lb-access-logs"),
    ({"edge": {"allowPlainHttp": True}, "auth": {"jwtValidation": False}}, "aws-lb-listener-http-redirect"),
    ({"observability": {"logRetentionDays": 90}}, "aws-cloudwatch-log-group-retention"),
    ({"audit": {"enabled": True, "includeBodies": True}}, "aws-audit-no-prompt-bodies"),
    ({"audit": {"enabled": True, "objectLock": {"enabled": False}}}, "aws-s3-audit-bucket-object-lock"),
]


def _merged(weakenings):
    merged: dict = {}
    for weakening in weakenings:
        for key, value in weakening.items():
            merged[key] = {**merged.get(key, {}), **value}
    return merged


def _weakened_prod(plain_http: bool):
    """The prod stack forced past its settings (declared dev) with every weakening at once that fits in
    one stack: all but plain HTTP, which drops the HTTPS listener the others are about."""
    chosen = [w for w, p in WEAKENINGS if (p == "aws-lb-listener-http-redirect") == plain_http]
    return run_stack("prod", {**_merged(chosen), "environment": "dev"})


@pytest.mark.parametrize(("weakening", "policy"), WEAKENINGS, ids=[p for _, p in WEAKENINGS])
def test_prod_weakening_is_rejected_by_settings_and_caught_by_the_pack(weakening, policy):
    values, secret_keys = stack_values("prod", weakening)
    with pytest.raises(SettingsError):
        parse_settings(values, secret_keys)
    # Force it past settings and check it at prod's levels.
    inv = _weakened_prod(plain_http=policy == "aws-lb-listener-http-redirect")
    assert inv.stack == "prod"
    mandatory = {v["policy"] for v in _violations(inv, "prod") if v["enforcement"] == "mandatory"}
    assert policy in mandatory


def test_the_live_config_rules_catch_an_inline_config_and_a_wildcard_reader_on_the_real_stack():
    doc = json.loads(json.dumps(baseline("dev").to_json()))  # a private copy to break
    for row in doc["resources"]:
        if row["type"] == "aws:ecs/taskDefinition:TaskDefinition":
            containers = json.loads(row["inputs"]["containerDefinitions"])
            next(c for c in containers if c["name"] == "gateway")["command"] = ["-c", "{}"]
            row["inputs"]["containerDefinitions"] = json.dumps(containers)
        if row["type"] == "aws:iam/rolePolicy:RolePolicy" and row["name"] == "service-task-policy":
            policy = json.loads(row["inputs"]["policy"])
            next(s for s in policy["Statement"] if s["Sid"] == "ReadLiveConfiguration")["Resource"] = "*"
            row["inputs"]["policy"] = json.dumps(policy)
    found = {v["policy"] for v in check.evaluate(doc, check.load_config("dev")) if v["enforcement"] == "mandatory"}
    assert {"aws-ecs-task-config-from-watched-file", "aws-appconfig-reader-scoped"} <= found


def test_the_admin_api_rules_catch_an_open_method_an_unthrottled_stage_and_a_loose_permission_on_prod():
    doc = json.loads(json.dumps(baseline("prod").to_json()))  # a private copy to break
    rows = {row["name"]: row for row in doc["resources"]}
    rows["admin-api-get-teams"]["inputs"]["authorization"] = "NONE"
    rows["admin-api-delete-teams-team"]["inputs"]["authorizationScopes"] = []
    rows["admin-api-stage"]["inputs"]["xrayTracingEnabled"] = False
    rows["admin-api-throttling"]["inputs"]["settings"]["throttlingRateLimit"] = 0
    doc["resources"] = [r for r in doc["resources"] if r["name"] != "admin-api-waf-association"]
    rows["admin-api-invoke-permission"]["inputs"]["sourceArn"] = "arn:aws:execute-api:us-east-1:123456789012:*/*/*/*"
    found = {(v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in check.evaluate(doc, check.load_config("prod"))
             if v["enforcement"] == "mandatory"}
    assert found == {
        ("aws-apigateway-method-cognito-scoped", "admin-api-get-teams"),
        ("aws-apigateway-method-cognito-scoped", "admin-api-delete-teams-team"),
        ("aws-apigateway-stage-xray", "admin-api-stage"),
        ("aws-apigateway-stage-throttled", "admin-api-stage"),
        ("aws-apigateway-stage-waf", "admin-api-stage"),
        ("aws-apigateway-permission-api-scoped", "admin-api-invoke-permission"),
    }  # and the public health check is not among them
