"""Stack settings: one validated pydantic model tree for everything a stack file can set.

This is the only module that reads Pulumi config. Keys live in the ``ai-gateway:`` namespace and
are camelCase in the stack file (``ai-gateway:edge: {idleTimeoutSeconds: 900}``). Every field has
a safe default; ``environment: prod`` turns on stricter defaults and stricter validation.

Invalid settings raise :class:`SettingsError`, whose message is one line naming the key and the
problem. ``__main__`` turns it into ``pulumi.RunError`` (no traceback in ``pulumi up``) and the
offline synth prints it and exits 2.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Mapping, Optional

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

NAMESPACE = "ai-gateway"

AGENTGATEWAY_IMAGE = (
    "ghcr.io/agentgateway/agentgateway"
    "@sha256:efd79355b89094a8225a9db465d9a01dc656b377f0bab458761b935a13231d29"
)
"""agentgateway v1.4.1, pinned by digest (see docs/upgrading.md for the bump flow)."""

COLLECTOR_IMAGE = (
    "public.ecr.aws/aws-observability/aws-otel-collector"
    "@sha256:40a7eb9bfa58871d5d6dbdfcb146bc9d7eb4f149b42bd653809cd5b980af0cc4"
)
"""AWS Distro for OpenTelemetry collector v0.47.0, pinned by digest."""

DIGEST_PINNED_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}$")
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)
FARGATE_MEMORY_BY_CPU = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
INTERFACE_ENDPOINT_SERVICES = (
    "ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts", "monitoring",
    "xray", "kms",
)
ProviderName = Literal["bedrock", "anthropic", "openai", "azure", "google"]
PROVIDER_NAMES: tuple[str, ...] = ("bedrock", "anthropic", "openai", "azure", "google")
KEYED_PROVIDERS: tuple[str, ...] = ("anthropic", "openai", "azure", "google")
"""Providers that authenticate with an API key held in Secrets Manager (Bedrock uses the task role)."""
SECRET_KEYS = {f"{p}ApiKey": p for p in KEYED_PROVIDERS}
"""Top-level secret config keys (``pulumi config set --secret anthropicApiKey ...``) -> provider."""
BEDROCK_GEO_PREFIXES = {"us": ("us-",), "eu": ("eu-",), "apac": ("ap-",), "jp": ("ap-northeast-1", "ap-northeast-3"),
                        "au": ("ap-southeast-2", "ap-southeast-4"), "ca": ("ca-",), "global": ("",)}


def _check_retention(days: Optional[int]) -> Optional[int]:
    if days is not None and days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(f"{days} is not a CloudWatch retention value ({', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))})")
    return days


class SettingsError(Exception):
    """An invalid stack setting. ``str()`` is one line: ``ai-gateway:<key>: <problem>``."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        label = key if ":" in key else f"{NAMESPACE}:{key}" if key else NAMESPACE
        super().__init__(f"{label}: {problem}")


