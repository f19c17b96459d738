"""agentgateway v1.4.1 configuration (standalone "local" config) from a base and an overlay.

One renderer, two callers: the Pulumi program (offline synth, the first publish) and the publisher
Lambda (every later publish) call :func:`render` with the same two documents and get the same
bytes. The output is two JSON files (a truncated JSON file never parses, so a half-written file
is rejected and the last good config keeps serving):

- the **gateway config** (``-f /config/gateway.json``, watched and hot-reloaded by agentgateway);
- the **model catalog** (``config.modelCatalog: [{file: ...}]``, watched on its own), kept apart
  because every reload of the main config refills all local rate-limit buckets.

What the gateway config does:

- ``config``: admin UI off, Prometheus stats on ``0.0.0.0:15020`` (scraped by the ADOT sidecar),
  readiness on ``0.0.0.0:15021`` (``GET /healthz/ready``, the ALB health check), JSON logs, and
  the model catalog file. Startup-only settings: a change needs new tasks.
- one bind on 8787 with one plain-HTTP listener (the ALB terminates TLS);
- route ``llm`` at ``/v1``: the fallback route, one AI backend whose priority groups are the
  fallback groups; each provider carries a health policy that evicts it after a 429 or 5xx, and
  the route retries 429/5xx so the retried request lands on the next group;
- with provider routes, ``/<provider>/v1`` per enabled provider, rewritten to ``/v1`` and pinned;
- ``policies.ai.routes`` maps path suffixes to API formats (without it agentgateway v1.4.1 treats
  every path as chat completions, so ``/v1/messages`` would be mis-parsed);
- ``count-tokens``: exact routes for ``/v1/messages/count_tokens`` when Bedrock cannot count
  (docs/adr/0010);
- on every route: JWT validation (strict; Cognito), the invoke scope and the team rules
  (:mod:`gateway_config.teams`), per-team rate limits (:mod:`gateway_config.ratelimit`), retry,
  timeout, model aliases, prompt
  caching and Bedrock Guardrails (request and response, streaming included);
- OTLP/gRPC tracing to the collector sidecar, access-log fields (:data:`LOG_FIELDS`), and an
  HTTP/1 idle timeout longer than the load balancer's.

Two rules the schema does not enforce: no empty blocks (except the presence markers
``backendAuth: {aws: {}}`` and ``provider: {<type>: {}}``), and ``$`` only in the
:class:`~gateway_config.expand.EnvRef` key references (:func:`gateway_config.expand.escape`).

Access-log field names were read from agentgateway v1.4.1 ``crates/agentgateway/src/telemetry/log.rs``
and ``crates/core/src/telemetry.rs``: flat keys with dots (``http.status``), ``duration`` a string
such as ``"1234ms"``; access logs are INFO events of the ``request`` target.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from . import prices
from .expand import EnvRef, escape
from .model import GatewayBase, GatewayOverlay, ProviderBase, check_overlay_against_base
from . import ratelimit
from .teams import access_log_team_fields, team_policies

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
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"
COUNT_TOKENS_ROUTE = "count-tokens"
TOKEN_ESTIMATOR = "token-estimate"
"""Name of the provider that answers count_tokens with agentgateway's local estimate (no upstream call)."""

AI_ROUTE_TYPES = MappingProxyType({
    # Suffix matching, longest first, so "/v1/messages/count_tokens" is not taken for "/v1/messages".
    "/v1/chat/completions": "completions",
    "/v1/messages": "messages",
    COUNT_TOKENS_PATH: "anthropicTokenCount",
})

PROVIDER_TYPE = MappingProxyType({
    "bedrock": "bedrock",
    "anthropic": "anthropic",
    "openai": "openAI",
    "azure": "azure",
    "google": "gemini",
})
"""Our provider name -> agentgateway's provider type key."""

CATALOG_PROVIDER = MappingProxyType({
    "bedrock": "aws.bedrock",
    "anthropic": "anthropic",
    "openai": "openai",
    "azure": "azure",
    "google": "gcp.gemini",
})
"""Our provider name -> the model catalog's provider key (agentgateway's provider ``NAME``)."""

