"""Lambda entry point of the pre-token-generation trigger (``functions.pre_token.handler.handler``).

Cognito invokes it (event version 2, ``V2_0``) before it issues a person's tokens: at sign-in
through managed login and on every refresh. It reads the person's groups, decides with
``GROUP_MAPPINGS`` (:mod:`.mapping`) and answers with the access token's extra scopes and ``team``
claim. Environment: ``GROUP_MAPPINGS`` (JSON), ``INVOKE_SCOPE``, ``ADMIN_SCOPE``. It calls no
AWS API.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.env import read_env
from functions.shared.log import make_logger, service_name

from .mapping import GROUPS_ATTRIBUTE, Decision, MalformedGroups, Rule, decide, overrides, parse_groups, parse_rules

logger = make_logger(service_name("pre-token"))


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")

    user_attributes: dict[str, Any] = Field(default_factory=dict, alias="userAttributes")


class PreTokenEvent(BaseModel):
    """The parts of Cognito's V2 pre-token-generation event the trigger reads."""

    model_config = ConfigDict(extra="ignore")

    version: str
    trigger_source: str = Field(alias="triggerSource")
    user_name: str = Field(default="", alias="userName")
    request: _Request


@lru_cache(maxsize=4)
def _rules(text: str) -> list[Rule]:
    return parse_rules(text)


def handler(event: dict[str, Any], context: Any, *, environ: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """The event, with ``response.claimsAndScopeOverrideDetails`` filled in (Cognito's contract)."""
    env = read_env(("GROUP_MAPPINGS", "INVOKE_SCOPE", "ADMIN_SCOPE"), environ)
    parsed = PreTokenEvent.model_validate(event)
    if parsed.version != "2":
        # A V1 event cannot change the access token: refuse rather than issue it unmapped and unnoticed.
        raise ValueError(f"pre-token event version {parsed.version!r}; the trigger is configured for V2_0")
    attributes = parsed.request.user_attributes
    try:
        groups = parse_groups(attributes.get(GROUPS_ATTRIBUTE))
    except MalformedGroups as problem:
        logger.warning("groups attribute malformed; no rights", extra={"sub": attributes.get("sub"),
                                                                       "problem": str(problem)})
        groups = ()
    decision: Decision = decide(_rules(env["GROUP_MAPPINGS"]), groups)
    logger.info("token rights", extra={"sub": attributes.get("sub"), "trigger": parsed.trigger_source,
                                       "team": decision.team, "admin": decision.admin, "rule": decision.rule,
                                       "groups": len(groups)})
    response = dict(event.get("response") or {})
    response["claimsAndScopeOverrideDetails"] = overrides(
        decision, invoke_scope=env["INVOKE_SCOPE"], admin_scope=env["ADMIN_SCOPE"])
    return {**event, "response": response}
