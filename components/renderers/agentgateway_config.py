"""agentgateway configuration (agentgateway v1.4.1, standalone "local" config) as a pure function.

The gateway component resolves its Outputs and calls :func:`render_agentgateway_config` inside
``.apply``; :func:`to_yaml` turns the dict into the text passed to the container with ``-c``.
No Pulumi here.

What the rendered config does:

- ``config``: admin UI off, Prometheus stats on ``0.0.0.0:15020`` (scraped by the ADOT sidecar),
  readiness on ``0.0.0.0:15021`` (``GET /healthz/ready``, the ALB health check), JSON logs.
- one bind on 8787 with one plain-HTTP listener (the ALB terminates TLS);
- route ``llm`` at ``/v1``: the fallback route. Its backend is one AI backend whose priority groups
  are ``routing.fallbackGroups``; each provider carries a health policy that evicts it for
  ``routing.evictionSeconds`` after a 429 or 5xx (longer on repeated evictions: agentgateway
  multiplies the duration), and the route retries 429/5xx so the retried request lands on the
  next group;
- with ``routing.providerRoutes``, route ``<provider>`` at ``/<provider>/v1`` per enabled provider,
  rewritten to ``/v1`` and pinned to that provider (same policies, no fallback, no eviction);
- ``policies.ai.routes`` maps path suffixes to API formats. Without it agentgateway v1.4.1 treats
  every path of a low-level route as OpenAI chat completions (``Policy::resolve_route``), so
  ``/v1/messages`` would be mis-parsed;
- optional: JWT validation (Cognito; agentgateway fetches the JWKS URL when it loads the config, so
  the task needs a path to ``cognito-idp``), local rate limits (one bucket per route and task),
  model aliases, prompt caching and Bedrock Guardrails (request and response; ``streaming:
  Enabled`` because agentgateway's default skips response guards on streamed responses);
- OTLP/gRPC tracing to the collector sidecar, and access-log fields (see :data:`LOG_FIELDS`);
- ``frontendPolicies.http.http1IdleTimeout`` longer than the ALB's idle timeout (by
  :data:`KEEPALIVE_MARGIN_SECONDS`): a target must not close a kept-alive connection the load
  balancer may still reuse, or clients see intermittent 502s (AWS's ALB guidance);
- ``/v1/messages/count_tokens`` on its own route when Bedrock serves a model Bedrock's CountTokens
  cannot count (cross-region inference profiles; docs/adr/0010): the count goes to Anthropic when
  it is enabled, else agentgateway estimates it locally (:func:`count_tokens_backend`).

Two rules the schema does not enforce:

- **No empty blocks.** Empty lists and dicts are never rendered, except two presence markers
  where an empty object *is* the setting: ``backendAuth: {aws: {}}`` (implicit task-role
  credentials) and ``provider: {<type>: {}}`` for a provider with no pinned model.
- **``$`` is reserved.** agentgateway runs ``shellexpand`` over the whole text before parsing it,
  and an unset variable is a startup error. The only ``$`` in the output is ``${VAR}`` for the
  provider API keys, whose names come from ``ctx.provider_key_env`` (the task definition injects
  exactly those). Settings patterns admit no ``$``, and the context's strings are validated here.

Access-log field names (:data:`LOG_FIELDS`) were read from agentgateway v1.4.1,
``crates/agentgateway/src/telemetry/log.rs`` (the key/value list of the ``request`` log line) and
``crates/core/src/telemetry.rs`` (``write_json_log``: flat keys, plus ``level``, ``time``,
``scope``). Keys contain dots (``http.status``) but are flat JSON keys, not nested objects.
``duration`` is a string such as ``"1234ms"``, not a number. Access logs are INFO events on the
``request`` target, so the log level keeps ``request=info`` even when the level is warn or error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Optional

import yaml

from components.settings import KEYED_PROVIDERS, REGION_PATTERN, StackSettings

GATEWAY_PORT = 8787
STATS_ADDR = "0.0.0.0:15020"
READINESS_ADDR = "0.0.0.0:15021"
READINESS_PATH = "/healthz/ready"
COLLECTOR_OTLP_GRPC = "localhost:4317"
FALLBACK_ROUTE = "llm"
"""Name of the ``/v1`` route; metrics and logs show it as ``default/llm`` (``<namespace>/<name>``)."""
ROUTE_NAMESPACE = "default"
RETRY_STATUS_CODES = (429, 500, 502, 503, 504)
UNHEALTHY_EXPRESSION = "response.code >= 500 || response.code == 429"
RATE_LIMIT_WINDOW = "60s"
KEEPALIVE_MARGIN_SECONDS = 60
"""How much longer than the ALB's idle timeout the gateway keeps an idle HTTP/1 connection open."""
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
COUNT_TOKENS_ROUTE = "count-tokens"
TOKEN_ESTIMATOR = "token-estimate"
"""Name of the provider that answers count_tokens with agentgateway's local estimate (no upstream call)."""

