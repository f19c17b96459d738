"""SSO: people sign in with their company identity (docs/adr/0020).

Two parts, because the user pool sits between them:

- :func:`pre_token_trigger` (before the pool): the pre-token-generation Lambda
  (``functions/pre_token``), which maps a person's IdP groups to the admin scope and a ``team``
  claim on the access token. The pool names it in ``lambda_config`` (event version ``V2_0``).
- :class:`Sso` (after the pool): the identity providers (SAML 2.0 / OIDC), the people's public
  app client (no secret, authorization code with PKCE, identity scopes only: gateway rights come
  from the trigger), its managed-login style, and the permission that lets only this pool invoke
  the trigger.
"""

from __future__ import annotations

from typing import Any, Optional

import pulumi
import pulumi_aws as aws

from .auth import Auth
from .base import child_opts
from .context import StackContext
from .observability import Observability
from .python_function import PythonFunction
from .settings.sso import GROUPS_ATTRIBUTE, OAUTH_SCOPES, IdentityProvider, mappings_json

TRIGGER_VERSION = "V2_0"
"""Pre-token event version 2: access-token customization for people's tokens (Essentials or Plus)."""
TRIGGER_TIMEOUT_SECONDS = 5
"""Cognito waits 5 seconds for a trigger; a longer Lambda timeout would only hide a hung call."""
TRIGGER_CONCURRENCY = 10
"""Reserved concurrency: a bound on sign-ins in flight (each takes milliseconds)."""
READ_ATTRIBUTES = ("email", "email_verified", "name", "preferred_username")
"""What the people's ID token may show of a person (not the raw groups)."""


def scope_names(resource_server_identifier: str) -> tuple[str, str]:
    """(invoke scope, admin scope) of the stack's resource server."""
    return f"{resource_server_identifier}/invoke", f"{resource_server_identifier}/admin"


def trigger_environment(ctx: StackContext) -> dict[str, str]:
    """The trigger's environment: the mappings (JSON, order kept) and the two scopes it grants."""
    invoke, admin = scope_names(ctx.settings.auth.resource_server_identifier)
    return {"GROUP_MAPPINGS": mappings_json(list(ctx.settings.sso.group_mappings)),
            "INVOKE_SCOPE": invoke, "ADMIN_SCOPE": admin}


def pre_token_trigger(ctx: StackContext, observability: Observability,
                      opts: Optional[pulumi.ResourceOptions] = None) -> PythonFunction:
    """The pre-token-generation Lambda (it calls no AWS API: its role has only logs and traces)."""
    return PythonFunction(
        "sso-pre-token", ctx, source="pre_token", function_name="pre-token",
        description="SSO pre-token trigger: IdP groups to the admin scope and the team claim",
        logs_key=observability.logs_key, environment=trigger_environment(ctx),
        timeout_seconds=TRIGGER_TIMEOUT_SECONDS, memory_mb=256, reserved_concurrency=TRIGGER_CONCURRENCY,
        opts=opts,
    )


def provider_details(provider: IdentityProvider, secret: Optional[pulumi.Output[str]] = None) -> dict[str, Any]:
    """Cognito's ``ProviderDetails`` for one provider (the OIDC secret passed in as a Pulumi secret)."""
    if provider.saml is not None:
        saml = provider.saml
        details: dict[str, Any] = {"IDPSignout": "true" if saml.sign_out else "false",
                                   "EncryptedResponses": "true" if saml.encrypted_assertions else "false"}
        if saml.metadata_url:
            details["MetadataURL"] = saml.metadata_url
        else:
            details["MetadataFile"] = saml.metadata_file
        return details
    oidc = provider.oidc
    assert oidc is not None
    return {"client_id": oidc.client_id, "client_secret": secret if secret is not None else oidc.client_secret,
            "oidc_issuer": oidc.issuer, "authorize_scopes": " ".join(oidc.scopes),
            "attributes_request_method": oidc.attributes_request_method}


def client_write_attributes(ctx: StackContext) -> list[str]:
    """Every attribute some provider maps (Cognito updates them at each federated sign-in, which needs
    write access); ``username`` is not an attribute. Only a token with the self-service scope could
    write them too, and the people's client never grants that scope."""
    mapped = {key for p in ctx.settings.sso.identity_providers.values() for key in p.pool_attribute_mapping()}
    return sorted((mapped - {"username"}) | {GROUPS_ATTRIBUTE})


