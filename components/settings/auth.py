"""Auth settings: Cognito, team clients, JWT validation."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator

from .model import SettingsModel
from .limits import LimitSettings

TeamScope = Literal["invoke", "admin"]
DEFAULT_TEAM = "default"
"""Team of the stack's default M2M client (reserved: no entry of auth.teamClients may use it)."""
MODEL_NAME = r"^[!#-\[\]-~]{1,200}$"


class TeamClient(SettingsModel):
    """One machine-to-machine Cognito client for a team, and the team's standing in the gateway.

    Until the admin API owns teams, these settings are the source of the gateway's team rules:
    a change reaches running tasks through the live configuration, without new tasks.
    """

    scopes: Annotated[list[TeamScope], Field(min_length=1)] = ["invoke"]
    """Scopes the client may request. Default ``[invoke]``."""
    description: Annotated[str, Field(max_length=256)] = ""
    """What the team uses the client for (shown in the `teamClients` stack output)."""
    tier: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")] = "standard"
    """The team's tier (one of ``tiers``). Default standard."""
    status: Literal["active", "suspended", "over-budget"] = "active"
    """``suspended`` refuses the team with 403, ``over-budget`` with 429 (budget exhausted). Default active."""
    models: Optional[list[Annotated[str, Field(pattern=MODEL_NAME)]]] = None
    """Models the team may request (exact names as the client sends them). Default: what its tier allows."""
    limits: Optional[LimitSettings] = None
    """The team's own rate limits, each replacing its tier's {requestsPerMinute, tokensPerMinute,
    tokensPerDay}. Default: its tier's."""


class AuthSettings(SettingsModel):
    """Cognito user pool, resource server, clients and ALB JWT validation."""

    resource_server_identifier: Annotated[str, Field(pattern=r"^https://[a-z0-9.-]+(/[A-Za-z0-9._-]*)*$")] = "https://gateway.internal"
    """Resource server identifier; scopes are ``<identifier>/invoke`` and ``<identifier>/admin``."""
    domain_prefix: Optional[Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]] = None
    """Cognito hosted domain prefix (globally unique per region). Default ``<project>-<stack>-<account id>``."""

    @field_validator("domain_prefix")
    @classmethod
    def _not_reserved(cls, v: Optional[str]) -> Optional[str]:
        for word in ("aws", "amazon", "cognito"):
            if v and word in v:
                raise ValueError(f"must not contain {word!r} (Cognito refuses it)")
        return v
    jwt_validation: bool = True
    """ALB validates the Cognito access token before forwarding. Required in prod."""
    access_token_minutes: Annotated[int, Field(ge=5, le=1440)] = 60
    """Access token lifetime of M2M clients. Default 60."""
    team_clients: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")], TeamClient] = {}
    """Per-team M2M clients: team name -> {scopes, description, tier, status, models}. Each costs about
    $6 a month plus $2.25 per 1,000 token requests (Cognito M2M pricing). Default none."""

    @field_validator("team_clients")
    @classmethod
    def _default_is_reserved(cls, v: dict[str, TeamClient]) -> dict[str, TeamClient]:
        if DEFAULT_TEAM in v:
            raise ValueError(f"{DEFAULT_TEAM!r} is the default client's team; name the team otherwise")
        return v
