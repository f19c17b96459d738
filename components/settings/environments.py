"""What the ``environment`` setting decides: defaults, what validation refuses, policy levels.

One profile per environment class. Settings read their defaults and minimums from here; the
policy pack's per-environment configs (``policy/config/<environment>.json``) must agree with the
``required_*`` flags and the retention minimum (a test holds them together), so a setting the
settings accept is never a mandatory policy violation, and the reverse.

- **dev**: cheap and disposable. WAF, access logs and deletion protection off by default and
  optional; one NAT gateway and no interface endpoints (the NAT path carries the same traffic);
  plain HTTP allowed (without JWT validation); logs at least 30 days.
- **staging**: production-shaped traffic path, disposable data. WAF and ALB access logs on and
  required, JWT validation required; deletion protection optional (staging is rebuilt); one NAT
  gateway; logs at least 90 days; nothing protected.
- **prod**: everything on and required; a NAT gateway per AZ; logs at least 365 days; stateful
  resources protected; the audit bucket under Object Lock and no prompt or completion bodies logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Environment = Literal["dev", "staging", "prod"]
ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "prod")


@dataclass(frozen=True)
class EnvironmentProfile:
    """Defaults and floors of one environment class."""

    name: str
    waf_default: bool
    """``waf.enabled`` when unset."""
    waf_required: bool
    """``waf.enabled: false`` is refused."""
    access_logs_default: bool
    access_logs_required: bool
    deletion_protection_default: bool
    """ALB deletion protection when unset (the Cognito pool follows the same flag)."""
    deletion_protection_required: bool
    nat_gateway_per_az_default: bool
    interface_endpoints_by_default: bool
    """A created VPC gets the default interface endpoints unless ``network.interfaceEndpoints`` says otherwise."""
    plain_http_allowed: bool
    """``edge.allowPlainHttp`` (a dev-only test mode without a certificate) is accepted."""
    jwt_required: bool
    """``auth.jwtValidation: false`` is refused."""
    default_log_retention_days: int
    min_log_retention_days: int
    """Shortest retention accepted for any log group (settings and the policy pack)."""
    protect_stateful: bool
    """Stateful resources get ``protect`` (a destroy or replacement fails until unprotected)."""
    ecs_exec_allowed: bool
    """ECS Exec into tasks is tolerated: the policy pack only advises against it (no setting turns it on)."""
    audit_lock_required: bool = False
    """The audit bucket's Object Lock is on by default and cannot be turned off."""
    audit_bodies_allowed: bool = True
    """``audit.includeBodies`` (prompts and completions in the access log) is accepted."""


PROFILES: dict[str, EnvironmentProfile] = {
    "dev": EnvironmentProfile(
        "dev", waf_default=False, waf_required=False, access_logs_default=False, access_logs_required=False,
        deletion_protection_default=False, deletion_protection_required=False, nat_gateway_per_az_default=False,
        interface_endpoints_by_default=False, plain_http_allowed=True, jwt_required=False, default_log_retention_days=30, min_log_retention_days=30,
        protect_stateful=False, ecs_exec_allowed=True,
    ),
    "staging": EnvironmentProfile(
        "staging", waf_default=True, waf_required=True, access_logs_default=True, access_logs_required=True,
        deletion_protection_default=False, deletion_protection_required=False, nat_gateway_per_az_default=False,
        interface_endpoints_by_default=True, plain_http_allowed=False, jwt_required=True, default_log_retention_days=90, min_log_retention_days=90,
        protect_stateful=False, ecs_exec_allowed=False,
    ),
    "prod": EnvironmentProfile(
        "prod", waf_default=True, waf_required=True, access_logs_default=True, access_logs_required=True,
        deletion_protection_default=True, deletion_protection_required=True, nat_gateway_per_az_default=True,
        interface_endpoints_by_default=True, plain_http_allowed=False, jwt_required=True, default_log_retention_days=365, min_log_retention_days=365,
        protect_stateful=True, ecs_exec_allowed=False, audit_lock_required=True, audit_bodies_allowed=False,
    ),
}


def profile(environment: str) -> EnvironmentProfile:
    """The profile of an environment class (``KeyError`` for an unknown one)."""
    return PROFILES[environment]


def policy_config_path(environment: str) -> str:
    """The policy pack config an environment is checked with, relative to the repository root."""
    profile(environment)
    return f"policy/config/{environment}.json"
