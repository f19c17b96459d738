"""Per-stack policy config files: levels and properties as the CLI would reconcile them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.settings.environments import ENVIRONMENTS, policy_config_path, profile
from policy.check import CONFIG_DIR, PolicyConfigError, evaluate, load_config, resolve_config
from policy.rules import ALL_POLICIES
from pulumi_policy import EnforcementLevel

from .policy_fixtures import compliant_stack

DEV_ADVISORY = {
    "aws-ec2-sg-egress-https-only", "aws-lb-deletion-protection", "aws-lb-access-logs", "aws-lb-waf-associated",
    "aws-lb-listener-http-redirect", "aws-ecs-service-no-exec", "aws-cognito-user-pool-deletion-protection",
    "aws-dynamodb-table-deletion-protection", "aws-apigateway-stage-waf",
    "aws-dynamodb-table-deletion-protection", "aws-s3-audit-bucket-object-lock", "aws-audit-no-prompt-bodies",
}
STAGING_ADVISORY = {
    "aws-ec2-sg-egress-https-only", "aws-lb-deletion-protection", "aws-cognito-user-pool-deletion-protection",
    "aws-dynamodb-table-deletion-protection", "aws-s3-audit-bucket-object-lock", "aws-audit-no-prompt-bodies",
}
PROD_ADVISORY = {"aws-ec2-sg-egress-https-only"}
PROFILE_FLAGS = {
    # policy -> the environment profile flag that makes it mandatory (settings refuse the weakening)
    "aws-lb-waf-associated": "waf_required",
    "aws-apigateway-stage-waf": "waf_required",
    "aws-lb-access-logs": "access_logs_required",
    "aws-lb-deletion-protection": "deletion_protection_required",
    "aws-cognito-user-pool-deletion-protection": "deletion_protection_required",
    "aws-dynamodb-table-deletion-protection": "deletion_protection_required",
    "aws-s3-audit-bucket-object-lock": "audit_lock_required",
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def levels(stack: str) -> dict[str, str]:
    return {name: r.level.value for name, r in resolve_config(load_config(stack)).items()}


@pytest.mark.parametrize("stack, advisory", [("prod", PROD_ADVISORY), ("staging", STAGING_ADVISORY),
                                            ("dev", DEV_ADVISORY)])
def test_stack_levels(stack: str, advisory: set[str]) -> None:
    resolved = levels(stack)
    assert set(resolved) == {p.name for p in ALL_POLICIES}
    assert {n for n, level in resolved.items() if level == "advisory"} == advisory
    assert {n for n, level in resolved.items() if level != "advisory"} == set(resolved) - advisory
    assert set(resolved.values()) <= {"advisory", "mandatory"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_levels_follow_the_environment_profile(environment: str) -> None:
    """What settings refuse in an environment is mandatory there, and what they allow is not."""
    p = profile(environment)
    resolved = resolve_config(load_config(environment))
    for policy, flag in PROFILE_FLAGS.items():
        assert (resolved[policy].level == EnforcementLevel.MANDATORY) == getattr(p, flag), (policy, environment)
    redirect = resolved["aws-lb-listener-http-redirect"].level
    assert (redirect == EnforcementLevel.MANDATORY) == (not p.plain_http_allowed)
    assert (resolved["aws-ecs-service-no-exec"].level == EnforcementLevel.MANDATORY) == (not p.ecs_exec_allowed)
    assert (resolved["aws-audit-no-prompt-bodies"].level == EnforcementLevel.MANDATORY) == (not p.audit_bodies_allowed)
    retention = resolved["aws-cloudwatch-log-group-retention"]
    assert retention.level == EnforcementLevel.MANDATORY
    assert retention.properties == {"minimumDays": float(p.min_log_retention_days)}
    assert policy_config_path(environment) == f"policy/config/{environment}.json"


def test_retention_minimum_per_stack() -> None:
    assert resolve_config(load_config("prod"))["aws-cloudwatch-log-group-retention"].properties == {"minimumDays": 365.0}
    assert resolve_config(load_config("dev"))["aws-cloudwatch-log-group-retention"].properties == {"minimumDays": 30.0}
    assert resolve_config({})["aws-cloudwatch-log-group-retention"].properties == {"minimumDays": 365.0}


def test_stack_config_is_picked_from_the_inventory() -> None:
    dev, prod = compliant_stack("dev"), compliant_stack("prod")
    for inv in (dev, prod):
        inv.set("alb", "enableDeletionProtection", False)
        inv.set("gateway-logs", "retentionInDays", 90)
    dev_found = {(v["policy"], v["enforcement"]) for v in evaluate(dev.doc)}
    prod_found = {(v["policy"], v["enforcement"]) for v in evaluate(prod.doc)}
    assert dev_found == {("aws-lb-deletion-protection", "advisory")}
    assert prod_found == {("aws-lb-deletion-protection", "mandatory"), ("aws-cloudwatch-log-group-retention", "mandatory")}


def test_stack_without_config_uses_pack_defaults() -> None:
    assert load_config("no-such-environment") == {}
    assert load_config("../config/prod") == {}
    levels_ = {n: r.level for n, r in resolve_config({}).items()}
    assert levels_["aws-ec2-sg-egress-https-only"] == EnforcementLevel.ADVISORY
    assert levels_["aws-lb-deletion-protection"] == EnforcementLevel.MANDATORY


def test_disabled_policies_are_skipped_and_remediate_counts_as_mandatory() -> None:
    inv = compliant_stack()
    inv.set("alb", "enableDeletionProtection", False)
    assert evaluate(inv.doc, {"aws-lb-deletion-protection": "disabled"}) == []
    assert [v["enforcement"] for v in evaluate(inv.doc, {"aws-lb-deletion-protection": "remediate"})] == ["mandatory"]


def test_per_policy_level_overrides_all() -> None:
    resolved = resolve_config({"all": "advisory", "aws-kms-key-rotation": {"enforcementLevel": "mandatory"}})
    assert resolved["aws-kms-key-rotation"].level == EnforcementLevel.MANDATORY
    assert resolved["aws-lb-deletion-protection"].level == EnforcementLevel.ADVISORY


@pytest.mark.parametrize("config, message", [
    ({"aws-lb-deletoin-protection": "advisory"}, "unknown policy 'aws-lb-deletoin-protection'"),
    ({"aws-lb-deletion-protection": "blocking"}, "is not an enforcement level"),
    ({"aws-cloudwatch-log-group-retention": {"minimumDays": "a year"}}, "minimumDays"),
    ({"aws-cloudwatch-log-group-retention": {"minimumDays": 0}}, "minimumDays"),
    ({"aws-lb-deletion-protection": {"foo": 1}}, "takes no configuration"),
    ({"aws-lb-deletion-protection": 3}, "must be an enforcement level or an object"),
])
def test_invalid_config_is_rejected(config: dict, message: str) -> None:
    with pytest.raises(PolicyConfigError, match=message):
        resolve_config(config)


def test_config_files_are_valid_json_objects_naming_real_policies() -> None:
    files = sorted(CONFIG_DIR.glob("*.json"))
    # One per environment class, plus the bootstrap project's own.
    assert [f.stem for f in files] == sorted([*ENVIRONMENTS, "bootstrap"])
    for path in files:
        assert isinstance(json.loads(path.read_text()), dict)
        resolve_config(load_config(path.stem))  # raises on unknown ids or bad properties


def test_docs_name_every_policy_and_every_dev_exception() -> None:
    text = DOCS.read_text()
    missing = [p.name for p in ALL_POLICIES if f"`{p.name}`" not in text]
    assert not missing, f"docs/policy.md does not document {missing}"
    dev_section = text.split("## Where dev and staging differ", 1)[1].split("\n## ", 1)[0]
    assert all(f"`{name}`" in dev_section for name in DEV_ADVISORY - PROD_ADVISORY)


def test_the_readme_counts_the_policies_there_are() -> None:
    readme = (DOCS.parents[1] / "README.md").read_text()
    assert f"CrossGuard pack ({len(ALL_POLICIES)} policies:" in readme


def test_docs_tables_state_the_real_severity_and_levels() -> None:
    severity = {p.name: p.severity.value for p in ALL_POLICIES}
    dev, staging, prod = levels("dev"), levels("staging"), levels("prod")
    rows = {}
    for line in DOCS.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[0].strip("`") in severity and cells[1] in ("low", "medium", "high", "critical"):
            rows[cells[0].strip("`")] = tuple(cells[1:5])
    assert set(rows) == set(severity), f"policies without a table row: {sorted(set(severity) - set(rows))}"
    wrong = {n: row for n, row in rows.items() if row != (severity[n], dev[n], staging[n], prod[n])}
    assert not wrong, f"docs/policy.md rows disagree with the code/config: {wrong}"
