"""Alarm definitions as data: each watches a metric something in this stack publishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from components.settings import StackSettings

from . import aws_metrics as aws
from .log_queries import RATE_LIMIT_ERRORS_METRIC
from .metrics_catalog import CONFIG_SYNCHRONIZED

CONFIG_SYNC_ALARM = "config-sync-failed"
ERROR_RATE_ALARM = "5xx-rate"
ROLLBACK_ALARMS = (CONFIG_SYNC_ALARM, ERROR_RATE_ALARM)
"""The alarms a guarded config deployment watches (AppConfig rolls back when either fires)."""


@dataclass(frozen=True)
class MetricRef:
    """One metric with its dimensions (a query of a metric-math alarm, or the alarm's metric)."""

    id: str
    namespace: str
    metric_name: str
    dimensions: dict[str, str]
    stat: str = "Sum"


@dataclass(frozen=True)
class AlarmSpec:
    """A CloudWatch alarm: a single metric, or metric math over ``metrics`` with ``expression``."""

    role: str
    description: str
    comparison: str
    threshold: float
    evaluation_periods: int
    period: int = 60
    metrics: tuple[MetricRef, ...] = ()
    expression: Optional[str] = None
    extended_statistic: Optional[str] = None
    treat_missing_data: str = "notBreaching"
    datapoints_to_alarm: Optional[int] = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlarmTargets:
    """Dimension values the alarms watch: plain strings, or Outputs that resolve to them (the specs
    only place these values into dimensions, so the component passes its Outputs straight in)."""

    load_balancer: str
    target_group: str
    cluster: str
    service: str
    metrics_namespace: str = "AIGateway"
    """Namespace of the collector's EMF metrics (``observability.metricsNamespace``)."""


RATE_LIMIT_ALARM = "rate-limit-service-errors"


def _rate_limit_alarms(settings: StackSettings, t: AlarmTargets) -> list[AlarmSpec]:
    if not settings.ratelimit_sidecar:
        return []
    effect = ("requests go through unlimited" if settings.rate_limit_failure_mode == "open"
              else "requests are answered 500")
    return [AlarmSpec(
        role=RATE_LIMIT_ALARM,
        description=f"The gateway's calls to the rate-limit sidecar failed for 2 min ({effect}): see the"
                    " rate-limit-service-errors query and the ratelimit container's log.",
        comparison="GreaterThanThreshold", threshold=0, evaluation_periods=2,
        metrics=(MetricRef("rlsErrors", t.metrics_namespace, RATE_LIMIT_ERRORS_METRIC, {}),),
    )]


def alarm_specs(settings: StackSettings, t: AlarmTargets) -> list[AlarmSpec]:
    """The stack's alarms (thresholds from ``observability.alarms`` and the service settings)."""
    a = settings.observability.alarms
    lb = {"LoadBalancer": t.load_balancer}
    tg = {"TargetGroup": t.target_group, "LoadBalancer": t.load_balancer}
    svc = {"ClusterName": t.cluster, "ServiceName": t.service}
    minutes = a.evaluation_minutes
    return _rate_limit_alarms(settings, t) + [
        AlarmSpec(
            role=ERROR_RATE_ALARM,
            description=f"More than {a.error_rate_percent}% of requests failed with 5xx (gateway or ALB) for {minutes} min.",
            comparison="GreaterThanThreshold", threshold=a.error_rate_percent, evaluation_periods=minutes,
            metrics=(
                MetricRef("target5xx", aws.ALB, "HTTPCode_Target_5XX_Count", lb),
                MetricRef("elb5xx", aws.ALB, "HTTPCode_ELB_5XX_Count", lb),
                MetricRef("requests", aws.ALB, "RequestCount", lb),
            ),
            expression="IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)",
        ),
        AlarmSpec(
            role="p99-latency",
            description=f"p99 target response time above {a.p99_latency_seconds} s for {minutes} min.",
            comparison="GreaterThanThreshold", threshold=a.p99_latency_seconds, evaluation_periods=minutes,
            metrics=(MetricRef("latency", aws.ALB, "TargetResponseTime", lb, stat="p99"),),
            extended_statistic="p99",
        ),
        AlarmSpec(
            role="unhealthy-targets",
            description="At least one gateway task failed its readiness check for 5 min.",
            comparison="GreaterThanThreshold", threshold=0, evaluation_periods=5,
            metrics=(MetricRef("unhealthy", aws.ALB, "UnHealthyHostCount", tg, stat="Maximum"),),
        ),
        AlarmSpec(
            role="no-healthy-targets",
            description="No gateway task is ready: every request fails.",
            comparison="LessThanThreshold", threshold=1, evaluation_periods=2,
            metrics=(MetricRef("healthy", aws.ALB, "HealthyHostCount", tg, stat="Minimum"),),
            treat_missing_data="breaching",
        ),
        AlarmSpec(
            role="running-tasks-below-minimum",
            description=f"Fewer than {settings.service.min_capacity} gateway tasks running for 5 min.",
            comparison="LessThanThreshold", threshold=settings.service.min_capacity, evaluation_periods=5,
            metrics=(MetricRef("running", aws.CONTAINER_INSIGHTS, "RunningTaskCount", svc, stat="Average"),),
            treat_missing_data="breaching",
        ),
        AlarmSpec(
            role=CONFIG_SYNC_ALARM,
            description="A gateway task failed to load a new config (it keeps serving the last good one): "
                        "see the config reload errors query.",
            # Minimum over the tasks' values: 0 when any task reports a failed reload. Two minutes,
            # so a file read mid-write (reloaded again when the write completes) does not alarm.
            comparison="LessThanThreshold", threshold=1, evaluation_periods=2,
            metrics=(MetricRef("synchronized", t.metrics_namespace, CONFIG_SYNCHRONIZED, {}, stat="Minimum"),),
        ),
        AlarmSpec(
            role="cpu-saturated",
            description="Gateway CPU above 90% for 15 min (autoscaling at its maximum?).",
            comparison="GreaterThanThreshold", threshold=90, evaluation_periods=15,
            metrics=(MetricRef("cpu", aws.ECS, "CPUUtilization", svc, stat="Average"),),
        ),
    ]