class _Model(BaseModel):
    """Strict base: camelCase keys, unknown keys rejected, no silent coercion of strings to bools."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        strict=False,
        use_attribute_docstrings=True,
    )


class ExistingVpc(_Model):
    """Bring your own VPC: when set, the stack creates no network resources."""

    vpc_id: Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
    """Id of the existing VPC."""
    public_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]], Field(min_length=2)]
    """Subnets for the load balancer (at least two, in different AZs)."""
    private_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]], Field(min_length=2)]
    """Subnets for the gateway tasks; they need a route to the internet (NAT) or VPC endpoints."""


class NetworkSettings(_Model):
    """VPC, subnets, NAT, endpoints and flow logs."""

    cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.0.0.0/16")
    """VPC CIDR (a /16 to /20). Default ``10.0.0.0/16``."""
    az_count: Annotated[int, Field(ge=2, le=3)] = 2
    """Availability zones to spread subnets over (2 or 3). Default 2."""
    nat_gateway_per_az: Optional[bool] = None
    """One NAT gateway per AZ (resilient) instead of one shared. Default: true in prod, false otherwise."""
    interface_endpoints: list[Literal[INTERFACE_ENDPOINT_SERVICES]] = [  # type: ignore[valid-type]
        "ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts",
    ]
    """Interface VPC endpoints to create (the S3 gateway endpoint is always created)."""
    existing: Optional[ExistingVpc] = None
    """Use an existing VPC instead of creating one. Default: create one."""

    @field_validator("cidr")
    @classmethod
    def _cidr_size(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= v.prefixlen <= 20:
            raise ValueError("must be a /16 to /20 network")
        if not v.is_private:
            raise ValueError("must be a private (RFC 1918) range")
        return v

    @field_validator("interface_endpoints")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("lists a service twice")
        return v


class EdgeSettings(_Model):
    """Application Load Balancer, listeners, certificate and target group."""

    internal: bool = False
    """Internal (VPC-only) load balancer instead of internet-facing. Default false."""
    ingress_cidrs: list[ipaddress.IPv4Network] = [ipaddress.IPv4Network("0.0.0.0/0")]
    """Client CIDRs admitted on 443 (and 80 for the redirect). Default anywhere."""
    idle_timeout_seconds: Annotated[int, Field(ge=60, le=4000)] = 900
    """ALB idle timeout; long enough for streamed LLM responses. Default 900."""
    deregistration_delay_seconds: Annotated[int, Field(ge=0, le=3600)] = 300
    """Time a draining task keeps serving in-flight streams. Default 300."""
    deletion_protection: Optional[bool] = None
    """ALB deletion protection. Default: true in prod, false otherwise."""
    access_logs: Optional[bool] = None
    """ALB access logs to an encrypted S3 bucket. Default: true in prod, false otherwise."""
    access_log_expiration_days: Annotated[int, Field(ge=1, le=3650)] = 400
    """Days ALB access logs are kept in S3. Default 400."""
    certificate_arn: Optional[Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+$")]] = None
    """ACM certificate for the HTTPS listener. Either this or domainName + hostedZoneId."""
    domain_name: Optional[Annotated[str, Field(max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]] = None
    """Custom domain for the gateway; with hostedZoneId a certificate and alias record are created."""
    hosted_zone_id: Optional[Annotated[str, Field(pattern=r"^Z[A-Z0-9]{4,32}$")]] = None
    """Route 53 hosted zone of domainName (for DNS validation and the alias record)."""
    allow_plain_http: bool = False
    """Dev only, and only without a certificate: forward plain HTTP on port 80. Default false."""

    @model_validator(mode="after")
    def _certificate_source(self) -> "EdgeSettings":
        if self.hosted_zone_id and not self.domain_name:
            raise _FieldProblem("hostedZoneId", "needs domainName")
        if self.domain_name and not (self.hosted_zone_id or self.certificate_arn):
            raise _FieldProblem("domainName", "needs hostedZoneId (to create a certificate) or certificateArn")
        if self.allow_plain_http and self.has_certificate:
            raise _FieldProblem("allowPlainHttp", "cannot be combined with a certificate; HTTP only redirects to HTTPS")
        if not self.has_certificate and not self.allow_plain_http:
            raise _FieldProblem(
                "certificateArn",
                "a certificate is required: set certificateArn, or domainName + hostedZoneId"
                " (or, in dev only, allowPlainHttp: true)",
            )
        return self

    @property
    def has_certificate(self) -> bool:
        """Whether an HTTPS listener exists (certificate given or created)."""
        return bool(self.certificate_arn or (self.domain_name and self.hosted_zone_id))


WAF_BODY_RULES_DEFAULT = (
    "SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY",
    "EC2MetaDataSSRF_BODY",
)


class WafSettings(_Model):
    """WAFv2 web ACL on the load balancer."""

    enabled: Optional[bool] = None
    """Attach a web ACL. Default: true in prod, false otherwise."""
    rate_limit_per_5_minutes: Annotated[int, Field(ge=10, le=2_000_000_000, alias="rateLimitPer5Minutes")] = 2000
    """Requests per client IP per 5 minutes before the rate rule blocks. Default 2000."""
    count_only_rules: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]] = list(WAF_BODY_RULES_DEFAULT)
    """Common-rule-set rules set to count instead of block, because prompts full of code trip them."""
    log_retention_days: Optional[int] = None
    """Retention of the WAF log group (security evidence, kept long). Default: 365, or
    observability.logRetentionDays when that is longer."""

    @field_validator("log_retention_days")
    @classmethod
    def _waf_retention(cls, v: Optional[int]) -> Optional[int]:
        return _check_retention(v)

    @field_validator("count_only_rules")
    @classmethod
    def _known_rules(cls, v: list[str]) -> list[str]:
        from .renderers.waf_rules import unknown_common_rules  # the rule list lives with the WAF rules

        unknown = unknown_common_rules(v)
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not a rule of AWSManagedRulesCommonRuleSet")
        return v


TeamScope = Literal["invoke", "admin"]


class TeamClient(_Model):
    """One machine-to-machine Cognito client for a team."""

    scopes: Annotated[list[TeamScope], Field(min_length=1)] = ["invoke"]
    """Scopes the client may request. Default ``[invoke]``."""
    description: Annotated[str, Field(max_length=256)] = ""
    """What the team uses the client for (shown in the `teamClients` stack output)."""


class AuthSettings(_Model):
    """Cognito user pool, resource server, clients and ALB JWT validation."""

    resource_server_identifier: Annotated[str, Field(pattern=r"^https://[a-z0-9.-]+(/[A-Za-z0-9._-]*)*$")] = "https://gateway.internal"
    """Resource server identifier; scopes are ``<identifier>/invoke`` and ``<identifier>/admin``."""
    domain_prefix: Optional[Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]] = None
    """Cognito hosted domain prefix (globally unique per region). Default ``<project>-<stack>-<account id>``."""

    @field_validator("domain_prefix")
    @classmethod
    def _not_reserved(cls, v: Optional[str]) -> Optional[str]:
        for word in ("aws", "amazon", "cognito"):
            if v and word in v:
                raise ValueError(f"must not contain {word!r} (Cognito refuses it)")
        return v
    jwt_validation: bool = True
    """ALB validates the Cognito access token before forwarding. Required in prod."""
    access_token_minutes: Annotated[int, Field(ge=5, le=1440)] = 60
    """Access token lifetime of M2M clients. Default 60."""
    team_clients: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")], TeamClient] = {}
    """Per-team M2M clients: team name -> {scopes, description}. Default none."""


class ServiceSettings(_Model):
    """ECS Fargate service running agentgateway and the ADOT collector."""

    image: str = AGENTGATEWAY_IMAGE
    """agentgateway image, pinned by digest (``repo@sha256:...``)."""
    collector_image: str = COLLECTOR_IMAGE
    """ADOT collector image, pinned by digest."""
    cpu: Literal[256, 512, 1024, 2048, 4096, 8192, 16384] = 1024
    """Task CPU units. Default 1024."""
    memory: int = 2048
    """Task memory in MiB; must suit cpu (Fargate combinations). Default 2048."""
    collector_cpu: Annotated[int, Field(ge=128, le=1024)] = 256
    """CPU units reserved for the collector sidecar. Default 256."""
    collector_memory: Annotated[int, Field(ge=128, le=2048)] = 256
    """Memory (MiB) reserved for the collector sidecar. Default 256."""
    architecture: Literal["X86_64", "ARM64"] = "X86_64"
    """CPU architecture of the tasks. Default X86_64."""
    min_capacity: Annotated[int, Field(ge=1, le=100)] = 2
    """Minimum running tasks (autoscaling floor). Default 2."""
    max_capacity: Annotated[int, Field(ge=1, le=200)] = 6
    """Maximum running tasks. Default 6."""
    cpu_target_percent: Annotated[int, Field(ge=10, le=95)] = 70
    """Target average CPU for scaling. Default 70."""
    requests_per_target: Annotated[int, Field(ge=10, le=100_000)] = 500
    """Target ALB requests per task per minute for scaling. Default 500."""
    stop_timeout_seconds: Annotated[int, Field(ge=2, le=120)] = 120
    """Seconds a stopping gateway container gets to finish streams. Default 120 (Fargate maximum)."""
    log_level: Literal["error", "warn", "info", "debug"] = "info"
    """agentgateway log level. Default info."""
    ecr_keep_images: Annotated[int, Field(ge=1, le=1000)] = 20
    """Images kept in the per-stack ECR repository. Default 20."""

    @field_validator("image", "collector_image")
    @classmethod
    def _digest_pinned(cls, v: str) -> str:
        if not DIGEST_PINNED_IMAGE.match(v):
            raise ValueError("must be pinned by digest (repository@sha256:<64 hex>), not a tag")
        return v

    @model_validator(mode="after")
    def _sizes(self) -> "ServiceSettings":
        if self.memory not in FARGATE_MEMORY_BY_CPU[self.cpu]:
            allowed = FARGATE_MEMORY_BY_CPU[self.cpu]
            raise _FieldProblem("memory", f"{self.memory} MiB is not valid with cpu {self.cpu} (allowed {allowed[0]}-{allowed[-1]})")
        if self.collector_cpu >= self.cpu or self.collector_memory >= self.memory:
            raise _FieldProblem("collectorCpu", "the collector's reservation must leave room for the gateway")
        if self.min_capacity > self.max_capacity:
            raise _FieldProblem("minCapacity", f"{self.min_capacity} is above maxCapacity {self.max_capacity}")
        return self


class BedrockSettings(_Model):
    """Amazon Bedrock, called with the task role (no key)."""

    enabled: bool = True
    """Serve Bedrock. Default true."""
    region: Optional[Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]] = None
    """Bedrock region. Default: the stack's region."""
    model: str = "us.anthropic.claude-sonnet-4-20250514-v1:0"
    """Model or inference-profile id the Bedrock provider is pinned to."""
    allowed_models: list[str] = []
    """More model / inference-profile ids the task role may invoke (for example alias targets)."""

    @field_validator("model", "allowed_models")
    @classmethod
    def _model_ids(cls, v: Any) -> Any:
        for m in [v] if isinstance(v, str) else v:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?|arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile/[a-z0-9]+", m):
                raise ValueError(f"{m!r} is not a Bedrock model, inference profile or application inference profile ARN")
        return v


