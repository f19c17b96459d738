"""Numbered non-compliant mutations of the compliant stack, per policy.

Each ``Case`` changes one thing in a fresh ``compliant_stack()`` and names the resource the
policy must blame (``blame``). The table is data: ``test_rules.py`` runs it.
"""

from __future__ import annotations

import json

from typing import Any, Callable, NamedTuple, Optional

from .policy_fixtures import (
    Inventory,
    doc,
    forward_action,
    ingress_rule_inputs,
    jwt_action,
    managed_group_rule,
)

Mutate = Callable[[Inventory], None]


class Case(NamedTuple):
    policy: str
    label: str
    mutate: Mutate
    blame: Optional[str]  # resource name whose URN the violation must carry

    @property
    def id(self) -> str:
        return f"{self.policy}#{self.label}"


def _containers(inv: Inventory, edit: Callable[[list[dict[str, Any]]], None]) -> None:
    with inv.document("task", "containerDefinitions") as containers:
        edit(containers)


def _statements(inv: Inventory, name: str, edit: Callable[[list[dict[str, Any]]], None],
                prop: str = "policy") -> None:
    with inv.document(name, prop) as document:
        edit(document["Statement"])


def _statement(inv: Inventory, name: str, sid: str, key: str, value: Any) -> None:
    _statements(inv, name, lambda sts: next(st for st in sts if st["Sid"] == sid).__setitem__(key, value))


def _env(name: str, value: str) -> Mutate:
    return lambda inv: _containers(inv, lambda cs: cs[0]["environment"].append({"name": name, "value": value}))


def _waf_rules(edit: Callable[[list[dict[str, Any]]], None]) -> Mutate:
    return lambda inv: edit(inv.inputs("waf")["rules"])


def _rule(rules: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in rules if r["name"] == name)


def _add_sg_rule(type_: str, name: str, inputs: dict[str, Any], group: str) -> Mutate:
    return lambda inv: inv.add(type_, name, inputs, {"securityGroupId": [group]})


INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
WORLD = "0.0.0.0/0"
GH = "token.actions.githubusercontent.com"


def _trust(name: str, edit: Callable[[list[dict[str, Any]]], None]) -> Mutate:
    return lambda inv: _statements(inv, name, edit, "assumeRolePolicy")


PUBLIC_STATEMENT = {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}


