"""WAFv2: managed rule groups, rate limiting, logging (with token redaction).

A web ACL's rules can live in three places: the inline ``rules`` list, the raw ``ruleJson``
document (AWS API shape, PascalCase keys) or separate ``aws:wafv2/webAclRule:WebAclRule``
resources attached through ``webAclArn``. The rule checks are therefore stack policies that
gather all three, correlating separate rules by property-dependency URNs.
"""

from __future__ import annotations

import json
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, dependents
from .meta import Severity, resource_policy, stack_policy
from .values import (
    InvalidDocument,
    Pending,
    UnknownValueError,
    as_list,
    get,
    has,
    is_list,
    is_map,
    is_unknown,
    text,
)

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_RULE = "aws:wafv2/webAclRule:WebAclRule"
LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"

REQUIRED_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
]
# Body-inspecting rules misfire on LLM prompts (free text, code, long bodies), so they may be
# overridden to count; every other managed rule keeps blocking.
COUNT_ALLOWED_SUFFIXES = ["_BODY"]


def _camel(value: Any) -> Any:
    """AWS API (PascalCase) rule JSON to the provider's camelCase shape."""
    if isinstance(value, dict):
        return {(k[:1].lower() + k[1:]): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _rule_json(value: Any) -> list[Any]:
    if value is None:
        return []
    if is_unknown(value):
        raise UnknownValueError(value, ["ruleJson"])
    if not isinstance(value, str):
        return as_list(value)
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise InvalidDocument("ruleJson") from exc
    return _camel(parsed) if isinstance(parsed, list) else []


def acl_rules(acl: PolicyResource, resources: list[PolicyResource]) -> list[Any]:
    """Every rule of a web ACL: inline, raw JSON and separate WebAclRule resources."""
    rules = as_list(acl.props.get("rules")) + _rule_json(acl.props.get("ruleJson"))
    rules += [r.props for r in dependents(resources, {WEB_ACL_RULE}, "webAclArn", acl)]
    return rules


# --- aws-wafv2-web-acl-managed-rules ----------------------------------------------------------

def _check_group(rule: Any, name: str, suffixes: tuple[str, ...], urn: str, report: ReportViolation) -> None:
    if has(get(rule, "overrideAction"), "count"):
        report(f"Managed rule group {name} runs in count mode (overrideAction.count): it only "
               "observes, it blocks nothing.", urn)
    group = get(rule, "statement", "managedRuleGroupStatement")
    for override in as_list(get(group, "ruleActionOverrides")):
        rule_name = text(get(override, "name")) or "?"
        action = get(override, "actionToUse")
        if has(action, "allow"):
            report(f"{name} rule {rule_name} is overridden to allow.", urn)
        elif has(action, "count") and not rule_name.endswith(suffixes):
            report(f"{name} rule {rule_name} is overridden to count; only body-inspecting rules "
                   f"(names ending in {', '.join(suffixes)}) may be.", urn)


def _check_managed_rules(args: StackValidationArgs, report: ReportViolation) -> None:
    config = args.get_config()
    required = [str(n) for n in as_list(config.get("requiredRuleGroups"))]
    suffixes = tuple(str(s) for s in as_list(config.get("countAllowedRuleSuffixes")))
    pending = Pending()
    for acl in by_type(args.resources, {WEB_ACL}):
        with pending.attempt():
            found: set[str] = set()
            undecided = Pending()  # a rule we cannot read may be the missing group
            for rule in acl_rules(acl, args.resources):
                with undecided.attempt():
                    group = get(rule, "statement", "managedRuleGroupStatement")
                    if not is_map(group) or get(group, "vendorName") != "AWS":
                        continue
                    name = text(get(group, "name")) or "?"
                    found.add(name)
                    _check_group(rule, name, suffixes, acl.urn, report)
            if undecided.error is None:
                for name in required:
                    if name not in found:
                        report(f"The web ACL has no rule using the AWS managed rule group {name}.", acl.urn)
            undecided.settle()
    pending.settle()


managed_rules = stack_policy(
    name="aws-wafv2-web-acl-managed-rules",
    description="Web ACLs run the AWS Common, IP-reputation and Known-bad-inputs managed rule "
                "groups in blocking mode (only body-inspecting rules may be set to count).",
    severity=Severity.HIGH,
    remediation="Add managedRuleGroupStatement rules for AWSManagedRulesCommonRuleSet, "
                "AWSManagedRulesAmazonIpReputationList and AWSManagedRulesKnownBadInputsRuleSet "
                "with override_action none; restrict rule_action_overrides to *_BODY rules.",
    types={WEB_ACL, WEB_ACL_RULE},
    validate=_check_managed_rules,
    config={
        "requiredRuleGroups": {
            "type": "array", "items": {"type": "string"}, "default": REQUIRED_GROUPS,
            "description": "AWS managed rule groups every web ACL must use.",
        },
        "countAllowedRuleSuffixes": {
            "type": "array", "items": {"type": "string"}, "default": COUNT_ALLOWED_SUFFIXES,
            "description": "Managed rules whose names end with one of these may be overridden to count.",
        },
    },
    tags=["waf"],
)


# --- aws-wafv2-web-acl-rate-limit -------------------------------------------------------------

def _check_rate_limit(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for acl in by_type(args.resources, {WEB_ACL}):
        with pending.attempt():
            blocking = False
            undecided = Pending()
            for rule in acl_rules(acl, args.resources):
                with undecided.attempt():
                    if is_map(get(rule, "statement", "rateBasedStatement")) and has(get(rule, "action"), "block"):
                        blocking = True
            if blocking:
                continue
            undecided.settle()
            report("The web ACL has no rate-based rule with a block action; one client can flood "
                   "the gateway (and the LLM bill).", acl.urn)
    pending.settle()


rate_limit = stack_policy(
    name="aws-wafv2-web-acl-rate-limit",
    description="Web ACLs have a blocking rate-based rule.",
    severity=Severity.HIGH,
    remediation="Add a rule with statement.rate_based_statement (limit per 5 minutes, aggregate "
                "key IP) and action block.",
    types={WEB_ACL, WEB_ACL_RULE},
    validate=_check_rate_limit,
    tags=["waf", "availability"],
)


# --- aws-wafv2-web-acl-logging ----------------------------------------------------------------

def _check_logging(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for acl in by_type(args.resources, {WEB_ACL}):
        configs = dependents(args.resources, {LOGGING}, "resourceArn", acl)
        if not configs:
            report("The web ACL has no WebAclLoggingConfiguration (none whose resourceArn comes "
                   "from it).", acl.urn)
        for config in configs:
            with pending.attempt():
                destinations = config.props.get("logDestinationConfigs")
                if not is_list(destinations) or len(destinations) == 0:
                    report("The web ACL's logging configuration has no log destination.", config.urn)
    pending.settle()


logging_enabled = stack_policy(
    name="aws-wafv2-web-acl-logging",
    description="Every web ACL logs to a destination.",
    severity=Severity.MEDIUM,
    remediation="Create aws.wafv2.WebAclLoggingConfiguration(resource_arn=acl.arn, "
                "log_destination_configs=[<aws-waf-logs-* log group ARN>]).",
    types={WEB_ACL, LOGGING},
    validate=_check_logging,
    tags=["waf", "logging"],
)


# --- aws-wafv2-logging-redacts-authorization --------------------------------------------------

def _check_redaction(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for field in as_list(args.props.get("redactedFields")):
        name = text(get(field, "singleHeader", "name"))
        if name and name.lower() == "authorization":
            return
    report("WAF logs keep the Authorization header: every client's bearer token would be "
           "written to the log group. Redact it.", None)


logging_redacts_authorization = resource_policy(
    name="aws-wafv2-logging-redacts-authorization",
    description="WAF logging redacts the Authorization header (bearer tokens).",
    severity=Severity.HIGH,
    remediation="Add redacted_fields=[{'single_header': {'name': 'authorization'}}] to the "
                "WebAclLoggingConfiguration.",
    types={LOGGING},
    validate=_check_redaction,
    tags=["waf", "logging", "secrets"],
)


POLICIES = [managed_rules, rate_limit, logging_enabled, logging_redacts_authorization]