class KeyedProviderSettings(_Model):
    """A provider reached with an API key from Secrets Manager."""

    enabled: bool = False
    """Serve this provider."""
    model: Optional[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/-]+$")]] = None
    """Model the provider is pinned to. Default: the model the client asks for."""


class AnthropicSettings(KeyedProviderSettings):
    """Anthropic API (key in Secrets Manager)."""

    enabled: bool = True
    """Serve Anthropic. Default true."""
    model: Optional[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/-]+$")]] = "claude-sonnet-4-20250514"
    """Model the provider is pinned to. Default claude-sonnet-4-20250514."""


class AzureSettings(KeyedProviderSettings):
    """Azure OpenAI (key in Secrets Manager)."""

    resource_name: Optional[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]] = None
    """Azure OpenAI resource name (``<name>.openai.azure.com``). Required when enabled."""
    api_version: Optional[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$|^v1$")]] = None
    """Azure OpenAI API version. Default: agentgateway's default."""

    @model_validator(mode="after")
    def _resource(self) -> "AzureSettings":
        if self.enabled and not self.resource_name:
            raise _FieldProblem("resourceName", "is required when azure is enabled")
        if self.enabled and not self.model:
            raise _FieldProblem("model", "is required when azure is enabled (the deployment name)")
        return self


class ProvidersSettings(_Model):
    """The five LLM providers; only enabled ones are rendered, get secrets and IAM."""

    bedrock: BedrockSettings = BedrockSettings()
    """Amazon Bedrock (task-role credentials). Enabled by default."""
    anthropic: AnthropicSettings = AnthropicSettings()
    """Anthropic. Enabled by default."""
    openai: KeyedProviderSettings = KeyedProviderSettings()
    """OpenAI. Disabled by default."""
    azure: AzureSettings = AzureSettings()
    """Azure OpenAI. Disabled by default."""
    google: KeyedProviderSettings = KeyedProviderSettings()
    """Google Gemini API. Disabled by default."""

    def enabled(self) -> list[str]:
        """Names of the enabled providers, in canonical order."""
        return [p for p in PROVIDER_NAMES if getattr(self, p).enabled]


class RoutingSettings(_Model):
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


class PromptCachingSettings(_Model):
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


class GuardrailsSettings(_Model):
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
            raise _FieldProblem("version", "only applies to an existing guardrail given by identifier")
        if self.identifier is not None:
            for name in _MANAGED_GUARDRAIL_FIELDS:
                if name in self.model_fields_set:
                    raise _FieldProblem(to_camel(name), "configures the guardrail the stack creates; it has no"
                                                        " effect on the existing guardrail given by identifier")
        if len(set(self.pii_entities)) != len(self.pii_entities):
            raise _FieldProblem("piiEntities", "lists a type twice")
        return self

    @property
    def existing_version(self) -> str:
        """Version of the existing guardrail (``version``, default 1)."""
        return self.version or "1"


class RateLimitSettings(_Model):
    """Local rate limits in agentgateway (per task: the effective limit is tasks x limit)."""

    enabled: bool = False
    """Apply rate limits on ``/v1``. Default false."""
    requests_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = 600
    """Requests per minute per task. Default 600."""
    tokens_per_minute: Optional[Annotated[int, Field(ge=1, le=1_000_000_000)]] = None
    """LLM tokens per minute per task. Default no token limit."""


class AlarmSettings(_Model):
    """Alarm thresholds."""

    error_rate_percent: Annotated[float, Field(gt=0, le=100)] = 5.0
    """5xx responses as a percentage of requests. Default 5."""
    p99_latency_seconds: Annotated[float, Field(gt=0, le=4000)] = 60.0
    """p99 target response time. Default 60 (LLM streams are long)."""
    evaluation_minutes: Annotated[int, Field(ge=1, le=60)] = 5
    """Minutes a threshold must be breached. Default 5."""


class ObservabilitySettings(_Model):
    """Logs, metrics, dashboard and alarms."""

    log_retention_days: Optional[int] = None
    """Retention of every log group. Default: 365 in prod, 30 otherwise; prod requires at least 365."""
    metrics_namespace: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/#:-]{1,255}$")] = "AIGateway"
    """CloudWatch namespace of the gateway's token and cost metrics. Default AIGateway."""
    trace_sampling_ratio: Annotated[float, Field(ge=0, le=1)] = 0.1
    """Share of requests traced to X-Ray. Default 0.1."""
    alarm_topic_arns: list[Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$")]] = []
    """Existing SNS topics for alarm actions. Default: create an encrypted topic."""
    alarms: AlarmSettings = AlarmSettings()
    """Alarm thresholds."""

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, v: Optional[int]) -> Optional[int]:
        return _check_retention(v)


class StackSettings(_Model):
    """Every setting of one stack, validated once."""

    environment: Literal["dev", "staging", "prod"] = "dev"
    """Environment class; prod enables stricter defaults and validation. Default dev."""
    tags: dict[Annotated[str, Field(pattern=r"^[\w .:/=+@-]{1,128}$")], Annotated[str, Field(max_length=256)]] = {}
    """Extra tags on every resource (project, stack, environment and managed-by are always set)."""
    network: NetworkSettings = NetworkSettings()
    """Network."""
    edge: EdgeSettings
    """Load balancer and TLS (a stack must say where its certificate comes from)."""
    waf: WafSettings = WafSettings()
    """Web application firewall."""
    auth: AuthSettings = AuthSettings()
    """Cognito and JWT validation."""
    service: ServiceSettings = ServiceSettings()
    """The Fargate service."""
    providers: ProvidersSettings = ProvidersSettings()
    """LLM providers."""
    routing: RoutingSettings = RoutingSettings()
    """Fallback routing and model aliases."""
    prompt_caching: PromptCachingSettings = PromptCachingSettings()
    """Prompt caching."""
    guardrails: GuardrailsSettings = GuardrailsSettings()
    """Bedrock Guardrails."""
    rate_limit: RateLimitSettings = RateLimitSettings()
    """Rate limiting."""
    observability: ObservabilitySettings = ObservabilitySettings()
    """Logs, dashboard and alarms."""

    @property
    def is_prod(self) -> bool:
        """Whether the stack is a production stack."""
        return self.environment == "prod"

    @model_validator(mode="after")
    def _cross_checks(self) -> "StackSettings":
        enabled = set(self.providers.enabled())
        if not enabled:
            raise _FieldProblem("providers", "enable at least one provider")
        for group in self.routing.fallback_groups:
            for name in group:
                if name not in enabled:
                    raise _FieldProblem("routing.fallbackGroups", f"names {name}, which is not enabled in providers")
        routed = {p for g in self.routing.fallback_groups for p in g}
        unreachable = [p for p in self.providers.enabled() if p not in routed]
        if unreachable and not self.routing.provider_routes:
            raise _FieldProblem("providers", f"{', '.join(unreachable)} is enabled but in no fallback group and"
                                             " routing.providerRoutes is off, so nothing can reach it")
        self._prod_checks()
        if self.edge.allow_plain_http and self.environment != "dev":
            raise _FieldProblem("edge.allowPlainHttp", f"plain HTTP forwarding is allowed only in dev, not {self.environment}")
        if self.edge.allow_plain_http and self.auth.jwt_validation:
            raise _FieldProblem("auth.jwtValidation", "needs an HTTPS listener; turn it off with edge.allowPlainHttp")
        return self

    def _prod_checks(self) -> None:
        if not self.is_prod:
            return
        weakening = [
            ("edge.allowPlainHttp", self.edge.allow_plain_http, "plain HTTP forwarding is not allowed in prod"),
            ("auth.jwtValidation", not self.auth.jwt_validation, "JWT validation cannot be turned off in prod"),
            ("waf.enabled", self.waf.enabled is False, "the WAF cannot be turned off in prod"),
            ("edge.deletionProtection", self.edge.deletion_protection is False, "deletion protection cannot be turned off in prod"),
            ("edge.accessLogs", self.edge.access_logs is False, "access logs cannot be turned off in prod"),
            ("observability.logRetentionDays",
             self.observability.log_retention_days is not None and self.observability.log_retention_days < 365,
             "prod keeps logs at least 365 days"),
            ("waf.logRetentionDays", self.waf.log_retention_days is not None and self.waf.log_retention_days < 365,
             "prod keeps WAF logs at least 365 days"),
        ]
        for key, bad, problem in weakening:
            if bad:
                raise _FieldProblem(key, problem)

    # Effective values: settings left unset take the environment's default.
    @property
    def nat_gateway_per_az(self) -> bool:
        """Effective NAT layout."""
        v = self.network.nat_gateway_per_az
        return self.is_prod if v is None else v

    @property
    def waf_enabled(self) -> bool:
        """Effective WAF toggle."""
        return self.is_prod if self.waf.enabled is None else self.waf.enabled

    @property
    def deletion_protection(self) -> bool:
        """Effective ALB deletion protection."""
        v = self.edge.deletion_protection
        return self.is_prod if v is None else v

    @property
    def access_logs(self) -> bool:
        """Effective ALB access-log toggle."""
        return self.is_prod if self.edge.access_logs is None else self.edge.access_logs

    @property
    def log_retention_days(self) -> int:
        """Effective log retention."""
        v = self.observability.log_retention_days
        return (365 if self.is_prod else 30) if v is None else v

    @property
    def waf_log_retention_days(self) -> int:
        """Effective WAF log retention."""
        return self.waf.log_retention_days or max(365, self.log_retention_days)

    @property
    def bedrock_region_or(self) -> Optional[str]:
        """Bedrock region when set explicitly."""
        return self.providers.bedrock.region


class _FieldProblem(ValueError):
    """A validator's problem with a named (camelCase) sibling key."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(problem)


def _error_key(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts)


def _to_settings_error(err: ValidationError) -> SettingsError:
    first = err.errors(include_url=False)[0]
    key = _error_key(first["loc"])
    ctx_error = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _FieldProblem):
        key = f"{key}.{ctx_error.key}" if key else ctx_error.key
        return SettingsError(key, ctx_error.problem)
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        return SettingsError(key, "unknown setting")
    if msg.startswith("Value error, "):  # our own validators' words, kept as written
        return SettingsError(key, msg[len("Value error, "):])
    return SettingsError(key, msg[0].lower() + msg[1:] if msg else msg)


def _parse_value(key: str, raw: Any) -> Any:
    """Config values arrive as strings; structured (object/list) values arrive as JSON text."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(key, f"is not valid structured config ({exc.msg})") from None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return raw


_TOP_LEVEL_KEYS = frozenset(f.alias or to_camel(n) for n, f in StackSettings.model_fields.items())


@dataclass(frozen=True)
class LoadedSettings:
    """What the program needs from config: validated settings, the region, secret API keys."""

    settings: StackSettings
    region: str
    api_keys: Mapping[str, Any] = field(default_factory=dict)
    """Provider -> API key given as secret config (a Pulumi secret Output in a real run)."""


REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def parse_settings(config: Mapping[str, Any], secret_keys: frozenset[str] | set[str] = frozenset()) -> LoadedSettings:
    """Validate a stack's config map (``{"ai-gateway:key": value, "aws:region": ...}``).

    Keys of other namespaces than ``ai-gateway`` and ``aws:region`` belong to providers and are
    not read here. Raises :class:`SettingsError` on the first problem.
    """
    region = config.get("aws:region")
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise SettingsError("aws:region", "is required (`pulumi config set aws:region us-east-1`)"
                            if region is None else f"{region!r} is not an AWS region")
    data: dict[str, Any] = {}
    api_keys: dict[str, str] = {}
    prefix = f"{NAMESPACE}:"
    for full_key, raw in config.items():
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        if key in SECRET_KEYS:
            if full_key not in secret_keys:
                raise SettingsError(key, "is a provider API key and must be set with `pulumi config set --secret`")
            if not isinstance(raw, str) or not raw:
                raise SettingsError(key, "must be a non-empty string")
            api_keys[SECRET_KEYS[key]] = raw
            continue
        if full_key in secret_keys:
            raise SettingsError(key, "is not a secret setting; set it without --secret")
        if key not in _TOP_LEVEL_KEYS:
            raise SettingsError(key, "unknown setting")
        data[key] = _parse_value(key, raw)
    # The model default for edge only exists so the bare class validates; a stack must state its TLS.
    data.setdefault("edge", {})
    try:
        settings = StackSettings.model_validate(data)
    except ValidationError as err:
        raise _to_settings_error(err) from None
    for provider in api_keys:
        if not getattr(settings.providers, provider).enabled:
            raise SettingsError(f"{provider}ApiKey", f"is set but providers.{provider} is not enabled")
    return LoadedSettings(settings=settings, region=region, api_keys=api_keys)


def load_from_pulumi() -> LoadedSettings:
    """Read the running program's config (CLI or mocks) and validate it.

    The CLI hands the program its config as ``PULUMI_CONFIG`` and the secret key names as
    ``PULUMI_CONFIG_SECRET_KEYS``; tests and the offline synth set them in-process.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | {k for k in config if runtime_config.is_config_secret(k)}
    loaded = parse_settings(config, secret_keys)
    # API keys stay Pulumi secrets from here on: never a plain string in state or logs.
    keys = {provider: pulumi.Output.secret(value) for provider, value in loaded.api_keys.items()}
    return LoadedSettings(settings=loaded.settings, region=loaded.region, api_keys=keys)


def settings_reference() -> list[tuple[str, str, str]]:
    """(key, default, description) for every leaf setting, for the README reference table."""
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = f"{prefix}{field.alias or to_camel(name)}"
            ann = field.annotation
            sub = _submodel(ann)
            if sub is not None and sub is not ExistingVpc:
                walk(sub, key + ".")
                continue
            default = None if field.is_required() else field.default
            if isinstance(default, BaseModel):
                default = default.model_dump(by_alias=True, mode="json")
            rows.append((key, json.dumps(default, default=str), (field.description or "").strip()))

    walk(StackSettings, "")
    return rows


def _submodel(ann: Any) -> Optional[type[BaseModel]]:
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
