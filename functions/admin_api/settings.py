"""The admin function's settings, from its environment (ids and names Pulumi resolved at deploy time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from functions.shared.env import read_env

ENV_VARS = (
    "CONTROL_TABLE",
    "USAGE_TABLE",
    "USER_POOL_ID",
    "INVOKE_SCOPE",
    "ADMIN_SCOPE",
    "PUBLISHER_FUNCTION",
    "APPLICATION_ID",
    "ENVIRONMENT_ID",
    "GATEWAY_PROFILE_ID",
    "CATALOG_PROFILE_ID",
    "ACCESS_TOKEN_MINUTES",
    "CLIENT_NAME_PREFIX",
)


@dataclass(frozen=True)
class AdminSettings:
    """Where the admin API keeps its state and whom it calls."""

    control_table: str
    usage_table: str
    user_pool_id: str
    invoke_scope: str
    """Full scope string the created team clients get (``<resource server id>/invoke``)."""
    admin_scope: str
    """Full scope string every caller's access token must carry."""
    publisher_function: str
    application_id: str
    environment_id: str
    gateway_profile_id: str
    catalog_profile_id: str
    access_token_minutes: int
    """Access-token lifetime of the clients this API creates (Cognito: 5 to 1440 minutes)."""
    client_name_prefix: str

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "AdminSettings":
        """Read :data:`ENV_VARS`; ``MissingEnvironment`` names every unset one, ``ValueError`` a bad number."""
        env = read_env(ENV_VARS, environ)
        minutes = env["ACCESS_TOKEN_MINUTES"]
        if not minutes.isdigit() or not 5 <= int(minutes) <= 1440:
            raise ValueError(f"ACCESS_TOKEN_MINUTES={minutes!r}: a whole number of minutes from 5 to 1440")
        return cls(
            control_table=env["CONTROL_TABLE"], usage_table=env["USAGE_TABLE"], user_pool_id=env["USER_POOL_ID"],
            invoke_scope=env["INVOKE_SCOPE"], admin_scope=env["ADMIN_SCOPE"],
            publisher_function=env["PUBLISHER_FUNCTION"], application_id=env["APPLICATION_ID"],
            environment_id=env["ENVIRONMENT_ID"], gateway_profile_id=env["GATEWAY_PROFILE_ID"],
            catalog_profile_id=env["CATALOG_PROFILE_ID"], access_token_minutes=int(minutes),
            client_name_prefix=env["CLIENT_NAME_PREFIX"],
        )
