"""CloudWatch dashboard body as a pure function of the stack's resource names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from . import aws_metrics as aws
from .log_queries import QUERIES, REQUEST_LINES, insights_field as _f
from .metrics_catalog import CONFIG_SYNCHRONIZED, DashboardPanel


@dataclass(frozen=True)
class DashboardTargets:
    """Names the widgets point at (resolved Outputs)."""

    region: str
    load_balancer: str
    """ALB ``arnSuffix`` (the ``LoadBalancer`` dimension)."""
    target_group: str
    """Target group ``arnSuffix`` (the ``TargetGroup`` dimension)."""
    cluster: str
    service: str
    gateway_log_group: str
    metrics_namespace: str
    web_acl: Optional[str] = None
    """WAF web ACL name (the ``WebACL`` dimension); None without a WAF."""
    emf_panels: Sequence[DashboardPanel] = field(default_factory=tuple)
    alarm_arns: Sequence[str] = field(default_factory=tuple)


WIDTH = 24


def _metric_widget(title: str, metrics: list[list[Any]], region: str, *, stat: str = "Sum", period: int = 60,
                   y_label: str = "", view: str = "timeSeries") -> dict[str, Any]:
    props: dict[str, Any] = {"title": title, "region": region, "metrics": metrics, "stat": stat,
                             "period": period, "view": view}
    if y_label:
        props["yAxis"] = {"left": {"label": y_label, "showUnits": False}}
    return {"type": "metric", "properties": props}


def _log_widget(title: str, query: str, t: DashboardTargets, view: str = "table") -> dict[str, Any]:
    return {"type": "log", "properties": {
        "title": title, "region": t.region, "view": view,
        "query": f"SOURCE '{t.gateway_log_group}' | {query}",
    }}


def widgets(t: DashboardTargets) -> list[dict[str, Any]]:
    """The dashboard's widgets, in reading order (laid out by :func:`dashboard_body`)."""
    lb = ["LoadBalancer", t.load_balancer]
    tg = ["TargetGroup", t.target_group, "LoadBalancer", t.load_balancer]
    svc = ["ClusterName", t.cluster, "ServiceName", t.service]
    out = [
        _metric_widget("ALB requests", [[aws.ALB, "RequestCount", *lb]], t.region),
        _metric_widget("ALB 4xx / 5xx", [
            [aws.ALB, "HTTPCode_Target_4XX_Count", *lb], [aws.ALB, "HTTPCode_Target_5XX_Count", *lb],
            [aws.ALB, "HTTPCode_ELB_4XX_Count", *lb], [aws.ALB, "HTTPCode_ELB_5XX_Count", *lb],
        ], t.region),
        _metric_widget("Target response time (s)", [
            [aws.ALB, "TargetResponseTime", *lb, {"stat": "p50"}],
            [aws.ALB, "TargetResponseTime", *lb, {"stat": "p90"}],
            [aws.ALB, "TargetResponseTime", *lb, {"stat": "p99"}],
        ], t.region, stat="p99", y_label="seconds"),
        _metric_widget("Healthy / unhealthy targets", [
            [aws.ALB, "HealthyHostCount", *tg], [aws.ALB, "UnHealthyHostCount", *tg],
        ], t.region, stat="Minimum"),
        _metric_widget("ECS CPU and memory (%)", [
            [aws.ECS, "CPUUtilization", *svc], [aws.ECS, "MemoryUtilization", *svc],
        ], t.region, stat="Average", y_label="percent"),
        _metric_widget("Running tasks", [
            [aws.CONTAINER_INSIGHTS, "RunningTaskCount", *svc], [aws.CONTAINER_INSIGHTS, "DesiredTaskCount", *svc],
        ], t.region, stat="Average"),
        # The gauge has no dimensions: one metric for all tasks; its minimum is 0 when any task failed
        # to load its newest config (it keeps serving the last good one).
        _metric_widget("Config synchronized (minimum over tasks)", [
            [t.metrics_namespace, CONFIG_SYNCHRONIZED, {"stat": "Minimum"}],
            [t.metrics_namespace, CONFIG_SYNCHRONIZED, {"stat": "Maximum"}],
        ], t.region, stat="Minimum"),
    ]
    for panel in t.emf_panels:
        label_dims = ",".join(panel.dimensions)
        expression = (f"SEARCH('{{{t.metrics_namespace},{label_dims}}} MetricName=\"{panel.metric_name}\"',"
                      f" '{panel.stat}', 300)")
        out.append(_metric_widget(panel.title, [[{"expression": expression, "id": "e1", "label": ""}]],
                                  t.region, stat=panel.stat, period=300))
    if t.web_acl:
        waf = ["WebACL", t.web_acl, "Region", t.region, "Rule", "ALL"]
        out.append(_metric_widget("WAF requests", [
            [aws.WAF, "BlockedRequests", *waf], [aws.WAF, "CountedRequests", *waf], [aws.WAF, "AllowedRequests", *waf],
        ], t.region))
    scope = REQUEST_LINES
    out += [
        _log_widget("Requests and errors by provider", (
            f"{scope} | stats count(*) as requests, sum({_f('status')} >= 500) as errors by {_f('provider')}"), t),
        _log_widget("Tokens by model", (
            f"{scope} | filter ispresent({_f('total_tokens')}) | stats sum({_f('input_tokens')}) as input,"
            f" sum({_f('output_tokens')}) as output, sum({_f('total_tokens')}) as total by {_f('provider')}, {_f('model')}"
            " | sort total desc"), t),
        _log_widget("Requests by client", (
            f"{scope} | stats count(*) as requests, sum({_f('total_tokens')}) as tokens by {_f('client_id')}"
            " | sort requests desc | limit 20"), t),
        _log_widget("Recent errors", (
            f"{scope} | filter {_f('status')} >= 500 | fields @timestamp, {_f('path')}, {_f('status')},"
            f" {_f('provider')}, {_f('error')} | sort @timestamp desc | limit 50"), t),
    ]
    out.append(_log_widget("Throttled requests by team and limit", QUERIES["throttled-by-team"], t))
    out.append(_log_widget("Config reload errors", QUERIES["config-reload-errors"], t))
    if t.alarm_arns:
        out.append({"type": "alarm", "properties": {"title": "Alarms", "alarms": list(t.alarm_arns)}})
    return out


def dashboard_body(t: DashboardTargets) -> dict[str, Any]:
    """The dashboard JSON: widgets two per row, 12 x 6 each."""
    placed = []
    for i, widget in enumerate(widgets(t)):
        placed.append({**widget, "x": (i % 2) * 12, "y": (i // 2) * 6, "width": WIDTH // 2, "height": 6})
    return {"widgets": placed}