LOG_FIELDS: Mapping[str, str] = MappingProxyType({
    # Written by agentgateway on every access-log line (JSON format).
    "time": "time",
    "level": "level",
    "scope": "scope",  # "request" for access logs, the module path otherwise
    "message": "message",  # the text of a non-access-log event (errors, reloads)
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
    "cost_usd": "cost_usd",  # USD, when the model catalog prices the model
    "client_id": "client_id",  # with JWT validation
    "team": "team",  # with JWT validation: the caller's team
    "rate_limit": "rate_limit",  # with rate limits, on a 429 a limit answered: "<limit>=<number>"
    "user": "user",  # with SSO: the token's subject (a person's Cognito sub; an M2M token's is its client id)
})
"""Logical name -> JSON key of agentgateway's access log: the single source for queries and dashboards."""

BODY_LOG_FIELDS: Mapping[str, str] = MappingProxyType({
    # Only with ``GatewayBase.log_bodies`` (audit.includeBodies, refused in prod).
    "prompt": "prompt",  # [{"role", "content"}] as sent to the provider
    "completion": "completion",  # [text] of the response
})
"""Logical name -> JSON key of the request and response bodies, logged only when the base allows it."""

_BODY_LOG_EXPRESSIONS = MappingProxyType({"prompt": "llm.prompt", "completion": "llm.completion"})

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


@dataclass(frozen=True)
class Rendered:
    """The two files a publish delivers, as data and as the exact bytes written."""

    config: dict[str, Any]
    catalog: dict[str, Any]

    @property
    def config_json(self) -> str:
        """The gateway config file's text."""
        return to_json(self.config)

    @property
    def catalog_json(self) -> str:
        """The model catalog file's text."""
        return prices.render_catalog(self.catalog)

    def sha256(self) -> dict[str, str]:
        """Content hashes of both files (what a publish compares to skip an unchanged version)."""
        return {"gateway": content_hash(self.config_json), "catalog": content_hash(self.catalog_json)}


def render(base: GatewayBase | Mapping[str, Any], overlay: GatewayOverlay | Mapping[str, Any] | None = None) -> Rendered:
    """Both files for ``base`` and ``overlay`` (JSON documents or models). Deterministic.

    Raises ``ValueError`` (pydantic's ``ValidationError`` is one) when either document is invalid or
    they do not fit together (an unknown tier, teams without JWT validation, too many team rules).
    """
    base = base if isinstance(base, GatewayBase) else GatewayBase.model_validate(base)
    overlay = overlay if isinstance(overlay, GatewayOverlay) else GatewayOverlay.model_validate(overlay or {})
    check_overlay_against_base(base, overlay)
    routes = [_fallback_route(base, overlay)]
    if base.routing.provider_routes:
        routes += [_pinned_route(base, overlay, p) for p in base.providers]
    routes += _count_tokens_routes(base, overlay)
    config = {
        "config": _runtime_config(base),
        "frontendPolicies": {
            "http": {"http1IdleTimeout": f"{base.http1_idle_timeout_seconds}s"},
            "accessLog": {"add": access_log_fields(base, overlay)},
            "tracing": {"host": COLLECTOR_OTLP_GRPC, "protocol": "grpc", "randomSampling": float(base.trace_sampling_ratio)},
        },
        "binds": [{"port": GATEWAY_PORT, "listeners": [_listener(base, routes)]}],
    }
    return Rendered(config=escape(config), catalog=prices.model_catalog(overlay.prices or None))


def _listener(base: GatewayBase, routes: list[dict[str, Any]]) -> dict[str, Any]:
    listener: dict[str, Any] = {"name": "main", "protocol": "HTTP"}
    policies = ratelimit.listener_policies(base)
    if policies:
        listener["policies"] = policies
    listener["routes"] = routes
    return listener


def to_json(config: Mapping[str, Any]) -> str:
    """The gateway config file's text: JSON (valid YAML too), key order kept, ASCII, final newline."""
    return json.dumps(config, indent=2, ensure_ascii=True) + "\n"


def content_hash(text: str) -> str:
    """``sha256:<hex>`` of a file's text."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def route_label(route_name: str) -> str:
    """How a route appears in metric labels and the access log's ``route`` field."""
    return f"{ROUTE_NAMESPACE}/{route_name}"


