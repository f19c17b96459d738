"""Cognito: the user pool that issues the tokens the load balancer accepts."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .meta import Severity, resource_policy
from .values import as_list, get

USER_POOL = "aws:cognito/userPool:UserPool"
USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient"


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


POLICIES = [pool_deletion_protection, pool_admin_create_only, client_no_implicit_flow]
