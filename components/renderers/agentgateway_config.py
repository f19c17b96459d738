"""From stack settings to the renderer's inputs: the gateway *base* and the settings-owned *overlay*.

The agentgateway config itself is rendered by :mod:`gateway_config` (pure, shared with the
publisher Lambda). This module only decides, from validated settings and the values Pulumi
resolves at deploy time (:class:`GatewayRenderContext`), the two JSON documents it renders:

- :func:`gateway_base`: what stack settings decide (providers, routing, JWT, guardrail, rate
  limits, caching, tiers, count_tokens routing, where the catalog file is), owned by Pulumi;
- :func:`settings_overlay`: teams (``auth.teamClients`` plus the default client's ``default`` team)
  and price overrides (``pricing.overrides``), which the control plane will own; until then they
  come from settings.

:func:`render_agentgateway_config` is the convenience the tests use: both documents, rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from gateway_config import GatewayBase, GatewayOverlay, render
from gateway_config.expand import referenced_env_vars  # noqa: F401 (re-exported for callers)
from gateway_config.render import (  # noqa: F401 (re-exported for callers)
    AI_ROUTE_TYPES,
    COLLECTOR_OTLP_GRPC,
    COUNT_TOKENS_PATH,
    COUNT_TOKENS_ROUTE,
    FALLBACK_ROUTE,
    GATEWAY_PORT,
    LOG_FIELDS,
    READINESS_ADDR,
    READINESS_PATH,
    RETRY_STATUS_CODES,
    STATS_ADDR,
    TOKEN_ESTIMATOR,
    route_label,
    to_json,
)

from components.settings import KEYED_PROVIDERS, REGION_PATTERN, StackSettings
from components.settings.auth import DEFAULT_TEAM
from components.settings.teams import tier_limits

KEEPALIVE_MARGIN_SECONDS = 60
"""How much longer than the ALB's idle timeout the gateway keeps an idle HTTP/1 connection open."""
CONFIG_DIR = "/config"
"""Where the task's shared volume holds the live files (the AppConfig agent writes, agentgateway reads)."""
GATEWAY_CONFIG_FILE = f"{CONFIG_DIR}/gateway.json"
CATALOG_FILE = f"{CONFIG_DIR}/catalog.json"
RATELIMIT_GRPC_PORT = 8081
RATELIMIT_SERVICE = f"127.0.0.1:{RATELIMIT_GRPC_PORT}"
"""Where the gateway reaches the rate-limit sidecar (same task, same network namespace)."""
_GUARDRAIL_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):")


@dataclass(frozen=True)
class GatewayRenderContext:
    """Plain values known only at deploy time (resolved from Outputs by the components)."""

    region: str
    """The stack's AWS region."""
    jwt_issuer: Optional[str] = None
    """Cognito issuer ``https://cognito-idp.<region>.amazonaws.com/<poolId>`` when JWT validation is on."""
    jwks_url: Optional[str] = None
    """JWKS URL; default ``<issuer>/.well-known/jwks.json`` (Cognito's location)."""
    provider_key_env: Mapping[str, str] = field(default_factory=dict)
    """Provider -> env var holding its API key; the task definition injects exactly these."""
    team_client_ids: Mapping[str, str] = field(default_factory=dict)
    """Cognito app client id -> team name (``auth.teamClients``)."""
    default_client_id: Optional[str] = None
    """The stack's default M2M client (team ``default``)."""
    guardrail_id: Optional[str] = None
    """Id of the guardrail the stack created (``guardrails`` without ``identifier``)."""
    guardrail_version: Optional[str] = None
    """Published version of the guardrail the stack created."""
    user_client_ids: tuple[str, ...] = ()
    """The people's (SSO) app clients: on their tokens the ``team`` claim names the team (``sso``)."""


def api_key_env_var(provider: str) -> str:
    """Env var name carrying ``provider``'s API key (``anthropic`` -> ``ANTHROPIC_API_KEY``).

    Shared by the task definition (which injects the secret) and the base (which references it).
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


def invoke_scope(settings: StackSettings) -> str:
    """The OAuth scope a client needs to call the gateway (``<resource server>/invoke``)."""
    return f"{settings.auth.resource_server_identifier}/invoke"


def http1_idle_timeout_seconds(settings: StackSettings) -> int:
    """Idle HTTP/1 keep-alive of the gateway: the ALB's idle timeout plus a margin (a target must
    not close a connection the load balancer may still reuse, or clients see 502s)."""
    return settings.edge.idle_timeout_seconds + KEEPALIVE_MARGIN_SECONDS


def bedrock_counts_tokens(model: str) -> bool:
    """Whether Bedrock's CountTokens can count for the pinned Bedrock model (docs/adr/0010).

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


