"""Edge settings: load balancer, TLS certificate, WAF."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Optional

from pydantic import Field, field_validator, model_validator

from .errors import FieldProblem
from .model import IPv4Cidr, SettingsModel, check_retention

ACM_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:certificate/[0-9a-f-]{36}$")
"""An ACM certificate's ARN (the load balancer's region is checked against the stack's by the loader)."""


class EdgeSettings(SettingsModel):
    """Application Load Balancer, listeners, certificate and target group."""

    internal: bool = False
    """Internal (VPC-only) load balancer instead of internet-facing. Default false."""
    ingress_cidrs: list[IPv4Cidr] = [ipaddress.IPv4Network("0.0.0.0/0")]
    """Client CIDRs admitted on 443 (and 80 for the redirect). Default anywhere."""
    idle_timeout_seconds: Annotated[int, Field(ge=60, le=4000)] = 900
    """ALB idle timeout; long enough for streamed LLM responses. Default 900."""
    deregistration_delay_seconds: Annotated[int, Field(ge=0, le=3600)] = 300
    """Time a draining task keeps serving in-flight streams. Default 300."""
    deletion_protection: Optional[bool] = None
    """ALB deletion protection. Default: true in prod, false in dev and staging; required in prod."""
    access_logs: Optional[bool] = None
    """ALB access logs to an S3 bucket. Default: true in staging and prod, false in dev; required in staging and prod."""
    access_log_expiration_days: Annotated[int, Field(ge=1, le=3650)] = 400
    """Days ALB access logs are kept in S3. Default 400."""
    certificate_arn: Optional[str] = None
    """ACM certificate (in the stack's region) for the HTTPS listener. Either this or domainName +
    hostedZoneId."""
    domain_name: Optional[Annotated[str, Field(max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]] = None
    """Custom domain for the gateway; with hostedZoneId a certificate and alias record are created."""
    hosted_zone_id: Optional[Annotated[str, Field(pattern=r"^Z[A-Z0-9]{4,32}$")]] = None
    """Route 53 hosted zone of domainName (for DNS validation and the alias record)."""
    allow_plain_http: bool = False
    """Dev only, and only without a certificate: forward plain HTTP on port 80. Default false."""

    @field_validator("certificate_arn")
    @classmethod
    def _acm_certificate(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not ACM_CERTIFICATE_ARN.match(v):
            raise ValueError(f"{v!r} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)")
        return v

    @model_validator(mode="after")
    def _certificate_source(self) -> "EdgeSettings":
        if self.hosted_zone_id and not self.domain_name:
            raise FieldProblem("hostedZoneId", "needs domainName")
        if self.domain_name and not (self.hosted_zone_id or self.certificate_arn):
            raise FieldProblem("domainName", "needs hostedZoneId (to create a certificate) or certificateArn")
        if self.allow_plain_http and self.has_certificate:
            raise FieldProblem("allowPlainHttp", "cannot be combined with a certificate; HTTP only redirects to HTTPS")
        if not self.has_certificate and not self.allow_plain_http:
            raise FieldProblem(
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


class WafSettings(SettingsModel):
    """WAFv2 web ACL on the load balancer."""

    enabled: Optional[bool] = None
    """Attach a web ACL (about $9 a month for the ACL and its 4 rules, plus $0.60 per million requests).
    Default: true in staging and prod, false in dev; required in staging and prod."""
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
        return check_retention(v)

    @field_validator("count_only_rules")
    @classmethod
    def _known_rules(cls, v: list[str]) -> list[str]:
        from ..renderers.waf_rules import unknown_common_rules  # the rule list lives with the WAF rules

        unknown = unknown_common_rules(v)
        if unknown:
            raise ValueError(f"{', '.join(unknown)} is not a rule of AWSManagedRulesCommonRuleSet")
        return v
