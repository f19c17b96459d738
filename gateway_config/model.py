"""What the renderer takes: the *base* (Pulumi's, from stack settings) and the *overlay* (the
control plane's: teams, routing overrides, price overrides).

Both are strict pydantic models with camelCase JSON, so they travel as JSON from the Pulumi program
to the publisher Lambda (the ``aws.lambda_.Invocation`` input) and, later, from the overlay store.
Every id, ARN and env var name is resolved before it gets here: rendering is a pure function of
these two documents.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

SCHEMA_VERSION = 1
ProviderName = Literal["bedrock", "anthropic", "openai", "azure", "google"]
KEYED_PROVIDERS = ("anthropic", "openai", "azure", "google")
TeamStatus = Literal["active", "suspended", "over-budget"]
TEAM_STATUSES: tuple[str, ...] = ("active", "suspended", "over-budget")

TEAM_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"
CLIENT_ID = r"^[A-Za-z0-9_+-]{1,128}$"
MODEL_NAME = r"^[!#-\[\]-~]{1,200}$"
"""A model name a client may send: printable ASCII without space, ``"`` or ``\\`` (so any ``$`` it
carries is escaped by the renderer, and CEL literals never need more than JSON escapes)."""
ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"
HTTPS_URL = r"^https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?$"
REGION = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$"

Model = Annotated[str, Field(pattern=MODEL_NAME)]


class _Strict(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
                              strict=True)


class ProviderBase(_Strict):
    """One enabled provider, as the base renders it."""

    name: ProviderName
    model: Optional[Model] = None
    """Model the provider is pinned to (required for bedrock and azure)."""
    region: Optional[Annotated[str, Field(pattern=REGION)]] = None
    """Bedrock only: the region it calls."""
    key_env: Optional[Annotated[str, Field(pattern=ENV_NAME)]] = None
    """Keyed providers: the env var the task injects the API key as."""
    resource_name: Optional[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]] = None
    """Azure only: the Azure OpenAI resource."""
    api_version: Optional[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$|^v1$")]] = None
    """Azure only: API version."""

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> "ProviderBase":
        keyed = self.name in KEYED_PROVIDERS
        if keyed != (self.key_env is not None):
            raise ValueError(f"provider {self.name}: key_env is {'required' if keyed else 'not allowed'}")
        if (self.name == "bedrock") != (self.region is not None) or (self.name == "bedrock" and not self.model):
            raise ValueError("provider bedrock needs region and model (and only bedrock has a region)")
        if self.name == "azure" and not (self.resource_name and self.model):
            raise ValueError("provider azure needs resource_name and model")
        if self.name != "azure" and (self.resource_name or self.api_version):
            raise ValueError(f"provider {self.name}: resource_name and api_version are azure's")
        return self


class RoutingBase(_Strict):
    """How ``/v1`` picks a provider (settings ``routing``)."""

    fallback_groups: Annotated[list[Annotated[list[ProviderName], Field(min_length=1)]], Field(min_length=1)]
    model_aliases: dict[Model, Model] = {}
    provider_routes: bool = True
    retry_attempts: Annotated[int, Field(ge=0, le=5)] = 1
    request_timeout_seconds: Annotated[int, Field(ge=1, le=86400)] = 600
    eviction_seconds: Annotated[int, Field(ge=1, le=86400)] = 30


class JwtBase(_Strict):
    """Cognito JWT validation in the gateway (issuer, JWKS, the scope a caller needs)."""

    issuer: Annotated[str, Field(pattern=HTTPS_URL)]
    jwks_url: Annotated[str, Field(pattern=HTTPS_URL)]
    invoke_scope: Annotated[str, Field(pattern=r"^[!#-\[\]-~]{1,256}$")]
    user_client_ids: list[Annotated[str, Field(pattern=CLIENT_ID)]] = []
    """People's (SSO) app clients: on these, the token's ``team`` claim names the caller's team."""


class PromptCachingBase(_Strict):
    """Bedrock cache points (settings ``promptCaching``)."""

    cache_system: bool
    cache_messages: bool
    cache_tools: bool
    min_tokens: Annotated[int, Field(ge=0)]


class GuardrailBase(_Strict):
    """The Bedrock guardrail applied to requests and responses."""

    identifier: Annotated[str, Field(pattern=r"^[a-z0-9]{12}$|^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail/[a-z0-9]{12}$")]
    version: Annotated[str, Field(pattern=r"^([1-9][0-9]{0,7}|DRAFT)$")]
    region: Annotated[str, Field(pattern=REGION)]