def access_log_fields(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, str]:
    """``frontendPolicies.accessLog.add``: JSON log key -> CEL expression."""
    fields = {LOG_FIELDS[name]: expr for name, expr in _LLM_LOG_EXPRESSIONS.items()}
    if base.jwt is not None:
        fields[LOG_FIELDS["client_id"]] = "jwt.client_id"  # Cognito access tokens name the app client here
        fields.update(access_log_team_fields(overlay.teams, LOG_FIELDS["team"], base.jwt.user_client_ids))
        if base.jwt.user_client_ids:
            fields[LOG_FIELDS["user"]] = "jwt.sub"  # who, for a person: the audit log's user column
    fields.update(ratelimit.access_log_fields(base, overlay, LOG_FIELDS["rate_limit"]))
    if base.log_bodies:
        fields.update({BODY_LOG_FIELDS[name]: expr for name, expr in _BODY_LOG_EXPRESSIONS.items()})
    return fields


def routed_models(base: GatewayBase) -> list[tuple[str, str]]:
    """(catalog provider key, model) of every pinned provider: what the catalog must price for
    ``cost_usd`` to be filled (a pinned provider sends its own model whatever the client asks;
    an unpinned one passes the client's model through, which no table can know in advance)."""
    return sorted({(CATALOG_PROVIDER[p.name], p.model) for p in base.providers if p.model})


# --- pieces ---------------------------------------------------------------------------------


STARTUP_ONLY_EXCEPT = ("modelCatalog",)
"""Keys of the ``config`` section agentgateway does apply on a reload; it reads the rest only at
process start (the schema's description of ``config``)."""


def startup_fingerprint(base: GatewayBase | Mapping[str, Any]) -> str:
    """A hash of the part of the config a running gateway ignores on reload (listeners' addresses,
    logging): the task definition carries it, so a change to it starts new tasks instead of being
    published to tasks that would never apply it."""
    base = base if isinstance(base, GatewayBase) else GatewayBase.model_validate(base)
    startup = {k: v for k, v in _runtime_config(base).items() if k not in STARTUP_ONLY_EXCEPT}
    return content_hash(json.dumps(startup, sort_keys=True, separators=(",", ":")))


def _runtime_config(base: GatewayBase) -> dict[str, Any]:
    level = base.log_level
    if level in ("warn", "error"):
        level = f"{level},request=info"  # access logs are INFO events of the `request` target
    return {
        "adminAddr": "off",
        "statsAddr": STATS_ADDR,
        "readinessAddr": READINESS_ADDR,
        "logging": {"level": level, "format": "json"},
        "modelCatalog": [{"file": base.catalog_path}],
    }


def _groups(base: GatewayBase, overlay: GatewayOverlay) -> list[list[str]]:
    return overlay.routing.fallback_groups if overlay.routing.fallback_groups is not None else base.routing.fallback_groups


def _fallback_route(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, Any]:
    groups = [{"providers": [_provider(base, base.provider(n), evict=True) for n in group]} for group in _groups(base, overlay)]
    return {
        "name": FALLBACK_ROUTE,
        "matches": [{"path": {"pathPrefix": "/v1"}}],
        "policies": _route_policies(base, overlay),
        "backends": [{"ai": {"groups": groups}}],
    }


def _pinned_route(base: GatewayBase, overlay: GatewayOverlay, provider: ProviderBase) -> dict[str, Any]:
    policies = {"urlRewrite": {"path": {"prefix": "/v1"}}, **_route_policies(base, overlay)}
    return {
        "name": provider.name,
        "matches": [{"path": {"pathPrefix": f"/{provider.name}/v1"}}],
        "policies": policies,
        "backends": [{"ai": _provider(base, provider, evict=False)}],
    }


