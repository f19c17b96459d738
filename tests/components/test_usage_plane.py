"""Usage, budgets and chargeback in the synthesized stacks: what each toggle creates, the wiring
(subscription, permission, schedules, IAM from each function's declared calls) and the pack's
verdict for every combination the program runs."""

from __future__ import annotations

import json

import pytest

from components.budgets import RESET_EXPRESSION
from components.chargeback import REPORT_EXPRESSION
from components.settings import SettingsError, parse_settings
from components.usage import ACCESS_LOG_FILTER
from functions.budget_reset.permissions import CALLS as RESET_CALLS
from functions.chargeback.permissions import CALLS as CHARGEBACK_CALLS
from functions.usage_aggregator.permissions import calls as aggregator_calls
from policy import check
from tests.support import baseline, run_stack, stack_values

FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
PERMISSION = "aws:lambda/permission:Permission"
SCHEDULE = "aws:scheduler/schedule:Schedule"
GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"

BUDGETS_OFF = {"budgets": {"enabled": False}}
CHARGEBACK_OFF = {"chargeback": {"enabled": False}, "budgets": {"alertEmails": ["finops@example.com"]}}
ALL_OFF = {"usage": {"enabled": False}, "budgets": {"enabled": False}, "chargeback": {"enabled": False}}
COMBINATIONS = {"all-on": None, "budgets-off": BUDGETS_OFF, "chargeback-off": CHARGEBACK_OFF, "all-off": ALL_OFF}
"""Every combination the program runs (usage alone is checked by settings and the parts' own tests)."""


def inventory(stack: str, key: str):
    overrides = COMBINATIONS[key]
    return baseline(stack) if overrides is None else run_stack(stack, overrides)


def names(inv, type_):
    return sorted(r.inputs.get("name", r.name) for r in inv.of_type(type_))


def functions(inv):
    return {f.inputs["name"]: f for f in inv.of_type(FUNCTION)}


def role_policy(inv, resource_name):
    return json.loads(inv.one(ROLE_POLICY, resource_name).inputs["policy"])


def code_statements(document):
    return {s["Sid"]: s for s in document["Statement"] if s["Sid"] not in ("WriteOwnLogs", "ActiveTracing")}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_default_stacks_enable_usage_budgets_and_chargeback(stack):
    inv = baseline(stack)
    prefix = f"ai-gateway-{stack}"
    assert {f"{prefix}-usage-aggregator", f"{prefix}-budget-reset", f"{prefix}-chargeback"} <= set(functions(inv))
    assert names(inv, TABLE) == [f"{prefix}-control", f"{prefix}-usage"]
    assert f"{prefix}-usage-notices" in names(inv, TOPIC)
    assert names(inv, GROUP) == [f"{prefix}-budgets", f"{prefix}-chargeback"]
    assert inv.outputs["usageTable"] == f"{prefix}-usage"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_tables_are_encrypted_recoverable_and_protected_in_prod(stack):
    inv = baseline(stack)
    for table in inv.of_type(TABLE):
        i = table.inputs
        assert (i["hashKey"], i["rangeKey"], i["billingMode"]) == ("pk", "sk", "PAY_PER_REQUEST")
        assert i["ttl"] == {"attributeName": "ttl", "enabled": True}
        assert i["pointInTimeRecovery"]["enabled"] is True and i["serverSideEncryption"]["enabled"] is True
        assert i["serverSideEncryption"]["kmsKeyArn"]
        assert i["deletionProtectionEnabled"] is (stack == "prod") and table.protect is (stack == "prod")


def test_the_subscription_filter_sends_only_access_logs_to_the_aggregator_of_this_log_group():
    inv = baseline("dev")
    sub = inv.one(FILTER, "usage-subscription")
    assert sub.inputs["logGroup"] == "/ai-gateway/dev/gateway"
    assert sub.inputs["filterPattern"] == ACCESS_LOG_FILTER
    assert sub.inputs["name"] == "ai-gateway-dev-usage"
    permission = inv.one(PERMISSION, "usage-logs-permission")
    assert permission.inputs["principal"] == "logs.amazonaws.com"
    assert permission.inputs["sourceArn"].endswith(":log-group:/ai-gateway/dev/gateway:*")
    assert permission.inputs["sourceAccount"]
    assert permission.urn in sub.dependencies
    aggregator = functions(inv)["ai-gateway-dev-usage-aggregator"]
    assert aggregator.inputs["reservedConcurrentExecutions"] == 2
    assert aggregator.inputs["architectures"] == ["arm64"] and aggregator.inputs["runtime"] == "python3.13"
    env = aggregator.inputs["environment"]["variables"]
    assert env["BUDGETS_ENABLED"] == "true" and env["DEFAULT_THRESHOLDS"] == "50,80,100"
    assert env["PUBLISHER_FUNCTION"] == "ai-gateway-dev-publisher"
    assert "POWERTOOLS_SERVICE_NAME" not in env  # it would add a second dimension to the team metrics


