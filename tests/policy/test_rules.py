"""Every policy: the compliant stack passes, each numbered mutation of it is reported against
the right resource, and the edge cases that must stay compliant do."""

from __future__ import annotations

from typing import Any

import pytest

from policy.check import evaluate
from policy.rules import ALL_POLICIES

from .policy_cases import CASES, Case
from .policy_fixtures import Inventory, compliant_stack, managed_group_rule, rate_rule

ALL_NAMES = {p.name for p in ALL_POLICIES}


def only(policy: str, **properties: Any) -> dict[str, Any]:
    """A pack config that runs just one policy, mandatory (keeps each case to milliseconds)."""
    entry: dict[str, Any] = {"enforcementLevel": "mandatory", **properties}
    return {"all": "disabled", policy: entry}


def run(inv: Inventory, policy: str, **properties: Any) -> list[dict[str, str]]:
    return evaluate(inv.doc, only(policy, **properties))


def test_compliant_stack_passes_every_policy() -> None:
    assert evaluate(compliant_stack().doc, {}) == []


def test_every_policy_has_non_compliant_cases() -> None:
    covered = {case.policy for case in CASES}
    assert covered == ALL_NAMES, f"policies without cases: {sorted(ALL_NAMES - covered)}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_mutation_is_reported(case: Case) -> None:
    inv = compliant_stack()
    case.mutate(inv)
    violations = run(inv, case.policy)
    assert violations, f"{case.id}: nothing reported"
    assert all(v["policy"] == case.policy for v in violations)
    assert not [v for v in violations if v["message"].startswith(("cannot decide", "policy raised"))], violations
    blamed = {v["urn"] for v in violations}
    assert inv.urn(case.blame) in blamed, f"{case.id}: expected {case.blame}, got {blamed}"
    assert all(v["enforcement"] == "mandatory" for v in violations)


# --- edges that must stay compliant -------------------------------------------------------------

def test_network_load_balancer_needs_no_header_dropping() -> None:
    inv = compliant_stack()
    inv.set("alb", "loadBalancerType", "network")
    inv.delete("alb", "dropInvalidHeaderFields")
    assert run(inv, "aws-lb-drop-invalid-headers") == []


def test_internal_load_balancer_needs_no_waf() -> None:
    inv = compliant_stack()
    inv.remove("waf-association")
    inv.set("alb", "internal", True)
    assert run(inv, "aws-lb-waf-associated") == []


def test_alb_alias_token_is_checked_like_lb() -> None:
    inv = compliant_stack()
    inv.row("alb")["type"] = "aws:alb/loadBalancer:LoadBalancer"
    inv.remove("waf-association")
    assert [v["urn"] for v in run(inv, "aws-lb-waf-associated")] == [inv.urn("alb")]


def test_trusted_external_issuer_is_accepted() -> None:
    inv = compliant_stack()
    external = "https://login.example.com/oauth2"
    inv.set_deps("https", "defaultActions", ["tg"])
    inv.set("https", "defaultActions.0.jwtValidation.issuer", external)
    assert run(inv, "aws-lb-listener-jwt-issuer-in-stack")
    assert run(inv, "aws-lb-listener-jwt-issuer-in-stack", trustedIssuers=[external]) == []


def test_tls13_only_policy_is_accepted() -> None:
    inv = compliant_stack()
    inv.set("https", "sslPolicy", "ELBSecurityPolicy-TLS13-1-3-2021-06")
    assert run(inv, "aws-lb-listener-tls13") == []


def test_codedeploy_service_needs_no_circuit_breaker() -> None:
    inv = compliant_stack()
    inv.delete("service", "deploymentCircuitBreaker")
    inv.set("service", "deploymentController", {"type": "CODE_DEPLOY"})
    assert run(inv, "aws-ecs-service-circuit-breaker") == []


def test_asymmetric_key_needs_no_rotation() -> None:
    inv = compliant_stack()
    inv.delete("logs-key", "enableKeyRotation")
    inv.set("logs-key", "customerMasterKeySpec", "RSA_2048")
    inv.set("logs-key", "keyUsage", "SIGN_VERIFY")
    assert run(inv, "aws-kms-key-rotation") == []


def test_admin_port_from_a_narrow_range_is_allowed() -> None:
    inv = compliant_stack()
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ssh-office",
            {"ipProtocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrIpv4": "10.20.1.0/24"},
            {"securityGroupId": ["task-sg"]})
    assert run(inv, "aws-ec2-sg-no-admin-ports") == []
    assert run(inv, "aws-ec2-sg-no-public-ingress") == []


def test_admin_ports_are_configurable() -> None:
    inv = compliant_stack()
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "custom-admin",
            {"ipProtocol": "tcp", "fromPort": 9999.0, "toPort": 9999.0, "cidrIpv4": "0.0.0.0/0"},
            {"securityGroupId": ["task-sg"]})
    assert run(inv, "aws-ec2-sg-no-admin-ports") == []
    assert run(inv, "aws-ec2-sg-no-admin-ports", adminPorts=[9999])


