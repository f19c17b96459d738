"""Monitoring: alarms, dashboard and saved queries, each bound to something this stack publishes."""

from __future__ import annotations

import json
import re

import pytest

from components.renderers import aws_metrics
from components.renderers.agentgateway_config import LOG_FIELDS
from components.renderers.log_queries import QUERIES
from components.renderers.metrics_catalog import emf_metric
from functions.usage_aggregator.metrics import PUBLISHED as USAGE_METRICS
from tests.support import baseline, run_stack

STACKS = ["dev", "prod"]
GATEWAY_NAMESPACE = "AIGateway"


def _published(namespace, metric, dims, statistic=None):
    """AWS publishes it, or the collector declares it in the gateway's namespace with these dimensions."""
    if namespace != GATEWAY_NAMESPACE:
        return aws_metrics.is_published(namespace, metric, dims)
    if metric in USAGE_METRICS:  # the usage aggregator's EMF records
        return dims == frozenset(USAGE_METRICS[metric]) and statistic in (None, "Sum")
    declared = emf_metric(metric)
    return (any(frozenset(d) == dims for d in declared.dimension_sets)
            and (statistic is None or statistic in declared.statistics))


def _alarms(inv):
    return {a.inputs["name"]: a for a in inv.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}


def _alarm_metrics(alarm):
    """(namespace, metric, dimension names) of every metric an alarm reads."""
    inputs = alarm.inputs
    if "metricQueries" in inputs:
        return [(q["metric"]["namespace"], q["metric"]["metricName"], frozenset(q["metric"]["dimensions"]))
                for q in inputs["metricQueries"] if "metric" in q]
    return [(inputs["namespace"], inputs["metricName"], frozenset(inputs["dimensions"]))]


