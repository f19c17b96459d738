"""The whole stack's settings, their cross-checks and the environment's effective values."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field, model_validator
from pydantic.alias_generators import to_camel

from .audit import AuditSettings
from .auth import AuthSettings
from .control_plane import ControlPlaneSettings
from .budgets import BudgetsSettings
from .chargeback import ChargebackSettings
from .edge import EdgeSettings, WafSettings
from .environments import Environment, EnvironmentProfile, profile
from .errors import FieldProblem
from .inspector import InspectorSettings
from .live_config import LiveConfigSettings
from .llm import GuardrailsSettings, PromptCachingSettings, RateLimitSettings, RoutingSettings
from .model import SettingsModel
from .network import NetworkSettings
from .observability import ObservabilitySettings
from .providers import ProvidersSettings
from .service import CONFIG_SIDECARS_MEMORY_MIB, MIN_GATEWAY_MEMORY_MIB, ServiceSettings
from .sso import SsoSettings
from .teams import PricingSettings, Tiers, _default_tiers
from .usage import UsageSettings


class StackSettings(SettingsModel):
    """Every setting of one stack, validated once."""

    environment: Environment = "dev"
    """Environment class (dev, staging or prod): decides defaults, what validation refuses and the
    policy pack's levels (see docs/environments.md). Default dev."""
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
    """Per-team rate limits: how they are counted (the numbers are in tiers and teams)."""
    observability: ObservabilitySettings = ObservabilitySettings()
    """Logs, dashboard and alarms."""
    inspector: InspectorSettings = InspectorSettings()
    """Amazon Inspector enhanced ECR scanning (account-wide; off unless this stack manages it)."""
    live_config: LiveConfigSettings = LiveConfigSettings()
    """Live configuration delivery (AppConfig and the agent sidecar)."""
    tiers: Tiers = Field(default_factory=_default_tiers)
    """Team tiers: name -> {models, limits}. Default sandbox, standard, high and unlimited, each
    allowing every model, with the shipped limits (see ``tiers.<name>.limits``)."""
    pricing: PricingSettings = PricingSettings()
    """Model prices for the gateway's cost catalog."""
    control_plane: ControlPlaneSettings = ControlPlaneSettings()
    """The admin API and its tables (teams, budgets, prices, routing and usage at run time)."""
    audit: AuditSettings = AuditSettings()
    """Audit log: request metadata and admin changes in S3 (Parquet), queried with Athena."""
    usage: UsageSettings = UsageSettings()
    """Usage metering from the access log."""
    budgets: BudgetsSettings = BudgetsSettings()
    """Team budgets: alerts and blocking."""
    chargeback: ChargebackSettings = ChargebackSettings()
    """The monthly chargeback report."""
    sso: SsoSettings = SsoSettings()
    """People sign in with their company identity (Cognito federation, pre-token trigger)."""

    @property
    def is_prod(self) -> bool:
        """Whether the stack is a production stack."""
        return self.environment == "prod"

    @model_validator(mode="after")
    def _cross_checks(self) -> "StackSettings":
        enabled = set(self.providers.enabled())
        if not enabled:
            raise FieldProblem("providers", "enable at least one provider")
        for group in self.routing.fallback_groups:
            for name in group:
                if name not in enabled:
                    raise FieldProblem("routing.fallbackGroups", f"names {name}, which is not enabled in providers")
        routed = {p for g in self.routing.fallback_groups for p in g}
        unreachable = [p for p in self.providers.enabled() if p not in routed]
        if unreachable and not self.routing.provider_routes:
            raise FieldProblem("providers", f"{', '.join(unreachable)} is enabled but in no fallback group and"
                                             " routing.providerRoutes is off, so nothing can reach it")
        for team, client in self.auth.team_clients.items():
            if client.tier not in self.tiers:
                raise FieldProblem(f"auth.teamClients.{team}.tier",
                                   f"{client.tier!r} is not a tier ({', '.join(sorted(self.tiers))})")
        self._usage_checks()
        self._rate_limit_checks()
        self._environment_checks()
        lock = self.audit.object_lock
        if self.audit.enabled and self.audit_object_lock and lock.days > self.audit.retention_days:
            raise FieldProblem("audit.objectLock.days", f"{lock.days} is longer than audit.retentionDays"
                                                        f" ({self.audit.retention_days}): objects would expire while locked")
        if self.edge.allow_plain_http and self.auth.jwt_validation:
            raise FieldProblem("auth.jwtValidation", "needs an HTTPS listener; turn it off with edge.allowPlainHttp")
        if self.control_plane.enabled and not self.auth.jwt_validation:
            raise FieldProblem("controlPlane.enabled", "needs auth.jwtValidation: the gateway tells the admin API's"
                                                       " teams apart by their token's client id")
        if self.sso.enabled and not self.auth.jwt_validation:
            raise FieldProblem("sso.enabled", "needs auth.jwtValidation: people's tokens are told apart by their client id")
        return self

    def _usage_checks(self) -> None:
        """Budgets and chargeback read the usage counters; a setting of a feature that is off is refused."""
        for key, on in (("budgets", self.budgets.enabled), ("chargeback", self.chargeback.enabled)):
            if on and not self.usage.enabled:
                raise FieldProblem(f"{key}.enabled", f"{key} need the usage counters: turn usage.enabled on,"
                                                     f" or set {key}.enabled to false")
        if self.budgets.alert_emails and not self.budgets.enabled:
            raise FieldProblem("budgets.alertEmails", "is set but budgets.enabled is false")
        if self.chargeback.report_emails and not self.chargeback.enabled:
            raise FieldProblem("chargeback.reportEmails", "is set but chargeback.enabled is false")

    def _rate_limit_checks(self) -> None:
        """Limits and rate-limit settings that the chosen mode would not apply are refused."""
        from .teams import tier_limits

        mode, rl = self.rate_limit_mode, self.rate_limit
        if mode != "global":
            for key in ("failure_mode", "image", "sidecar_cpu", "sidecar_memory", "cache"):
                if key in rl.model_fields_set:
                    raise FieldProblem(f"rateLimit.{to_camel(key)}", f"applies to rateLimit.mode global only (the mode is {mode})")
        if mode == "off" and "default_tier" in rl.model_fields_set:
            raise FieldProblem("rateLimit.defaultTier", "rate limiting is off (rateLimit.mode off)")
        if "default_tier" in rl.model_fields_set and rl.default_tier not in self.tiers:
            raise FieldProblem("rateLimit.defaultTier", f"{rl.default_tier!r} is not a tier ({', '.join(sorted(self.tiers))})")
        given = [(f"tiers.{name}.limits", tier.limits) for name, tier in sorted(self.tiers.items())
                 if "limits" in tier.model_fields_set]
        given += [(f"auth.teamClients.{team}.limits", c.limits) for team, c in sorted(self.auth.team_clients.items())
                  if c.limits is not None]
        for key, limits in given:
            if mode == "off":
                raise FieldProblem(key, "rate limiting is off (rateLimit.mode off); these limits would apply to nobody")
            tokens = limits.token_keys()
            if mode == "local" and tokens:
                raise FieldProblem(f"{key}.{tokens[0]}", "local rate limits count requests only; token limits need"
                                                         " rateLimit.mode global")
        if mode == "local":
            teams = len(self.auth.team_clients) + 1  # and the default client's team
            limited = [n for n, t in self.tiers.items() if tier_limits(n, t).requests_per_minute is not None]
            if teams > 64 and limited:
                raise FieldProblem("auth.teamClients", f"{teams} teams need {teams} local rate-limit rules; agentgateway"
                                                       " allows 64: use rateLimit.mode global")
        if mode == "global":
            svc = self.service
            if svc.cpu - svc.collector_cpu - rl.sidecar_cpu < 128:
                raise FieldProblem("rateLimit.sidecarCpu", f"leaves the gateway less than 128 of service.cpu {svc.cpu}")
            if self.gateway_memory < MIN_GATEWAY_MEMORY_MIB:
                raise FieldProblem("rateLimit.sidecarMemory", f"leaves the gateway {self.gateway_memory} MiB; it needs"
                                                              f" at least {MIN_GATEWAY_MEMORY_MIB}")

    @property
    def rate_limit_mode(self) -> str:
        """Effective rate-limit mode (global in prod, local otherwise, unless set)."""
        return self.rate_limit.mode or ("global" if self.is_prod else "local")

    @property
    def rate_limit_failure_mode(self) -> str:
        """Effective failure mode of global rate limits (open in prod, closed otherwise, unless set)."""
        return self.rate_limit.failure_mode or ("open" if self.is_prod else "closed")

    @property
    def ratelimit_sidecar(self) -> bool:
        """Whether each task runs the rate-limit service beside the gateway (global mode)."""
        return self.rate_limit_mode == "global"

    @property
    def gateway_memory(self) -> int:
        """Hard memory limit of the gateway container: the task's, less every sidecar's."""
        svc = self.service
        side = self.rate_limit.sidecar_memory if self.ratelimit_sidecar else 0
        return svc.memory - svc.collector_memory - CONFIG_SIDECARS_MEMORY_MIB - side

    @property
    def gateway_cpu(self) -> int:
        """CPU units of the gateway container: the task's, less the collector's and the rate-limit sidecar's."""
        svc = self.service
        return svc.cpu - svc.collector_cpu - (self.rate_limit.sidecar_cpu if self.ratelimit_sidecar else 0)

    @property
    def profile(self) -> EnvironmentProfile:
        """What this stack's environment class decides (defaults, floors, policy levels)."""
        return profile(self.environment)

    def _environment_checks(self) -> None:
        """Refuse settings that weaken what the environment requires (the policy pack agrees)."""
        env, p = self.environment, self.profile
        minimum = p.min_log_retention_days
        weakening = [
            ("edge.allowPlainHttp", self.edge.allow_plain_http and not p.plain_http_allowed,
             f"plain HTTP forwarding is allowed only in dev, not {env}"),
            ("auth.jwtValidation", not self.auth.jwt_validation and p.jwt_required,
             f"JWT validation cannot be turned off in {env}"),
            ("waf.enabled", self.waf.enabled is False and p.waf_required, f"the WAF cannot be turned off in {env}"),
            ("edge.deletionProtection", self.edge.deletion_protection is False and p.deletion_protection_required,
             f"deletion protection cannot be turned off in {env}"),
            ("edge.accessLogs", self.edge.access_logs is False and p.access_logs_required,
             f"access logs cannot be turned off in {env}"),
            ("observability.logRetentionDays",
             self.observability.log_retention_days is not None and self.observability.log_retention_days < minimum,
             f"{env} keeps logs at least {minimum} days"),
            ("controlPlane.tableDeletionProtection",
             self.control_plane.table_deletion_protection is False and p.deletion_protection_required,
             f"table deletion protection cannot be turned off in {env}"),
            ("waf.logRetentionDays", self.waf.log_retention_days is not None and self.waf.log_retention_days < minimum,
             f"{env} keeps WAF logs at least {minimum} days"),
            ("audit.includeBodies", self.audit.include_bodies and not p.audit_bodies_allowed,
             f"prompts and completions cannot be logged in {env}"),
            ("audit.objectLock.enabled", self.audit.object_lock.enabled is False and p.audit_lock_required,
             f"the audit bucket's Object Lock cannot be turned off in {env}"),
            *(
                (f"sso.{key}", bool(urls) and not p.plain_http_allowed,
                 f"{env} accepts only https URLs here (the CLI's loopback redirect is registered by itself):"
                 f" {', '.join(urls)}")
                for key, urls in (("callbackUrls", self.sso.plain_http_urls("callback")),
                                  ("logoutUrls", self.sso.plain_http_urls("logout")))
            ),
        ]
        for key, bad, problem in weakening:
            if bad:
                raise FieldProblem(key, problem)

    # Effective values: settings left unset take the environment's default.
    @property
    def nat_gateway_per_az(self) -> bool:
        """Effective NAT layout."""
        v = self.network.nat_gateway_per_az
        return self.profile.nat_gateway_per_az_default if v is None else v

    @property
    def waf_enabled(self) -> bool:
        """Effective WAF toggle."""
        return self.profile.waf_default if self.waf.enabled is None else self.waf.enabled

    @property
    def deletion_protection(self) -> bool:
        """Effective ALB deletion protection."""
        v = self.edge.deletion_protection
        return self.profile.deletion_protection_default if v is None else v

    @property
    def access_logs(self) -> bool:
        """Effective ALB access-log toggle."""
        return self.profile.access_logs_default if self.edge.access_logs is None else self.edge.access_logs

    @property
    def log_retention_days(self) -> int:
        """Effective log retention."""
        v = self.observability.log_retention_days
        return self.profile.default_log_retention_days if v is None else v

    @property
    def interface_endpoint_services(self) -> tuple[str, ...]:
        """Effective interface endpoints (none by default in dev and in an existing VPC)."""
        return self.network.endpoint_services(environment_default=self.profile.interface_endpoints_by_default)

    @property
    def config_deployment_strategy(self) -> str:
        """Effective AppConfig deployment strategy of a publish."""
        return self.live_config.deployment_strategy or ("guarded" if self.is_prod else "immediate")

    @property
    def inspector_scan_frequency(self) -> str:
        """Effective enhanced-scanning frequency (when ``inspector.manage``)."""
        default = "CONTINUOUS_SCAN" if self.is_prod else "SCAN_ON_PUSH"
        return self.inspector.scan_frequency or default

    @property
    def control_plane_enabled(self) -> bool:
        """Effective control-plane toggle (on with JWT validation unless set)."""
        v = self.control_plane.enabled
        return self.auth.jwt_validation if v is None else v

    @property
    def table_deletion_protection(self) -> bool:
        """Effective deletion protection of the control-plane tables."""
        v = self.control_plane.table_deletion_protection
        return self.profile.deletion_protection_default if v is None else v

    @property
    def waf_log_retention_days(self) -> int:
        """Effective WAF log retention."""
        return self.waf.log_retention_days or max(365, self.log_retention_days)

    @property
    def audit_object_lock(self) -> bool:
        """Effective Object Lock of the audit bucket (when ``audit.enabled``)."""
        v = self.audit.object_lock.enabled
        return self.profile.audit_lock_required if v is None else v

    @property
    def audit_bodies(self) -> bool:
        """Whether access-log lines carry prompts and completions."""
        return self.audit.enabled and self.audit.include_bodies

    @property
    def bedrock_region_or(self) -> Optional[str]:
        """Bedrock region when set explicitly."""
        return self.providers.bedrock.region
