"""The caller, from the claims API Gateway's Cognito authorizer put in the event."""

from __future__ import annotations

from typing import Any, Mapping


def claims_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The Cognito authorizer's claims of a REST API proxy event (empty when there are none)."""
    authorizer = ((event.get("requestContext") or {}).get("authorizer")) or {}
    claims = authorizer.get("claims") or {}
    return claims if isinstance(claims, Mapping) else {}


def has_scope(claims: Mapping[str, Any], scope: str) -> bool:
    """Whether the token's space-separated ``scope`` claim holds ``scope`` as a whole token."""
    granted = claims.get("scope")
    return isinstance(granted, str) and scope in granted.split()


def actor_of(claims: Mapping[str, Any]) -> str:
    """Who calls, for the audit: a person's user name (an SSO access token carries ``username`` and
    the people's client id, which names no one), else the client id of an M2M token, else the subject."""
    for key in ("username", "cognito:username", "client_id", "sub"):
        if claims.get(key):
            return str(claims[key])
    return "unknown"
