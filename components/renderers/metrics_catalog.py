"""The gateway's CloudWatch metrics: one catalog for the collector config, dashboards and alarms.

How an agentgateway metric reaches CloudWatch:

1. agentgateway v1.4.1 registers Prometheus metrics under the prefix ``agentgateway_``
   (``crates/agentgateway/src/telemetry/metrics.rs``, ``crates/core/src/metrics.rs``) and serves
   them in OpenMetrics text on ``:15020/metrics`` (Rust ``prometheus-client`` 0.25). Counters are
   exposed as ``<name>_total``, a counter registered with a unit as ``<name>_<unit>_total``
   (``gen_ai_client_cost`` with unit ``usd``), histograms as ``<name>_bucket/_sum/_count``.
2. The collector's Prometheus receiver (contrib v0.143.0) names a counter after its ``_total``
   sample (``metadataForMetric``: counters keep ``_total``) and folds a histogram family into one
   OTel histogram named after the family. Suffixes are trimmed only with
   ``trim_metric_suffixes: true``, which we leave off.
3. ``awsemf`` uses the OTel metric name as the CloudWatch metric name and turns each histogram data
   point into a statistic set (SampleCount, Sum, Min, Max). It converts cumulative *sums* to deltas
   itself, but not histograms from the Prometheus receiver (only Container Insights ones), so the
   collector's ``cumulativetodelta`` processor makes the histograms delta first. Prometheus
   histograms carry no min/max, so Min and Max are 0 and there are no percentiles: use Sum,
   SampleCount and Average (= Sum / SampleCount). Latency percentiles come from the ALB's
   ``TargetResponseTime`` instead.

Label values worth knowing: ``gen_ai_system`` is agentgateway's provider type name
(:data:`GEN_AI_SYSTEM`), not our provider name; ``gen_ai_token_type`` is one of
:data:`TOKEN_TYPES`; ``route`` is ``default/<route name>`` (``default/llm`` for ``/v1``).
The cost counter has data for the models the live model catalog prices (``gateway_config/prices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Mapping

PREFIX = "agentgateway_"

GEN_AI_SYSTEM: Mapping[str, str] = MappingProxyType({
    "bedrock": "aws.bedrock",
    "anthropic": "anthropic",
    "openai": "openai",
    "azure": "azure",
    "google": "gcp.gemini",
})
"""Our provider name -> the ``gen_ai_system`` label value (``crates/llm/src/*.rs`` ``NAME``)."""

TOKEN_TYPES = ("input", "output", "input_cache_read", "input_cache_write")
"""Values of ``gen_ai_token_type`` on the token-usage histogram."""

_BY_SYSTEM = ("gen_ai_system",)
CONFIG_SYNCHRONIZED = "agentgateway_config_synchronized"
_BY_MODEL = ("gen_ai_system", "gen_ai_request_model")


@dataclass(frozen=True)
class EmfMetric:
    """One metric as it lands in CloudWatch (namespace ``observability.metricsNamespace``)."""

    name: str
    """CloudWatch metric name (the OTel name after the Prometheus receiver)."""
    kind: Literal["counter", "histogram", "gauge"]
    unit: str
    """CloudWatch unit written by the exporter (``metric_descriptors``)."""
    dimension_sets: tuple[tuple[str, ...], ...]
    """Each set is one CloudWatch metric; ``()`` is the metric without dimensions."""
    description: str

    @property
    def statistics(self) -> tuple[str, ...]:
        """CloudWatch statistics that mean something for this metric."""
        if self.kind == "gauge":
            return ("Minimum", "Maximum", "Average")
        return ("Sum",) if self.kind == "counter" else ("Sum", "SampleCount", "Average")

    @property
    def scraped_samples(self) -> tuple[str, ...]:
        """Prometheus sample names that make up this metric on ``/metrics``."""
        if self.kind in ("counter", "gauge"):
            return (self.name,)
        return tuple(f"{self.name}{suffix}" for suffix in ("_bucket", "_sum", "_count"))


EMF_METRICS: tuple[EmfMetric, ...] = (
    EmfMetric(
        "agentgateway_requests_total", "counter", "Count",
        ((), ("status",), ("route",), ("route", "status")),
        "HTTP requests answered by the gateway (every status, including auth and rate-limit rejections).",
    ),
    EmfMetric(
        "agentgateway_retries_total", "counter", "Count",
        ((), ("route",)),
        "Request retries; a retry after a 429/5xx is how the fallback reaches the next provider group.",
    ),
    EmfMetric(
        "agentgateway_gen_ai_client_token_usage", "histogram", "Count",
        (("gen_ai_token_type",), ("gen_ai_system", "gen_ai_token_type"),
         ("gen_ai_system", "gen_ai_request_model", "gen_ai_token_type")),
        "Tokens per LLM request by token type; Sum is tokens, SampleCount is requests.",
    ),
    EmfMetric(
        "agentgateway_gen_ai_client_cost_usd_total", "counter", "None",
        ((), _BY_SYSTEM, _BY_MODEL),
        "USD cost of LLM requests (needs a model cost catalog).",
    ),
    EmfMetric(
        "agentgateway_gen_ai_server_request_duration", "histogram", "Seconds",
        ((), _BY_SYSTEM, _BY_MODEL),
        "Duration of LLM requests (whole response, streams included).",
    ),
    EmfMetric(
        "agentgateway_gen_ai_server_time_to_first_token", "histogram", "Seconds",
        (_BY_SYSTEM, _BY_MODEL),
        "Time to the first response token.",
    ),
    EmfMetric(
        "agentgateway_gen_ai_server_time_per_output_token", "histogram", "Seconds",
        (_BY_SYSTEM, _BY_MODEL),
        "Average time per output token after the first.",
    ),
    EmfMetric(
        # A gauge without labels (crates/xds/src/metrics.rs): 1 after a successful (re)load of the
        # config file, 0 after a failed one (the last good config keeps serving). Each task writes
        # its own value; the Minimum over the tasks is 0 when any one of them failed.
        CONFIG_SYNCHRONIZED, "gauge", "None",
        ((),),
        "Whether the task's last config (re)load succeeded: 1 synchronized, 0 failed (old config serving).",
    ),
    EmfMetric(
        "agentgateway_guardrail_checks_total", "counter", "Count",
        (("action",), ("phase", "action")),
        "Guardrail verdicts: phase Request|Response, action Allow|Mask|Reject|FailOpen.",
    ),
)
"""Every metric the collector sends to CloudWatch, and only those."""


def emf_metric(name: str) -> EmfMetric:
    """The catalog entry called ``name`` (``KeyError`` when there is none)."""
    for metric in EMF_METRICS:
        if metric.name == name:
            return metric
    raise KeyError(name)


def histogram_names() -> tuple[str, ...]:
    """Names of the histogram metrics (the ones the collector converts to delta)."""
    return tuple(m.name for m in EMF_METRICS if m.kind == "histogram")


@dataclass(frozen=True)
class DashboardPanel:
    """One dashboard chart of a catalog metric, split by one of its dimension sets."""

    title: str
    metric_name: str
    dimensions: tuple[str, ...]
    """One of the metric's dimension sets (a SEARCH matches only exact dimension sets)."""
    stat: str = "Sum"


DASHBOARD_PANELS: tuple[DashboardPanel, ...] = (
    DashboardPanel("Gateway requests by status", "agentgateway_requests_total", ("status",)),
    DashboardPanel("Retries by route", "agentgateway_retries_total", ("route",)),
    DashboardPanel("Tokens by provider and type", "agentgateway_gen_ai_client_token_usage",
                   ("gen_ai_system", "gen_ai_token_type")),
    DashboardPanel("Tokens by model and type", "agentgateway_gen_ai_client_token_usage",
                   ("gen_ai_system", "gen_ai_request_model", "gen_ai_token_type")),
    DashboardPanel("Cost (USD) by provider", "agentgateway_gen_ai_client_cost_usd_total", _BY_SYSTEM),
    DashboardPanel("Cost (USD) by model", "agentgateway_gen_ai_client_cost_usd_total", _BY_MODEL),
    DashboardPanel("LLM request duration (s, average)", "agentgateway_gen_ai_server_request_duration",
                   _BY_SYSTEM, "Average"),
    DashboardPanel("Time to first token (s, average)", "agentgateway_gen_ai_server_time_to_first_token",
                   _BY_SYSTEM, "Average"),
    DashboardPanel("Guardrail verdicts", "agentgateway_guardrail_checks_total", ("phase", "action")),
)
"""The EMF charts of the dashboard; each uses a dimension set and statistic the catalog declares."""