@pytest.mark.parametrize("stack", STACKS)
def test_every_alarm_watches_a_metric_something_publishes(stack):
    inv = baseline(stack)
    alarms = _alarms(inv)
    # 7 of the gateway, 2 of usage metering; prod (global rate limits) also the rate-limit service's
    assert len(alarms) == (10 if stack == "prod" else 9)
    filtered = {(f.inputs["metricTransformation"]["namespace"], f.inputs["metricTransformation"]["name"])
                for f in inv.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")}
    for alarm in alarms.values():
        for namespace, metric, dims in _alarm_metrics(alarm):
            by_filter = (namespace, metric) in filtered and not dims
            assert by_filter or _published(namespace, metric, dims, alarm.inputs.get("statistic")), (
                alarm.inputs["name"], namespace, metric, dims)


def test_rate_limit_alarm_counts_agentgateways_own_failure_line():
    from components.renderers.log_queries import RATE_LIMIT_SERVICE_FAILED

    inv = baseline("prod")
    (flt,) = inv.of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter")
    assert flt.property_dependencies["logGroupName"] == [inv.one("aws:cloudwatch/logGroup:LogGroup", "observability-gateway").urn]
    assert flt.inputs["pattern"] == '{ $.message = "ratelimit service failed*" }'
    # The words agentgateway v1.4.1 logs (http/remoteratelimit.rs: warn!("ratelimit service failed (domain: ...").
    assert RATE_LIMIT_SERVICE_FAILED == "ratelimit service failed"
    alarm = _alarms(inv)["ai-gateway-prod-rate-limit-service-errors"]
    assert alarm.inputs["metricName"] == flt.inputs["metricTransformation"]["name"] == "RateLimitServiceErrors"
    assert "go through unlimited" in alarm.inputs["alarmDescription"]
    assert baseline("dev").of_type("aws:cloudwatch/logMetricFilter:LogMetricFilter") == []


@pytest.mark.parametrize("stack", STACKS)
def test_alarm_dimensions_point_at_this_stacks_resources(stack):
    inv = baseline(stack)
    outputs = inv.outputs
    alb = inv.one("aws:lb/loadBalancer:LoadBalancer")
    tg = inv.one("aws:lb/targetGroup:TargetGroup")
    service = inv.one("aws:ecs/service:Service")
    for alarm in _alarms(inv).values():
        text = json.dumps(alarm.inputs)
        if "LoadBalancer" in text:
            assert f"app/{alb.inputs['name']}/" in text
        if "TargetGroup" in text:
            assert f"targetgroup/{tg.inputs['name']}/" in text
        if "ServiceName" in text:
            assert service.inputs["name"] in text and outputs["clusterName"] in text


def test_alarm_thresholds_and_actions_come_from_settings():
    inv = run_stack("prod", {"observability": {"logRetentionDays": 365, "alarms": {"errorRatePercent": 2.5, "p99LatencySeconds": 90},
                                               "alarmTopicArns": ["arn:aws:sns:us-east-1:123456789012:oncall"]}})
    alarms = _alarms(inv)
    assert alarms["ai-gateway-prod-5xx-rate"].inputs["threshold"] == 2.5
    assert alarms["ai-gateway-prod-p99-latency"].inputs["threshold"] == 90
    assert alarms["ai-gateway-prod-p99-latency"].inputs["extendedStatistic"] == "p99"
    assert alarms["ai-gateway-prod-running-tasks-below-minimum"].inputs["threshold"] == 2
    for alarm in alarms.values():
        assert alarm.inputs["alarmActions"] == ["arn:aws:sns:us-east-1:123456789012:oncall"]
        assert alarm.inputs["okActions"] == alarm.inputs["alarmActions"]
    assert inv.of_type("aws:sns/topic:Topic") == [inv.one("aws:sns/topic:Topic", "usage-notices-topic")]  # not alarms


def test_error_rate_alarm_is_metric_math_over_alb_counts():
    alarm = _alarms(baseline("prod"))["ai-gateway-prod-5xx-rate"]
    queries = {q["id"]: q for q in alarm.inputs["metricQueries"]}
    assert queries["result"]["expression"] == "IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)"
    assert queries["result"]["returnData"] is True
    assert {queries[i]["metric"]["metricName"] for i in ("target5xx", "elb5xx", "requests")} == {
        "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"}


@pytest.mark.parametrize("stack", STACKS)
def test_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(stack):
    inv = baseline(stack)
    topic = inv.one("aws:sns/topic:Topic", "monitoring-alarms")
    key = inv.one("aws:kms/key:Key", "alarms-key")
    assert topic.property_dependencies["kmsMasterKeyId"] == [key.urn]
    assert key.inputs["enableKeyRotation"] is True
    policy = json.loads(key.inputs["policy"])
    services = [s for s in policy["Statement"] if s.get("Principal", {}).get("Service")]
    assert services[0]["Principal"]["Service"] == "cloudwatch.amazonaws.com"
    assert services[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def _dashboard(inv):
    return json.loads(inv.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])


@pytest.mark.parametrize("stack", STACKS)
def test_every_dashboard_metric_is_published(stack):
    inv = baseline(stack)
    body = _dashboard(inv)
    namespace = GATEWAY_NAMESPACE
    seen = set()
    for widget in body["widgets"]:
        props = widget["properties"]
        for row in props.get("metrics", []):
            if isinstance(row[0], dict):  # SEARCH over the gateway's EMF namespace
                match = re.fullmatch(r"SEARCH\('\{(?P<ns>[^,}]+),(?P<dims>[^}]+)\} MetricName=\"(?P<m>[^\"]+)\"', '(?P<stat>\w+)', \d+\)",
                                     row[0]["expression"])
                assert match, row[0]["expression"]
                assert match["ns"] == namespace
                if match["m"] in USAGE_METRICS:
                    assert tuple(match["dims"].split(",")) == USAGE_METRICS[match["m"]] and match["stat"] == "Sum"
                    seen.add(match["m"])
                    continue
                metric = emf_metric(match["m"])
                assert tuple(match["dims"].split(",")) in metric.dimension_sets
                assert match["stat"] in metric.statistics
                seen.add(metric.name)
                continue
            ns, name, *rest = row
            dims = [d for d in rest if not isinstance(d, dict)]
            stat = next((d.get("stat") for d in rest if isinstance(d, dict) and "stat" in d), props.get("stat"))
            assert _published(ns, name, frozenset(dims[0::2]), stat), (ns, name, dims, stat)
            seen.add(name)
    assert {"RequestCount", "TargetResponseTime", "HealthyHostCount", "CPUUtilization", "RunningTaskCount",
            "BlockedRequests", "agentgateway_gen_ai_client_token_usage", "agentgateway_gen_ai_client_cost_usd_total",
            "agentgateway_config_synchronized", "TeamTokens", "TeamCostUsd"} <= seen


def test_dashboard_without_waf_has_no_waf_widget():
    body = _dashboard(run_stack("dev", {"waf": {"enabled": False}}))
    assert "AWS/WAFV2" not in json.dumps(body)


@pytest.mark.parametrize("stack", STACKS)
def test_log_widgets_and_queries_use_agentgateways_field_names(stack):
    inv = baseline(stack)
    group = f"/ai-gateway/{stack}/gateway"
    logs = [w["properties"]["query"] for w in _dashboard(inv)["widgets"] if w["type"] == "log"]
    assert logs and all(q.startswith(f"SOURCE '{group}' |") for q in logs)
    saved = {q.inputs["name"]: q for q in inv.of_type("aws:cloudwatch/queryDefinition:QueryDefinition")}
    assert set(saved) == {f"ai-gateway-{stack}/{n}" for n in
                          ("errors", "slow-requests", "tokens-by-model", "requests-by-client", "throttled-requests",
                           "latency-by-provider", "error-rate-by-provider", "config-reload-errors", "throttled-by-team",
                           "rate-limit-service-errors")}
    for q in saved.values():
        assert q.inputs["logGroupNames"] == [group]
    portkey_era = ("responseTime", "res.statusCode", "req.url", "usage.total_tokens")
    for text in [*logs, *QUERIES.values()]:
        assert not any(old in text for old in portkey_era)
        for token in re.findall(r"`([^`]+)`", text):
            assert token in LOG_FIELDS.values(), token
    assert "`http.status`" in QUERIES["errors"] and "duration" in QUERIES["slow-requests"]


SCOPED_NAMES = ("pulumi:providers:aws", "aws:iam/rolePolicy:RolePolicy", "aws:appconfig/environment:Environment",
                "aws:appconfig/configurationProfile:ConfigurationProfile", "aws:glue/catalogTable:CatalogTable")


def test_dev_and_prod_physical_names_do_not_collide():
    def names(inv):
        out = set()
        for r in inv.resources:
            # Role policy names are scoped to their role, AppConfig environment and profile names to their
            # application, Glue table names to their (per-stack) database; every other name is account- or
            # region-wide.
            for key in ("name", "bucket", "family", "dashboardName", "repositoryName"):
                value = r.inputs.get(key)
                if r.custom and isinstance(value, str) and r.type not in SCOPED_NAMES:
                    out.add((r.type, value))
        return out

    dev, prod = names(baseline("dev")), names(baseline("prod"))
    assert len(dev) > 40
    assert dev & prod == set()