LIMIT_MAX = 1_000_000_000
"""Largest limit a setting may carry (the rate-limit protocol's ``requests_per_unit`` is a uint32)."""
Limit = Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]]
RateLimitMode = Literal["local", "global"]
FailureMode = Literal["open", "closed"]


class Limits(_Strict):
    """A team's rate limits; a field left unset (None) is no limit of that kind (for a team: its tier's)."""

    requests_per_minute: Limit = None
    tokens_per_minute: Limit = None
    tokens_per_day: Limit = None

    def over(self, fallback: "Limits") -> "Limits":
        """These limits, with ``fallback``'s for every field left unset."""
        return Limits(**{name: getattr(self, name) if getattr(self, name) is not None else getattr(fallback, name)
                         for name in Limits.model_fields})

    def token_fields(self) -> list[str]:
        """camelCase names of the token limits that are set."""
        return [to_camel(name) for name in ("tokens_per_minute", "tokens_per_day") if getattr(self, name) is not None]


class RateLimitBase(_Strict):
    """Per-team rate limits on every route (settings ``rateLimit``; the numbers come from tiers and teams).

    ``local``: agentgateway's own buckets, one per team, per task (each task allows the whole
    limit; a reload refills them), requests per minute only. ``global``: every task asks the
    rate-limit service (envoyproxy/ratelimit at ``service``), which counts in one shared store.
    """

    mode: RateLimitMode
    failure_mode: FailureMode = "closed"
    """``global`` only: what a request gets when the rate-limit service fails (closed: 500)."""
    service: Optional[Annotated[str, Field(pattern=r"^[a-z0-9.-]+:\d{1,5}$")]] = None
    """``global`` only: ``host:port`` of the rate-limit service's gRPC listener."""
    domain: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")] = "ai-gateway"
    """``global`` only: the rate-limit domain (the service's static config declares it)."""
    default_tier: Optional[Annotated[str, Field(pattern=TEAM_NAME)]] = None
    """Tier whose limits a caller of no team gets (only when the overlay has no teams: with teams,
    such a caller is refused before any limit); None: no limits for it."""

    @model_validator(mode="after")
    def _service_when_global(self) -> "RateLimitBase":
        if (self.mode == "global") != (self.service is not None):
            raise ValueError("rate_limit.service is required in global mode and only there")
        return self


class TierBase(_Strict):
    """What a tier grants its teams: models and default rate limits."""

    models: Optional[list[Model]] = None
    """Models the tier's teams may request (exact names, as the client sends them); None: every model."""
    limits: Limits = Limits()
    """The tier's default rate limits (a team's own ``limits`` replace them field by field)."""


class GatewayBase(_Strict):
    """What stack settings decide, resolved: owned by Pulumi, published on every deploy that changes it."""

    schema_version: Literal[1] = SCHEMA_VERSION
    region: Annotated[str, Field(pattern=REGION)]
    log_level: Literal["error", "warn", "info", "debug"] = "info"
    trace_sampling_ratio: Annotated[float, Field(ge=0, le=1)] = 0.1
    http1_idle_timeout_seconds: Annotated[int, Field(ge=1)]
    """Keep-alive of idle client connections; must outlive the load balancer's idle timeout."""
    catalog_path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9._/-]+\.json$")]
    """Where the task finds the model catalog file (agentgateway watches it on its own)."""
    providers: Annotated[list[ProviderBase], Field(min_length=1)]
    routing: RoutingBase
    jwt: Optional[JwtBase] = None
    prompt_caching: Optional[PromptCachingBase] = None
    guardrail: Optional[GuardrailBase] = None
    rate_limit: Optional[RateLimitBase] = None
    tiers: dict[Annotated[str, Field(pattern=TEAM_NAME)], TierBase] = {}
    count_tokens: Optional[Literal["anthropic", "token-estimate"]] = None
    """Who answers ``/v1/messages/count_tokens`` when Bedrock cannot count (docs/adr/0010)."""
    log_bodies: bool = False
    """Access-log lines also carry the prompt and the completion (``audit.includeBodies``; never in prod)."""

    @model_validator(mode="after")
    def _consistent(self) -> "GatewayBase":
        names = [p.name for p in self.providers]
        if len(set(names)) != len(names):
            raise ValueError("providers: a provider is listed twice")
        _check_groups(self.routing.fallback_groups, set(names))
        if self.count_tokens == "anthropic" and "anthropic" not in names:
            raise ValueError("count_tokens: anthropic is not an enabled provider")
        if self.rate_limit is not None and self.rate_limit.default_tier not in (None, *self.tiers):
            raise ValueError(f"rate_limit.default_tier: {self.rate_limit.default_tier!r} is not a tier")
        return self

    def provider(self, name: str) -> ProviderBase:
        """The enabled provider called ``name``."""
        return next(p for p in self.providers if p.name == name)


