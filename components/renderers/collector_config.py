"""ADOT collector (aws-otel-collector v0.47.0, contrib v0.143.0) sidecar config as a pure function.

Pipelines:

- **traces**: agentgateway exports OTLP/gRPC to ``localhost:4317`` -> memory_limiter -> resource
  -> batch -> ``awsxray``. No OTLP/HTTP receiver: agentgateway is configured for gRPC and
  nothing else in the task sends telemetry.
- **metrics**: agentgateway only *serves* Prometheus metrics (``:15020/metrics``); it pushes no
  OTLP metrics. The ``prometheus`` receiver scrapes it, keeping only the samples of
  :data:`~components.renderers.metrics_catalog.EMF_METRICS` (``metric_relabel_configs``), then
  memory_limiter -> cumulativetodelta (histograms) -> resource -> batch -> ``awsemf``.

``awsemf`` writes to the log group the program creates and encrypts (``ctx.metrics_log_group``);
there is no exporter to any other log group. ``metric_declarations`` and ``metric_descriptors``
are generated from the metrics catalog, so the dashboard, the alarms and this config cannot
disagree. See :mod:`components.renderers.metrics_catalog` for how metric names and histograms
come out in CloudWatch.

The config reaches the collector as ``AOT_CONFIG_CONTENT``, and the collector expands ``${...}``
in it. Nothing rendered here contains ``$``: the region is written literally, and the metric-name
selectors are anchored with ``\\z`` (RE2's end of text) instead of ``$``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from components.renderers.agentgateway_config import COLLECTOR_OTLP_GRPC, STATS_ADDR
from components.renderers.metrics_catalog import EMF_METRICS, EmfMetric, histogram_names
from components.settings import REGION_PATTERN, StackSettings

SCRAPE_JOB = "agentgateway"
SCRAPE_TARGET = "localhost:" + STATS_ADDR.rsplit(":", 1)[1]
SCRAPE_INTERVAL = "30s"
HEALTH_CHECK_ENDPOINT = "localhost:13133"
"""The ``health_check`` extension; the image's ``/healthcheck`` binary probes it (container health check)."""

_LOG_GROUP = re.compile(r"^[A-Za-z0-9._/#-]{1,512}$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,255}$")


@dataclass(frozen=True)
class CollectorRenderContext:
    """Plain values known only at deploy time (resolved from Outputs by the gateway component)."""

    region: str
    """The stack's AWS region (X-Ray and CloudWatch endpoints)."""
    metrics_log_group: str
    """Name of the EMF log group the program creates and encrypts."""
    service_name: str
    """ECS service name: ``service.name`` of traces and the EMF log stream."""
    cluster_name: str
    """ECS cluster name (resource attribute ``aws.ecs.cluster.name``)."""


def render_collector_config(settings: StackSettings, ctx: CollectorRenderContext) -> dict[str, Any]:
    """The collector config for ``settings`` as plain data (see :func:`to_yaml`).

    Raises ``ValueError`` when a ``ctx`` value is malformed.
    """
    _check_context(ctx)
    return {
        "extensions": {"health_check": {"endpoint": HEALTH_CHECK_ENDPOINT}},
        "receivers": {
            "otlp": {"protocols": {"grpc": {"endpoint": COLLECTOR_OTLP_GRPC}}},
            "prometheus": {"config": {"scrape_configs": [_scrape_config()]}},
        },
        "processors": {
            "memory_limiter": _memory_limiter(settings),
            "cumulativetodelta": {"include": {"match_type": "strict", "metrics": list(histogram_names())}},
            "resource": {"attributes": _resource_attributes(settings, ctx)},
            "batch": {"timeout": "10s"},
        },
        "exporters": {
            "awsxray": {"region": ctx.region},
            "awsemf": _awsemf(settings, ctx),
        },
        "service": {
            "extensions": ["health_check"],
            "pipelines": {
                "traces": {
                    "receivers": ["otlp"],
                    "processors": ["memory_limiter", "resource", "batch"],
                    "exporters": ["awsxray"],
                },
                "metrics": {
                    "receivers": ["prometheus"],
                    "processors": ["memory_limiter", "cumulativetodelta", "resource", "batch"],
                    "exporters": ["awsemf"],
                },
            },
        },
    }