def _cases() -> list[tuple[str, list[tuple[Mutate, Optional[str]]]]]:
    return [
        # --- alb ---------------------------------------------------------------------------------
        ("aws-lb-listener-tls13", [
            (lambda i: i.set("https", "sslPolicy", "ELBSecurityPolicy-2016-08"), "https"),
            (lambda i: i.set("https", "sslPolicy", "ELBSecurityPolicy-TLS13-1-0-2021-06"), "https"),
            (lambda i: i.delete("https", "sslPolicy"), "https"),
            (lambda i: i.add("aws:alb/listener:Listener", "legacy-tls", {
                "protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS-1-2-2017-01",
                "defaultActions": [jwt_action(1), forward_action(2)]}), "legacy-tls"),
        ]),
        ("aws-lb-listener-http-redirect", [
            (lambda i: i.set("http", "defaultActions", [forward_action(1)]), "http"),
            (lambda i: i.set("http", "defaultActions.0.redirect.protocol", "HTTP"), "http"),
            (lambda i: (i.delete("http", "protocol"), i.set("http", "defaultActions", [{"type": "fixed-response"}])), "http"),
            (lambda i: i.add("aws:alb/listener:Listener", "legacy-http", {
                "protocol": "HTTP", "defaultActions": [forward_action(1)]}), "legacy-http"),
        ]),
        ("aws-lb-listener-jwt-validation", [
            (lambda i: i.set("https", "defaultActions", [forward_action(1)]), "https"),
            (lambda i: i.set("https", "defaultActions.0.order", 3), "https"),
            (lambda i: i.delete("https", "defaultActions.0.jwtValidation.additionalClaims"), "https"),
            (lambda i: i.set("admin-rule", "actions", [forward_action(1)]), "admin-rule"),
            (lambda i: i.set("https", "defaultActions", [{"type": "forward", "targetGroupArn": "tg"},
                                                         {"type": "jwt-validation", "jwtValidation": {}}]), "https"),
        ]),
        ("aws-lb-listener-jwt-issuer-in-stack", [
            (lambda i: (i.set_deps("https", "defaultActions", ["tg"]),
                        i.set("https", "defaultActions.0.jwtValidation.issuer",
                              "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")), "https"),
            (lambda i: i.set_deps("admin-rule", "actions", ["tg"]), "admin-rule"),
        ]),
        ("aws-lb-deletion-protection", [
            (lambda i: i.set("alb", "enableDeletionProtection", False), "alb"),
            (lambda i: i.delete("alb", "enableDeletionProtection"), "alb"),
        ]),
        ("aws-lb-drop-invalid-headers", [
            (lambda i: i.set("alb", "dropInvalidHeaderFields", False), "alb"),
            (lambda i: (i.delete("alb", "dropInvalidHeaderFields"), i.delete("alb", "loadBalancerType")), "alb"),
        ]),
        ("aws-lb-access-logs", [
            (lambda i: i.set("alb", "accessLogs.enabled", False), "alb"),
            (lambda i: i.delete("alb", "accessLogs"), "alb"),
            (lambda i: i.delete("alb", "accessLogs.bucket"), "alb"),
        ]),
        ("aws-lb-waf-associated", [
            (lambda i: i.remove("waf-association"), "alb"),
            (lambda i: i.set_deps("waf-association", "resourceArn", []), "alb"),
            (lambda i: (i.remove("waf-association"), i.delete("alb", "internal")), "alb"),
        ]),
        # --- waf ---------------------------------------------------------------------------------
        ("aws-wafv2-web-acl-managed-rules", [
            (_waf_rules(lambda rs: rs.remove(_rule(rs, "AWSManagedRulesAmazonIpReputationList"))), "waf"),
            (_waf_rules(lambda rs: _rule(rs, "AWSManagedRulesKnownBadInputsRuleSet").update(
                overrideAction={"count": {}})), "waf"),
            (_waf_rules(lambda rs: rs.__setitem__(1, managed_group_rule(
                "AWSManagedRulesCommonRuleSet", 20, ("NoUserAgent_HEADER",)))), "waf"),
            (_waf_rules(lambda rs: _rule(rs, "AWSManagedRulesCommonRuleSet")["statement"]["managedRuleGroupStatement"]
                        ["ruleActionOverrides"][0].__setitem__("actionToUse", {"allow": {}})), "waf"),
            (_waf_rules(lambda rs: _rule(rs, "AWSManagedRulesCommonRuleSet")["statement"]["managedRuleGroupStatement"]
                        .__setitem__("vendorName", "SomeVendor")), "waf"),
        ]),
        ("aws-wafv2-web-acl-rate-limit", [
            (_waf_rules(lambda rs: rs.remove(_rule(rs, "RateLimitPerIP"))), "waf"),
            (_waf_rules(lambda rs: _rule(rs, "RateLimitPerIP").__setitem__("action", {"count": {}})), "waf"),
        ]),
        ("aws-wafv2-web-acl-logging", [
            (lambda i: i.remove("waf-logging"), "waf"),
            (lambda i: i.set("waf-logging", "logDestinationConfigs", []), "waf-logging"),
            (lambda i: i.set_deps("waf-logging", "resourceArn", []), "waf"),
        ]),
        ("aws-wafv2-logging-redacts-authorization", [
            (lambda i: i.delete("waf-logging", "redactedFields"), "waf-logging"),
            (lambda i: i.set("waf-logging", "redactedFields", [{"singleHeader": {"name": "cookie"}}]), "waf-logging"),
        ]),
        # --- network -----------------------------------------------------------------------------
        ("aws-vpc-flow-logs", [
            (lambda i: i.remove("flow-log"), "vpc"),
            (lambda i: i.set_deps("flow-log", "vpcId", []), "vpc"),
        ]),
        ("aws-vpc-default-security-group-closed", [
            (lambda i: i.remove("default-sg"), "vpc"),
            (lambda i: i.set("default-sg", "ingress", [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}]),
             "default-sg"),
            (lambda i: i.set("default-sg", "egress", [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                                                       "cidrBlocks": [WORLD]}]), "default-sg"),
            (_add_sg_rule(INGRESS, "default-in", ingress_rule_inputs(443, source_sg="sg-alb"), "default-sg"),
             "default-in"),
        ]),
        ("aws-ec2-sg-no-public-ingress", [
            (lambda i: (i.set("alb-https-in", "fromPort", 8787.0), i.set("alb-https-in", "toPort", 8787.0)),
             "alb-https-in"),
            (lambda i: i.set("alb-https-in", "ipProtocol", "-1"), "alb-https-in"),
            (lambda i: i.set("alb-https-in", "fromPort", 80.0), "alb-https-in"),
            (lambda i: i.set("endpoint-sg", "ingress", [{"protocol": "tcp", "fromPort": 8443, "toPort": 8443,
                                                          "cidrBlocks": [WORLD]}]), "endpoint-sg"),
            (lambda i: i.add("aws:ec2/securityGroupRule:SecurityGroupRule", "legacy-dns", {
                "type": "ingress", "protocol": "udp", "fromPort": 53, "toPort": 53, "cidrBlocks": [WORLD],
                "securityGroupId": "sg-t"}, {"securityGroupId": ["task-sg"]}), "legacy-dns"),
            (lambda i: (i.set("alb-http-in-v6", "fromPort", 8080.0), i.set("alb-http-in-v6", "toPort", 8080.0)),
             "alb-http-in-v6"),
        ]),
        ("aws-ec2-sg-public-ingress-only-on-lb", [
            (_add_sg_rule(INGRESS, "task-world-in", ingress_rule_inputs(443, cidr=WORLD), "task-sg"), "task-world-in"),
            (lambda i: i.set_deps("alb", "securityGroups", []), "alb-https-in"),
            (lambda i: i.set("endpoint-sg", "ingress.0.cidrBlocks", [WORLD]), "endpoint-sg"),
        ]),
        ("aws-ec2-sg-no-admin-ports", [
            (_add_sg_rule(INGRESS, "ssh", ingress_rule_inputs(22, cidr=WORLD), "task-sg"), "ssh"),
            (_add_sg_rule(INGRESS, "rdp", ingress_rule_inputs(3389, cidr="10.0.0.0/8"), "task-sg"), "rdp"),
            (lambda i: i.set("alb-https-in", "ipProtocol", "-1"), "alb-https-in"),
            (_add_sg_rule(INGRESS, "admin", {"ipProtocol": "tcp", "fromPort": 15000.0, "toPort": 15020.0,
                                             "cidrIpv6": "::/0"}, "task-sg"), "admin"),
            (lambda i: i.set("endpoint-sg", "ingress", [{"protocol": "tcp", "fromPort": 5432, "toPort": 5432,
                                                          "cidrBlocks": [WORLD]}]), "endpoint-sg"),
        ]),
        ("aws-ec2-sg-egress-https-only", [
            (lambda i: i.set("task-https-out", "ipProtocol", "-1"), "task-https-out"),
            (lambda i: (i.set("task-https-out", "fromPort", 80.0), i.set("task-https-out", "toPort", 80.0)),
             "task-https-out"),
            (lambda i: i.set("endpoint-sg", "egress", [{"protocol": "-1", "fromPort": 0, "toPort": 0,
                                                         "cidrBlocks": [WORLD]}]), "endpoint-sg"),
        ]),
        # --- ecs ---------------------------------------------------------------------------------
        ("aws-ecs-service-no-public-ip", [
            (lambda i: i.set("service", "networkConfiguration.assignPublicIp", True), "service"),
        ]),
        ("aws-ecs-service-circuit-breaker", [
            (lambda i: i.set("service", "deploymentCircuitBreaker.rollback", False), "service"),
            (lambda i: i.delete("service", "deploymentCircuitBreaker"), "service"),
        ]),
        ("aws-ecs-service-no-exec", [
            (lambda i: i.set("service", "enableExecuteCommand", True), "service"),
        ]),
        ("aws-ecs-cluster-container-insights", [
            (lambda i: i.set("cluster", "settings.0.value", "disabled"), "cluster"),
            (lambda i: i.delete("cluster", "settings"), "cluster"),
        ]),
        ("aws-ecs-task-readonly-root-filesystem", [
            (lambda i: _containers(i, lambda cs: cs[1].__setitem__("readonlyRootFilesystem", False)), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].pop("readonlyRootFilesystem")), "task"),
        ]),
        ("aws-ecs-task-not-privileged", [
            (lambda i: _containers(i, lambda cs: cs[0].__setitem__("privileged", True)), "task"),
        ]),
        ("aws-ecs-task-no-plaintext-secrets", [
            (_env("OPENAI_API_KEY", "from-config"), "task"),
            (_env("UPSTREAM", "sk-proj-" + "Ab1" * 12), "task"),
            (_env("AWS_ID", "AKIA" + "ABCDEFGHIJKLMNOP"), "task"),
            (_env("PROVIDER", "[secret]"), "task"),
            (lambda i: i.set("task", "containerDefinitions", "[secret]"), "task"),
            (_env("dbPassword", "hunter2"), "task"),
            (_env("BLOB", "q8Zt3Xr7Lm2Wp9Vb4Nc6Hd1Kf5Gj0Sy8Ua3Ee7Ri2To"), "task"),
        ]),
        ("aws-ecs-task-image-digest", [
            (lambda i: _containers(i, lambda cs: cs[0].__setitem__("image", "ghcr.io/agentgateway/agentgateway:v1.4.1")),
             "task"),
            (lambda i: _containers(i, lambda cs: cs[1].__setitem__("image", "otel@sha256:abc")), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].pop("image")), "task"),
        ]),
        ("aws-ecs-task-logging", [
            (lambda i: _containers(i, lambda cs: cs[0].pop("logConfiguration")), "task"),
        ]),
        # --- storage -----------------------------------------------------------------------------
        ("aws-ecr-repository-immutable-tags", [
            (lambda i: i.set("repo", "imageTagMutability", "MUTABLE"), "repo"),
            (lambda i: i.delete("repo", "imageTagMutability"), "repo"),
        ]),
        ("aws-ecr-repository-scan-on-push", [
            (lambda i: i.set("repo", "imageScanningConfiguration.scanOnPush", False), "repo"),
            (lambda i: i.delete("repo", "imageScanningConfiguration"), "repo"),
        ]),
        ("aws-ecr-repository-kms", [
            (lambda i: i.set("repo", "encryptionConfigurations", [{"encryptionType": "AES256"}]), "repo"),
            (lambda i: i.delete("repo", "encryptionConfigurations"), "repo"),
        ]),
        ("aws-secretsmanager-secret-cmk", [
            (lambda i: i.delete("openai-key", "kmsKeyId"), "openai-key"),
            (lambda i: i.set("openai-key", "kmsKeyId", "alias/aws/secretsmanager"), "openai-key"),
        ]),
        ("aws-kms-key-rotation", [
            (lambda i: i.set("logs-key", "enableKeyRotation", False), "logs-key"),
            (lambda i: i.delete("logs-key", "enableKeyRotation"), "logs-key"),
        ]),
        ("aws-cloudwatch-log-group-kms", [
            (lambda i: i.delete("gateway-logs", "kmsKeyId"), "gateway-logs"),
        ]),
        ("aws-cloudwatch-log-group-retention", [
            (lambda i: i.set("gateway-logs", "retentionInDays", 30), "gateway-logs"),
            (lambda i: i.delete("gateway-logs", "retentionInDays"), "gateway-logs"),
            (lambda i: i.set("waf-logs", "retentionInDays", 0), "waf-logs"),
        ]),
        ("aws-sns-topic-encrypted", [
            (lambda i: i.delete("alarms", "kmsMasterKeyId"), "alarms"),
            (lambda i: i.set("alarms", "kmsMasterKeyId", "alias/aws/sns"), "alarms"),
        ]),
        ("aws-s3-bucket-public-access-block", [
            (lambda i: i.remove("logs-bucket-pab"), "logs-bucket"),
            (lambda i: i.set("logs-bucket-pab", "restrictPublicBuckets", False), "logs-bucket-pab"),
            (lambda i: i.set_deps("logs-bucket-pab", "bucket", []), "logs-bucket"),
        ]),
        ("aws-s3-bucket-encryption", [
            (lambda i: i.remove("logs-bucket-sse"), "logs-bucket"),
            (lambda i: i.set("logs-bucket-sse", "rules", []), "logs-bucket"),
        ]),
        ("aws-s3-bucket-tls-only", [
            (lambda i: i.remove("logs-bucket-policy"), "logs-bucket"),
            (lambda i: _statements(i, "logs-bucket-policy", lambda st: st[0]["Condition"]["Bool"].__setitem__(
                "aws:SecureTransport", "true")), "logs-bucket"),
            (lambda i: _statements(i, "logs-bucket-policy", lambda st: st[0].__setitem__("Effect", "Allow")),
             "logs-bucket"),
        ]),
        ("aws-s3-bucket-lifecycle", [
            (lambda i: i.remove("logs-bucket-lifecycle"), "logs-bucket"),
            (lambda i: i.set("logs-bucket-lifecycle", "rules.0.status", "Disabled"), "logs-bucket"),
        ]),
        # --- cognito -----------------------------------------------------------------------------
        ("aws-cognito-user-pool-deletion-protection", [
            (lambda i: i.set("user-pool", "deletionProtection", "INACTIVE"), "user-pool"),
            (lambda i: i.delete("user-pool", "deletionProtection"), "user-pool"),
        ]),
        ("aws-cognito-user-pool-admin-create-only", [
            (lambda i: i.set("user-pool", "adminCreateUserConfig.allowAdminCreateUserOnly", False), "user-pool"),
            (lambda i: i.delete("user-pool", "adminCreateUserConfig"), "user-pool"),
        ]),
        ("aws-cognito-client-no-implicit-flow", [
            (lambda i: i.set("client", "allowedOauthFlows", ["implicit"]), "client"),
            (lambda i: i.set("client", "allowedOauthFlows", ["code", "implicit"]), "client"),
        ]),
        ("aws-cognito-client-people-public-code-only", [
            (lambda i: i.set("people-client", "generateSecret", True), "people-client"),
            (lambda i: i.set("people-client", "allowedOauthFlows", ["code", "client_credentials"]), "people-client"),
        ]),
        ("aws-cognito-client-no-self-service-scope", [
            (lambda i: i.inputs("people-client")["allowedOauthScopes"].append("aws.cognito.signin.user.admin"),
             "people-client"),
            (lambda i: i.set("client", "allowedOauthScopes", ["aws.cognito.signin.user.admin"]), "client"),
        ]),
        ("aws-cognito-client-https-redirects", [
            (lambda i: i.set("people-client", "callbackUrls", ["http://app.example.com/callback"]), "people-client"),
            (lambda i: i.set("people-client", "callbackUrls", ["http://localhost.example.com/cb"]), "people-client"),
            (lambda i: i.set("people-client", "logoutUrls", ["myapp://signed-out"]), "people-client"),
        ]),
        ("aws-cognito-trigger-permission-pool-scoped", [
            (lambda i: i.remove("trigger-permission"), "user-pool"),
            (lambda i: i.set_deps("trigger-permission", "sourceArn", []), "trigger-permission"),
            (lambda i: (i.delete("trigger-permission", "sourceArn"), i.set_deps("trigger-permission", "sourceArn", [])),
             "trigger-permission"),
            (lambda i: i.set_deps("trigger-permission", "function", []), "user-pool"),
        ]),
        # --- iam ---------------------------------------------------------------------------------
        ("aws-iam-policy-no-wildcard-action", [
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__("Action", "*")), "task-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__("Action", ["s3:*"])), "task-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__("NotAction", "iam:*")), "task-policy"),
            (lambda i: i.set("ci-role", "inlinePolicies.0.policy", doc({"Effect": "Allow", "Action": "dynamodb:*",
                                                                         "Resource": "arn:aws:dynamodb:::table/t"})),
             "ci-role"),
            (lambda i: _statements(i, "teams-policy", lambda st: st[0].__setitem__("Action", "*")), "teams-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__("Action", "S3:*")), "task-policy"),
        ]),
        ("aws-iam-policy-wildcard-resource-allowlist", [
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__("Resource", "*")), "task-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: st[2].pop("Condition")), "task-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: (st[0].pop("Resource"),
                                                                 st[0].__setitem__("NotResource", "arn:x"))),
             "task-policy"),
            (lambda i: _statements(i, "task-policy", lambda st: st[1].__setitem__("Action", "xray:Put*")),
             "task-policy"),
            (lambda i: i.set("ci-role", "inlinePolicies.0.policy", doc({"Effect": "Allow", "Action": "s3:GetObject",
                                                                         "Resource": "*"})), "ci-role"),
        ]),
        ("aws-iam-policy-wildcard-only-action-scoped", [
            (lambda i: _statements(i, "task-policy", lambda st: st[0].__setitem__(
                "Action", ["bedrock:InvokeModel", "bedrock:ListFoundationModels"])), "task-policy"),
            (lambda i: i.set("ci-role", "inlinePolicies.0.policy", doc({
                "Effect": "Allow", "Action": "logs:DescribeLogGroups",
                "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/x"})), "ci-role"),
        ]),
        ("aws-iam-role-trust-restricted", [
            (lambda i: _statements(i, "task-role", lambda st: (st[0].__setitem__("Principal", "*"),
                                                               st[0].pop("Condition")), "assumeRolePolicy"),
             "task-role"),
            (lambda i: _statements(i, "task-role", lambda st: (st[0].__setitem__("Principal", {"AWS": "*"}),
                                                               st[0].pop("Condition")), "assumeRolePolicy"),
             "task-role"),
        ]),
        ("aws-iam-role-federated-trust-conditioned", [
            (_trust("ci-role", lambda st: st[0]["Condition"].pop("StringLike")), "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"]["StringEquals"].pop(f"{GH}:aud")), "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"]["StringLike"].__setitem__(f"{GH}:sub", "repo:org/*")),
             "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"]["StringLike"].__setitem__(f"{GH}:sub", "*")), "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"]["StringEquals"].__setitem__(
                f"{GH}:aud", "https://github.com/org")), "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"].__setitem__(
                "StringNotLike", st[0]["Condition"].pop("StringLike"))), "ci-role"),
            (_trust("ci-role", lambda st: st[0]["Condition"].__setitem__(
                "ForAllValues:StringLike", st[0]["Condition"].pop("StringLike"))), "ci-role"),
            (lambda i: i.add("aws:iam/role:Role", "saml-role", {"assumeRolePolicy": doc({
                "Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
                "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/corp"}})}), "saml-role"),
            (lambda i: i.add("aws:iam/role:Role", "google-role", {"assumeRolePolicy": doc({
                "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": "accounts.google.com"},
                "Condition": {"StringEquals": {"accounts.google.com:aud": "client-id"}}})}), "google-role"),
        ]),
        ("aws-iam-no-broad-managed-policy", [
            (lambda i: i.set("execution-managed", "policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
             "execution-managed"),
            (lambda i: i.set("execution-managed", "policyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
             "execution-managed"),
            (lambda i: i.set("task-role", "managedPolicyArns", ["arn:aws:iam::aws:policy/PowerUserAccess"]),
             "task-role"),
            (lambda i: i.set("execution-managed", "policyArn", "arn:aws-us-gov:iam::aws:policy/IAMFullAccess"),
             "execution-managed"),
        ]),
        ("aws-iam-no-static-credentials", [
            (lambda i: i.add("aws:iam/user:User", "deployer", {"name": "deployer"}), "deployer"),
            (lambda i: i.add("aws:iam/accessKey:AccessKey", "deployer-key", {"user": "deployer"}), "deployer-key"),
        ]),
        ("aws-resource-policy-no-public-principal", [
            (lambda i: _statements(i, "logs-key", lambda st: st.append(dict(PUBLIC_STATEMENT))), "logs-key"),
            (lambda i: _statements(i, "logs-bucket-policy", lambda st: st.append(
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*"})),
             "logs-bucket-policy"),
            (lambda i: i.delete("fn-permission", "sourceArn") or i.set("fn-permission", "principal", "*"),
             "fn-permission"),
            (lambda i: i.set("alarms", "policy", doc({"Effect": "Allow", "Principal": {"AWS": ["*"]},
                                                       "Action": "sns:Publish", "Resource": "*"})), "alarms"),
            (lambda i: i.add("aws:secretsmanager/secretPolicy:SecretPolicy", "openai-key-policy", {
                "secretArn": "arn", "policy": doc(dict(PUBLIC_STATEMENT, Action="secretsmanager:GetSecretValue"))}),
             "openai-key-policy"),
        ]),
        # --- serverless --------------------------------------------------------------------------
        ("aws-dynamodb-table-pitr", [
            (lambda i: i.set("table", "pointInTimeRecovery.enabled", False), "table"),
            (lambda i: i.delete("table", "pointInTimeRecovery"), "table"),
        ]),
        ("aws-dynamodb-table-cmk", [
            (lambda i: i.set("table", "serverSideEncryption.enabled", False), "table"),
            (lambda i: i.delete("table", "serverSideEncryption.kmsKeyArn"), "table"),
            (lambda i: i.delete("table", "serverSideEncryption"), "table"),
        ]),
        ("aws-dynamodb-table-deletion-protection", [
            (lambda i: i.set("table", "deletionProtectionEnabled", False), "table"),
        ]),
        ("aws-lambda-function-tracing", [
            (lambda i: i.set("fn", "tracingConfig.mode", "PassThrough"), "fn"),
            (lambda i: i.delete("fn", "tracingConfig"), "fn"),
        ]),
        ("aws-lambda-function-concurrency-or-dlq", [
            (lambda i: i.delete("fn", "reservedConcurrentExecutions"), "fn"),
            (lambda i: i.set("fn", "reservedConcurrentExecutions", 0.0), "fn"),
        ]),
        ("aws-lambda-function-no-plaintext-secrets", [
            (lambda i: i.set("fn", "environment.variables.ADMIN_TOKEN", "abc"), "fn"),
            (lambda i: i.set("fn", "environment.variables.UPSTREAM", "AIza" + "x" * 35), "fn"),
        ]),
        ("aws-lambda-function-url-auth", [
            (lambda i: i.set("fn-url", "authorizationType", "NONE"), "fn-url"),
            (lambda i: i.delete("fn-url", "authorizationType"), "fn-url"),
        ]),
        ("aws-lambda-permission-service-scoped", [
            (lambda i: i.delete("fn-permission", "sourceArn"), "fn-permission"),
            (lambda i: (i.delete("fn-permission", "sourceArn"), i.set("fn-permission", "principal",
                                                                      "appconfig.amazonaws.com")), "fn-permission"),
        ]),
        ("aws-appconfig-profile-validated", [
            (lambda i: i.delete("config-profile", "validators"), "config-profile"),
            (lambda i: i.set("config-profile", "validators", []), "config-profile"),
            (lambda i: i.set("config-profile", "validators", [{"type": "LAMBDA"}]), "config-profile"),
        ]),
        ("aws-appconfig-environment-monitored", [
            (lambda i: i.delete("config-environment", "monitors"), "config-environment"),
            (lambda i: i.set("config-environment", "monitors", []), "config-environment"),
        ]),
        ("aws-ecs-task-config-from-watched-file", [
            (lambda i: _containers(i, lambda cs: cs[0].__setitem__("command", ["-c", "{}"])), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].pop("command")), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].__setitem__("command", ["-f", "/elsewhere.json"])), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].pop("dependsOn")), "task"),
            (lambda i: _containers(i, lambda cs: cs[0].__setitem__(
                "dependsOn", [{"containerName": "config-agent", "condition": "START"}])), "task"),
        ]),
        ("aws-appconfig-reader-scoped", [
            (lambda i: _statement(i, "task-policy", "ReadLiveConfiguration", "Resource",
                                  ["arn:aws:appconfig:us-east-1:123456789012:application/*"]), "task-policy"),
            (lambda i: _statement(i, "task-policy", "ReadLiveConfiguration", "Resource", [
                "arn:aws:appconfig:us-east-1:123456789012:application/app1/environment/env1/configuration/prof1",
                "arn:aws:appconfig:us-east-1:123456789012:application/app2/environment/env2/configuration/prof2"]),
             "task-policy"),
            (lambda i: i.set_deps("task-policy", "policy", ["openai-key", "logs-key"]), "task-policy"),
        ]),
        # --- audit log -----------------------------------------------------------------------------
        ("aws-s3-audit-bucket-versioned", [
            (lambda i: i.remove("audit-versioning"), "audit-bucket"),
            (lambda i: i.set("audit-versioning", "versioningConfiguration.status", "Suspended"), "audit-bucket"),
        ]),
        ("aws-s3-audit-bucket-kms", [
            (lambda i: i.set("audit-sse", "rules.0.applyServerSideEncryptionByDefault",
                             {"sseAlgorithm": "AES256"}), "audit-bucket"),
            (lambda i: i.delete("audit-sse", "rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId"),
             "audit-bucket"),
            (lambda i: i.remove("audit-sse"), "audit-bucket"),
        ]),
        ("aws-s3-audit-bucket-object-lock", [
            (lambda i: i.delete("audit-bucket", "objectLockEnabled"), "audit-bucket"),
            (lambda i: i.remove("audit-lock"), "audit-bucket"),
        ]),
        ("aws-firehose-stream-encrypted", [
            (lambda i: i.delete("audit-stream", "serverSideEncryption"), "audit-stream"),
            (lambda i: i.set("audit-stream", "serverSideEncryption.keyType", "AWS_OWNED_CMK"), "audit-stream"),
            (lambda i: i.delete("audit-stream", "extendedS3Configuration.kmsKeyArn"), "audit-stream"),
        ]),
        ("aws-athena-workgroup-enforced-encrypted", [
            (lambda i: i.set("audit-workgroup", "configuration.enforceWorkgroupConfiguration", False), "audit-workgroup"),
            (lambda i: i.delete("audit-workgroup", "configuration.resultConfiguration.encryptionConfiguration"),
             "audit-workgroup"),
            (lambda i: i.set("audit-workgroup", "configuration.resultConfiguration.encryptionConfiguration",
                             {"encryptionOption": "SSE_S3"}), "audit-workgroup"),
            (lambda i: i.delete("audit-workgroup", "configuration.resultConfiguration.outputLocation"),
             "audit-workgroup"),
        ]),
        ("aws-audit-no-prompt-bodies", [
            (lambda i: i.inputs("audit-table")["storageDescriptor"]["columns"].append(
                {"name": "prompt", "type": "array<struct<role:string,content:string>>"}), "audit-table"),
            (lambda i: i.set("publish", "input", json.dumps({"base": {"logBodies": True}, "overlay": {}})), "publish"),
        ]),
        ("aws-apigateway-route-authorized", [
            (lambda i: i.set("http-route", "authorizationType", "NONE"), "http-route"),
            (lambda i: i.delete("http-route", "authorizationType"), "http-route"),
        ]),
        ("aws-apigateway-method-cognito-scoped", [
            (lambda i: i.set("api-method", "authorization", "NONE"), "api-method"),
            (lambda i: i.delete("api-method", "authorization"), "api-method"),
            (lambda i: i.set("api-method", "authorization", "AWS_IAM"), "api-method"),
            (lambda i: i.set("api-method", "authorizationScopes", []), "api-method"),
            (lambda i: i.delete("api-method", "authorizationScopes"), "api-method"),
            (lambda i: i.set_deps("api-method", "authorizerId", []), "api-method"),
            (lambda i: i.set("api-authorizer", "type", "TOKEN"), "api-method"),
            (lambda i: i.set_deps("api-authorizer", "providerArns", []), "api-method"),
            # Public is a path, not a verb: the same method on another path is not exempt.
            (lambda i: i.set("api-health-resource", "pathPart", "status"), "api-health"),
            (lambda i: i.set("api-health", "httpMethod", "POST"), "api-health"),
            # A method whose resource chain leads nowhere has no path, so nothing exempts it.
            (lambda i: i.set_deps("api-health", "resourceId", []), "api-health"),
        ]),
        ("aws-apigateway-stage-access-logs", [
            (lambda i: i.delete("api-stage", "accessLogSettings"), "api-stage"),
            (lambda i: i.delete("api-stage", "accessLogSettings.format"), "api-stage"),
            (lambda i: i.set("api-stage", "accessLogSettings.destinationArn", ""), "api-stage"),
        ]),
        ("aws-apigateway-stage-xray", [
            (lambda i: i.set("api-stage", "xrayTracingEnabled", False), "api-stage"),
            (lambda i: i.delete("api-stage", "xrayTracingEnabled"), "api-stage"),
        ]),
        ("aws-apigateway-stage-throttled", [
            (lambda i: i.remove("api-throttling"), "api-stage"),
            (lambda i: i.set("api-throttling", "settings.throttlingRateLimit", 0.0), "api-stage"),
            (lambda i: i.delete("api-throttling", "settings.throttlingBurstLimit"), "api-stage"),
            (lambda i: i.set("api-throttling", "methodPath", "teams/GET"), "api-stage"),
            (lambda i: i.set_deps("api-throttling", "stageName", []), "api-stage"),
        ]),
        ("aws-apigateway-stage-waf", [
            (lambda i: i.remove("api-waf-association"), "api-stage"),
            (lambda i: i.set_deps("api-waf-association", "resourceArn", ["alb"]), "api-stage"),
        ]),
        ("aws-elasticache-encrypted", [
            (lambda i: i.delete("cache", "kmsKeyId"), "cache"),
            (lambda i: i.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache-nodes",
                             {"kmsKeyId": "arn:k", "atRestEncryptionEnabled": True, "transitEncryptionEnabled": False}),
             "cache-nodes"),
            (lambda i: i.add("aws:elasticache/replicationGroup:ReplicationGroup", "cache-nodes",
                             {"kmsKeyId": "arn:k", "transitEncryptionEnabled": True}), "cache-nodes"),
        ]),
        ("aws-elasticache-only-from-rate-limit-service", [
            (_add_sg_rule(INGRESS, "cache-from-vpc", ingress_rule_inputs(6379, cidr="10.0.0.0/16"), "cache-sg"),
             "cache-from-vpc"),
            (lambda i: i.inputs("cache-sg").__setitem__("ingress", [{"fromPort": 6379, "toPort": 6379,
                                                                    "protocol": "tcp", "cidrBlocks": ["10.0.0.0/8"]}]),
             "cache-sg"),
            (lambda i: i.set_deps("cache-from-tasks", "referencedSecurityGroupId", ["alb-sg"]), "cache-from-tasks"),
            (lambda i: i.set_deps("cache", "securityGroupIds", []), "cache"),
            (lambda i: i.set_deps("service", "networkConfiguration", ["alb-sg"]), "cache-from-tasks"),
        ]),
        ("aws-ecs-rate-limit-service-hardened", [
            (lambda i: _containers(i, lambda cs: cs[-1].pop("user")), "task"),
            (lambda i: _containers(i, lambda cs: cs[-1].__setitem__("user", "0:0")), "task"),
            (lambda i: _containers(i, lambda cs: cs[-1].__setitem__("readonlyRootFilesystem", False)), "task"),
            (lambda i: _containers(i, lambda cs: cs[-1]["environment"].pop()), "task"),
        ]),
        ("aws-apigateway-permission-api-scoped", [
            (lambda i: i.set_deps("fn-permission", "sourceArn", []), "fn-permission"),
            (lambda i: i.set("fn-permission", "sourceArn", "arn:aws:execute-api:us-east-1:123456789012:*/*"),
             "fn-permission"),
            (lambda i: i.set("fn-permission", "sourceArn", "arn:aws:execute-api:us-east-1:*:api/*"), "fn-permission"),
        ]),
    ]


CASES: list[Case] = [
    Case(policy, str(number), mutate, blame)
    for policy, mutations in _cases()
    for number, (mutate, blame) in enumerate(mutations, start=1)
]
