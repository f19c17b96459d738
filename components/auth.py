"""Auth: Cognito user pool, resource server, machine-to-machine clients, hosted domain.

Clients get access tokens with the OAuth 2.0 ``client_credentials`` grant from the token
endpoint (``https://<domain>.auth.<region>.amazoncognito.com/oauth2/token``) and send them as
``Authorization: Bearer``. The ALB (``jwt-validation``) and agentgateway (``jwtAuth``) both
validate them against this pool's issuer and JWKS (see docs/adr/0008).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .settings import SettingsError
from .settings.sso import GROUPS_ATTRIBUTE, GROUPS_MAX_LENGTH

SCOPES = {
    "invoke": "Call the gateway's model routes",
    "admin": "Administer the gateway (control plane)",
}
COGNITO_DOMAIN_MAX = 63
MANAGED_LOGIN_VERSION = 2
PRE_TOKEN_VERSION = "V2_0"
"""Pre-token event version 2: customizes people's access tokens (needs the Essentials or Plus plan)."""
_RESERVED_DOMAIN_WORDS = ("aws", "amazon", "cognito")


@dataclass(frozen=True)
class JwtValidation:
    """What the ALB needs to validate this stack's tokens."""

    issuer: pulumi.Output[str]
    jwks_endpoint: pulumi.Output[str]
    required_scope: pulumi.Output[str]


def cognito_domain_prefix(naming_prefix: str, account_id: str) -> str:
    """Default hosted-domain prefix ``<project>-<stack>-<account id>``, at most 63 characters.

    Domain prefixes are global per region, hence the account id. A long project/stack part is
    shortened with a stable hash so the account id survives.
    """
    suffix = f"-{account_id}"
    head = naming_prefix.lower()
    room = COGNITO_DOMAIN_MAX - len(suffix)
    if len(head) > room:
        digest = hashlib.sha256(head.encode()).hexdigest()[:6]
        head = f"{head[: room - 7].rstrip('-')}-{digest}"
    return f"{head}{suffix}"


def reserved_domain_word(prefix: str) -> Optional[str]:
    """The word Cognito refuses in a domain prefix (``aws``, ``amazon``, ``cognito``), if any."""
    return next((w for w in _RESERVED_DOMAIN_WORDS if w in prefix), None)


def issuer_url(region: str, user_pool_id: str) -> str:
    """Issuer (``iss``) of the pool's tokens."""
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def token_endpoint_url(domain: str, region: str) -> str:
    """OAuth 2.0 token endpoint of a Cognito hosted domain prefix."""
    return f"https://{domain}.auth.{region}.amazoncognito.com/oauth2/token"