def _count_tokens_routes(base: GatewayBase, overlay: GatewayOverlay) -> list[dict[str, Any]]:
    """Exact-path routes (exact beats prefix in agentgateway's route selection) for count_tokens."""
    if base.count_tokens is None:
        return []
    if base.count_tokens == TOKEN_ESTIMATOR:
        # A provider without a native count_tokens API: agentgateway counts locally with its
        # tokenizer and answers {"input_tokens": N} without calling anyone.
        target: dict[str, Any] = {"name": TOKEN_ESTIMATOR, "provider": {"openAI": {}}}
    else:
        target = _provider(base, base.provider(base.count_tokens), evict=False)
    paths = [COUNT_TOKENS_PATH]
    if base.routing.provider_routes:
        paths.append(f"/bedrock{COUNT_TOKENS_PATH}")
    return [{
        "name": COUNT_TOKENS_ROUTE,
        "matches": [{"path": {"exact": path}} for path in paths],
        "policies": _route_policies(base, overlay),
        "backends": [{"ai": target}],
    }]


def _route_policies(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, Any]:
    policies: dict[str, Any] = {}
    if base.jwt is not None:
        # No audiences: Cognito access tokens carry `client_id`, not `aud`.
        policies["jwtAuth"] = {"mode": "strict", "issuer": base.jwt.issuer, "jwks": {"url": base.jwt.jwks_url}}
        policies.update(team_policies(base, overlay))
    policies.update(ratelimit.route_policies(base, overlay))
    if base.routing.retry_attempts > 0:
        policies["retry"] = {"attempts": base.routing.retry_attempts, "codes": list(RETRY_STATUS_CODES)}
    policies["timeout"] = {"requestTimeout": f"{base.routing.request_timeout_seconds}s"}
    policies["ai"] = _ai_policy(base, overlay)
    return policies


def _ai_policy(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, Any]:
    policy: dict[str, Any] = {"routes": dict(AI_ROUTE_TYPES)}
    aliases = overlay.routing.model_aliases if overlay.routing.model_aliases is not None else base.routing.model_aliases
    if aliases:
        policy["modelAliases"] = dict(aliases)
    caching = base.prompt_caching
    if caching is not None:
        policy["promptCaching"] = {
            "cacheSystem": caching.cache_system,
            "cacheMessages": caching.cache_messages,
            "cacheTools": caching.cache_tools,
            "minTokens": caching.min_tokens,
        }
    if base.guardrail is not None:
        guard = {"bedrockGuardrails": {
            "guardrailIdentifier": base.guardrail.identifier,
            "guardrailVersion": base.guardrail.version,
            "region": base.guardrail.region,
            "policies": {"backendAuth": {"aws": {}}},
        }}
        # Enabled: agentgateway's default skips response guards on streamed responses.
        policy["promptGuard"] = {"streaming": "Enabled", "request": [guard], "response": [guard]}
    return policy


def _provider(base: GatewayBase, provider: ProviderBase, *, evict: bool) -> dict[str, Any]:
    """One named AI provider; ``evict`` adds the health policy that makes fallback work."""
    policies: dict[str, Any] = {"backendAuth": _backend_auth(provider)}
    if evict:
        policies["health"] = {
            "unhealthyExpression": UNHEALTHY_EXPRESSION,
            "eviction": {"duration": f"{base.routing.eviction_seconds}s"},
        }
    return {"name": provider.name, "provider": {PROVIDER_TYPE[provider.name]: _provider_fields(provider)},
            "policies": policies}


def _provider_fields(provider: ProviderBase) -> dict[str, Any]:
    if provider.name == "bedrock":
        return {"region": provider.region, "model": provider.model}
    if provider.name == "azure":
        fields: dict[str, Any] = {"resourceName": provider.resource_name, "resourceType": "openAI", "model": provider.model}
        if provider.api_version:
            fields["apiVersion"] = provider.api_version
        return fields
    return {"model": provider.model} if provider.model else {}


def _backend_auth(provider: ProviderBase) -> dict[str, Any]:
    if provider.name == "bedrock":
        return {"aws": {}}  # task-role credentials
    assert provider.key_env is not None
    key = EnvRef(provider.key_env)
    if provider.name == "azure":
        # Azure OpenAI wants the raw key in `api-key`; a bare `key` would be sent as a Bearer token.
        return {"key": {"value": key, "location": {"header": {"name": "api-key"}}}}
    return {"key": key}

