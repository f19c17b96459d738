"""Cognito: machine-to-machine app clients, the user pool's feature plan, federated sign-in."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import HOURS_PER_MONTH

MINUTES_PER_UNIT = {"minutes": 1, "hours": 60, "days": 1440}
DEFAULT_TIER = "ESSENTIALS"
"""Feature plan of a user pool created without ``userPoolTier``."""


def _token_minutes(res: Resource) -> float:
    validity = res.inputs.get("accessTokenValidity")
    if not validity:
        return 60.0  # Cognito's default access-token lifetime
    unit = str(res.get("tokenValidityUnits", "accessToken", default="hours"))
    return float(validity) * MINUTES_PER_UNIT.get(unit, 60)


def user_pool_client(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A client allowed ``client_credentials`` is an M2M client: a monthly fee and token requests."""
    if "client_credentials" not in (res.inputs.get("allowedOauthFlows") or []):
        return []
    minutes = _token_minutes(res)
    callers = ctx.assumptions.token_callers_per_client
    requests = HOURS_PER_MONTH * 60 / minutes * callers
    return [
        Charge("M2M app client", 1, "cognito.m2m_client_month", "fixed", "client_credentials allowed"),
        Charge("token requests", requests, "cognito.m2m_token_request", "variable",
               f"{callers} caller(s) x one token per {minutes:g} min"),
    ]


def user_pool(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Monthly active users at the pool's feature plan (M2M clients are priced on the clients)."""
    tier = str(res.inputs.get("userPoolTier") or DEFAULT_TIER).upper()
    return [Charge(f"monthly active users ({tier.lower()} plan)", ctx.assumptions.user_pool_mau,
                   f"cognito.mau.{tier}", "variable", "user sign-ins (assumption)")]


IDENTITY_PROVIDER = "aws:cognito/identityProvider:IdentityProvider"


def identity_provider(res: Resource, ctx: PricingContext) -> list[Charge]:
    """People signing in through a SAML or OIDC provider (``--federated-mau`` people in all): a person
    is one federated MAU whichever provider they use, so the stack's first provider carries them and
    any other shows none (a refresh counts as activity, so ``aigw login`` users count every month)."""
    first = min(p.urn for p in ctx.inventory.of_type(IDENTITY_PROVIDER))
    people = ctx.assumptions.federated_mau if res.urn == first else 0
    note = "federated sign-ins, every provider (assumption)" if people else "counted on the first identity provider"
    return [Charge("federated monthly active users", people, "cognito.federated_mau", "variable", note)]


PRICERS = {
    "aws:cognito/userPoolClient:UserPoolClient": user_pool_client,
    "aws:cognito/userPool:UserPool": user_pool,
    IDENTITY_PROVIDER: identity_provider,
}
