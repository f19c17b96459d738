"""LLM request policies: fallback routing, prompt caching, guardrails, rate limits."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from .errors import FieldProblem
from .images import check_pinned_image, mirrored_tag
from .model import SettingsModel
from .providers import ProviderName


class RoutingSettings(SettingsModel):
    """How the ``/v1`` route picks a provider."""

    fallback_groups: Annotated[list[Annotated[list[ProviderName], Field(min_length=1)]], Field(min_length=1)] = [["bedrock"], ["anthropic"]]
    """Priority groups: traffic goes to the first group with healthy providers. Default bedrock, then anthropic."""
    model_aliases: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9._:*/-]+$")], Annotated[str, Field(pattern=r"^[A-Za-z0-9._:/-]+$")]] = {}
    """Model name (wildcards allowed) -> model id sent to the provider. Default none."""
    provider_routes: bool = True
    """Also expose ``/<provider>/v1`` routes that pin one provider. Default true."""
    retry_attempts: Annotated[int, Field(ge=0, le=5)] = 1
    """Retries of a failed request (429/5xx) so the next group is tried. Default 1."""
    request_timeout_seconds: Annotated[int, Field(ge=10, le=3600)] = 600
    """Upper bound on one request, streaming included. Default 600."""
    eviction_seconds: Annotated[int, Field(ge=1, le=3600)] = 30
    """How long a failing provider is taken out of rotation. Default 30."""

    @field_validator("fallback_groups")
    @classmethod
    def _no_repeats(cls, v: list[list[str]]) -> list[list[str]]:
        flat = [p for g in v for p in g]
        if len(flat) != len(set(flat)):
            raise ValueError("a provider appears in more than one group")
        return v


class PromptCachingSettings(SettingsModel):
    """Provider-native prompt caching (Bedrock cache points)."""

    enabled: bool = True
    """Insert cache points into Bedrock requests. Default true."""
    cache_system: bool = True
    """Cache the system prompt. Default true."""
    cache_messages: bool = True
    """Cache the message history. Default true."""
    cache_tools: bool = False
    """Cache tool definitions. Default false."""
    min_tokens: Annotated[int, Field(ge=0, le=1_000_000)] = 1024
    """Smallest prompt worth caching. Default 1024."""


PII_ENTITIES = (
    "ADDRESS", "AGE", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CA_HEALTH_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "CREDIT_DEBIT_CARD_NUMBER", "DRIVER_ID", "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE", "MAC_ADDRESS", "NAME", "PASSWORD",
    "PHONE", "PIN", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "URL", "USERNAME", "US_BANK_ACCOUNT_NUMBER",
    "US_BANK_ROUTING_NUMBER", "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER",
    "US_SOCIAL_SECURITY_NUMBER", "VEHICLE_IDENTIFICATION_NUMBER",
)
"""Sensitive-information types Bedrock Guardrails detect."""
_MANAGED_GUARDRAIL_FIELDS = ("action", "content_filter_strength", "pii_entities", "blocked_message")


class GuardrailsSettings(SettingsModel):
    """Amazon Bedrock Guardrails applied to requests and responses on every provider.

    Either the stack creates and versions a guardrail from the settings below (default), or it
    uses an existing one given by ``identifier`` (and ``version``).
    """

    enabled: bool = False
    """Apply a guardrail. Default false."""
    identifier: Optional[Annotated[str, Field(pattern=r"^[a-z0-9]{12}$|^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail/[a-z0-9]{12}$")]] = None
    """Existing guardrail id or ARN. Default: the stack creates one (a new version whenever its settings change)."""
    version: Optional[Annotated[str, Field(pattern=r"^([1-9][0-9]{0,7}|DRAFT)$")]] = None
    """Published version of the existing guardrail (only with identifier). Default 1."""
    action: Literal["block", "detect"] = "block"
    """Created guardrail: block flagged content, or only detect it (verdict in traces and metrics). Default block."""
    content_filter_strength: Literal["LOW", "MEDIUM", "HIGH"] = "HIGH"
    """Created guardrail: strength of the hate, insults, sexual, violence, misconduct and prompt-attack filters."""
    pii_entities: list[Literal[PII_ENTITIES]] = [  # type: ignore[valid-type]
        "US_SOCIAL_SECURITY_NUMBER", "CREDIT_DEBIT_CARD_NUMBER", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "PASSWORD",
    ]
    """Created guardrail: sensitive-information types to block (or detect)."""
    blocked_message: Annotated[str, Field(min_length=1, max_length=500)] = "This request was blocked by the gateway's content policy."
    """Created guardrail: the message returned instead of blocked input or output."""

    @property
    def managed(self) -> bool:
        """Whether the stack creates the guardrail."""
        return self.enabled and self.identifier is None

    @model_validator(mode="after")
    def _one_source(self) -> "GuardrailsSettings":
        if self.version is not None and self.identifier is None:
            raise FieldProblem("version", "only applies to an existing guardrail given by identifier")
        if self.identifier is not None:
            for name in _MANAGED_GUARDRAIL_FIELDS:
                if name in self.model_fields_set:
                    raise FieldProblem(to_camel(name), "configures the guardrail the stack creates; it has no"
                                                        " effect on the existing guardrail given by identifier")
        if len(set(self.pii_entities)) != len(self.pii_entities):
            raise FieldProblem("piiEntities", "lists a type twice")
        return self

    @property
    def existing_version(self) -> str:
        """Version of the existing guardrail (``version``, default 1)."""
        return self.version or "1"


RATELIMIT_SOURCE = "docker.io/envoyproxy/ratelimit"
RATELIMIT_COMMIT = "3e085e5b"
"""envoyproxy/ratelimit build mirrored by default: its images are tagged with the short commit
(``Makefile`` ``VERSION``, pushed by ``.github/workflows/main.yaml``); this tag is the one
agentgateway v1.4.1's own CI pulls (``controller/test/setup/setup-kind-ci.sh``). No public source
pins its digest, so it is mirrored like the AppConfig Agent (docs/mirror-images.md)."""


class RateLimitCacheSettings(SettingsModel):
    """The counters' store in global mode: ElastiCache Serverless for Valkey."""

    max_data_storage_gb: Annotated[int, Field(ge=1, le=5000)] = 1
    """Upper limit of data stored (GB; ElastiCache bills at least 100 MB an hour). Default 1."""
    max_ecpu_per_second: Annotated[int, Field(ge=1000, le=15_000_000)] = 5000
    """Upper limit of ElastiCache Processing Units per second (each counter update takes about 1
    to 2). Default 5000."""
    snapshot_retention_days: Annotated[int, Field(ge=0, le=35)] = 0
    """Daily snapshots kept (counters are rebuilt within a window, so none by default). Default 0."""