# Path suffix -> API format. Suffix matching, longest first, so "/v1/messages/count_tokens"
# is not taken for "/v1/messages".
AI_ROUTE_TYPES = MappingProxyType({
    "/v1/chat/completions": "completions",
    "/v1/messages": "messages",
    "/v1/messages/count_tokens": "anthropicTokenCount",
})

_PROVIDER_TYPE = MappingProxyType({
    "bedrock": "bedrock",
    "anthropic": "anthropic",
    "openai": "openAI",
    "azure": "azure",
    "google": "gemini",
})

LOG_FIELDS: Mapping[str, str] = MappingProxyType({
    # Written by agentgateway on every access-log line (JSON format).
    "time": "time",
    "level": "level",
    "scope": "scope",  # "request" for access logs
    "method": "http.method",
    "path": "http.path",
    "host": "http.host",
    "status": "http.status",  # integer
    "duration": "duration",  # string "<n>ms"
    "route": "route",  # "<namespace>/<route name>", e.g. "default/llm"
    "reason": "reason",
    "error": "error",
    "trace_id": "trace.id",
    "retry_attempt": "retry.attempt",
    # Added by this config (frontendPolicies.accessLog.add); absent when the value is unknown.
    "input_tokens": "input_tokens",
    "output_tokens": "output_tokens",
    "total_tokens": "total_tokens",
    "cached_input_tokens": "cached_input_tokens",
    "cache_write_tokens": "cache_write_tokens",
    "model": "model",  # model the client asked for
    "response_model": "response_model",
    "provider": "provider",  # gen_ai provider name: aws.bedrock, anthropic, openai, azure, gcp.gemini
    "cost_usd": "cost_usd",  # only when a model cost catalog prices the model
    "client_id": "client_id",  # only with JWT validation
    "team": "team",  # only with JWT validation and team clients
})
"""Logical name -> JSON key of agentgateway's access log: the single source for queries and dashboards."""

# Access-log additions that need no JWT: logical name -> CEL expression.
_LLM_LOG_EXPRESSIONS = MappingProxyType({
    "input_tokens": "llm.inputTokens",
    "output_tokens": "llm.outputTokens",
    "total_tokens": "llm.totalTokens",
    "cached_input_tokens": "llm.cachedInputTokens",
    "cache_write_tokens": "llm.cacheCreationInputTokens",
    "model": "llm.requestModel",
    "response_model": "llm.responseModel",
    "provider": "llm.provider",
    "cost_usd": "llm.cost.total",
})

_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_+-]{1,128}$")
_TEAM = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_GUARDRAIL_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):")
_ENV_REFERENCE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class GatewayRenderContext:
    """Plain values known only at deploy time (resolved from Outputs by the gateway component)."""

    region: str
    """The stack's AWS region."""
    jwt_issuer: Optional[str] = None
    """Cognito issuer ``https://cognito-idp.<region>.amazonaws.com/<poolId>`` when JWT validation is on."""
    jwks_url: Optional[str] = None
    """JWKS URL; default ``<issuer>/.well-known/jwks.json`` (Cognito's location)."""
    provider_key_env: Mapping[str, str] = field(default_factory=dict)
    """Provider -> env var holding its API key; the task definition injects exactly these."""
    team_client_ids: Mapping[str, str] = field(default_factory=dict)
    """Cognito app client id -> team name, to log the caller's team (needs ``jwt_issuer``)."""
    guardrail_id: Optional[str] = None
    """Id of the guardrail the stack created (``guardrails`` without ``identifier``)."""
    guardrail_version: Optional[str] = None
    """Published version of the guardrail the stack created."""


def api_key_env_var(provider: str) -> str:
    """Env var name carrying ``provider``'s API key (``anthropic`` -> ``ANTHROPIC_API_KEY``).

    Shared by the task definition (which injects the secret) and this renderer (which references it).
    """
    if provider not in KEYED_PROVIDERS:
        raise ValueError(f"{provider!r} does not authenticate with an API key")
    return f"{provider.upper()}_API_KEY"


def bedrock_region(settings: StackSettings, stack_region: str) -> str:
    """Region the Bedrock provider calls: ``providers.bedrock.region``, else the stack's."""
    return settings.providers.bedrock.region or stack_region


