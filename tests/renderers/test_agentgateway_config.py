"""agentgateway config renderer: schema-valid for every setting combination, plus what the schema misses."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings as hsettings
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from components.renderers.agentgateway_config import (
    AI_ROUTE_TYPES,
    COUNT_TOKENS_PATH,
    COUNT_TOKENS_ROUTE,
    FALLBACK_ROUTE,
    LOG_FIELDS,
    RETRY_STATUS_CODES,
    TOKEN_ESTIMATOR,
    GatewayRenderContext,
    api_key_env_var,
    bedrock_counts_tokens,
    bedrock_region,
    count_tokens_backend,
    guardrail_region,
    referenced_env_vars,
    render_agentgateway_config,
    route_label,
    to_json,
)
from components.settings import KEYED_PROVIDERS, PROVIDER_NAMES, LoadedSettings
from gateway_config import checks
from tests.renderers.conftest import FIXTURES, REPO
from tests.renderers.strategies import (
    CERTIFICATE_ARN, CREATED_GUARDRAIL_ID, dev_plain_http, gateway_context, load, rendered_inputs,
)

PROVIDER_TYPE_KEYS = {"bedrock": "bedrock", "anthropic": "anthropic", "openai": "openAI", "azure": "azure", "google": "gemini"}


def render(loaded: LoadedSettings, ctx: GatewayRenderContext | None = None) -> tuple[dict[str, Any], str]:
    ctx = ctx or gateway_context(loaded)
    config = render_agentgateway_config(loaded.settings, ctx)
    return config, to_json(config)


def parse(text: str) -> Any:
    """The file's document. agentgateway reads it with a YAML parser; the text is ASCII JSON, which
    every YAML 1.2 parser reads the same (PyYAML, a YAML 1.1 parser, must at least accept it)."""
    assert text.isascii(), "ASCII only: no escapes whose reading could differ between parsers"
    assert isinstance(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), dict)
    return json.loads(text)


def assert_schema_valid(validator: Draft202012Validator, document: Any) -> None:
    errors = list(validator.iter_errors(document))
    assert not errors, f"{'/'.join(map(str, best_match(errors).absolute_path))}: {best_match(errors).message}"


def routes_of(config: dict[str, Any]) -> list[dict[str, Any]]:
    return config["binds"][0]["listeners"][0]["routes"]


def providers_in(route: dict[str, Any]) -> list[dict[str, Any]]:
    ai = route["backends"][0]["ai"]
    return [p for g in ai["groups"] for p in g["providers"]] if "groups" in ai else [ai]


def assert_invariants(loaded: LoadedSettings, ctx: GatewayRenderContext, config: dict[str, Any], text: str,
                      validator: Draft202012Validator, cel_schema: dict[str, Any]) -> None:
    """Everything a rendered config must satisfy, whatever the settings."""
    settings = loaded.settings
    document = parse(text)
    assert_schema_valid(validator, document)
    assert document == config, "text and dict disagree"

    for path, value in checks.values_under(config, checks.HOST_KEYS):
        assert checks.HOST_PORT.match(value), (path, value)
    for path, value in checks.values_under(config, checks.DURATION_KEYS):
        assert checks.GO_DURATION.match(value), (path, value)

    # `$` only as ${VAR} of an injected API key; shellexpand would choke on anything else.
    refs = referenced_env_vars(text)
    assert refs <= set(ctx.provider_key_env.values())
    served = {p for group in settings.routing.fallback_groups for p in group}
    if settings.routing.provider_routes:
        served |= set(settings.providers.enabled())
    assert refs == {ctx.provider_key_env[p] for p in served if p in KEYED_PROVIDERS}
    # settings admit no `$` elsewhere, so the only `$` left are the key references
    assert text.count("$") == sum(text.count("${" + r + "}") for r in refs)
    assert not text.startswith("~")

    assert checks.empty_blocks(config) == []

    for expression in checks.cel_expressions(config):
        for path in checks.cel_paths(expression):
            assert checks.cel_path_exists(cel_schema, path), f"{path!r} (in {expression!r}) is no CEL variable"

    enabled = settings.providers.enabled()
    routes = routes_of(config)
    counting = [COUNT_TOKENS_ROUTE] if count_tokens_backend(settings) else []
    assert [r["name"] for r in routes] == [FALLBACK_ROUTE] + (enabled if settings.routing.provider_routes else []) + counting
    idle = config["frontendPolicies"]["http"]["http1IdleTimeout"]
    assert int(idle.removesuffix("s")) > settings.edge.idle_timeout_seconds  # outlives the ALB's keep-alive
    rendered_names = {p["name"] for r in routes for p in providers_in(r)}
    # The local token estimator is typed openAI but calls nobody: it is no "rendered" provider.
    rendered_types = {t for r in routes for p in providers_in(r) if p["name"] != TOKEN_ESTIMATOR for t in p["provider"]}
    for disabled in set(PROVIDER_NAMES) - set(enabled):
        assert disabled not in rendered_names
        assert PROVIDER_TYPE_KEYS[disabled] not in rendered_types
        assert f"/{disabled}/" not in text
        if disabled in KEYED_PROVIDERS:
            assert api_key_env_var(disabled) not in text


# --- every combination ------------------------------------------------------------------------


@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered_inputs())
def test_every_setting_combination_renders_a_valid_config(agentgateway_validator, cel_schema, inputs):
    loaded, ctx = inputs
    config, text = render(loaded, ctx)
    assert_invariants(loaded, ctx, config, text, agentgateway_validator, cel_schema)


@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered_inputs())
def test_routes_mirror_the_routing_settings(inputs):
    loaded, ctx = inputs
    settings = loaded.settings
    config, _ = render(loaded, ctx)
    fallback, *others = routes_of(config)
    pinned = [r for r in others if r["name"] != COUNT_TOKENS_ROUTE]

    groups = fallback["backends"][0]["ai"]["groups"]
    assert [[p["name"] for p in g["providers"]] for g in groups] == settings.routing.fallback_groups
    for provider in providers_in(fallback):
        eviction = provider["policies"]["health"]["eviction"]
        assert eviction == {"duration": f"{settings.routing.eviction_seconds}s"}
    assert fallback["matches"] == [{"path": {"pathPrefix": "/v1"}}]
    assert "urlRewrite" not in fallback["policies"]

    for route in pinned:
        (provider,) = providers_in(route)
        assert provider["name"] == route["name"]
        assert "health" not in provider["policies"]
        assert route["matches"] == [{"path": {"pathPrefix": f"/{route['name']}/v1"}}]
        assert route["policies"]["urlRewrite"] == {"path": {"prefix": "/v1"}}
        rest = {k: v for k, v in route["policies"].items() if k != "urlRewrite"}
        assert rest == fallback["policies"], "pinned routes share the /v1 policies"

    policies = fallback["policies"]
    assert policies["timeout"] == {"requestTimeout": f"{settings.routing.request_timeout_seconds}s"}
    if settings.routing.retry_attempts:
        assert policies["retry"] == {"attempts": settings.routing.retry_attempts, "codes": list(RETRY_STATUS_CODES)}
    else:
        assert "retry" not in policies
    assert policies["ai"]["routes"] == dict(AI_ROUTE_TYPES)
    assert policies["ai"].get("modelAliases", {}) == settings.routing.model_aliases


@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered_inputs())
def test_toggles_render_only_when_on(inputs):
    loaded, ctx = inputs
    settings = loaded.settings
    config, _ = render(loaded, ctx)
    policies = routes_of(config)[0]["policies"]
    ai = policies["ai"]

    assert ("promptCaching" in ai) == settings.prompt_caching.enabled
    assert ("promptGuard" in ai) == settings.guardrails.enabled
    assert ("localRateLimit" in policies) == (settings.rate_limit_mode == "local")
    assert ("remoteRateLimit" in policies) == (settings.rate_limit_mode == "global")
    assert ("jwtAuth" in policies) == settings.auth.jwt_validation
    if settings.guardrails.enabled:
        for phase in ("request", "response"):
            (guard,) = ai["promptGuard"][phase]
            expected = (CREATED_GUARDRAIL_ID, "3") if settings.guardrails.managed else (
                settings.guardrails.identifier, settings.guardrails.existing_version)
            assert (guard["bedrockGuardrails"]["guardrailIdentifier"], guard["bedrockGuardrails"]["guardrailVersion"]) == expected
            assert guard["bedrockGuardrails"]["region"] == guardrail_region(settings, loaded.region)
    if settings.rate_limit_mode == "local":
        assert {spec["type"] for spec in policies["localRateLimit"]["conditional"]} == {"requests"}
    if settings.rate_limit_mode == "global":
        remote = policies["remoteRateLimit"]
        assert remote["failureMode"] == {"open": "failOpen", "closed": "failClosed"}[settings.rate_limit_failure_mode]
    if settings.auth.jwt_validation:
        assert "audiences" not in policies["jwtAuth"]
        assert policies["jwtAuth"]["mode"] == "strict"

    tracing = config["frontendPolicies"]["tracing"]
    assert tracing == {"host": "localhost:4317", "protocol": "grpc",
                       "randomSampling": settings.observability.trace_sampling_ratio}


# --- explicit examples --------------------------------------------------------------------------


def test_default_dev_stack(agentgateway_validator, cel_schema):
    loaded = load(dev_plain_http())
    ctx = gateway_context(loaded)
    config, text = render(loaded, ctx)
    assert_invariants(loaded, ctx, config, text, agentgateway_validator, cel_schema)

    assert config["config"] == {
        "adminAddr": "off", "statsAddr": "0.0.0.0:15020", "readinessAddr": "0.0.0.0:15021",
        "logging": {"level": "info", "format": "json"}, "modelCatalog": [{"file": "/config/catalog.json"}],
    }
    assert config["binds"][0]["port"] == 8787
    assert [r["name"] for r in routes_of(config)] == ["llm", "bedrock", "anthropic", "count-tokens"]
    bedrock, anthropic = providers_in(routes_of(config)[0])
    assert bedrock["provider"] == {"bedrock": {"region": "us-east-1", "model": "us.anthropic.claude-sonnet-4-20250514-v1:0"}}
    assert bedrock["policies"]["backendAuth"] == {"aws": {}}
    assert anthropic["policies"]["backendAuth"] == {"key": "${ANTHROPIC_API_KEY}"}
    assert '"${ANTHROPIC_API_KEY}"' in text, "env references are quoted JSON strings"
    assert "jwtAuth" not in text and "client_id" not in text


def test_every_provider_with_every_feature(agentgateway_validator, cel_schema):
    loaded = load({
        "environment": "prod",
        "edge": {"certificateArn": CERTIFICATE_ARN},
        "auth": {"teamClients": {"platform": {}, "data-science": {}}},
        "providers": {
            "bedrock": {"region": "us-west-2"},
            "openai": {"enabled": True, "model": "gpt-4o"},
            "azure": {"enabled": True, "resourceName": "contoso-aoai", "model": "gpt4o-prod", "apiVersion": "2024-10-21"},
            "google": {"enabled": True},
        },
        "routing": {"fallbackGroups": [["bedrock"], ["anthropic", "azure"], ["openai"]],
                    "modelAliases": {"gpt-4*": "us.anthropic.claude-sonnet-4-20250514-v1:0"}},
        "guardrails": {"enabled": True, "identifier": "arn:aws:bedrock:eu-west-1:123456789012:guardrail/abcdefghij12"},
        "rateLimit": {"mode": "global"},
        "service": {"logLevel": "warn"},
    }, region="us-east-1")
    ctx = gateway_context(loaded, {"7abc": "platform", "9xyz": "data-science"})
    config, text = render(loaded, ctx)
    assert_invariants(loaded, ctx, config, text, agentgateway_validator, cel_schema)

    routes = {r["name"]: r for r in routes_of(config)}
    assert list(routes) == ["llm", "bedrock", "anthropic", "openai", "azure", "google", "count-tokens"]
    assert providers_in(routes["bedrock"])[0]["provider"]["bedrock"]["region"] == "us-west-2"
    assert providers_in(routes["google"])[0]["provider"] == {"gemini": {}}
    assert providers_in(routes["azure"])[0] == {
        "name": "azure",
        "provider": {"azure": {"resourceName": "contoso-aoai", "resourceType": "openAI", "model": "gpt4o-prod",
                               "apiVersion": "2024-10-21"}},
        "policies": {"backendAuth": {"key": {"value": "${AZURE_API_KEY}", "location": {"header": {"name": "api-key"}}}}},
    }
    guard = routes["llm"]["policies"]["ai"]["promptGuard"]
    assert guard["streaming"] == "Enabled"
    assert guard["response"][0]["bedrockGuardrails"]["region"] == "eu-west-1"  # from the ARN
    assert guard["request"][0]["bedrockGuardrails"]["policies"] == {"backendAuth": {"aws": {}}}
    assert config["config"]["logging"]["level"] == "warn,request=info"
    jwt = routes["llm"]["policies"]["jwtAuth"]
    assert jwt == {
        "mode": "strict",
        "issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123",
        "jwks": {"url": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json"},
    }
    fields = config["frontendPolicies"]["accessLog"]["add"]
    assert fields["client_id"] == "jwt.client_id"
    assert fields["team"] == '{"7abc": "platform", "9xyz": "data-science"}[jwt.client_id]'


def test_single_bedrock_provider_needs_no_secrets(agentgateway_validator, cel_schema):
    loaded = load({**dev_plain_http(), "providers": {"anthropic": {"enabled": False}},
                   "routing": {"fallbackGroups": [["bedrock"]], "providerRoutes": False}})
    ctx = GatewayRenderContext(region="eu-central-1")
    config, text = render(loaded, ctx)
    assert_invariants(loaded, ctx, config, text, agentgateway_validator, cel_schema)
    assert "$" not in text
    assert referenced_env_vars(text) == set()
    assert [r["name"] for r in routes_of(config)] == ["llm", "count-tokens"]  # estimated locally (no Anthropic)


def test_stack_files_render(agentgateway_validator, cel_schema):
    from tools.stack_config import load_stack_config
    from components.settings import parse_settings

    for stack in ("dev", "prod"):
        cfg = load_stack_config(REPO, stack)
        loaded = parse_settings(cfg.values, cfg.secret_keys)
        ctx = gateway_context(loaded)
        config, text = render(loaded, ctx)
        assert_invariants(loaded, ctx, config, text, agentgateway_validator, cel_schema)


def test_validator_accepts_the_example_and_rejects_typos(agentgateway_validator):
    example = yaml.safe_load((FIXTURES / "example-ecs-config.yaml").read_text())
    assert not list(agentgateway_validator.iter_errors(example))
    loaded = load(dev_plain_http())
    config, _ = render(loaded)
    routes_of(config)[0]["policies"]["ai"]["promptGuard"] = {"request": None}
    assert list(agentgateway_validator.iter_errors(config)), "request: null must be rejected"


# --- helpers and context validation ---------------------------------------------------------------


def test_api_key_env_var():
    assert [api_key_env_var(p) for p in KEYED_PROVIDERS] == [
        "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AZURE_API_KEY", "GOOGLE_API_KEY"]
    with pytest.raises(ValueError):
        api_key_env_var("bedrock")


def test_regions():
    loaded = load({**dev_plain_http(), "providers": {"bedrock": {"region": "us-west-2"}},
                   "guardrails": {"enabled": True, "identifier": "abcdefghij12"}})
    assert bedrock_region(loaded.settings, "us-east-1") == "us-west-2"
    assert guardrail_region(loaded.settings, "us-east-1") == "us-west-2"
    assert guardrail_region(load(dev_plain_http()).settings, "us-east-1") is None
    assert route_label(FALLBACK_ROUTE) == "default/llm"


@pytest.mark.parametrize("ctx, message", [
    (GatewayRenderContext(region="us-east-1"), "anthropic"),
    (GatewayRenderContext(region="moon-1", provider_key_env={"anthropic": "K"}), "region"),
    (GatewayRenderContext(region="us-east-1", provider_key_env={"anthropic": "${EVIL}"}), "keyEnv"),
    (GatewayRenderContext(region="us-east-1", provider_key_env={"anthropic": "K"}, jwt_issuer="https://x/$HOME"), "jwt.issuer"),
    (GatewayRenderContext(region="us-east-1", provider_key_env={"anthropic": "K"}, jwks_url="https://x/jwks"), "jwt_issuer"),
    (GatewayRenderContext(region="us-east-1", provider_key_env={"anthropic": "K"}, jwt_issuer="https://x",
                          team_client_ids={'a"b': "team"}, default_client_id="d1"), "clientIds"),
])
def test_unsafe_or_incomplete_context_is_rejected(ctx, message):
    settings = load({**dev_plain_http(), "auth": {"jwtValidation": False, "teamClients": {"team": {}}}}).settings
    with pytest.raises(ValueError, match=message):
        render_agentgateway_config(settings, ctx)


def test_log_fields_cover_the_access_log_additions():
    settings = load({**dev_plain_http(), "auth": {"jwtValidation": False, "teamClients": {"t1": {}}}}).settings
    with_jwt = GatewayRenderContext(region="us-east-1", jwt_issuer="https://issuer", team_client_ids={"c1": "t1"},
                                    provider_key_env={"anthropic": "ANTHROPIC_API_KEY"})
    added = render_agentgateway_config(settings, with_jwt)["frontendPolicies"]["accessLog"]["add"]
    assert set(added) <= set(LOG_FIELDS.values())
    assert {"client_id", "team"} <= set(added)
    without = GatewayRenderContext(region="us-east-1", provider_key_env={"anthropic": "ANTHROPIC_API_KEY"})
    assert not {"client_id", "team"} & set(render_agentgateway_config(settings, without)["frontendPolicies"]["accessLog"]["add"])
    # What is left are agentgateway's own keys (telemetry/log.rs at v1.4.1); an added key with the
    # same name would replace agentgateway's value.
    base = set(LOG_FIELDS.values()) - set(added) - {"user"}  # user: only with SSO (test_people_rules.py)
    assert base == {"time", "level", "scope", "message", "http.method", "http.path", "http.host", "http.status",
                    "duration", "route", "reason", "error", "trace.id", "retry.attempt"}


def test_cel_checker_catches_unknown_variables(cel_schema):
    assert checks.cel_path_exists(cel_schema, "llm.cost.total")
    assert checks.cel_path_exists(cel_schema, "jwt.client_id")
    assert not checks.cel_path_exists(cel_schema, "llm.promptTokens")
    assert not checks.cel_path_exists(cel_schema, "usage.tokens")
    assert checks.cel_paths('{"a.b": "c"}[jwt.client_id] + size(request.path)') == ["jwt.client_id", "request.path"]


def test_jwt_routes_also_require_the_invoke_scope():
    from components.renderers.agentgateway_config import GatewayRenderContext, render_agentgateway_config
    from components.settings import parse_settings

    settings = parse_settings({
        "aws:region": "us-east-1",
        "ai-gateway:edge": '{"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"}',
        "ai-gateway:auth": '{"resourceServerIdentifier": "https://llm.example.internal"}',
    }).settings
    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"
    config = render_agentgateway_config(settings, GatewayRenderContext(
        region="us-east-1", jwt_issuer=issuer, jwks_url=f"{issuer}/.well-known/jwks.json",
        provider_key_env={"anthropic": "ANTHROPIC_API_KEY"}))
    routes = config["binds"][0]["listeners"][0]["routes"]
    assert routes
    for route in routes:
        # the whole scope token, not a substring of another scope
        assert route["policies"]["authorization"] == {"rules": [
            {"require": '(" " + jwt.scope + " ").contains(" https://llm.example.internal/invoke ")'}]}
        assert route["policies"]["jwtAuth"]["mode"] == "strict"
    without_jwt = render_agentgateway_config(settings, GatewayRenderContext(
        region="us-east-1", provider_key_env={"anthropic": "ANTHROPIC_API_KEY"}))
    assert all("authorization" not in r["policies"] for r in without_jwt["binds"][0]["listeners"][0]["routes"])


# --- count_tokens (docs/adr/0010) --------------------------------------------------------------------


def _count_route(config: dict[str, Any]) -> dict[str, Any] | None:
    return next((r for r in routes_of(config) if r["name"] == COUNT_TOKENS_ROUTE), None)


def test_bedrock_counts_only_for_a_foundation_model_id():
    assert bedrock_counts_tokens("anthropic.claude-sonnet-4-20250514-v1:0")
    assert not bedrock_counts_tokens("us.anthropic.claude-sonnet-4-20250514-v1:0")
    assert not bedrock_counts_tokens("amazon.nova-pro-v1:0")
    assert not bedrock_counts_tokens("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123")


def test_count_tokens_of_an_inference_profile_goes_to_anthropic(agentgateway_validator):
    loaded = load(dev_plain_http())  # Bedrock pinned to us.anthropic..., Anthropic enabled
    config, _ = render(loaded)
    route = _count_route(config)
    assert route["matches"] == [{"path": {"exact": COUNT_TOKENS_PATH}}, {"path": {"exact": "/bedrock" + COUNT_TOKENS_PATH}}]
    (provider,) = providers_in(route)
    assert provider["name"] == "anthropic" and provider["policies"]["backendAuth"] == {"key": "${ANTHROPIC_API_KEY}"}
    assert route["policies"]["ai"]["routes"][COUNT_TOKENS_PATH] == "anthropicTokenCount"
    assert_schema_valid(agentgateway_validator, config)


def test_count_tokens_is_estimated_locally_without_anthropic(agentgateway_validator):
    loaded = load({**dev_plain_http(), "providers": {"anthropic": {"enabled": False}},
                   "routing": {"fallbackGroups": [["bedrock"]], "providerRoutes": False}})
    config, text = render(loaded)
    route = _count_route(config)
    assert route["matches"] == [{"path": {"exact": COUNT_TOKENS_PATH}}]
    assert route["backends"] == [{"ai": {"name": TOKEN_ESTIMATOR, "provider": {"openAI": {}}}}]
    assert "${" not in text  # the estimator calls nobody and needs no key
    assert_schema_valid(agentgateway_validator, config)


def test_a_bedrock_foundation_model_counts_itself():
    loaded = load({**dev_plain_http(), "providers": {"bedrock": {"model": "anthropic.claude-sonnet-4-20250514-v1:0"}}})
    assert count_tokens_backend(loaded.settings) is None
    assert _count_route(render(loaded)[0]) is None


def test_count_route_keeps_the_gateways_auth(agentgateway_validator):
    loaded = load({"edge": {"certificateArn": CERTIFICATE_ARN}})
    config, _ = render(loaded)
    policies = _count_route(config)["policies"]
    assert policies["jwtAuth"]["mode"] == "strict" and policies["authorization"]["rules"]


def test_http1_idle_timeout_outlives_the_load_balancers():
    for idle in (60, 900, 4000):
        loaded = load({**dev_plain_http(), "edge": {"allowPlainHttp": True, "idleTimeoutSeconds": idle}})
        config, _ = render(loaded)
        assert config["frontendPolicies"]["http"] == {"http1IdleTimeout": f"{idle + 60}s"}
