"""Application Load Balancer: TLS, redirects, JWT validation, hardening, logging, WAF."""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, dependents
from .meta import Severity, lb_types, resource_policy, stack_policy
from .values import Pending, as_list, get, is_list, is_map, number, present, text

LISTENERS = lb_types("listener:Listener")
LISTENER_RULES = lb_types("listenerRule:ListenerRule")
LOAD_BALANCERS = lb_types("loadBalancer:LoadBalancer")
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
USER_POOL = "aws:cognito/userPool:UserPool"

# TLS 1.3 policies whose minimum is TLS 1.2 or 1.3. ELBSecurityPolicy-TLS13-1-0-* and -1-1-*
# also offer TLS 1.3 but still accept TLS 1.0/1.1, so they do not count.
TLS13_POLICY = re.compile(r"^ELBSecurityPolicy-TLS13-1-[23]-")


def _protocol(props: Any) -> str:
    # An ALB listener without a protocol is HTTP (the AWS default).
    return (text(props.get("protocol")) or "HTTP").upper()


def _ordered(actions: Any) -> list[Any]:
    """Actions in the order the ALB runs them: by ``order``, else by position."""
    keyed = []
    for index, action in enumerate(as_list(actions)):
        order = number(get(action, "order"))
        keyed.append((order if order is not None else float(index + 1), index, action))
    return [action for _, _, action in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _is_forward(action: Any) -> bool:
    return get(action, "type") == "forward"


def _is_jwt(action: Any) -> bool:
    return get(action, "type") == "jwt-validation"


# --- aws-lb-listener-tls13 --------------------------------------------------------------------

def _check_tls13(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if _protocol(props) not in ("HTTPS", "TLS"):
        return
    policy = text(props.get("sslPolicy"))
    if not policy:
        report("The listener sets no sslPolicy, so the AWS default applies; set an "
               "ELBSecurityPolicy-TLS13-1-2-* policy.", None)
    elif not TLS13_POLICY.match(policy):
        report(f"sslPolicy '{policy}' is not a TLS 1.3 policy with a TLS 1.2+ minimum "
               "(ELBSecurityPolicy-TLS13-1-2-* or -1-3-*).", None)


tls13 = resource_policy(
    name="aws-lb-listener-tls13",
    description="HTTPS/TLS listeners use a TLS 1.3 security policy with a TLS 1.2 or 1.3 minimum.",
    severity=Severity.HIGH,
    remediation="Set ssl_policy='ELBSecurityPolicy-TLS13-1-2-2021-06' (or a -1-3- policy) on every "
                "HTTPS listener.",
    types=LISTENERS,
    validate=_check_tls13,
    tags=["encryption", "network"],
)


# --- aws-lb-listener-http-redirect ------------------------------------------------------------

def _check_http_redirect(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if _protocol(props) != "HTTP":
        return
    actions = _ordered(props.get("defaultActions"))
    if not actions:
        report("The plain-HTTP listener has no default action; it must redirect to HTTPS.", None)
    for position, action in enumerate(actions, start=1):
        kind = get(action, "type")
        if kind != "redirect":
            report(f"Default action {position} of the plain-HTTP listener is '{kind}'; plain HTTP "
                   "may only redirect to HTTPS (it would carry bearer tokens and prompts in clear text).",
                   None)
        elif (text(get(action, "redirect", "protocol")) or "").upper() != "HTTPS":
            report(f"Default action {position} of the plain-HTTP listener redirects, but not to "
                   "protocol HTTPS.", None)


http_redirect = resource_policy(
    name="aws-lb-listener-http-redirect",
    description="Plain-HTTP listeners only redirect to HTTPS.",
    severity=Severity.HIGH,
    remediation="Give port-80 listeners a single default action of type 'redirect' with "
                "protocol 'HTTPS' and status_code 'HTTP_301'; never 'forward' on plain HTTP.",
    types=LISTENERS,
    validate=_check_http_redirect,
    tags=["encryption", "network"],
)


# --- aws-lb-listener-jwt-validation -----------------------------------------------------------

def _check_action_chain(actions: Any, where: str, report: ReportViolation) -> None:
    pending = Pending()
    authenticated = False
    for position, action in enumerate(_ordered(actions), start=1):
        with pending.attempt():
            if _is_jwt(action):
                authenticated = True
                claims = get(action, "jwtValidation", "additionalClaims")
                if not is_list(claims) or len(claims) == 0:
                    report(f"{where}: the jwt-validation action checks no additional claims "
                           "(e.g. scope or client_id), so any token the issuer signs is accepted.",
                           None)
            elif _is_forward(action) and not authenticated:
                report(f"{where}: action {position} forwards to targets before any jwt-validation "
                       "action, so requests reach the gateway unauthenticated.", None)
    pending.settle()


def _check_jwt_validation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if args.resource_type in LISTENERS:
        if _protocol(props) != "HTTPS":
            return  # plain HTTP may only redirect (aws-lb-listener-http-redirect)
        _check_action_chain(props.get("defaultActions"), "Listener default actions", report)
    else:
        _check_action_chain(props.get("actions"), "Listener rule actions", report)


jwt_validation = resource_policy(
    name="aws-lb-listener-jwt-validation",
    description="HTTPS listeners and listener rules validate a JWT (with claim checks) before "
                "forwarding to the gateway.",
    severity=Severity.CRITICAL,
    remediation="Put a 'jwt-validation' action (issuer and JWKS endpoint of the Cognito pool, plus "
                "additional_claims such as scope) before the 'forward' action, with a lower 'order'.",
    types=LISTENERS | LISTENER_RULES,
    validate=_check_jwt_validation,
    tags=["authentication"],
)


# --- aws-lb-listener-jwt-issuer-in-stack ------------------------------------------------------

def _check_jwt_issuer(args: StackValidationArgs, report: ReportViolation) -> None:
    trusted = {str(i) for i in as_list(args.get_config().get("trustedIssuers"))}
    pending = Pending()
    for resource in by_type(args.resources, LISTENERS | LISTENER_RULES):
        prop = "defaultActions" if resource.resource_type in LISTENERS else "actions"
        with pending.attempt():
            jwt_actions = [a for a in as_list(resource.props.get(prop)) if _is_jwt(a)]
            if not jwt_actions:
                continue
            if any(dep.resource_type == USER_POOL for dep in resource.property_dependencies.get(prop, [])):
                continue
            for action in jwt_actions:
                issuer = text(get(action, "jwtValidation", "issuer"))
                if issuer not in trusted:
                    report(f"The jwt-validation issuer '{issuer}' is neither computed from a Cognito "
                           "user pool of this stack nor listed in trustedIssuers.", resource.urn)
    pending.settle()


jwt_issuer_in_stack = stack_policy(
    name="aws-lb-listener-jwt-issuer-in-stack",
    description="JWT validation trusts the Cognito user pool this stack creates (or an issuer "
                "listed in the policy config).",
    severity=Severity.HIGH,
    remediation="Build the jwt-validation issuer and JWKS endpoint from the stack's UserPool "
                "outputs (pool.id / pool.endpoint), not from a hard-coded or configured pool id; "
                "for an external IdP, list its issuer URL in trustedIssuers.",
    types=LISTENERS | LISTENER_RULES | {USER_POOL},
    validate=_check_jwt_issuer,
    config={"trustedIssuers": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "Issuer URLs of external identity providers that listeners may trust.",
    }},
    tags=["authentication"],
)


# --- load balancer attributes -----------------------------------------------------------------

def _is_application(props: Any) -> bool:
    return (text(props.get("loadBalancerType")) or "application") == "application"


def _check_deletion_protection(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("enableDeletionProtection") is not True:
        report("enableDeletionProtection is not true; one mistaken `pulumi destroy` or replacement "
               "takes the gateway offline and changes its DNS name.", None)


deletion_protection = resource_policy(
    name="aws-lb-deletion-protection",
    description="Load balancers have deletion protection enabled.",
    severity=Severity.MEDIUM,
    remediation="Set enable_deletion_protection=True on the load balancer.",
    types=LOAD_BALANCERS,
    validate=_check_deletion_protection,
    tags=["availability"],
)


def _check_drop_invalid_headers(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if _is_application(props) and props.get("dropInvalidHeaderFields") is not True:
        report("dropInvalidHeaderFields is not true; malformed headers reach the gateway "
               "(request smuggling / header injection).", None)


drop_invalid_headers = resource_policy(
    name="aws-lb-drop-invalid-headers",
    description="Application load balancers drop invalid HTTP header fields.",
    severity=Severity.MEDIUM,
    remediation="Set drop_invalid_header_fields=True on the application load balancer.",
    types=LOAD_BALANCERS,
    validate=_check_drop_invalid_headers,
    tags=["network"],
)


def _check_access_logs(args: ResourceValidationArgs, report: ReportViolation) -> None:
    logs = args.props.get("accessLogs")
    if not is_map(logs) or logs.get("enabled") is not True:
        report("Access logs are not enabled (accessLogs.enabled is not true).", None)
    elif not present(logs, "bucket"):
        report("Access logs are enabled without a bucket.", None)


access_logs = resource_policy(
    name="aws-lb-access-logs",
    description="Load balancers write access logs to S3.",
    severity=Severity.MEDIUM,
    remediation="Set access_logs={'bucket': <log bucket>, 'enabled': True} (the bucket needs "
                "SSE-S3 and a policy allowing the ELB log delivery principal).",
    types=LOAD_BALANCERS,
    validate=_check_access_logs,
    tags=["logging"],
)


# --- aws-lb-waf-associated --------------------------------------------------------------------

def _check_waf_associated(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for lb in by_type(args.resources, LOAD_BALANCERS):
        if dependents(args.resources, {WAF_ASSOCIATION}, "resourceArn", lb):
            continue
        with pending.attempt():
            if not _is_application(lb.props) or lb.props.get("internal") is True:
                continue
            report("This internet-facing application load balancer has no WAFv2 web ACL "
                   "association (no WebAclAssociation whose resourceArn comes from it).", lb.urn)
    pending.settle()


waf_associated = stack_policy(
    name="aws-lb-waf-associated",
    description="Every internet-facing application load balancer is protected by a WAFv2 web ACL.",
    severity=Severity.HIGH,
    remediation="Create aws.wafv2.WebAclAssociation(resource_arn=alb.arn, web_acl_arn=acl.arn) "
                "for each internet-facing ALB.",
    types=LOAD_BALANCERS | {WAF_ASSOCIATION},
    validate=_check_waf_associated,
    tags=["network", "waf"],
)


POLICIES = [tls13, http_redirect, jwt_validation, jwt_issuer_in_stack, deletion_protection,
            drop_invalid_headers, access_logs, waf_associated]
