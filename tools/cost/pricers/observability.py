"""CloudWatch: log groups (ingestion and retained storage), dashboards, alarms, custom metrics."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge

DAYS_PER_MONTH = 365 / 12
HIGH_RESOLUTION_PERIOD = 60


def _log_source(name: str, ctx: PricingContext) -> tuple[str, float, bool]:
    """What writes to a log group (by its name), its GB per month, and whether it is a vended log."""
    a, t = ctx.assumptions, ctx.traffic
    tasks = ctx.total_tasks
    if name.startswith("aws-waf-logs-"):
        return "WAF logs", t.waf_log_gb, True
    if name.startswith("/aws/ecs/containerinsights/"):
        return "Container Insights events", a.container_insights_log_gb_per_task * tasks, False
    if name.endswith("/vpc-flow-logs"):
        return "VPC flow logs", t.flow_log_gb, True
    if name.endswith("/gateway"):
        return "gateway access logs", t.access_log_gb, False
    if name.endswith("/collector"):
        return "collector logs", a.collector_log_gb_per_task * tasks, False
    if name.endswith("/metrics"):
        return "EMF metric records", a.emf_log_gb_per_task * tasks, False
    return "logs", a.other_log_gb_per_month, False


def log_group(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Ingestion, and storage once the retention window is full (steady state)."""
    name = str(res.inputs.get("name", res.name))
    source, gb, vended = _log_source(name, ctx)
    days = int(res.inputs.get("retentionInDays") or 0)
    months = days / DAYS_PER_MONTH if days else ctx.assumptions.unlimited_retention_months
    infrequent = res.inputs.get("logGroupClass") == "INFREQUENT_ACCESS"
    ingest_key = ("cloudwatch.vended_logs_gb" if vended else
                  "cloudwatch.logs_ia_ingest_gb" if infrequent else "cloudwatch.logs_ingest_gb")
    retention = f"{days} days" if days else f"never expires, {months:g} months assumed"
    charges = [
        Charge(f"{source} ingested", gb, ingest_key, "variable", "per month"),
        Charge(f"{source} stored", gb * ctx.assumptions.log_storage_ratio * months, "cloudwatch.logs_storage_gb_month",
               "variable", f"{retention} retained x storage ratio {ctx.assumptions.log_storage_ratio:g}"),
    ]
    if source == "EMF metric records":
        charges.append(Charge("custom metrics", ctx.assumptions.custom_metric_series, "cloudwatch.custom_metric_month",
                              "fixed", "metric series the gateway publishes (assumption)"))
    return charges


def dashboard(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A custom dashboard."""
    return [Charge("dashboard", 1, "cloudwatch.dashboard_month", "fixed", "1 dashboard")]


def metric_alarm(res: Resource, ctx: PricingContext) -> list[Charge]:
    """An alarm pays per metric it reads; under-a-minute periods are high resolution."""
    queries = res.inputs.get("metricQueries") or []
    metrics = [q["metric"] for q in queries if q.get("metric")] or [res.inputs]
    periods = [int(m.get("period", 60) or 60) for m in metrics]
    high = any(p < HIGH_RESOLUTION_PERIOD for p in periods)
    key = "cloudwatch.high_resolution_alarm_metric_month" if high else "cloudwatch.alarm_metric_month"
    return [Charge("alarm metrics", len(metrics), key, "fixed", f"{len(metrics)} metric(s)")]


PRICERS = {
    "aws:cloudwatch/logGroup:LogGroup": log_group,
    "aws:cloudwatch/dashboard:Dashboard": dashboard,
    "aws:cloudwatch/metricAlarm:MetricAlarm": metric_alarm,
}