@pytest.mark.parametrize(("resource", "calls"), [
    ("usage-aggregator-policy", aggregator_calls(True)),
    ("budgets-reset-policy", RESET_CALLS),
    ("chargeback-function-policy", CHARGEBACK_CALLS),
])
def test_each_functions_role_grants_exactly_its_declared_calls(resource, calls):
    statements = code_statements(role_policy(baseline("dev"), resource))
    granted = {sid: set([s["Action"]] if isinstance(s["Action"], str) else s["Action"]) for sid, s in statements.items()}
    expected = {"Call" + "".join(p.capitalize() for p in role.split("_")): set(actions) for role, actions in calls.items()}
    assert granted == expected
    for s in statements.values():
        assert s["Resource"] and "*" not in "".join(s["Resource"]).replace("/chargeback/*", "")


def test_without_budgets_the_aggregator_may_not_touch_the_control_table_or_the_publisher():
    inv = run_stack("dev", BUDGETS_OFF)
    statements = code_statements(role_policy(inv, "usage-aggregator-policy"))
    assert set(statements) == {"CallUsageTable", "CallDataKey"}
    assert statements["CallUsageTable"]["Action"] == ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    env = functions(inv)["ai-gateway-dev-usage-aggregator"].inputs["environment"]["variables"]
    assert env["BUDGETS_ENABLED"] == "false" and "CONTROL_TABLE" not in env


def test_schedules_run_monthly_in_utc_with_a_role_that_invokes_only_their_function():
    inv = baseline("dev")
    schedules = {s.inputs["name"].removeprefix("ai-gateway-dev-"): s for s in inv.of_type(SCHEDULE)}
    assert {s.inputs["groupName"] for s in inv.of_type(SCHEDULE)} == {"ai-gateway-dev-budgets", "ai-gateway-dev-chargeback"}
    assert schedules["budget-reset"].inputs["scheduleExpression"] == RESET_EXPRESSION == "cron(0 0 1 * ? *)"
    assert schedules["chargeback"].inputs["scheduleExpression"] == REPORT_EXPRESSION
    for name, schedule in schedules.items():
        assert schedule.inputs["scheduleExpressionTimezone"] == "UTC"
        assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
        target = schedule.inputs["target"]
        assert target["retryPolicy"]["maximumRetryAttempts"] == 3
        document = role_policy(inv, f"{'budgets-reset' if name == 'budget-reset' else 'chargeback'}-schedule-policy")
        (statement,) = document["Statement"]
        assert statement["Action"] == "lambda:InvokeFunction" and statement["Resource"] == [target["arn"]]
        assert target["arn"].endswith(f"function:ai-gateway-dev-{name}")
    trust = json.loads(inv.one(ROLE, "budgets-reset-schedule-role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Statement"][0]["Condition"]["StringEquals"]


def test_the_reports_bucket_is_versioned_kms_encrypted_tls_only_private_and_expires():
    inv = baseline("prod")
    bucket = inv.one(BUCKET, "chargeback-reports")
    assert bucket.inputs["bucket"].startswith("ai-gateway-prod-reports-") and bucket.protect
    assert inv.one("aws:s3/bucketVersioning:BucketVersioning", "chargeback-reports-versioning").inputs[
        "versioningConfiguration"]["status"] == "Enabled"
    sse = inv.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                  "chargeback-reports-encryption").inputs["rules"][0]
    assert sse["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms" and sse["bucketKeyEnabled"]
    block = inv.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "chargeback-reports-public-access")
    assert all(block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                         "restrictPublicBuckets"))
    policy = json.loads(inv.one("aws:s3/bucketPolicy:BucketPolicy", "chargeback-reports-policy").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    rule = inv.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                   "chargeback-reports-lifecycle").inputs["rules"][0]
    assert rule["expiration"]["days"] == 730 and rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30


