"""SSO settings: people sign in with their company identity (Cognito federation, docs/adr/0020).

Identity providers (SAML 2.0 or OIDC) federate into the stack's user pool; a public app client
(no secret, authorization code with PKCE) serves the CLI and other tools; a pre-token-generation
trigger (V2) turns the IdP's groups into rights: the admin scope and a ``team`` claim on the
access token (``groupMappings``, first match wins).
"""

from __future__ import annotations

import ipaddress
import json
from typing import Annotated, Literal, Optional
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from .errors import FieldProblem
from .model import SettingsModel

FeaturePlan = Literal["LITE", "ESSENTIALS", "PLUS"]
V2_PLANS = ("ESSENTIALS", "PLUS")
"""Feature plans whose pre-token trigger can customize access tokens (event version 2)."""
GROUPS_ATTRIBUTE = "custom:groups"
"""The user-pool attribute an IdP's groups are mapped into (the trigger reads it)."""
GROUPS_MAX_LENGTH = 2048
"""Longest value Cognito keeps in a custom string attribute (its maximum)."""
TEAM_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"
"""A team name, as the admin API and ``auth.teamClients`` spell it."""
PROVIDER_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
"""An identity provider's name in the pool (Cognito allows up to 32 characters; no spaces here so the
CLI's ``identity_provider=`` parameter needs no quoting)."""
GROUP_NAME = r"^[^\x00-\x1f,\[\]\"]{1,256}$"
"""A group as the IdP sends it: a name or an object id (no control characters, commas, brackets or quotes,
which the trigger's list parsing reserves)."""
ATTRIBUTE = r"^(custom:[A-Za-z0-9_]{1,20}|address|birthdate|email|email_verified|family_name|gender|given_name|locale|middle_name|name|nickname|phone_number|picture|preferred_username|profile|updated_at|website|zoneinfo)$"
"""A user-pool attribute an IdP attribute can be mapped to (standard OIDC attributes or ``custom:``)."""
RESERVED_PROVIDER_NAMES = ("cognito", "google", "facebook", "loginwithamazon", "signinwithapple")
"""Provider names Cognito keeps for itself and its social providers (compared case-insensitively)."""
MAX_GROUP_MAPPINGS = 50
MAPPINGS_ENV_BUDGET = 3500
"""Bytes of the trigger's ``GROUP_MAPPINGS`` variable at most (Lambda allows 4 KB for all variables)."""
OAUTH_SCOPES = ("openid", "email", "profile")
"""Identity scopes the people's client may request; gateway rights come only from the trigger."""


class SamlProvider(SettingsModel):
    """A SAML 2.0 identity provider: exactly one of ``metadataUrl`` and ``metadataFile``."""

    metadata_url: Optional[Annotated[str, Field(pattern=r"^https://[^\s]{1,2040}$")]] = None
    """The IdP's federation metadata URL (https). Cognito reads it when the provider is saved."""
    metadata_file: Optional[Annotated[str, Field(min_length=1, max_length=131072)]] = None
    """The IdP's metadata XML itself (for an IdP without a metadata URL)."""
    sign_out: bool = False
    """Send SAML sign-out requests to the IdP when a person signs out (``IDPSignout``). Default false."""
    encrypted_assertions: bool = False
    """Ask the IdP to encrypt assertions (``EncryptedResponses``; the IdP needs the pool's encryption
    certificate). Default false."""

    @model_validator(mode="after")
    def _one_metadata_source(self) -> "SamlProvider":
        if (self.metadata_url is None) == (self.metadata_file is None):
            raise FieldProblem("metadataUrl", "set exactly one of metadataUrl and metadataFile")
        if self.metadata_file is not None and "EntityDescriptor" not in self.metadata_file:
            raise FieldProblem("metadataFile", "is not SAML metadata (no EntityDescriptor)")
        return self


class OidcProvider(SettingsModel):
    """An OpenID Connect identity provider (Cognito discovers its endpoints from the issuer)."""

    issuer: Annotated[str, Field(pattern=r"^https://[^\s?#]{1,2040}$")]
    """The issuer URL (https); ``<issuer>/.well-known/openid-configuration`` must answer."""
    client_id: Annotated[str, Field(pattern=r"^[!-~]{1,512}$")]
    """The id of the application registered at the IdP."""
    client_secret: Annotated[str, Field(min_length=1, max_length=2048)]
    """The application's secret. Must be a secure value: `pulumi config set --secret --path
    'sso.identityProviders.<name>.oidc.clientSecret' <secret>` (a plain value is refused)."""
    scopes: Annotated[list[Annotated[str, Field(pattern=r"^[!#-\[\]-~]{1,256}$")]], Field(min_length=1)] = [
        "openid", "email", "profile"]
    """Scopes Cognito requests from the IdP (must include ``openid``). Default openid, email, profile."""
    attributes_request_method: Literal["GET", "POST"] = "GET"
    """How Cognito calls the IdP's userinfo endpoint. Default GET."""

    @field_validator("scopes")
    @classmethod
    def _openid(cls, v: list[str]) -> list[str]:
        if "openid" not in v:
            raise ValueError("must include openid")
        return v