def test_lambda_with_dead_letter_queue_needs_no_reserved_concurrency() -> None:
    inv = compliant_stack()
    inv.delete("fn", "reservedConcurrentExecutions")
    inv.set("fn", "deadLetterConfig", {"targetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"})
    assert run(inv, "aws-lambda-function-concurrency-or-dlq") == []


def test_cors_preflight_can_be_exempted() -> None:
    inv = compliant_stack()
    inv.set("api-method", "httpMethod", "OPTIONS")
    inv.set("api-method", "authorization", "NONE")
    assert run(inv, "aws-apigateway-method-cognito-scoped")
    assert run(inv, "aws-apigateway-method-cognito-scoped",
               publicMethods=["GET /health", "OPTIONS /teams/{team}"]) == []
    # Configuring public methods replaces the default: the health check is then no longer exempt.
    assert [v["urn"] for v in run(inv, "aws-apigateway-method-cognito-scoped",
                                  publicMethods=["OPTIONS /teams/{team}"])] == [inv.urn("api-health")]
    assert sorted(v["urn"] for v in run(inv, "aws-apigateway-method-cognito-scoped", publicMethods=[])) == sorted([
        inv.urn("api-method"), inv.urn("api-health")])


def test_permission_for_another_service_needs_no_api() -> None:
    inv = compliant_stack()
    inv.set("fn-permission", "principal", "appconfig.amazonaws.com")
    inv.set_deps("fn-permission", "sourceArn", [])
    assert run(inv, "aws-apigateway-permission-api-scoped") == []


def test_waf_rules_may_live_in_separate_resources() -> None:
    inv = compliant_stack()
    rules = inv.inputs("waf").pop("rules")
    for index, rule in enumerate(rules):
        inv.add("aws:wafv2/webAclRule:WebAclRule", f"waf-rule-{index}", {**rule, "webAclArn": "arn"},
                {"webAclArn": ["waf"]})
    assert run(inv, "aws-wafv2-web-acl-managed-rules") == []
    assert run(inv, "aws-wafv2-web-acl-rate-limit") == []
    inv.set_deps("waf-rule-3", "webAclArn", [])  # the rate rule now belongs to no ACL of ours
    assert run(inv, "aws-wafv2-web-acl-rate-limit")


def test_waf_rules_may_be_raw_json() -> None:
    inv = compliant_stack()
    inv.inputs("waf").pop("rules")
    pascal = [
        {"Name": n, "Priority": p, "OverrideAction": {"None": {}},
         "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": n}}}
        for p, n in enumerate(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList",
                               "AWSManagedRulesKnownBadInputsRuleSet"])
    ] + [{"Name": "rate", "Priority": 9, "Action": {"Block": {}},
          "Statement": {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP"}}}]
    import json
    inv.set("waf", "ruleJson", json.dumps(pascal))
    assert run(inv, "aws-wafv2-web-acl-managed-rules") == []
    assert run(inv, "aws-wafv2-web-acl-rate-limit") == []


def test_required_rule_groups_are_configurable() -> None:
    inv = compliant_stack()
    inv.inputs("waf")["rules"].append(managed_group_rule("AWSManagedRulesAnonymousIpList", 50))
    assert run(inv, "aws-wafv2-web-acl-managed-rules",
               requiredRuleGroups=["AWSManagedRulesAnonymousIpList"]) == []
    inv.inputs("waf")["rules"] = [rate_rule()]
    assert len(run(inv, "aws-wafv2-web-acl-managed-rules")) == 3


def test_customer_policy_attachment_with_computed_arn_is_decidable() -> None:
    inv = compliant_stack()
    inv.set("teams-attach", "policyArn", "04da6b54-80e4-46f7-96ec-b56ff0331ba9")
    assert run(inv, "aws-iam-no-broad-managed-policy") == []


def test_deny_statements_and_key_policies_are_not_identity_grants() -> None:
    # The compliant stack already holds a Deny "*" on "*" and a key policy with root kms:* on "*";
    # prove those are what would otherwise trip the IAM rules.
    inv = compliant_stack()
    with inv.document("task-policy", "policy") as document:
        document["Statement"][-1]["Effect"] = "Allow"
    assert run(inv, "aws-iam-policy-no-wildcard-action")
    inv = compliant_stack()
    inv.row("logs-key")["type"] = "aws:iam/policy:Policy"
    assert run(inv, "aws-iam-policy-no-wildcard-action")


def test_one_violation_per_offending_container() -> None:
    inv = compliant_stack()
    with inv.document("task", "containerDefinitions") as containers:
        for container in containers:
            container["readonlyRootFilesystem"] = False
    messages = [v["message"] for v in run(inv, "aws-ecs-task-readonly-root-filesystem")]
    assert len(messages) == 4 and all(any(f"'{n}'" in m for m in messages)
                                      for n in ("gateway", "collector", "config-agent", "ratelimit"))


def test_malformed_document_is_a_violation_not_a_crash() -> None:
    inv = compliant_stack()
    inv.set("task-policy", "policy", "{not json")
    violations = run(inv, "aws-iam-policy-no-wildcard-action")
    assert [v["message"] for v in violations] == ["policy is not a valid JSON document"]
