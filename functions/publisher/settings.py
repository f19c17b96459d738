"""The publisher's settings, from its environment variables (ids Pulumi resolved at deploy time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from functions.shared.env import name_list, read_env

STRATEGIES = ("immediate", "guarded")
"""``immediate``: duration 0, bake 0. ``guarded``: rolls back on the alarms the environment watches."""
PUBLISH_ORDER = ("catalog", "gateway")
"""The catalog first: a gateway config may start pricing a model only once its price is there."""
GUARDED_PROFILES = ("gateway",)
"""Profiles the requested strategy applies to. The catalog always goes out ``immediate``: it only
prices requests (the validator has checked it), and a bake of it would hold the gateway config,
which follows in the same environment, for ``bakeMinutes``."""
ENV_VARS = (
    "APPLICATION_ID",
    "ENVIRONMENT_ID",
    "GATEWAY_PROFILE_ID",
    "CATALOG_PROFILE_ID",
    "IMMEDIATE_STRATEGY_ID",
    "GUARDED_STRATEGY_ID",
    "DEFAULT_STRATEGY",
    "PROVIDED_ENV",
)


@dataclass(frozen=True)
class PublisherSettings:
    """Where to publish and with which strategies."""

    application_id: str
    environment_id: str
    profile_ids: Mapping[str, str]
    """``catalog``/``gateway`` -> configuration profile id."""
    strategy_ids: Mapping[str, str]
    """``immediate``/``guarded`` -> deployment strategy id."""
    default_strategy: str
    provided_env: frozenset[str]
    """Env var names the gateway task provides (what a config may reference as ``${NAME}``)."""

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "PublisherSettings":
        """Read :data:`ENV_VARS`; ``MissingEnvironment`` names every unset one, ``ValueError`` a bad strategy."""
        env = read_env(ENV_VARS, environ, may_be_empty=("PROVIDED_ENV",))
        if env["DEFAULT_STRATEGY"] not in STRATEGIES:
            raise ValueError(f"DEFAULT_STRATEGY={env['DEFAULT_STRATEGY']!r}: use one of {', '.join(STRATEGIES)}")
        return cls(
            application_id=env["APPLICATION_ID"],
            environment_id=env["ENVIRONMENT_ID"],
            profile_ids={"catalog": env["CATALOG_PROFILE_ID"], "gateway": env["GATEWAY_PROFILE_ID"]},
            strategy_ids={"immediate": env["IMMEDIATE_STRATEGY_ID"], "guarded": env["GUARDED_STRATEGY_ID"]},
            default_strategy=env["DEFAULT_STRATEGY"],
            provided_env=name_list(env["PROVIDED_ENV"]),
        )