def sso_outputs_urls(domain: str, region: str) -> dict[str, str]:
    """The managed-login endpoints of a Cognito domain prefix."""
    base = f"https://{domain}.auth.{region}.amazoncognito.com"
    return {"authorize": f"{base}/oauth2/authorize", "token": f"{base}/oauth2/token",
            "idpResponse": f"{base}/oauth2/idpresponse", "saml2Response": f"{base}/saml2/idpresponse",
            "logout": f"{base}/logout"}


class Sso(pulumi.ComponentResource):
    """Identity providers, the people's public client and the trigger's invoke permission.

    Attributes: ``providers`` (name -> IdentityProvider), ``client``, ``branding``, ``permission``,
    ``client_id`` and ``outputs``.
    """

    def __init__(self, name: str, ctx: StackContext, auth: Auth, trigger: PythonFunction,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:sso:Sso", name, None, opts)
        s = ctx.settings.sso
        self.providers: dict[str, aws.cognito.IdentityProvider] = {}
        for provider_name, provider in sorted(s.identity_providers.items()):
            secret = pulumi.Output.secret(provider.oidc.client_secret) if provider.oidc else None
            self.providers[provider_name] = aws.cognito.IdentityProvider(
                f"{name}-idp-{provider_name.lower()}",
                user_pool_id=auth.user_pool.id,
                provider_name=provider_name,
                provider_type=provider.kind,
                provider_details=provider_details(provider, secret),
                attribute_mapping=provider.pool_attribute_mapping(),
                idp_identifiers=list(provider.idp_identifiers) or None,
                opts=child_opts(self),
            )
        minutes = s.session_minutes
        self.client = aws.cognito.UserPoolClient(
            f"{name}-people-client",
            name=ctx.naming.physical("people"),
            user_pool_id=auth.user_pool.id,
            generate_secret=False,
            allowed_oauth_flows=["code"],
            allowed_oauth_flows_user_pool_client=True,
            # Identity scopes only: the invoke and admin scopes are the trigger's to grant.
            allowed_oauth_scopes=list(OAUTH_SCOPES),
            supported_identity_providers=[p.provider_name for p in self.providers.values()],
            callback_urls=s.all_callback_urls,
            logout_urls=list(s.logout_urls) or None,
            # Federated sign-in only (managed login); refresh is the one flow Cognito always requires.
            explicit_auth_flows=["ALLOW_REFRESH_TOKEN_AUTH"],
            read_attributes=list(READ_ATTRIBUTES),
            write_attributes=client_write_attributes(ctx),
            prevent_user_existence_errors="ENABLED",
            enable_token_revocation=True,
            access_token_validity=minutes,
            id_token_validity=minutes,
            refresh_token_validity=s.refresh_token_days,
            token_validity_units=aws.cognito.UserPoolClientTokenValidityUnitsArgs(
                access_token="minutes", id_token="minutes", refresh_token="days"),
            opts=child_opts(self, depends_on=[auth.resource_server]),
        )
        # Managed login (domain version 2) shows an error page for a client without a style.
        self.branding = aws.cognito.ManagedLoginBranding(
            f"{name}-branding",
            user_pool_id=auth.user_pool.id,
            client_id=self.client.id,
            use_cognito_provided_values=True,
            opts=child_opts(self),
        )
        self.permission = aws.lambda_.Permission(
            f"{name}-trigger-permission",
            action="lambda:InvokeFunction",
            function=trigger.function.name,
            principal="cognito-idp.amazonaws.com",
            source_arn=auth.user_pool.arn,
            source_account=ctx.account_id,
            opts=child_opts(self),
        )
        self.client_id: pulumi.Output[str] = self.client.id
        urls = auth.domain.domain.apply(lambda d: sso_outputs_urls(d, ctx.region))
        self.outputs: dict[str, pulumi.Input[object]] = {
            "ssoClientId": self.client.id,
            "ssoAuthorizeUrl": urls.apply(lambda u: u["authorize"]),
            "ssoCallbackUrl": s.cli_callback_url,
            "ssoIdentityProviders": sorted(self.providers),
            # What an IdP administrator registers (README "Single sign-on").
            "ssoSamlEntityId": auth.user_pool.id.apply(lambda pool: f"urn:amazon:cognito:sp:{pool}"),
            "ssoSamlAcsUrl": urls.apply(lambda u: u["saml2Response"]),
            "ssoOidcRedirectUri": urls.apply(lambda u: u["idpResponse"]),
        }
        self.register_outputs(self.outputs)
