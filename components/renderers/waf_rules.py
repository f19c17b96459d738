"""WAFv2 web ACL rules for the load balancer, as a pure function (no Pulumi).

:func:`waf_rules` returns the rule list in the shape of ``aws.wafv2.WebAclRuleArgsDict`` (snake_case
keys; the SDK turns them into the wire names ``overrideAction``, ``visibilityConfig`` ...), so the
edge component passes it straight to ``aws.wafv2.WebAcl(rules=...)`` and tests read it as data.

Evaluation order (lower priority first; a terminating block stops evaluation):

1. ``AWSManagedRulesAmazonIpReputationList``: known bad sources are dropped before anything else.
2. ``RateLimitPerIP``: per client IP, over a 5-minute window; blocks the excess.
3. ``AWSManagedRulesCommonRuleSet`` (OWASP-style) with the body rules named in
   ``waf.countOnlyRules`` overridden to **count**: LLM prompts are large bodies full of code,
   markup and paths, which ``SizeRestrictions_BODY`` (8 KB) and the XSS/LFI/RFI/SSRF body rules
   block as false positives. Counting keeps their metrics and labels (see ADR 0005).
4. ``AWSManagedRulesKnownBadInputsRuleSet`` (Log4Shell, Java deserialization, ...).

Every rule and the ACL itself publish CloudWatch metrics whose names embed the stack prefix; the
dashboard reads them from :func:`waf_metric_names`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

IP_REPUTATION = "AWSManagedRulesAmazonIpReputationList"
RATE_LIMIT = "RateLimitPerIP"
COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"

RULE_ORDER = (IP_REPUTATION, RATE_LIMIT, COMMON_RULE_SET, KNOWN_BAD_INPUTS)
"""Rule names in evaluation order."""
_PRIORITY = {rule: 10 * (i + 1) for i, rule in enumerate(RULE_ORDER)}
"""Priorities 10, 20, 30, 40: gaps leave room for a rule in between without renumbering."""
_METRIC_SUFFIX = {
    IP_REPUTATION: "ip-reputation",
    RATE_LIMIT: "rate-limit",
    COMMON_RULE_SET: "common-rules",
    KNOWN_BAD_INPUTS: "known-bad-inputs",
}

RATE_WINDOW_SECONDS = 300
"""The rate rule counts requests per IP over 5 minutes (what ``rateLimitPer5Minutes`` means)."""

COMMON_RULE_SET_RULES = frozenset({
    "NoUserAgent_HEADER", "UserAgent_BadBots_HEADER",
    "SizeRestrictions_QUERYSTRING", "SizeRestrictions_Cookie_HEADER", "SizeRestrictions_BODY",
    "SizeRestrictions_URIPATH",
    "EC2MetaDataSSRF_BODY", "EC2MetaDataSSRF_COOKIE", "EC2MetaDataSSRF_URIPATH",
    "EC2MetaDataSSRF_QUERYARGUMENTS",
    "GenericLFI_QUERYARGUMENTS", "GenericLFI_URIPATH", "GenericLFI_BODY",
    "RestrictedExtensions_URIPATH", "RestrictedExtensions_QUERYARGUMENTS",
    "GenericRFI_QUERYARGUMENTS", "GenericRFI_BODY", "GenericRFI_URIPATH",
    "CrossSiteScripting_COOKIE", "CrossSiteScripting_QUERYARGUMENTS", "CrossSiteScripting_BODY",
    "CrossSiteScripting_URIPATH",
})
"""Rule names of the AWS Common rule set (version 1.x), for validating ``waf.countOnlyRules``."""


@dataclass(frozen=True)
class WafMetricNames:
    """CloudWatch metric names (dimension ``Rule`` / ``WebACL``) of the web ACL and its rules."""

    web_acl: str
    rules: dict[str, str] = field(default_factory=dict)
    """Rule name -> metric name."""


def waf_metric_names(prefix: str) -> WafMetricNames:
    """Metric names for a stack whose naming prefix is ``prefix`` (``<project>-<stack>``)."""
    return WafMetricNames(
        web_acl=f"{prefix}-waf",
        rules={rule: f"{prefix}-{_METRIC_SUFFIX[rule]}" for rule in RULE_ORDER},
    )


def unknown_common_rules(names: Iterable[str]) -> list[str]:
    """Names that are not rules of the Common rule set (a typo would silently block again)."""
    return sorted(set(names) - COMMON_RULE_SET_RULES)


def _visibility(metric_name: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric_name, "sampled_requests_enabled": True}


def _managed(rule: str, metric: str, overrides: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"vendor_name": "AWS", "name": rule}
    if overrides:
        statement["rule_action_overrides"] = overrides
    return {
        "name": rule,
        "priority": _PRIORITY[rule],
        # "none": the managed group's own actions apply (block), apart from per-rule overrides.
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": statement},
        "visibility_config": _visibility(metric),
    }


def waf_rules(prefix: str, rate_limit_per_5_minutes: int, count_only_rules: Iterable[str]) -> list[dict[str, Any]]:
    """The web ACL's rules (``WebAclRuleArgsDict`` shape), in evaluation order.

    ``count_only_rules``: Common-rule-set rules switched from block to count (duplicates dropped,
    order kept).
    """
    if rate_limit_per_5_minutes < 10:
        raise ValueError("WAF rate-based rules need a limit of at least 10")
    metrics = waf_metric_names(prefix).rules
    count_only = list(dict.fromkeys(count_only_rules))
    overrides = [{"name": rule, "action_to_use": {"count": {}}} for rule in count_only]
    return [
        _managed(IP_REPUTATION, metrics[IP_REPUTATION]),
        {
            "name": RATE_LIMIT,
            "priority": _PRIORITY[RATE_LIMIT],
            "action": {"block": {}},
            "statement": {
                "rate_based_statement": {
                    "limit": rate_limit_per_5_minutes,
                    "aggregate_key_type": "IP",
                    "evaluation_window_sec": RATE_WINDOW_SECONDS,
                }
            },
            "visibility_config": _visibility(metrics[RATE_LIMIT]),
        },
        _managed(COMMON_RULE_SET, metrics[COMMON_RULE_SET], overrides),
        _managed(KNOWN_BAD_INPUTS, metrics[KNOWN_BAD_INPUTS]),
    ]


REDACTED_HEADERS = ("authorization",)
"""Headers WAF logging must never record (bearer tokens)."""


def waf_redacted_fields() -> list[dict[str, Any]]:
    """``WebAclLoggingConfigurationRedactedFieldArgsDict`` entries for :data:`REDACTED_HEADERS`."""
    return [{"single_header": {"name": header}} for header in REDACTED_HEADERS]
