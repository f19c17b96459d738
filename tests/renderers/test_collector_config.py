"""ADOT collector renderer and the metrics catalog it is generated from."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hsettings

from components.renderers.collector_config import (
    CollectorRenderContext,
    metric_declarations,
    render_collector_config,
    scrape_keep_regex,
    to_yaml,
)
from components.renderers.metrics_catalog import (
    DASHBOARD_PANELS,
    EMF_METRICS,
    GEN_AI_SYSTEM,
    PREFIX,
    TOKEN_TYPES,
    emf_metric,
    histogram_names,
)
from components.settings import PROVIDER_NAMES, LoadedSettings
from tests.renderers.strategies import dev_plain_http, load, stack_values

CTX = CollectorRenderContext(
    region="eu-west-1", metrics_log_group="/ai-gateway/dev/metrics",
    service_name="ai-gateway-dev-gateway", cluster_name="ai-gateway-dev",
)
SECTIONS = ("receivers", "processors", "exporters", "extensions")
CLOUDWATCH_UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}
# Labels agentgateway v1.4.1 puts on each metric (telemetry/metrics.rs: HTTPLabels, GenAILabels,
# GenAILabelsTokenUsage, GuardrailLabels; RouteIdentifier is flattened into the first three).
ROUTE_LABELS = {"bind", "gateway", "listener", "route", "route_rule"}
HTTP_LABELS = {"backend", "protocol", "method", "status", "reason"} | ROUTE_LABELS
GEN_AI_LABELS = {"gen_ai_operation_name", "gen_ai_system", "gen_ai_request_model", "gen_ai_response_model"} | ROUTE_LABELS
LABELS = {
    "agentgateway_requests_total": HTTP_LABELS,
    "agentgateway_retries_total": HTTP_LABELS,
    "agentgateway_gen_ai_client_token_usage": GEN_AI_LABELS | {"gen_ai_token_type"},
    "agentgateway_gen_ai_client_cost_usd_total": GEN_AI_LABELS,
    "agentgateway_gen_ai_server_request_duration": GEN_AI_LABELS,
    "agentgateway_gen_ai_server_time_to_first_token": GEN_AI_LABELS,
    "agentgateway_gen_ai_server_time_per_output_token": GEN_AI_LABELS,
    "agentgateway_guardrail_checks_total": {"phase", "action"},
    "agentgateway_config_synchronized": set(),  # a gauge without labels (crates/xds/src/metrics.rs)
}
# Samples agentgateway serves that the keep-list must drop.
OTHER_SAMPLES = (
    "agentgateway_build_info", "agentgateway_request_duration_seconds_bucket", "agentgateway_response_bytes_total",
    "agentgateway_downstream_connections_total", "agentgateway_cost_catalog_lookups_total",
    "agentgateway_requests_total_created", "agentgateway_gen_ai_client_token_usage_created", "up",
)


def go_regex(pattern: str) -> re.Pattern[str]:
    """Compile an RE2 selector with Python's ``re`` (``\\z`` is spelled ``\\Z`` there)."""
    return re.compile(pattern.replace("\\z", "\\Z"))


def structural_problems(config: dict[str, Any], components: dict[str, Any]) -> list[str]:
    """ADOT structural rules: known types, defined references, memory_limiter first, nothing unused."""
    problems = []
    for section in SECTIONS:
        for key in config.get(section, {}):
            if key.split("/")[0] not in components[section]:
                problems.append(f"{section}.{key}: not in ADOT v0.47.0")
    used: dict[str, set[str]] = {s: set() for s in SECTIONS}
    used["extensions"] = set(config["service"].get("extensions", []))
    for name, pipeline in config["service"]["pipelines"].items():
        for section in ("receivers", "processors", "exporters"):
            for ref in pipeline.get(section, []):
                used[section].add(ref)
                if ref not in config.get(section, {}):
                    problems.append(f"pipeline {name}: {section} {ref} is not defined")
        if pipeline.get("processors", ["memory_limiter"])[0] != "memory_limiter":
            problems.append(f"pipeline {name}: memory_limiter is not first")
    for section in SECTIONS:
        for key in set(config.get(section, {})) - used[section]:
            problems.append(f"{section}.{key}: defined but unused")
    return problems


