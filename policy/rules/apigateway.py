"""API Gateway REST APIs (v1): methods behind this stack's Cognito pool with scopes, stages with
access logs, X-Ray, throttling and WAF, and Lambda permissions scoped to this stack's APIs.

Methods, resources, authorizers, stages and method settings are separate resources tied together
by property-dependency URNs (``Method.resourceId`` -> the Resource, ``Resource.parentId`` -> its
parent or the RestApi, ``Method.authorizerId`` -> the Authorizer, ``Authorizer.providerArns`` ->
the user pool), so the rules that need the graph are stack policies.
"""

from __future__ import annotations

import re
from typing import Optional

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, dependents, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .values import Pending, as_list, get, is_unknown, number, peek, present, text

REST_API = "aws:apigateway/restApi:RestApi"
HTTP_API = "aws:apigatewayv2/api:Api"
RESOURCE = "aws:apigateway/resource:Resource"
METHOD = "aws:apigateway/method:Method"
AUTHORIZER = "aws:apigateway/authorizer:Authorizer"
STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
USER_POOL = "aws:cognito/userPool:UserPool"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
COGNITO = "COGNITO_USER_POOLS"
EXECUTE_API_ARN = re.compile(r"^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+/")
"""An execution ARN naming one account and one API id (``.../<api id>/<stage>/<method>/<path>``)."""


def _one_dependency(resource: PolicyResource, prop: str, resources: list[PolicyResource],
                    types: frozenset[str]) -> Optional[PolicyResource]:
    urns = {d.urn for d in resource.property_dependencies.get(prop, [])}
    return next((r for r in resources if r.urn in urns and r.resource_type in types), None)


def method_path(method: PolicyResource, resources: list[PolicyResource]) -> Optional[str]:
    """The method's resource path (``/teams/{team}``), walked up the parent dependencies to the
    RestApi; None when the chain cannot be followed (a literal id, a foreign API)."""
    parts: list[str] = []
    node, prop = method, "resourceId"
    for _ in range(64):  # API Gateway allows far fewer nesting levels
        parent = _one_dependency(node, prop, resources, frozenset({RESOURCE, REST_API}))
        if parent is None:
            return None
        if parent.resource_type == REST_API:
            return "/" + "/".join(reversed(parts))
        part = text(parent.props.get("pathPart"))
        if part is None:
            return None
        parts.append(part)
        node, prop = parent, "parentId"
    return None


def _check_method_cognito(args: StackValidationArgs, report: ReportViolation) -> None:
    public = {str(m) for m in as_list(args.get_config().get("publicMethods"))}
    resources = list(args.resources)
    pending = Pending()
    for method in by_type(resources, {METHOD}):
        with pending.attempt():
            verb = text(method.props.get("httpMethod")) or "?"
            path = method_path(method, resources)
            if path is not None and f"{verb} {path}" in public:
                continue
            where = f"Method {verb} {path or '(unresolved path)'}"
            kind = text(method.props.get("authorization")) or "NONE"
            if kind != COGNITO:
                report(f"{where} has authorization {kind}, not {COGNITO}.", method.urn)
                continue
            scopes = peek(method.props, "authorizationScopes")
            if not is_unknown(scopes) and not [s for s in as_list(scopes) if present(s)]:
                report(f"{where} has no authorizationScopes: the authorizer then accepts ID tokens of "
                       "any client of the pool instead of access tokens carrying the admin scope.", method.urn)
            authorizer = _one_dependency(method, "authorizerId", resources, frozenset({AUTHORIZER}))
            if authorizer is None or text(authorizer.props.get("type")) != COGNITO:
                report(f"{where} does not use a {COGNITO} authorizer of this stack.", method.urn)
            elif not [p for p in by_type(resources, {USER_POOL})
                      if property_depends_on(authorizer, "providerArns", p)]:
                report(f"{where}'s authorizer does not trust a user pool of this stack.", method.urn)
    pending.settle()


method_cognito_scoped = stack_policy(
    name="aws-apigateway-method-cognito-scoped",
    description="Every REST API method but the configured public ones requires an access token of this "
                "stack's Cognito pool with a scope.",
    severity=Severity.HIGH,
    remediation="Set authorization='COGNITO_USER_POOLS', authorizer_id of an Authorizer on this stack's "
                "pool and authorization_scopes=[<identifier>/admin]; list a deliberate public method "
                "(the health check) in publicMethods.",
    types={METHOD, RESOURCE, REST_API, AUTHORIZER, USER_POOL},
    validate=_check_method_cognito,
    config={"publicMethods": {
        "type": "array", "items": {"type": "string"}, "default": ["GET /health"],
        "description": "Methods (``VERB /path``) that may stay unauthenticated.",
    }},
    tags=["authentication"],
)