class IdentityProvider(SettingsModel):
    """One identity provider: ``saml`` or ``oidc``, and how its attributes map to the pool's."""

    saml: Optional[SamlProvider] = None
    """A SAML 2.0 provider (set this or ``oidc``)."""
    oidc: Optional[OidcProvider] = None
    """An OIDC provider (set this or ``saml``)."""
    attribute_mapping: dict[Annotated[str, Field(pattern=ATTRIBUTE)], Annotated[str, Field(min_length=1, max_length=512)]] = {}
    """User-pool attribute -> IdP attribute (SAML attribute name or OIDC claim), e.g.
    ``{email: http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress}``. ``email`` is
    mapped from ``email`` (OIDC) when unset."""
    groups_attribute: Optional[Annotated[str, Field(min_length=1, max_length=512)]] = None
    """The IdP attribute (or claim) that carries the person's groups; mapped to ``custom:groups``,
    which the trigger reads. Default ``groups`` for OIDC and
    ``http://schemas.microsoft.com/ws/2008/06/identity/claims/groups`` for SAML."""
    idp_identifiers: list[Annotated[str, Field(pattern=r"^[\w\-.]{1,40}$")]] = []
    """Email domains (or other identifiers) that pick this provider on the managed login page. Default none."""

    @model_validator(mode="after")
    def _one_kind(self) -> "IdentityProvider":
        if (self.saml is None) == (self.oidc is None):
            raise FieldProblem("saml", "set exactly one of saml and oidc")
        if "custom:groups" in self.attribute_mapping:
            raise FieldProblem("attributeMapping", "maps custom:groups itself; set groupsAttribute instead")
        return self

    @property
    def kind(self) -> str:
        """Cognito's provider type: ``SAML`` or ``OIDC``."""
        return "SAML" if self.saml is not None else "OIDC"

    @property
    def effective_groups_attribute(self) -> str:
        """The IdP attribute mapped to ``custom:groups``."""
        if self.groups_attribute:
            return self.groups_attribute
        return "groups" if self.oidc is not None else "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"

    def pool_attribute_mapping(self) -> dict[str, str]:
        """The provider's attribute mapping as Cognito takes it (groups and, for OIDC, the subject included)."""
        mapping = dict(self.attribute_mapping)
        if self.oidc is not None:
            mapping.setdefault("email", "email")
            mapping.setdefault("username", "sub")
        mapping[GROUPS_ATTRIBUTE] = self.effective_groups_attribute
        return dict(sorted(mapping.items()))


class GroupMapping(SettingsModel):
    """One rule: people in ``group`` get ``team`` and/or the admin scope. The first rule that matches
    one of a person's groups decides everything; a rule with neither team nor admin refuses the group."""

    group: Annotated[str, Field(pattern=GROUP_NAME)]
    """The group as the IdP sends it (exact, case-sensitive: a name, or an object id for Entra ID)."""
    team: Optional[Annotated[str, Field(pattern=TEAM_NAME)]] = None
    """The team a person of this group calls the gateway as (any team name: teams may live only in the
    admin API's store). Default none: no gateway calls."""
    admin: bool = False
    """Put the admin scope on the person's access token (admin API and CLI). Default false."""


