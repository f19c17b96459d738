"""Preview mode: values not known until the update runs. Policies must neither crash, nor pass
them as compliant, nor fail them as violations: they report "cannot decide" (advisory)."""

from __future__ import annotations

from typing import Any

from policy.check import evaluate

from .policy_fixtures import UNKNOWN, Inventory, compliant_stack
from .test_rules import run

TASK_POLICIES = {
    "aws-ecs-task-readonly-root-filesystem", "aws-ecs-task-not-privileged", "aws-ecs-task-no-plaintext-secrets",
    "aws-ecs-task-logging", "aws-ecs-task-config-from-watched-file", "aws-ecs-rate-limit-service-hardened",
}
TASK_STACK_POLICIES = {"aws-ecs-task-image-digest"}
IAM_STACK_POLICIES = {"aws-appconfig-reader-scoped"}
IAM_DOCUMENT_POLICIES = {"aws-iam-policy-no-wildcard-action", "aws-iam-policy-wildcard-resource-allowlist",
                         "aws-iam-policy-wildcard-only-action-scoped"}
# Input keys whose values are other resources' outputs inside a computed property.
COMPUTED_LEAVES = {"targetGroupArn", "issuer", "jwksEndpoint", "bucket", "kmsKey", "kmsKeyArn"}


def previewize(inv: Inventory) -> Inventory:
    """What a preview of a brand-new stack hands the policies: every input computed from another
    resource (it has property dependencies) is unknown; inside structured inputs, the leaves
    holding other resources' outputs are."""
    for row in inv.doc["resources"]:
        for prop, deps in row["propertyDependencies"].items():
            if deps and prop in row["inputs"]:
                row["inputs"][prop] = _unknown_leaves(row["inputs"][prop])
    return inv


def _unknown_leaves(value: Any) -> Any:
    """A computed scalar or list of scalars is wholly unknown; in objects only output leaves are."""
    if isinstance(value, str):
        return UNKNOWN
    if isinstance(value, list):
        return [_unknown_leaves(v) for v in value]
    if isinstance(value, dict):
        return _unknown_outputs(value)
    return value


def _unknown_outputs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: UNKNOWN if k in COMPUTED_LEAVES else _unknown_outputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknown_outputs(v) for v in value]
    return value


def undecided(violations: list[dict[str, str]]) -> list[dict[str, str]]:
    return [v for v in violations if v["message"].startswith("cannot decide")]


def test_new_stack_preview_decides_everything_but_rendered_documents() -> None:
    inv = previewize(compliant_stack())
    violations = evaluate(inv.doc, {})
    assert not [v for v in violations if v["message"].startswith("policy raised")]
    assert [v for v in violations if v["enforcement"] == "mandatory"] == []
    assert violations == undecided(violations)
    expected = {(p, inv.urn("task"), "containerDefinitions") for p in TASK_POLICIES}
    # A stack policy's "cannot decide" names no resource: the analyzer reports it for the stack.
    expected |= {(p, "", "containerDefinitions") for p in TASK_STACK_POLICIES}
    expected |= {(p, "", "policy") for p in IAM_STACK_POLICIES}
    expected |= {(p, inv.urn("task-policy"), "policy") for p in IAM_DOCUMENT_POLICIES}
    assert {(v["policy"], v["urn"], v["message"].split(": ")[1].split(" ")[0]) for v in violations} == expected


def test_preview_still_reports_what_it_can_decide() -> None:
    inv = previewize(compliant_stack())
    inv.set("alb", "enableDeletionProtection", False)
    inv.remove("flow-log")
    found = {(v["policy"], v["enforcement"]) for v in evaluate(inv.doc, {})}
    assert ("aws-lb-deletion-protection", "mandatory") in found
    assert ("aws-vpc-flow-logs", "mandatory") in found


def test_unknown_in_one_container_does_not_hide_another() -> None:
    inv = compliant_stack()
    with inv.document("task", "containerDefinitions") as containers:
        containers[0]["image"] = UNKNOWN
        containers[1]["image"] = "otel:latest"
    violations = run(inv, "aws-ecs-task-image-digest")
    assert {(v["enforcement"], v["message"].split(":")[0]) for v in violations} == {
        ("mandatory", "Container 'collector' image 'otel"), ("advisory", "cannot decide during preview")}
    assert "containerDefinitions.0.image" in undecided(violations)[0]["message"]


def test_unknown_identity_policy_cannot_be_decided() -> None:
    inv = compliant_stack()
    inv.set("task-policy", "policy", UNKNOWN)
    for policy in sorted(IAM_DOCUMENT_POLICIES):
        assert run(inv, policy) == [{"policy": policy, "enforcement": "advisory", "urn": inv.urn("task-policy"),
                                     "message": "cannot decide during preview: policy is unknown"}]


def test_secret_document_cannot_be_inspected_offline() -> None:
    inv = compliant_stack()
    inv.set("logs-key", "policy", "[secret]")
    assert [v["message"] for v in run(inv, "aws-resource-policy-no-public-principal")] == [
        "cannot decide offline: policy is a secret"]


def test_unknown_internal_flag_matters_only_without_waf() -> None:
    inv = compliant_stack()
    inv.set("alb", "internal", UNKNOWN)
    assert run(inv, "aws-lb-waf-associated") == []
    inv.remove("waf-association")
    violations = run(inv, "aws-lb-waf-associated")
    assert [(v["enforcement"], v["message"]) for v in violations] == [
        ("advisory", "cannot decide during preview: internal is unknown")]


def test_unknown_cidr_cannot_be_decided() -> None:
    inv = compliant_stack()
    inv.set("alb-https-in", "cidrIpv4", UNKNOWN)
    for policy in ("aws-ec2-sg-no-public-ingress", "aws-ec2-sg-no-admin-ports", "aws-ec2-sg-public-ingress-only-on-lb"):
        violations = run(inv, policy)
        assert violations and violations == undecided(violations), policy
        assert all(v["enforcement"] == "advisory" for v in violations)


def test_unknown_waf_rule_does_not_count_as_missing() -> None:
    inv = compliant_stack()
    inv.set("waf", "rules.0.statement.managedRuleGroupStatement.name", UNKNOWN)
    violations = run(inv, "aws-wafv2-web-acl-managed-rules")
    assert violations == undecided(violations) and len(violations) == 1


def test_unknown_retention_cannot_be_decided() -> None:
    inv = compliant_stack()
    inv.set("gateway-logs", "retentionInDays", "3eeb2bf0-c639-47a8-9e75-3b44932eb421")  # unknown number
    assert [v["message"] for v in run(inv, "aws-cloudwatch-log-group-retention")] == [
        "cannot decide during preview: retentionInDays is unknown"]


def test_computed_key_ids_count_as_customer_keys() -> None:
    inv = compliant_stack()
    inv.set("openai-key", "kmsKeyId", UNKNOWN)
    inv.set("alarms", "kmsMasterKeyId", UNKNOWN)
    inv.set("gateway-logs", "kmsKeyId", UNKNOWN)
    for policy in ("aws-secretsmanager-secret-cmk", "aws-sns-topic-encrypted", "aws-cloudwatch-log-group-kms"):
        assert run(inv, policy) == [], policy