def metric_declarations(metrics: tuple[EmfMetric, ...] = EMF_METRICS) -> list[dict[str, Any]]:
    """``awsemf.metric_declarations``: one declaration per distinct set of dimension sets."""
    by_dims: dict[tuple[tuple[str, ...], ...], list[str]] = {}
    for metric in metrics:
        by_dims.setdefault(metric.dimension_sets, []).append(metric.name)
    return [
        {"dimensions": [list(dims) for dims in dim_sets], "metric_name_selectors": [_selector(n) for n in names]}
        for dim_sets, names in by_dims.items()
    ]


def scrape_keep_regex(metrics: tuple[EmfMetric, ...] = EMF_METRICS) -> str:
    """Prometheus regex (implicitly anchored) matching exactly the samples the catalog needs."""
    samples = sorted(s for m in metrics for s in m.scraped_samples)
    return "(?:" + "|".join(re.escape(s) for s in samples) + ")"


def to_yaml(config: Mapping[str, Any]) -> str:
    """YAML text of a rendered collector config (key order kept)."""
    return yaml.safe_dump(config, sort_keys=False, default_flow_style=False, width=1_000_000)


def _selector(name: str) -> str:
    return f"^{re.escape(name)}\\z"


def _scrape_config() -> dict[str, Any]:
    return {
        "job_name": SCRAPE_JOB,
        "scrape_interval": SCRAPE_INTERVAL,
        "scrape_timeout": "10s",
        "metrics_path": "/metrics",
        # agentgateway answers in OpenMetrics only when asked; pinning it keeps counter names stable.
        "scrape_protocols": ["OpenMetricsText1.0.0", "PrometheusText0.0.4"],
        "static_configs": [{"targets": [SCRAPE_TARGET]}],
        "metric_relabel_configs": [{
            "source_labels": ["__name__"],
            "action": "keep",
            "regex": scrape_keep_regex(),
        }],
    }


def _memory_limiter(settings: StackSettings) -> dict[str, Any]:
    # Leave headroom below the container's hard memory limit for the Go runtime.
    limit = settings.service.collector_memory * 4 // 5
    return {"check_interval": "1s", "limit_mib": limit, "spike_limit_mib": limit // 4}


def _resource_attributes(settings: StackSettings, ctx: CollectorRenderContext) -> list[dict[str, str]]:
    values = {
        "service.name": ctx.service_name,
        # Current semantic convention, and the older key AWS consoles still read.
        "deployment.environment.name": settings.environment,
        "deployment.environment": settings.environment,
        "aws.ecs.cluster.name": ctx.cluster_name,
    }
    return [{"key": k, "value": v, "action": "upsert"} for k, v in values.items()]


def _awsemf(settings: StackSettings, ctx: CollectorRenderContext) -> dict[str, Any]:
    return {
        "region": ctx.region,
        "namespace": settings.observability.metrics_namespace,
        "log_group_name": ctx.metrics_log_group,
        "log_stream_name": ctx.service_name,
        "dimension_rollup_option": "NoDimensionRollup",
        "resource_to_telemetry_conversion": {"enabled": False},
        # Without an override the cost counter would carry the OpenMetrics unit "usd", which
        # CloudWatch rejects; every unit is set explicitly from the catalog.
        "metric_descriptors": [
            {"metric_name": m.name, "unit": m.unit, "overwrite": True} for m in EMF_METRICS
        ],
        "metric_declarations": metric_declarations(),
    }


def _check_context(ctx: CollectorRenderContext) -> None:
    if not REGION_PATTERN.match(ctx.region):
        raise ValueError(f"region {ctx.region!r} is not an AWS region")
    if not _LOG_GROUP.match(ctx.metrics_log_group):
        raise ValueError(f"{ctx.metrics_log_group!r} is not a plain log group name")
    for value in (ctx.service_name, ctx.cluster_name):
        if not _NAME.match(value):
            raise ValueError(f"{value!r} is not a plain ECS name")