def check_rendered(loaded: LoadedSettings, ctx: CollectorRenderContext, components: dict[str, Any]) -> dict[str, Any]:
    config = render_collector_config(loaded.settings, ctx)
    text = to_yaml(config)
    assert yaml.safe_load(text) == config
    assert "$" not in text, "the collector expands ${...}; nothing here may look like it"
    assert structural_problems(config, components) == []
    emf = config["exporters"]["awsemf"]
    assert emf["namespace"] == loaded.settings.observability.metrics_namespace
    assert emf["log_group_name"] == ctx.metrics_log_group
    assert emf["region"] == config["exporters"]["awsxray"]["region"] == ctx.region
    limiter = config["processors"]["memory_limiter"]
    assert 0 < limiter["spike_limit_mib"] < limiter["limit_mib"] < loaded.settings.service.collector_memory
    return config


# --- collector config ----------------------------------------------------------------------------


def test_default_config_is_structurally_sound(adot_components):
    config = check_rendered(load(dev_plain_http()), CTX, adot_components)
    assert set(config["service"]["pipelines"]) == {"traces", "metrics"}
    assert config["receivers"]["otlp"] == {"protocols": {"grpc": {"endpoint": "localhost:4317"}}}
    assert set(config["exporters"]) == {"awsxray", "awsemf"}, "no exporter to log groups the program does not own"


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stack_values())
def test_every_setting_combination_is_structurally_sound(adot_components, values_and_region):
    values, region = values_and_region
    ctx = CollectorRenderContext(region=region, metrics_log_group="/x/metrics", service_name="svc", cluster_name="c")
    check_rendered(load(values, region), ctx, adot_components)


def test_structural_check_catches_mistakes(adot_components):
    config = render_collector_config(load(dev_plain_http()).settings, CTX)
    config["processors"]["attributes/unused"] = {}
    config["exporters"]["awscloudwatch"] = {}
    config["service"]["pipelines"]["traces"]["processors"] = ["batch", "memory_limiter", "groupbyattrs"]
    problems = structural_problems(config, adot_components)
    assert any("attributes/unused: defined but unused" in p for p in problems)
    assert any("awscloudwatch: not in ADOT" in p for p in problems)
    assert any("memory_limiter is not first" in p for p in problems)
    assert any("groupbyattrs is not defined" in p for p in problems)


def test_prometheus_receiver_scrapes_agentgateway():
    config = render_collector_config(load(dev_plain_http()).settings, CTX)
    (job,) = config["receivers"]["prometheus"]["config"]["scrape_configs"]
    assert job["job_name"] == "agentgateway"
    assert job["static_configs"] == [{"targets": ["localhost:15020"]}]
    assert job["metrics_path"] == "/metrics"
    assert job["scrape_interval"] in ("30s", "60s")
    (relabel,) = job["metric_relabel_configs"]
    assert relabel["action"] == "keep" and relabel["source_labels"] == ["__name__"]


def test_scrape_keep_list_is_exactly_the_catalog():
    keep = re.compile(scrape_keep_regex())  # Prometheus anchors relabel regexes at both ends
    for metric in EMF_METRICS:
        for sample in metric.scraped_samples:
            assert keep.fullmatch(sample), sample
    for sample in OTHER_SAMPLES:
        assert not keep.fullmatch(sample), sample


def test_histograms_become_delta_before_emf():
    config = render_collector_config(load(dev_plain_http()).settings, CTX)
    include = config["processors"]["cumulativetodelta"]["include"]
    assert include == {"match_type": "strict", "metrics": list(histogram_names())}
    metrics = config["service"]["pipelines"]["metrics"]["processors"]
    assert metrics.index("cumulativetodelta") < metrics.index("batch")