def gateway_base(settings: StackSettings, ctx: GatewayRenderContext) -> GatewayBase:
    """The base document: what stack settings decide, with the deploy-time values filled in."""
    _check_context(settings, ctx)
    base: dict[str, Any] = {
        "region": ctx.region,
        "logLevel": settings.service.log_level,
        "traceSamplingRatio": float(settings.observability.trace_sampling_ratio),
        "http1IdleTimeoutSeconds": http1_idle_timeout_seconds(settings),
        "catalogPath": CATALOG_FILE,
        "providers": [_provider(settings, ctx, name) for name in settings.providers.enabled()],
        "routing": {
            "fallbackGroups": settings.routing.fallback_groups,
            "modelAliases": dict(settings.routing.model_aliases),
            "providerRoutes": settings.routing.provider_routes,
            "retryAttempts": settings.routing.retry_attempts,
            "requestTimeoutSeconds": settings.routing.request_timeout_seconds,
            "evictionSeconds": settings.routing.eviction_seconds,
        },
        "tiers": {name: {"models": tier.models, "limits": tier_limits(name, tier).as_document()}
                  for name, tier in settings.tiers.items()},
        "countTokens": count_tokens_backend(settings),
        "logBodies": settings.audit_bodies,
    }
    if ctx.jwt_issuer:
        base["jwt"] = {"issuer": ctx.jwt_issuer, "jwksUrl": _jwks_url(ctx), "invokeScope": invoke_scope(settings),
                       "userClientIds": sorted(set(ctx.user_client_ids))}
    caching = settings.prompt_caching
    if caching.enabled:
        base["promptCaching"] = {"cacheSystem": caching.cache_system, "cacheMessages": caching.cache_messages,
                                 "cacheTools": caching.cache_tools, "minTokens": caching.min_tokens}
    if settings.guardrails.enabled:
        identifier, version = guardrail_reference(settings, ctx)
        base["guardrail"] = {"identifier": identifier, "version": version,
                             "region": guardrail_region(settings, ctx.region)}
    mode = settings.rate_limit_mode
    if mode != "off":
        base["rateLimit"] = {"mode": mode}
        if settings.rate_limit.default_tier in settings.tiers:
            base["rateLimit"]["defaultTier"] = settings.rate_limit.default_tier
        if mode == "global":
            base["rateLimit"].update(failureMode=settings.rate_limit_failure_mode, service=RATELIMIT_SERVICE)
    return GatewayBase.model_validate(base)


def settings_overlay(settings: StackSettings, ctx: GatewayRenderContext) -> GatewayOverlay:
    """The overlay stack settings own until the admin API does: teams and price overrides.

    Teams need JWT validation (they are matched on the token's ``client_id``): without it the
    overlay has none.
    """
    teams: list[dict[str, Any]] = []
    if ctx.jwt_issuer:
        by_team: dict[str, list[str]] = {}
        for client, team in ctx.team_client_ids.items():
            by_team.setdefault(team, []).append(client)
        if ctx.default_client_id:
            teams.append({"name": DEFAULT_TEAM, "clientIds": [ctx.default_client_id]})
        for name, client in sorted(settings.auth.team_clients.items()):
            if name in by_team:
                team = {"name": name, "clientIds": sorted(by_team[name]), "tier": client.tier,
                        "status": client.status, "models": client.models}
                if client.limits is not None:
                    team["limits"] = client.limits.as_document()
                teams.append(team)
    return GatewayOverlay.model_validate({"teams": teams, "prices": settings.pricing.overrides})


def render_agentgateway_config(settings: StackSettings, ctx: GatewayRenderContext) -> dict[str, Any]:
    """The gateway config for ``settings`` as plain data (base and settings overlay, rendered)."""
    return render(gateway_base(settings, ctx), settings_overlay(settings, ctx)).config


def _provider(settings: StackSettings, ctx: GatewayRenderContext, name: str) -> dict[str, Any]:
    providers = settings.providers
    if name == "bedrock":
        return {"name": name, "region": bedrock_region(settings, ctx.region), "model": providers.bedrock.model}
    entry: dict[str, Any] = {"name": name, "model": getattr(providers, name).model, "keyEnv": ctx.provider_key_env[name]}
    if name == "azure":
        entry.update(resourceName=providers.azure.resource_name, apiVersion=providers.azure.api_version)
    return entry


def _jwks_url(ctx: GatewayRenderContext) -> str:
    return ctx.jwks_url or f"{(ctx.jwt_issuer or '').rstrip('/')}/.well-known/jwks.json"


def _check_context(settings: StackSettings, ctx: GatewayRenderContext) -> None:
    if not REGION_PATTERN.match(ctx.region):
        raise ValueError(f"region {ctx.region!r} is not an AWS region")
    if ctx.jwks_url and not ctx.jwt_issuer:
        raise ValueError("jwks_url is set without jwt_issuer")
    if bool(ctx.user_client_ids) != settings.sso.enabled:
        raise ValueError("user_client_ids (the people's client) are given exactly when sso.enabled")
    for provider in settings.providers.enabled():
        if provider in KEYED_PROVIDERS and provider not in ctx.provider_key_env:
            raise ValueError(f"provider {provider} is enabled but has no API key env var in provider_key_env")
