"""Observability base: the logs key and encrypted, finite-retention log groups."""

from __future__ import annotations

import json

from tests.support import baseline, run_stack


def _key_policy(inv):
    return json.loads(inv.one("aws:kms/key:Key", "logs-key").inputs["policy"])


def test_logs_key_rotates_and_admits_only_this_regions_logs_for_this_account():
    inv = baseline("prod")
    key = inv.one("aws:kms/key:Key", "logs-key")
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect is True
    statements = {s["Sid"]: s for s in _key_policy(inv)["Statement"]}
    logs = statements["CloudWatchLogsOfThisRegion"]
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*"}}
    assert "kms:*" not in json.dumps(logs)
    assert statements["AccountAdministration"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_log_groups_are_encrypted_with_retention_from_settings():
    for stack, days in (("dev", 30), ("prod", 365)):
        inv = baseline(stack)
        key_urn = inv.one("aws:kms/key:Key", "logs-key").urn
        groups = [g for g in inv.of_type("aws:cloudwatch/logGroup:LogGroup") if g.name.startswith("observability-")]
        names = {g.inputs["name"] for g in groups}
        assert {f"/ai-gateway/{stack}/gateway", f"/ai-gateway/{stack}/collector", f"/ai-gateway/{stack}/metrics",
                f"/ai-gateway/{stack}/vpc-flow-logs", f"aws-waf-logs-ai-gateway-{stack}"} == names
        for g in groups:
            assert g.property_dependencies["kmsKeyId"] == [key_urn]
            expected = 365 if g.inputs["name"].startswith("aws-waf-logs-") else days
            assert g.inputs["retentionInDays"] == expected
            assert g.protect is (stack == "prod")


def test_waf_and_flow_log_groups_follow_their_features():
    inv = run_stack("dev", {"waf": {"enabled": False}})
    names = {g.inputs["name"] for g in inv.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert "aws-waf-logs-ai-gateway-dev" not in names


def test_every_aws_resource_uses_the_tagged_explicit_provider():
    inv = baseline("prod")
    providers = inv.of_type("pulumi:providers:aws")
    assert len(providers) == 1
    tags = json.loads(providers[0].inputs["defaultTags"])["tags"]
    assert tags == {"project": "ai-gateway", "stack": "prod", "environment": "prod", "managed-by": "pulumi"}
    for r in inv.resources:
        if r.custom and r.type.startswith("aws:"):
            assert r.provider.startswith(providers[0].urn + "::"), r.urn


def test_container_insights_log_group_is_ours_encrypted_and_created_first():
    inv = baseline("prod")
    group = inv.one("aws:cloudwatch/logGroup:LogGroup", "container-insights")
    assert group.inputs["name"] == "/aws/ecs/containerinsights/ai-gateway-prod/performance"
    assert group.inputs["retentionInDays"] == 365
    assert group.property_dependencies["kmsKeyId"] == [inv.one("aws:kms/key:Key", "logs-key").urn]
    assert group.urn in inv.one("aws:ecs/cluster:Cluster").dependencies