def is_loopback(url: str) -> bool:
    """Whether ``url`` is an ``http`` loopback address (``localhost`` or ``127.0.0.1``)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.fragment or "#" in url:
        raise ValueError(f"{url!r} has a fragment (OAuth redirect URIs may not)")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"{url!r} is not an absolute http(s) URL")
    if parts.scheme == "http" and not is_loopback(url):
        raise ValueError(f"{url!r} uses http; only https, or http on localhost for a loopback redirect, is accepted")


Url = Annotated[str, Field(min_length=1, max_length=1024)]


class SsoSettings(SettingsModel):
    """People sign in through the company's identity provider (off by default).

    Turning it on creates the identity providers, a public app client (no secret, code flow with
    PKCE), managed login on the stack's Cognito domain, and the pre-token trigger that maps groups
    to rights; the pool's feature plan must be ESSENTIALS or PLUS (monthly active users are billed).
    """

    enabled: bool = False
    """Create the SSO parts. Default false."""
    feature_plan: FeaturePlan = "ESSENTIALS"
    """The user pool's feature plan (``user_pool_tier``). The trigger's access-token customization
    (event version 2) needs ESSENTIALS or PLUS; LITE is refused. Default ESSENTIALS."""
    identity_providers: dict[Annotated[str, Field(pattern=PROVIDER_NAME)], IdentityProvider] = {}
    """Provider name -> {saml | oidc, attributeMapping, groupsAttribute, idpIdentifiers}. Default none."""
    callback_urls: list[Url] = []
    """Redirect URIs of browser applications besides the CLI (https). Default none."""
    logout_urls: list[Url] = []
    """Sign-out redirect URIs (https). Default none."""
    cli_port: Annotated[int, Field(ge=1024, le=65535)] = 8976
    """Port of the CLI's loopback redirect ``http://localhost:<port>/callback`` (always registered). Default 8976."""
    group_mappings: Annotated[list[GroupMapping], Field(max_length=MAX_GROUP_MAPPINGS)] = []
    """Ordered rules ``{group, team?, admin?}``: the first rule naming one of the person's groups decides.
    A person no rule matches gets no team (the gateway refuses them) and no admin. Default none."""
    session_minutes: Annotated[int, Field(ge=5, le=1440)] = 60
    """Lifetime of a person's access and ID tokens. Default 60."""
    refresh_token_days: Annotated[int, Field(ge=1, le=3650)] = 1
    """Lifetime of a person's refresh token (``aigw login`` renews the access token with it). Default 1."""

    @field_validator("callback_urls", "logout_urls")
    @classmethod
    def _urls(cls, v: list[str]) -> list[str]:
        for url in v:
            _check_url(url)
        if len(set(v)) != len(v):
            raise ValueError("lists a URL twice")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "SsoSettings":
        if not self.enabled:
            if self.identity_providers or self.group_mappings or self.callback_urls or self.logout_urls:
                raise FieldProblem("enabled", "is false but SSO settings are given: turn sso.enabled on or remove them")
            return self
        if self.feature_plan not in V2_PLANS:
            raise FieldProblem("featurePlan", f"{self.feature_plan} has no access-token customization (pre-token"
                                              f" trigger version 2): use ESSENTIALS or PLUS")
        if not self.identity_providers:
            raise FieldProblem("identityProviders", "SSO needs at least one identity provider")
        seen: dict[str, str] = {}
        identifiers: dict[str, str] = {}
        for name, provider in self.identity_providers.items():
            if name.lower() in RESERVED_PROVIDER_NAMES:
                raise FieldProblem(f"identityProviders.{name}", "is a name Cognito reserves for its social providers")
            if name.lower() in seen:
                raise FieldProblem(f"identityProviders.{name}", f"differs from {seen[name.lower()]!r} only in case")
            seen[name.lower()] = name
            for identifier in provider.idp_identifiers:
                if identifier.lower() in identifiers:
                    raise FieldProblem(f"identityProviders.{name}.idpIdentifiers",
                                       f"{identifier!r} already picks {identifiers[identifier.lower()]!r}")
                identifiers[identifier.lower()] = name
        if not self.group_mappings:
            raise FieldProblem("groupMappings", "with no mapping nobody gets a team or admin: add at least one")
        groups = [m.group for m in self.group_mappings]
        duplicate = next((g for g in groups if groups.count(g) > 1), None)
        if duplicate is not None:
            raise FieldProblem("groupMappings", f"maps group {duplicate!r} twice (only the first would count)")
        size = len(mappings_json(self.group_mappings).encode())
        if size > MAPPINGS_ENV_BUDGET:
            raise FieldProblem("groupMappings", f"is {size} bytes as the trigger's environment; at most"
                                                f" {MAPPINGS_ENV_BUDGET} fit (use fewer or shorter groups)")
        return self

    @property
    def cli_callback_url(self) -> str:
        """The CLI's loopback redirect URI."""
        return f"http://localhost:{self.cli_port}/callback"

    @property
    def all_callback_urls(self) -> list[str]:
        """Every redirect URI of the people's client: the CLI's, then ``callbackUrls``."""
        return [self.cli_callback_url, *[u for u in self.callback_urls if u != self.cli_callback_url]]

    def plain_http_urls(self, kind: Literal["callback", "logout"]) -> list[str]:
        """The ``callbackUrls`` (or ``logoutUrls``) that are http (loopback): only dev accepts them."""
        return [u for u in (self.callback_urls if kind == "callback" else self.logout_urls) if u.startswith("http://")]


def mappings_json(mappings: list[GroupMapping]) -> str:
    """The trigger's ``GROUP_MAPPINGS`` value: compact JSON, order kept."""
    return json.dumps([m.model_dump(by_alias=True, exclude_none=True) for m in mappings],
                      separators=(",", ":"), ensure_ascii=True)

