"""Cognito: the user pool that issues the tokens the load balancer accepts."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .values import Pending, as_list, get, is_unknown, peek, text

USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
LAMBDA_FUNCTION = "aws:lambda/function:Function"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com"
SELF_SERVICE_SCOPE = "aws.cognito.signin.user.admin"


def _check_deletion_protection(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("deletionProtection") != "ACTIVE":
        report("deletionProtection is not ACTIVE; deleting the pool invalidates every client "
               "credential and its id cannot be recreated.", None)


pool_deletion_protection = resource_policy(
    name="aws-cognito-user-pool-deletion-protection",
    description="User pools have deletion protection ACTIVE.",
    severity=Severity.MEDIUM,
    remediation="Set deletion_protection='ACTIVE' on the user pool.",
    types={USER_POOL},
    validate=_check_deletion_protection,
    tags=["availability", "authentication"],
)


def _check_admin_create_only(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(args.props.get("adminCreateUserConfig"), "allowAdminCreateUserOnly") is not True:
        report("Self sign-up is allowed: anyone could create a user in the pool whose tokens "
               "the load balancer trusts.", None)


pool_admin_create_only = resource_policy(
    name="aws-cognito-user-pool-admin-create-only",
    description="User pools do not allow self sign-up (only administrators create users).",
    severity=Severity.HIGH,
    remediation="Set admin_create_user_config={'allow_admin_create_user_only': True}.",
    types={USER_POOL},
    validate=_check_admin_create_only,
    tags=["authentication"],
)


def _check_no_implicit(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if "implicit" in [str(flow) for flow in as_list(args.props.get("allowedOauthFlows"))]:
        report("The app client allows the OAuth implicit flow (tokens in URL fragments).", None)


client_no_implicit_flow = resource_policy(
    name="aws-cognito-client-no-implicit-flow",
    description="User pool clients do not allow the OAuth implicit grant.",
    severity=Severity.MEDIUM,
    remediation="Use 'client_credentials' for machine clients and 'code' (with PKCE) for users.",
    types={USER_POOL_CLIENT},
    validate=_check_no_implicit,
    tags=["authentication"],
)


def _check_code_client(args: ResourceValidationArgs, report: ReportViolation) -> None:
    flows = [str(flow) for flow in as_list(args.props.get("allowedOauthFlows"))]
    if "code" not in flows:
        return
    others = sorted(set(flows) - {"code"})
    if others:
        report(f"The people's client (code flow) also allows {', '.join(others)}: a client is either a "
               "person's (code with PKCE) or a machine's (client_credentials), never both.", None)
    if args.props.get("generateSecret") is True:
        report("The people's client has a secret: it runs on people's machines, where a secret is not one; "
               "a public client with PKCE is the OAuth answer.", None)


client_people_public_code_only = resource_policy(
    name="aws-cognito-client-people-public-code-only",
    description="A client that signs people in (OAuth code flow) is public (no secret) and allows only the code flow.",
    severity=Severity.HIGH,
    remediation="generate_secret=False and allowed_oauth_flows=['code'] on the people's client; machines get clients of their own.",
    types={USER_POOL_CLIENT},
    validate=_check_code_client,
    tags=["authentication", "sso"],
)


def _check_no_self_service(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if SELF_SERVICE_SCOPE in [str(s) for s in as_list(args.props.get("allowedOauthScopes"))]:
        report(f"The client allows {SELF_SERVICE_SCOPE}: its tokens may rewrite the holder's own attributes, "
               "custom:groups among them, and so choose their team and the admin scope.", None)


client_no_self_service_scope = resource_policy(
    name="aws-cognito-client-no-self-service-scope",
    description=f"No client allows the {SELF_SERVICE_SCOPE} scope (self-service attribute changes).",
    severity=Severity.CRITICAL,
    remediation="Leave it out of allowed_oauth_scopes: people's attributes come from their identity provider.",
    types={USER_POOL_CLIENT},
    validate=_check_no_self_service,
    tags=["authentication", "sso"],
)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_redirects(args: ResourceValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for key in ("callbackUrls", "logoutUrls", "defaultRedirectUri"):
        with pending.attempt():
            for url in [text(u) or "" for u in as_list(args.props.get(key))]:
                scheme = urlsplit(url).scheme
                if scheme == "https" or (scheme == "http" and _is_loopback(url)):
                    continue
                report(f"{key} has {url!r}: redirects carry authorization codes, so they must be https "
                       "(or http to this machine's loopback, for a CLI).", None)
    pending.settle()


client_https_redirects = resource_policy(
    name="aws-cognito-client-https-redirects",
    description="Client callback and logout URLs are https, or http on loopback (localhost, 127.0.0.1) for a CLI.",
    severity=Severity.HIGH,
    remediation="Use https:// redirect URIs; only a native app's loopback redirect may be http (RFC 8252).",
    types={USER_POOL_CLIENT},
    validate=_check_redirects,
    tags=["authentication", "sso"],
)


def _trigger_functions(pool: PolicyResource, functions: list[PolicyResource]) -> list[PolicyResource]:
    """The stack's functions the pool names as triggers (through the ``lambdaConfig`` dependency)."""
    return [f for f in functions if property_depends_on(pool, "lambdaConfig", f)]


def _check_trigger_permissions(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    pools = by_type(resources, {USER_POOL})
    functions = by_type(resources, {LAMBDA_FUNCTION})
    permissions = [p for p in by_type(resources, {LAMBDA_PERMISSION})
                   if text(peek(p.props, "principal")) == COGNITO_PRINCIPAL]
    pending = Pending()
    for permission in permissions:
        with pending.attempt():
            source = peek(permission.props, "sourceArn")
            if is_unknown(source) or [pool for pool in pools if property_depends_on(permission, "sourceArn", pool)]:
                continue
            report(f"A permission lets {COGNITO_PRINCIPAL} invoke a function without naming one of this stack's "
                   "user pools as sourceArn: any pool (of any account, without sourceAccount) could invoke it.",
                   permission.urn)
    for pool in pools:
        for function in _trigger_functions(pool, functions):
            scoped = [p for p in permissions if property_depends_on(p, "function", function)
                      and property_depends_on(p, "sourceArn", pool)]
            if not scoped:
                report("The user pool names a trigger function that has no invoke permission scoped to the pool "
                       f"(principal {COGNITO_PRINCIPAL}, sourceArn = the pool's ARN).", pool.urn)
    pending.settle()


trigger_permission_pool_scoped = stack_policy(
    name="aws-cognito-trigger-permission-pool-scoped",
    description="Cognito may invoke a Lambda only for this stack's user pool (sourceArn = the pool's ARN), "
                "and every trigger the pool names has such a permission.",
    severity=Severity.HIGH,
    remediation="aws.lambda_.Permission(principal='cognito-idp.amazonaws.com', function=<trigger>.name, "
                "source_arn=<user pool>.arn) for each trigger.",
    types={USER_POOL, LAMBDA_FUNCTION, LAMBDA_PERMISSION},
    validate=_check_trigger_permissions,
    tags=["authentication", "sso", "serverless"],
)


POLICIES = [pool_deletion_protection, pool_admin_create_only, client_no_implicit_flow,
            client_people_public_code_only, client_no_self_service_scope, client_https_redirects,
            trigger_permission_pool_scoped]