def _check_stage_access_logs(args: ResourceValidationArgs, report: ReportViolation) -> None:
    settings = args.props.get("accessLogSettings")
    if not present(settings, "destinationArn") or not present(settings, "format"):
        report("The stage writes no access log (accessLogSettings.destinationArn and format).", None)


stage_access_logs = resource_policy(
    name="aws-apigateway-stage-access-logs",
    description="REST API stages write access logs.",
    severity=Severity.MEDIUM,
    remediation="Set access_log_settings={'destination_arn': <KMS-encrypted log group>, 'format': <JSON>} "
                "(and let one stack per region manage aws.apigateway.Account's CloudWatch role).",
    types={STAGE},
    validate=_check_stage_access_logs,
    tags=["monitoring", "audit"],
)


def _check_stage_xray(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("xrayTracingEnabled") is not True:
        report("X-Ray tracing is off on the stage.", None)


stage_xray = resource_policy(
    name="aws-apigateway-stage-xray",
    description="REST API stages have X-Ray tracing.",
    severity=Severity.LOW,
    remediation="Set xray_tracing_enabled=True.",
    types={STAGE},
    validate=_check_stage_xray,
    tags=["monitoring"],
)


def _throttles(settings: PolicyResource) -> bool:
    inner = settings.props.get("settings")
    rate, burst = number(get(inner, "throttlingRateLimit")), number(get(inner, "throttlingBurstLimit"))
    return (text(settings.props.get("methodPath")) == "*/*" and rate is not None and rate > 0
            and burst is not None and burst > 0)


def _check_stage_throttled(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for stage in by_type(args.resources, {STAGE}):
        with pending.attempt():
            attached = dependents(args.resources, {METHOD_SETTINGS}, "stageName", stage)
            if not [s for s in attached if _throttles(s)]:
                report("The stage has no method settings for */* with a positive throttling rate and "
                       "burst: the account-wide default (10,000 requests per second) applies.", stage.urn)
    pending.settle()


stage_throttled = stack_policy(
    name="aws-apigateway-stage-throttled",
    description="Every REST API stage throttles all its methods.",
    severity=Severity.MEDIUM,
    remediation="Create aws.apigateway.MethodSettings(stage_name=stage.stage_name, method_path='*/*', "
                "settings={'throttling_rate_limit': ..., 'throttling_burst_limit': ...}).",
    types={STAGE, METHOD_SETTINGS},
    validate=_check_stage_throttled,
    tags=["availability", "cost"],
)


def _check_stage_waf(args: StackValidationArgs, report: ReportViolation) -> None:
    for stage in by_type(args.resources, {STAGE}):
        if not dependents(args.resources, {WAF_ASSOCIATION}, "resourceArn", stage):
            report("No WAF web ACL is associated with the stage.", stage.urn)


stage_waf = stack_policy(
    name="aws-apigateway-stage-waf",
    description="Every REST API stage is associated with a WAF web ACL.",
    severity=Severity.MEDIUM,
    remediation="Create aws.wafv2.WebAclAssociation(resource_arn=stage.arn, web_acl_arn=...) (waf.enabled).",
    types={STAGE, WAF_ASSOCIATION},
    validate=_check_stage_waf,
    tags=["waf", "exposure"],
)


def _check_permission_api_scoped(args: StackValidationArgs, report: ReportViolation) -> None:
    apis = by_type(args.resources, {REST_API, HTTP_API})
    pending = Pending()
    for permission in by_type(args.resources, {LAMBDA_PERMISSION}):
        with pending.attempt():
            if text(permission.props.get("principal")) != "apigateway.amazonaws.com":
                continue
            source = peek(permission.props, "sourceArn")
            if not [a for a in apis if property_depends_on(permission, "sourceArn", a)]:
                report("The permission's sourceArn is not derived from an API of this stack: another "
                       "API could invoke the function.", permission.urn)
            elif not is_unknown(source) and not EXECUTE_API_ARN.match(text(source) or ""):
                report(f"The permission's sourceArn {source!r} is not an execution ARN of one API.",
                       permission.urn)
    pending.settle()


permission_api_scoped = stack_policy(
    name="aws-apigateway-permission-api-scoped",
    description="A Lambda permission for API Gateway names an execution ARN of an API of this stack.",
    severity=Severity.HIGH,
    remediation="Set source_arn=rest_api.execution_arn.apply(lambda a: f'{a}/<stage>/*/*').",
    types={LAMBDA_PERMISSION, REST_API, HTTP_API},
    validate=_check_permission_api_scoped,
    tags=["iam", "confused-deputy"],
)


POLICIES = [method_cognito_scoped, stage_access_logs, stage_xray, stage_throttled, stage_waf,
            permission_api_scoped]
