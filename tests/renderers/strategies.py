"""Hypothesis strategies: valid stack settings (through ``parse_settings``) and render contexts."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from components.renderers.agentgateway_config import GatewayRenderContext, api_key_env_var
from components.settings import KEYED_PROVIDERS, PROVIDER_NAMES, LoadedSettings, parse_settings
from components.settings.environments import profile

CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
REGIONS = ("us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "us-gov-west-1")
MODELS = {
    "bedrock": ("us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"),
    "anthropic": ("claude-sonnet-4-20250514", "claude-opus-4-1"),
    "openai": ("gpt-4o", "gpt-4.1-mini"),
    "azure": ("gpt-4o-deployment", "prod/gpt4"),
    "google": ("gemini-2.5-flash", "gemini-2.5-pro"),
}
ALIAS_KEYS = ("gpt-4*", "claude-*", "fast", "smart-model", "org/team:model")
ALIAS_TARGETS = ("us.anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514", "gpt-4o")


def config_map(values: dict[str, Any], region: str = "us-east-1") -> dict[str, str]:
    """A Pulumi-style config map from bare ``ai-gateway`` keys (structured values as JSON text).

    ``CERTIFICATE_ARN`` becomes the certificate of ``region`` (an ALB only takes its own region's).
    """
    out = {"aws:region": region}
    for key, value in values.items():
        text = value if isinstance(value, str) else json.dumps(value)
        out[f"ai-gateway:{key}"] = text.replace(CERTIFICATE_ARN, CERTIFICATE_ARN.replace(":us-east-1:", f":{region}:"))
    return out


def load(values: dict[str, Any], region: str = "us-east-1") -> LoadedSettings:
    """Validated settings for bare ``ai-gateway`` keys."""
    return parse_settings(config_map(values, region))


def dev_plain_http() -> dict[str, Any]:
    """The smallest valid dev stack: plain HTTP, no JWT validation."""
    return {"edge": {"allowPlainHttp": True}, "auth": {"jwtValidation": False}}


@st.composite
def _providers(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    enabled = draw(st.lists(st.sampled_from(PROVIDER_NAMES), min_size=1, max_size=5, unique=True))
    block: dict[str, Any] = {}
    for name in PROVIDER_NAMES:
        entry: dict[str, Any] = {"enabled": name in enabled}
        if name in enabled:
            if name == "bedrock":
                entry["model"] = draw(st.sampled_from(MODELS[name]))
                if draw(st.booleans()):
                    entry["region"] = draw(st.sampled_from(REGIONS))
            elif name == "azure":
                entry["model"] = draw(st.sampled_from(MODELS[name]))
                entry["resourceName"] = draw(st.sampled_from(("contoso-aoai", "myres1")))
                if draw(st.booleans()):
                    entry["apiVersion"] = draw(st.sampled_from(("2024-10-21", "2025-04-01-preview", "v1")))
            else:
                entry["model"] = draw(st.one_of(st.none(), st.sampled_from(MODELS[name])))
        block[name] = entry
    return block, [p for p in PROVIDER_NAMES if p in enabled]


@st.composite
def _fallback_groups(draw: st.DrawFn, enabled: list[str]) -> list[list[str]]:
    chosen = draw(st.permutations(enabled))
    chosen = chosen[: draw(st.integers(1, len(chosen)))]
    groups: list[list[str]] = []
    for name in chosen:
        if groups and draw(st.booleans()):
            groups[-1].append(name)
        else:
            groups.append([name])
    return groups


@st.composite
def _edge_and_auth(draw: st.DrawFn, environment: str) -> dict[str, Any]:
    auth: dict[str, Any] = {}
    if draw(st.integers(0, 3)) > 0:
        auth["teamClients"] = {t: {"scopes": ["invoke"]} for t in draw(
            st.lists(st.sampled_from(("platform", "data-science", "a", "team-42")), max_size=3, unique=True))}
    if environment == "dev" and draw(st.booleans()):
        return {"edge": {"allowPlainHttp": True}, "auth": {**auth, "jwtValidation": False}}
    jwt = True if profile(environment).jwt_required else draw(st.booleans())
    return {"edge": {"certificateArn": CERTIFICATE_ARN}, "auth": {**auth, "jwtValidation": jwt}}


@st.composite
def stack_values(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """Bare ``ai-gateway`` config values covering every renderer-relevant toggle, plus a region."""
    environment = draw(st.sampled_from(("dev", "staging", "prod")))
    providers, enabled = draw(_providers())
    values: dict[str, Any] = {"environment": environment, **draw(_edge_and_auth(environment)), "providers": providers}
    groups = draw(_fallback_groups(enabled))
    every_provider_grouped = {p for g in groups for p in g} == set(enabled)
    values["routing"] = {
        "fallbackGroups": groups,
        "modelAliases": draw(st.dictionaries(st.sampled_from(ALIAS_KEYS), st.sampled_from(ALIAS_TARGETS), max_size=3)),
        # Settings reject an enabled provider that nothing routes to.
        "providerRoutes": draw(st.booleans()) if every_provider_grouped else True,
        "retryAttempts": draw(st.integers(0, 5)),
        "requestTimeoutSeconds": draw(st.integers(10, 3600)),
        "evictionSeconds": draw(st.integers(1, 3600)),
    }
    values["promptCaching"] = {
        "enabled": draw(st.booleans()),
        "cacheSystem": draw(st.booleans()),
        "cacheMessages": draw(st.booleans()),
        "cacheTools": draw(st.booleans()),
        "minTokens": draw(st.integers(0, 1_000_000)),
    }
    guardrail = draw(st.sampled_from(("off", "existing", "created")))
    if guardrail == "existing":
        values["guardrails"] = {
            "enabled": True,
            "identifier": draw(st.sampled_from(
                ("abcdefghij12", "arn:aws:bedrock:eu-west-1:123456789012:guardrail/abcdefghij12"))),
            "version": draw(st.sampled_from(("1", "7", "DRAFT"))),
        }
    elif guardrail == "created":
        values["guardrails"] = {"enabled": True, "action": draw(st.sampled_from(("block", "detect")))}
    mode = draw(st.sampled_from(("off", "local", "global")))
    values["rateLimit"] = {"mode": mode}
    if mode == "global":
        values["rateLimit"]["failureMode"] = draw(st.sampled_from(("open", "closed")))
    values["service"] = {"logLevel": draw(st.sampled_from(("error", "warn", "info", "debug")))}
    values["observability"] = {
        "traceSamplingRatio": draw(st.floats(0, 1, allow_nan=False)),
        "metricsNamespace": draw(st.sampled_from(("AIGateway", "Team/AI-Gateway", "gw.dev"))),
    }
    return values, draw(st.sampled_from(REGIONS))


def gateway_context(loaded: LoadedSettings, team_client_ids: dict[str, str] | None = None) -> GatewayRenderContext:
    """The context the gateway component would build for ``loaded``."""
    settings = loaded.settings
    issuer = None
    if settings.auth.jwt_validation:
        issuer = f"https://cognito-idp.{loaded.region}.amazonaws.com/{loaded.region}_AbCdEf123"
    keyed = [p for p in settings.providers.enabled() if p in KEYED_PROVIDERS]
    return GatewayRenderContext(
        region=loaded.region,
        jwt_issuer=issuer,
        provider_key_env={p: api_key_env_var(p) for p in keyed},
        team_client_ids=(team_client_ids or {}) if issuer else {},
        guardrail_id=CREATED_GUARDRAIL_ID if settings.guardrails.managed else None,
        guardrail_version="3" if settings.guardrails.managed else None,
        user_client_ids=(PEOPLE_CLIENT_ID,) if settings.sso.enabled else (),
    )


PEOPLE_CLIENT_ID = "people0client0id"
"""The id the gateway component would pass for the SSO people's client."""
CREATED_GUARDRAIL_ID = "zyxwvu987654"
"""The id the gateway component would pass for a guardrail the stack created."""


@st.composite
def rendered_inputs(draw: st.DrawFn) -> tuple[LoadedSettings, GatewayRenderContext]:
    """Valid settings and a matching gateway render context."""
    values, region = draw(stack_values())
    loaded = load(values, region)
    teams = list(loaded.settings.auth.team_clients)
    clients = {f"{i}a1b2c3d4e5f6g7h8i9j0k1l2m"[:26]: team for i, team in enumerate(teams)}
    return loaded, gateway_context(loaded, clients)