def test_declarations_select_exactly_the_catalog():
    config = render_collector_config(load(dev_plain_http()).settings, CTX)
    emf = config["exporters"]["awsemf"]
    assert emf["metric_declarations"] == metric_declarations()
    assert emf["dimension_rollup_option"] == "NoDimensionRollup"
    selected: dict[str, list[list[list[str]]]] = {}
    for declaration in emf["metric_declarations"]:
        selectors = [go_regex(s) for s in declaration["metric_name_selectors"]]
        hits = [m.name for m in EMF_METRICS if any(s.search(m.name) for s in selectors)]
        assert hits, f"declaration {declaration} selects nothing"
        for name in hits:
            selected.setdefault(name, []).append(declaration["dimensions"])
    for metric in EMF_METRICS:
        assert selected.get(metric.name) == [[list(d) for d in metric.dimension_sets]], metric.name
    # Anchored: a longer name with a catalog name as prefix is not selected.
    for declaration in emf["metric_declarations"]:
        for s in declaration["metric_name_selectors"]:
            assert not go_regex(s).search(s.strip("^").replace("\\z", "") + "_x")


def test_units_are_cloudwatch_units_from_the_catalog():
    config = render_collector_config(load(dev_plain_http()).settings, CTX)
    descriptors = config["exporters"]["awsemf"]["metric_descriptors"]
    assert descriptors == [{"metric_name": m.name, "unit": m.unit, "overwrite": True} for m in EMF_METRICS]
    assert {d["unit"] for d in descriptors} <= CLOUDWATCH_UNITS


@pytest.mark.parametrize("field, value", [
    ("region", "moon-1"), ("metrics_log_group", "/x/${env:HOME}"), ("service_name", "a b"), ("cluster_name", ""),
])
def test_malformed_context_is_rejected(field, value):
    ctx = CollectorRenderContext(**{**CTX.__dict__, field: value})
    with pytest.raises(ValueError):
        render_collector_config(load(dev_plain_http()).settings, ctx)


# --- metrics catalog ------------------------------------------------------------------------------


def test_catalog_names_follow_the_exposition_rules():
    names = [m.name for m in EMF_METRICS]
    assert len(names) == len(set(names))
    for metric in EMF_METRICS:
        assert metric.name.startswith(PREFIX)
        # The Prometheus receiver keeps `_total` on counters and names histograms after the family.
        assert metric.name.endswith("_total") == (metric.kind == "counter"), metric.name  # gauges keep their name
        assert metric.unit in CLOUDWATCH_UNITS
        assert emf_metric(metric.name) is metric
    with pytest.raises(KeyError):
        emf_metric("agentgateway_nope")


def test_catalog_covers_the_brief():
    names = {m.name for m in EMF_METRICS}
    assert {
        "agentgateway_requests_total", "agentgateway_gen_ai_client_token_usage",
        "agentgateway_gen_ai_client_cost_usd_total", "agentgateway_gen_ai_server_request_duration",
        "agentgateway_gen_ai_server_time_to_first_token", "agentgateway_guardrail_checks_total",
    } <= names


def test_dimensions_are_labels_agentgateway_emits():
    for metric in EMF_METRICS:
        sets = metric.dimension_sets
        assert len(sets) == len(set(sets)), metric.name
        for dims in sets:
            assert set(dims) <= LABELS[metric.name], (metric.name, dims)
            assert len(dims) <= 30
    assert all("gen_ai_token_type" in d for d in emf_metric("agentgateway_gen_ai_client_token_usage").dimension_sets), \
        "token counts of different types must never be summed together"


def test_label_value_tables():
    assert set(GEN_AI_SYSTEM) == set(PROVIDER_NAMES)
    assert GEN_AI_SYSTEM["bedrock"] == "aws.bedrock" and GEN_AI_SYSTEM["google"] == "gcp.gemini"
    assert TOKEN_TYPES == ("input", "output", "input_cache_read", "input_cache_write")
    assert emf_metric("agentgateway_requests_total").statistics == ("Sum",)
    assert emf_metric("agentgateway_gen_ai_server_request_duration").statistics == ("Sum", "SampleCount", "Average")


def test_dashboard_panels_chart_declared_metrics():
    for panel in DASHBOARD_PANELS:
        metric = emf_metric(panel.metric_name)
        assert panel.dimensions in metric.dimension_sets, panel
        assert panel.dimensions, "a SEARCH needs at least one dimension"
        assert panel.stat in metric.statistics, panel