class Auth(pulumi.ComponentResource):
    """Cognito pool issuing client_credentials tokens for the gateway.

    Attributes: ``user_pool``, ``resource_server``, ``domain``, ``default_client``,
    ``team_clients`` (team -> client), ``issuer``, ``jwks_url``, ``token_endpoint``,
    ``invoke_scope``, ``admin_scope``, ``jwt`` (``JwtValidation`` when ``auth.jwtValidation``, else None) and
    ``outputs`` (stack outputs).
    """

    def __init__(self, name: str, ctx: StackContext, opts: pulumi.ResourceOptions | None = None, *,
                 pre_token_arn: Optional[pulumi.Input[str]] = None):
        super().__init__("ai-gateway:auth:Auth", name, None, opts)
        s = ctx.settings.auth
        sso = ctx.settings.sso
        naming = ctx.naming
        if sso.enabled != (pre_token_arn is not None):
            raise ValueError("the pre-token trigger is needed exactly when sso.enabled")

        self.user_pool = aws.cognito.UserPool(
            f"{name}-user-pool",
            name=naming.physical("users"),
            deletion_protection="ACTIVE" if ctx.settings.profile.deletion_protection_default else "INACTIVE",
            admin_create_user_config=aws.cognito.UserPoolAdminCreateUserConfigArgs(allow_admin_create_user_only=True),
            # Declared with or without SSO: Cognito can add a custom attribute but never remove one,
            # so turning SSO off must not try to.
            schemas=[groups_attribute_schema()],
            **(_sso_pool_args(sso.feature_plan, pre_token_arn) if pre_token_arn is not None else {}),
            opts=child_opts(self, stateful=True, prod=ctx.prod),
        )

        if s.domain_prefix:
            prefix: pulumi.Input[str] = s.domain_prefix
        else:
            word = reserved_domain_word(naming.prefix)
            if word:
                raise SettingsError(
                    "auth.domainPrefix",
                    f"the default prefix {naming.prefix}-<account id> contains {word!r}, which Cognito refuses; set one",
                )
            prefix = ctx.account_id.apply(lambda acct: cognito_domain_prefix(naming.prefix, acct))
        self.domain = aws.cognito.UserPoolDomain(
            f"{name}-domain",
            domain=prefix,
            user_pool_id=self.user_pool.id,
            # Managed login (the newer sign-in pages) for people; M2M token requests are unaffected.
            managed_login_version=MANAGED_LOGIN_VERSION if sso.enabled else None,
            opts=child_opts(self),
        )

        self.resource_server = aws.cognito.ResourceServer(
            f"{name}-resource-server",
            identifier=s.resource_server_identifier,
            name=naming.physical("gateway-api"),
            user_pool_id=self.user_pool.id,
            scopes=[
                aws.cognito.ResourceServerScopeArgs(scope_name=scope, scope_description=text)
                for scope, text in SCOPES.items()
            ],
            opts=child_opts(self),
        )
        # Built from the resource server's output so every client depends on it (a client naming a
        # scope that does not exist yet is rejected).
        scope = lambda n: self.resource_server.identifier.apply(lambda ident: f"{ident}/{n}")  # noqa: E731
        self.invoke_scope: pulumi.Output[str] = scope("invoke")
        self.admin_scope: pulumi.Output[str] = scope("admin")

        self.default_client = self._m2m_client(
            f"{name}-default-client", naming.physical("m2m"), [self.invoke_scope], s.access_token_minutes,
        )
        self.team_clients: dict[str, aws.cognito.UserPoolClient] = {
            team: self._m2m_client(
                f"{name}-team-{team}", naming.physical(f"team-{team}"), [scope(x) for x in team_client.scopes],
                s.access_token_minutes,
            )
            for team, team_client in sorted(s.team_clients.items())
        }

        self.issuer: pulumi.Output[str] = self.user_pool.id.apply(lambda pool_id: issuer_url(ctx.region, pool_id))
        self.jwks_url: pulumi.Output[str] = self.issuer.apply(lambda iss: f"{iss}/.well-known/jwks.json")
        self.token_endpoint: pulumi.Output[str] = self.domain.domain.apply(lambda d: token_endpoint_url(d, ctx.region))
        self.jwt: Optional[JwtValidation] = (
            JwtValidation(issuer=self.issuer, jwks_endpoint=self.jwks_url, required_scope=self.invoke_scope)
            if s.jwt_validation
            else None
        )

        self.outputs: dict[str, pulumi.Input[object]] = {
            "tokenEndpoint": self.token_endpoint,
            "issuer": self.issuer,
            "userPoolId": self.user_pool.id,
            "invokeScope": self.invoke_scope,
            "adminScope": self.admin_scope,
            "defaultClientId": self.default_client.id,
            "defaultClientSecret": pulumi.Output.secret(self.default_client.client_secret),
            "teamClientIds": {team: client.id for team, client in self.team_clients.items()},
            # Cognito clients have no description field; the settings' descriptions live here.
            "teamClients": {
                team: {"clientId": client.id, "scopes": list(s.team_clients[team].scopes),
                       "description": s.team_clients[team].description}
                for team, client in self.team_clients.items()
            },
            "teamClientSecrets": pulumi.Output.secret(
                {team: client.client_secret for team, client in self.team_clients.items()}
            ),
        }
        self.register_outputs(self.outputs)

    def _m2m_client(self, resource_name: str, physical: str, scopes: list[pulumi.Input[str]],
                   access_token_minutes: int) -> aws.cognito.UserPoolClient:
        """A confidential client that may only use client_credentials for the given scopes."""
        return aws.cognito.UserPoolClient(
            resource_name,
            name=physical,
            user_pool_id=self.user_pool.id,
            generate_secret=True,
            allowed_oauth_flows=["client_credentials"],
            allowed_oauth_flows_user_pool_client=True,
            allowed_oauth_scopes=scopes,
            # No user sign-in flows; refresh is the one flow Cognito always requires.
            explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"],
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            access_token_validity=access_token_minutes,
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(access_token="minutes"),
            opts=child_opts(self),
        )



def groups_attribute_schema() -> aws.cognito.UserPoolSchemaArgs:
    """``custom:groups``, where identity providers' groups are mapped (mutable: rewritten at every
    federated sign-in; 2,048 characters, Cognito's maximum)."""
    return aws.cognito.UserPoolSchemaArgs(
        name=GROUPS_ATTRIBUTE.split(":", 1)[1], attribute_data_type="String", mutable=True,
        developer_only_attribute=False,
        string_attribute_constraints=aws.cognito.UserPoolSchemaStringAttributeConstraintsArgs(
            min_length="0", max_length=str(GROUPS_MAX_LENGTH)),
    )


def _sso_pool_args(feature_plan: str, pre_token_arn: pulumi.Input[str]) -> dict[str, Any]:
    """What the pool needs for SSO: the feature plan and the pre-token trigger (event version 2)."""
    return {
        "user_pool_tier": feature_plan,
        "lambda_config": aws.cognito.UserPoolLambdaConfigArgs(
            pre_token_generation_config=aws.cognito.UserPoolLambdaConfigPreTokenGenerationConfigArgs(
                lambda_arn=pre_token_arn, lambda_version=PRE_TOKEN_VERSION),
        ),
    }