def guardrail_region(settings: StackSettings, stack_region: str) -> Optional[str]:
    """Region of the Bedrock guardrail (from its ARN, else the Bedrock region); None when off."""
    if not settings.guardrails.enabled:
        return None
    match = _GUARDRAIL_ARN_REGION.match(settings.guardrails.identifier or "")
    return match.group(1) if match else bedrock_region(settings, stack_region)


def guardrail_reference(settings: StackSettings, ctx: GatewayRenderContext) -> tuple[str, str]:
    """(identifier, version) of the guardrail in use: the created one from ``ctx``, else the existing one."""
    g = settings.guardrails
    if g.managed:
        if not (ctx.guardrail_id and ctx.guardrail_version):
            raise ValueError("the stack creates the guardrail: pass its id and version in the render context")
        return ctx.guardrail_id, ctx.guardrail_version
    if ctx.guardrail_id:
        raise ValueError("an existing guardrail is configured; the render context must not name another")
    assert g.identifier is not None
    return g.identifier, g.existing_version


def route_label(route_name: str) -> str:
    """How a route appears in metric labels and the access log's ``route`` field."""
    return f"{ROUTE_NAMESPACE}/{route_name}"


def render_agentgateway_config(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    """The agentgateway config for ``settings``, as plain data ready for :func:`to_yaml`.

    Raises ``ValueError`` when ``ctx`` is incomplete or holds values that are unsafe to splice into
    the config (a keyed provider without an env var, a malformed URL or env var name).
    """
    _check_context(settings, ctx)
    routes = [_fallback_route(settings, ctx)]
    if settings.routing.provider_routes:
        routes += [_pinned_route(settings, ctx, p) for p in settings.providers.enabled()]
    routes += _count_tokens_routes(settings, ctx)
    return {
        "config": _runtime_config(settings),
        "frontendPolicies": {
            "http": {"http1IdleTimeout": f"{http1_idle_timeout_seconds(settings)}s"},
            "accessLog": {"add": access_log_fields(ctx)},
            "tracing": {
                "host": COLLECTOR_OTLP_GRPC,
                "protocol": "grpc",
                "randomSampling": float(settings.observability.trace_sampling_ratio),
            },
        },
        "binds": [{
            "port": GATEWAY_PORT,
            "listeners": [{"name": "main", "protocol": "HTTP", "routes": routes}],
        }],
    }


def http1_idle_timeout_seconds(settings: StackSettings) -> int:
    """Idle HTTP/1 keep-alive of the gateway: the ALB's idle timeout plus a margin."""
    return settings.edge.idle_timeout_seconds + KEEPALIVE_MARGIN_SECONDS


def bedrock_counts_tokens(model: str) -> bool:
    """Whether Bedrock's CountTokens can count for the pinned Bedrock model.

    agentgateway v1.4.1 offers count_tokens on Bedrock only for ``anthropic.claude`` models and
    passes the model id unchanged; AWS documents that CountTokens does not support Claude models
    served only through cross-region inference, and an inference-profile id (``us.anthropic...``)
    or application profile ARN is not a foundation model. So only a plain foundation-model id counts.
    """
    return model.startswith("anthropic.claude")


def count_tokens_backend(settings: StackSettings) -> Optional[str]:
    """Who answers count_tokens for requests Bedrock would get but cannot count; None when no reroute.

    ``anthropic`` (an exact count, free of charge) when it is enabled, else :data:`TOKEN_ESTIMATOR`.
    """
    bedrock = settings.providers.bedrock
    if not bedrock.enabled or bedrock_counts_tokens(bedrock.model):
        return None
    return "anthropic" if settings.providers.anthropic.enabled else TOKEN_ESTIMATOR


def access_log_fields(ctx: GatewayRenderContext) -> dict[str, str]:
    """``frontendPolicies.accessLog.add``: JSON log key -> CEL expression."""
    fields = {LOG_FIELDS[name]: expr for name, expr in _LLM_LOG_EXPRESSIONS.items()}
    if ctx.jwt_issuer:
        # Cognito access tokens name the app client in `client_id`.
        fields[LOG_FIELDS["client_id"]] = "jwt.client_id"
        if ctx.team_client_ids:
            fields[LOG_FIELDS["team"]] = _team_expression(ctx.team_client_ids)
    return fields


def to_yaml(config: Mapping[str, Any]) -> str:
    """YAML text of a rendered config (key order kept; ``${VAR}`` values double-quoted)."""
    return yaml.dump(config, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1_000_000)


def referenced_env_vars(yaml_text: str) -> set[str]:
    """Names of the environment variables agentgateway's ``shellexpand`` would expand in ``yaml_text``."""
    return {braced or bare for braced, bare in _ENV_REFERENCE.findall(yaml_text)}


# --- pieces ---------------------------------------------------------------------------------


def _runtime_config(settings: StackSettings) -> dict[str, Any]:
    level = settings.service.log_level
    if level in ("warn", "error"):
        level = f"{level},request=info"  # access logs are INFO events of the `request` target
    return {
        "adminAddr": "off",
        "statsAddr": STATS_ADDR,
        "readinessAddr": READINESS_ADDR,
        "logging": {"level": level, "format": "json"},
    }


def _fallback_route(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    groups = [
        {"providers": [_provider(settings, ctx, name, evict=True) for name in group]}
        for group in settings.routing.fallback_groups
    ]
    return {
        "name": FALLBACK_ROUTE,
        "matches": [{"path": {"pathPrefix": "/v1"}}],
        "policies": _route_policies(settings, ctx),
        "backends": [{"ai": {"groups": groups}}],
    }


def _pinned_route(settings: StackSettings, ctx: GatewayRenderContext, provider: str) -> dict[str, Any]:
    policies = {"urlRewrite": {"path": {"prefix": "/v1"}}, **_route_policies(settings, ctx)}
    return {
        "name": provider,
        "matches": [{"path": {"pathPrefix": f"/{provider}/v1"}}],
        "policies": policies,
        "backends": [{"ai": _provider(settings, ctx, provider, evict=False)}],
    }


def _count_tokens_routes(settings: StackSettings, ctx: GatewayRenderContext) -> list[dict[str, Any]]:
    """Exact-path routes (exact beats prefix in agentgateway's route selection) for count_tokens."""
    backend = count_tokens_backend(settings)
    if backend is None:
        return []
    if backend == TOKEN_ESTIMATOR:
        # A provider without a native count_tokens API: agentgateway counts locally with its
        # tokenizer and answers {"input_tokens": N} without calling the provider.
        target: dict[str, Any] = {"name": TOKEN_ESTIMATOR, "provider": {"openAI": {}}}
    else:
        target = _provider(settings, ctx, backend, evict=False)
    paths = [COUNT_TOKENS_PATH]
    if settings.routing.provider_routes:
        paths.append(f"/bedrock{COUNT_TOKENS_PATH}")
    return [{
        "name": COUNT_TOKENS_ROUTE,
        "matches": [{"path": {"exact": path}} for path in paths],
        "policies": _route_policies(settings, ctx),
        "backends": [{"ai": target}],
    }]


def _route_policies(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    policies: dict[str, Any] = {}
    if ctx.jwt_issuer:
        # No audiences: Cognito access tokens carry `client_id`, not `aud`.
        policies["jwtAuth"] = {"mode": "strict", "issuer": ctx.jwt_issuer, "jwks": {"url": _jwks_url(ctx)}}
        # The ALB checks the scope too; repeating it here keeps a token without it out even if
        # traffic reaches the tasks another way (defense in depth). Scopes are one space-separated
        # string in Cognito access tokens, and ours never contain one another.
        policies["authorization"] = {"rules": [f'jwt.scope.contains("{invoke_scope(settings)}")']}
    if settings.rate_limit.enabled:
        policies["localRateLimit"] = _rate_limits(settings)
    if settings.routing.retry_attempts > 0:
        policies["retry"] = {"attempts": settings.routing.retry_attempts, "codes": list(RETRY_STATUS_CODES)}
    policies["timeout"] = {"requestTimeout": f"{settings.routing.request_timeout_seconds}s"}
    policies["ai"] = _ai_policy(settings, ctx)
    return policies


def invoke_scope(settings: StackSettings) -> str:
    """The OAuth scope a client needs to call the gateway (``<resource server>/invoke``)."""
    return f"{settings.auth.resource_server_identifier}/invoke"


def _rate_limits(settings: StackSettings) -> list[dict[str, Any]]:
    limits = settings.rate_limit
    specs = [_bucket(limits.requests_per_minute, "requests")]
    if limits.tokens_per_minute:
        specs.append(_bucket(limits.tokens_per_minute, "tokens"))
    return specs


def _bucket(per_minute: int, kind: str) -> dict[str, Any]:
    return {"maxTokens": per_minute, "tokensPerFill": per_minute, "fillInterval": RATE_LIMIT_WINDOW, "type": kind}


def _ai_policy(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    policy: dict[str, Any] = {"routes": dict(AI_ROUTE_TYPES)}
    if settings.routing.model_aliases:
        policy["modelAliases"] = dict(settings.routing.model_aliases)
    caching = settings.prompt_caching
    if caching.enabled:
        policy["promptCaching"] = {
            "cacheSystem": caching.cache_system,
            "cacheMessages": caching.cache_messages,
            "cacheTools": caching.cache_tools,
            "minTokens": caching.min_tokens,
        }
    if settings.guardrails.enabled:
        policy["promptGuard"] = {
            "streaming": "Enabled",
            "request": [_bedrock_guardrail(settings, ctx)],
            "response": [_bedrock_guardrail(settings, ctx)],
        }
    return policy


def _bedrock_guardrail(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    identifier, version = guardrail_reference(settings, ctx)
    return {"bedrockGuardrails": {
        "guardrailIdentifier": identifier,
        "guardrailVersion": version,
        "region": guardrail_region(settings, ctx.region),
        "policies": {"backendAuth": {"aws": {}}},
    }}


def _provider(settings: StackSettings, ctx: GatewayRenderContext, name: str, *, evict: bool) -> dict[str, Any]:
    """One named AI provider; ``evict`` adds the health policy that makes fallback work."""
    policies: dict[str, Any] = {"backendAuth": _backend_auth(ctx, name)}
    if evict:
        policies["health"] = {
            "unhealthyExpression": UNHEALTHY_EXPRESSION,
            "eviction": {"duration": f"{settings.routing.eviction_seconds}s"},
        }
    return {"name": name, "provider": {_PROVIDER_TYPE[name]: _provider_fields(settings, ctx, name)}, "policies": policies}


def _provider_fields(settings: StackSettings, ctx: GatewayRenderContext, name: str) -> dict[str, Any]:
    providers = settings.providers
    if name == "bedrock":
        return {"region": bedrock_region(settings, ctx.region), "model": providers.bedrock.model}
    model = getattr(providers, name).model
    if name == "azure":
        fields: dict[str, Any] = {"resourceName": providers.azure.resource_name, "resourceType": "openAI", "model": model}
        if providers.azure.api_version:
            fields["apiVersion"] = providers.azure.api_version
        return fields
    return {"model": model} if model else {}


def _backend_auth(ctx: GatewayRenderContext, name: str) -> dict[str, Any]:
    if name == "bedrock":
        return {"aws": {}}  # task-role credentials
    key = f"${{{ctx.provider_key_env[name]}}}"
    if name == "azure":
        # Azure OpenAI wants the raw key in `api-key`; a bare `key` would be sent as a Bearer token.
        return {"key": {"value": key, "location": {"header": {"name": "api-key"}}}}
    return {"key": key}


def _jwks_url(ctx: GatewayRenderContext) -> str:
    return ctx.jwks_url or f"{(ctx.jwt_issuer or '').rstrip('/')}/.well-known/jwks.json"


def _team_expression(team_client_ids: Mapping[str, str]) -> str:
    # A map lookup; for a client that is no team's the lookup fails and the field is left out.
    entries = ", ".join(f'"{client}": "{team}"' for client, team in sorted(team_client_ids.items()))
    return f"{{{entries}}}[jwt.client_id]"


def _check_context(settings: StackSettings, ctx: GatewayRenderContext) -> None:
    if not REGION_PATTERN.match(ctx.region):
        raise ValueError(f"region {ctx.region!r} is not an AWS region")
    for url in (ctx.jwt_issuer, ctx.jwks_url):
        if url is not None and not _HTTPS_URL.match(url):
            raise ValueError(f"{url!r} is not a plain https URL")
    if ctx.jwks_url and not ctx.jwt_issuer:
        raise ValueError("jwks_url is set without jwt_issuer")
    for provider in settings.providers.enabled():
        if provider not in KEYED_PROVIDERS:
            continue
        env = ctx.provider_key_env.get(provider)
        if env is None:
            raise ValueError(f"provider {provider} is enabled but has no API key env var in provider_key_env")
        if not _ENV_NAME.match(env):
            raise ValueError(f"{env!r} is not an environment variable name")
    for client, team in ctx.team_client_ids.items():
        if not (_CLIENT_ID.match(client) and _TEAM.match(team)):
            raise ValueError(f"team client {client!r} -> {team!r} has unexpected characters")


class _Dumper(yaml.SafeDumper):
    """Safe dumper that double-quotes strings carrying an env reference.

    The secret is spliced in before YAML parsing; quoting keeps a key with ``:`` or ``#`` one scalar.
    Anchors and aliases are never written: agentgateway's YAML-via-JSON reader gains nothing from them.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if "${" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