class RateLimitSettings(SettingsModel):
    """Per-team rate limits (the numbers are in ``tiers.<name>.limits`` and each team's ``limits``)."""

    mode: Optional[Literal["off", "local", "global"]] = None
    """``local``: agentgateway's buckets, per task (N tasks allow N times the limit; refilled on every
    config reload), requests per minute only, at most 64 teams. ``global``: one count for the whole
    fleet in envoyproxy/ratelimit (a sidecar in each task) over ElastiCache Serverless for Valkey;
    requests and tokens. ``off``: no limits. Default: global in prod, local otherwise."""
    failure_mode: Optional[Literal["open", "closed"]] = None
    """Global mode: ``open`` lets requests through while the rate-limit service or its cache fails,
    ``closed`` answers them 500. Default: open in prod, closed otherwise (docs/adr/0015)."""
    default_tier: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")] = "standard"
    """Tier whose limits a caller of no team gets (only matters with no teams at all). Default
    standard (no limits for such a caller when the stack has no tier of that name)."""
    image: str = f"ecr:ratelimit-{RATELIMIT_COMMIT}"
    """Global mode: the envoyproxy/ratelimit image, ``repository@sha256:<digest>`` or ``ecr:<tag>``
    in this stack's immutable repository (mirrored by ``bin/mirror-images``). Default ``ecr:ratelimit-3e085e5b``."""
    sidecar_cpu: Annotated[int, Field(ge=64, le=1024)] = 128
    """Global mode: CPU units of the rate-limit sidecar, taken from the gateway's share. Default 128."""
    sidecar_memory: Annotated[int, Field(ge=64, le=1024)] = 128
    """Global mode: memory (MiB) of the rate-limit sidecar, taken from the gateway's share. Default 128."""
    cache: RateLimitCacheSettings = RateLimitCacheSettings()
    """Global mode: the counters' cache."""

    @field_validator("image")
    @classmethod
    def _pinned(cls, v: str) -> str:
        return check_pinned_image(v)

    @property
    def mirrored_tag(self) -> Optional[str]:
        """The tag in the stack's repository when the image is mirrored there."""
        return mirrored_tag(self.image)