class Team(_Strict):
    """A team of callers: its Cognito app clients, tier, status and optional model allow-list."""

    name: Annotated[str, Field(pattern=TEAM_NAME)]
    client_ids: Annotated[list[Annotated[str, Field(pattern=CLIENT_ID)]], Field(min_length=1)]
    tier: Annotated[str, Field(pattern=TEAM_NAME)] = "standard"
    status: TeamStatus = "active"
    models: Optional[list[Model]] = None
    """Models the team may request; None: what its tier allows."""
    limits: Optional[Limits] = None
    """The team's own rate limits, each replacing its tier's; None: the tier's."""


class RoutingOverrides(_Strict):
    """Routing the control plane changes at run time (each field replaces the base's when set)."""

    fallback_groups: Optional[Annotated[list[Annotated[list[ProviderName], Field(min_length=1)]], Field(min_length=1)]] = None
    model_aliases: Optional[dict[Model, Model]] = None


Rates = dict[Literal["input", "output", "cacheRead", "cacheWrite", "reasoning", "inputAudio", "outputAudio"], str]


class GatewayOverlay(_Strict):
    """What the control plane owns: teams, routing overrides, price overrides."""

    schema_version: Literal[1] = SCHEMA_VERSION
    teams: list[Team] = []
    routing: RoutingOverrides = RoutingOverrides()
    prices: dict[str, dict[Annotated[str, Field(min_length=1, max_length=200)], Rates]] = {}
    """Catalog provider key -> model id -> rates (USD per 1M tokens, decimal strings)."""

    @model_validator(mode="after")
    def _unique(self) -> "GatewayOverlay":
        names = [t.name for t in self.teams]
        if len(set(names)) != len(names):
            raise ValueError("teams: a team name is used twice")
        ids = [c for t in self.teams for c in t.client_ids]
        duplicate = sorted({c for c in ids if ids.count(c) > 1})
        if duplicate:
            raise ValueError(f"teams: client id {duplicate[0]} belongs to more than one team")
        return self


def _check_groups(groups: list[list[str]], enabled: set[str]) -> None:
    flat = [p for g in groups for p in g]
    if len(flat) != len(set(flat)):
        raise ValueError("routing.fallbackGroups: a provider appears in more than one group")
    missing = sorted(set(flat) - enabled)
    if missing:
        raise ValueError(f"routing.fallbackGroups: {', '.join(missing)} is not an enabled provider")


def check_overlay_against_base(base: GatewayBase, overlay: GatewayOverlay) -> None:
    """Cross-checks of an overlay with the base it is rendered over (``ValueError`` names the field)."""
    if overlay.teams and base.jwt is None:
        raise ValueError("teams: team rules need JWT validation, which this stack has turned off")
    for team in overlay.teams:
        if team.tier not in base.tiers:
            raise ValueError(f"teams.{team.name}.tier: {team.tier!r} is not a tier of this stack ({', '.join(sorted(base.tiers))})")
        if team.limits is not None and base.rate_limit is None:
            raise ValueError(f"teams.{team.name}.limits: rate limiting is off in this stack (rateLimit.mode off)")
        if team.limits is not None and base.rate_limit is not None and base.rate_limit.mode == "local":
            tokens = team.limits.token_fields()
            if tokens:
                raise ValueError(f"teams.{team.name}.limits.{tokens[0]}: local rate limits count requests only;"
                                 " token limits need rateLimit.mode global")
    if overlay.routing.fallback_groups is not None:
        _check_groups(overlay.routing.fallback_groups, {p.name for p in base.providers})


def is_env_name(text: str) -> bool:
    """Whether ``text`` is a valid env var name for a key reference."""
    return bool(re.match(ENV_NAME, text))
