"""Per-team rate limits in the stacks: prod counts globally (cache, its rules, the sidecar), dev locally.

Both read the shared baselines (no program run of their own)."""

from __future__ import annotations

import json

import pytest

import gateway_config
from components.renderers.task_definition import RATELIMIT_CONFIG_FILE, ratelimit_config_yaml
from tests.support import baseline, container_definitions
from tools.synth import published_documents

CACHE = "aws:elasticache/serverlessCache:ServerlessCache"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def _route_policies(stack: str) -> dict:
    docs = published_documents(baseline(stack))
    config = gateway_config.render(docs["base"], docs["overlay"]).config
    return config["binds"][0]["listeners"][0]["routes"][0]["policies"]


def test_prod_holds_the_encrypted_cache_in_private_subnets_reachable_only_from_the_tasks():
    inv = baseline("prod")
    cache = inv.one(CACHE)
    assert cache.inputs["engine"] == "valkey" and cache.inputs["majorEngineVersion"] == "8"
    assert cache.property_dependencies["kmsKeyId"] == [inv.one("aws:kms/key:Key", "ratelimit-cache-key").urn]
    private = {s.urn for s in inv.of_type("aws:ec2/subnet:Subnet") if "private" in s.name}
    assert set(cache.property_dependencies["subnetIds"]) == private and private
    limits = cache.inputs["cacheUsageLimits"]
    assert limits["dataStorage"] == {"maximum": 1, "unit": "GB"} and limits["ecpuPerSeconds"] == [{"maximum": 5000}]
    group = inv.one(SG, "ratelimit-cache-sg")
    assert cache.property_dependencies["securityGroupIds"] == [group.urn]
    service = inv.one(SG, "service-sg")
    into = [r for r in inv.of_type(INGRESS) if r.property_dependencies["securityGroupId"] == [group.urn]]
    assert [(r.inputs["fromPort"], r.inputs["toPort"]) for r in into] == [(6379, 6379)]
    assert into[0].property_dependencies["referencedSecurityGroupId"] == [service.urn]
    assert "cidrIpv4" not in into[0].inputs
    assert not [r for r in inv.of_type(EGRESS) if r.property_dependencies["securityGroupId"] == [group.urn]]
    assert inv.outputs["rateLimitMode"] == "global"


def test_prod_task_runs_the_rate_limit_sidecar_hardened_over_tls_with_its_static_config():
    inv = baseline("prod")
    c = {d["name"]: d for d in container_definitions(inv)}
    service, init, gateway = c["ratelimit"], c["ratelimit-config"], c["gateway"]
    assert service["image"].endswith("/ai-gateway-prod-images:ratelimit-3e085e5b") == init["image"].endswith(
        "/ai-gateway-prod-images:ratelimit-3e085e5b") is True
    env = {e["name"]: e["value"] for e in service["environment"]}
    assert env["REDIS_URL"] == inv.outputs["rateLimitCacheEndpoint"] and env["REDIS_URL"].endswith(":6379")
    assert env["REDIS_TLS"] == "true" and env["REDIS_TYPE"] == "CLUSTER" and env["REDIS_PIPELINE_WINDOW"] != "0"
    assert env["GRPC_HOST"] == "127.0.0.1" and env["GRPC_PORT"] == "8081"
    assert env["LIMIT_RESET_HEADER"] == "x-ratelimit-reset" and env["LIMIT_RESPONSE_HEADERS_ENABLED"] == "true"
    assert service["user"] == "65532:65532" and service["readonlyRootFilesystem"] is True
    assert service["linuxParameters"] == {"capabilities": {"drop": ["ALL"]}}
    assert service["mountPoints"] == [{"sourceVolume": "ratelimit-data", "containerPath": "/data", "readOnly": True}]
    assert service["dependsOn"] == [{"containerName": "ratelimit-config", "condition": "SUCCESS"}]
    assert init["readonlyRootFilesystem"] is True and init["essential"] is False
    assert init["environment"] == [{"name": "RATELIMIT_CONFIG", "value": ratelimit_config_yaml("ai-gateway")}]
    assert RATELIMIT_CONFIG_FILE in init["command"][0]
    # The task's CPU and memory are shared out, not exceeded.
    parts = [d for d in c.values() if "cpu" in d]
    assert sum(d["cpu"] for d in parts) == 1024
    assert sum(d["memory"] for d in c.values()) == 2048
    assert {"containerName": "ratelimit", "condition": "START"} in gateway["dependsOn"]


def test_prod_config_holds_one_descriptor_set_keyed_by_limit_and_team_with_overrides():
    remote = _route_policies("prod")["remoteRateLimit"]
    assert remote["host"] == "127.0.0.1:8081" and remote["domain"] == "ai-gateway"
    assert remote["failureMode"] == "failOpen"
    keys = [[e["key"] for e in d["entries"]] for d in remote["descriptors"]]
    assert keys == [["limit", "team"], ["limit", "team"]]  # requests/minute and tokens/day of the tiers
    assert [d["type"] for d in remote["descriptors"]] == ["requests", "tokens"]
    for d in remote["descriptors"]:
        assert d["entries"][1]["value"] in d["limitOverride"] and "jwt.client_id" in d["entries"][1]["value"]
        assert "requestsPerUnit" in d["limitOverride"]


def test_dev_counts_locally_and_has_no_cache_or_sidecar():
    inv = baseline("dev")
    assert inv.of_type(CACHE) == [] and inv.outputs["rateLimitMode"] == "local"
    assert {d["name"] for d in container_definitions(inv)}.isdisjoint({"ratelimit", "ratelimit-config"})
    policies = _route_policies("dev")
    assert "remoteRateLimit" not in policies
    entries = policies["localRateLimit"]["conditional"]
    # One bucket per team (default, platform, data-science), all at the standard tier's 100 rpm.
    assert [e["maxTokens"] for e in entries] == [100, 100, 100]
    assert len({e["condition"] for e in entries}) == 3


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_synth_summary_says_how_limits_count(stack):
    from tools.synth import summary

    text = summary(baseline(stack), None, stack)
    line = next(l for l in text.splitlines() if l.startswith("rate limits:"))
    assert ("per task" in line and "refills" in line) if stack == "dev" else "whole fleet" in line
    assert json.dumps(baseline(stack).outputs["rateLimitMode"]) in text