def test_alarms_on_unknown_traffic_and_aggregator_errors_and_team_charts_on_the_dashboard():
    inv = baseline("dev")
    unknown = inv.one(ALARM, "usage-unknown-team-traffic").inputs
    assert (unknown["metricName"], unknown["dimensions"]) == ("TeamRequests", {"team": "unknown"})
    assert unknown["namespace"] == "AIGateway" and unknown["alarmActions"]
    errors = inv.one(ALARM, "usage-aggregator-errors").inputs
    assert errors["dimensions"] == {"FunctionName": "ai-gateway-dev-usage-aggregator"}
    body = inv.one(DASHBOARD).inputs["dashboardBody"]
    for metric in ("TeamTokens", "TeamCostUsd", "TeamRequests"):
        assert f"SEARCH('{{AIGateway,team}} MetricName=\\\"{metric}\\\"'" in body


def test_alert_and_report_emails_subscribe_to_their_own_kind_of_notice():
    inv = run_stack("dev", CHARGEBACK_OFF)
    (sub,) = inv.of_type(SUBSCRIPTION)
    assert (sub.inputs["protocol"], sub.inputs["endpoint"]) == ("email", "finops@example.com")
    assert json.loads(sub.inputs["filterPolicy"]) == {"kind": ["budget-alert"]}
    assert sub.inputs["filterPolicyScope"] == "MessageAttributes"
    assert "ai-gateway-dev-chargeback" not in functions(inv)
    assert not [b for b in inv.of_type(BUCKET) if "reports" in b.inputs["bucket"]]


@pytest.mark.parametrize("key", list(COMBINATIONS))
def test_every_combination_synthesizes_and_passes_the_pack(key):
    inv = inventory("dev", key)
    doc = inv.to_json()
    mandatory = [v for v in check.evaluate(doc, check.load_config("dev")) if v["enforcement"] == "mandatory"]
    assert mandatory == []
    present = set(functions(inv))
    overrides = COMBINATIONS[key] or {}
    on = {f: (overrides.get(f, {}) or {}).get("enabled", True) for f in ("usage", "budgets", "chargeback")}
    assert ("ai-gateway-dev-usage-aggregator" in present) is on["usage"]
    assert ("ai-gateway-dev-budget-reset" in present) is on["budgets"]
    assert ("ai-gateway-dev-chargeback" in present) is on["chargeback"]
    # The tables stay with the admin API (on in dev); the aggregator's subscription follows usage.
    assert bool(inv.of_type(TABLE)) and any(r.name == "usage-subscription" for r in inv.of_type(FILTER)) is on["usage"]
    assert (names(inv, TOPIC).count("ai-gateway-dev-usage-notices") == 1) is (on["budgets"] or on["chargeback"])
    for row in inv.of_type(ROLE_POLICY):
        for statement in json.loads(row.inputs["policy"])["Statement"]:
            assert statement["Resource"], f"{row.name}: empty resource list"


@pytest.mark.parametrize(("overrides", "key"), [
    ({"usage": {"enabled": False}}, "ai-gateway:budgets.enabled"),
    ({"usage": {"enabled": False}, "budgets": {"enabled": False}}, "ai-gateway:chargeback.enabled"),
    ({"budgets": {"enabled": False, "alertEmails": ["a@example.com"]}}, "ai-gateway:budgets.alertEmails"),
    ({"chargeback": {"enabled": False, "reportEmails": ["a@example.com"]}}, "ai-gateway:chargeback.reportEmails"),
    ({"budgets": {"defaultThresholds": [50, 50]}}, "ai-gateway:budgets.defaultThresholds"),
    ({"budgets": {"alertEmails": ["not-an-address"]}}, "ai-gateway:budgets.alertEmails.0"),
    ({"chargeback": {"retentionDays": 30}}, "ai-gateway:chargeback.retentionDays"),
    ({"usage": {"reservedConcurrency": 0}}, "ai-gateway:usage.reservedConcurrency"),
])
def test_invalid_usage_settings_name_the_key(overrides, key):
    values, secret = stack_values("dev", overrides)
    with pytest.raises(SettingsError) as error:
        parse_settings(values, secret)
    assert str(error.value).startswith(f"{key}: ") and "\n" not in str(error.value)
    if key.endswith(("budgets.enabled", "chargeback.enabled")):
        assert "usage.enabled" in str(error.value)


def test_usage_alone_is_a_valid_stack():
    values, secret = stack_values("dev", {"budgets": {"enabled": False}, "chargeback": {"enabled": False}})
    settings = parse_settings(values, secret).settings
    assert settings.usage.enabled and not settings.budgets.enabled and not settings.chargeback.enabled
