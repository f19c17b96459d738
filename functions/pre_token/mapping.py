"""Groups to rights: the pre-token trigger's decision, as pure functions over plain data.

A person's groups arrive in the user attribute ``custom:groups`` (the identity provider's groups
attribute, mapped on every federated sign-in). Accepted spellings: a JSON array of strings
(``["a","b"]``), a bracketed list (``[a, b]``) or a comma-separated list (``a,b``). Group names
hold no commas, brackets or quotes (the settings refuse such mappings), so the three cannot be
confused. Anything else is malformed and counts as no group at all: the trigger fails closed.

The rules are ordered; the first rule whose group the person has decides both rights (``team``
and ``admin``). A rule with neither refuses that group even if a later rule would grant something.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

GROUPS_ATTRIBUTE = "custom:groups"
MAX_GROUPS_LENGTH = 2048
TEAM_CLAIM = "team"
"""The access-token claim the gateway reads a person's team from (gateway_config.teams.TEAM_CLAIM)."""
SELF_SERVICE_SCOPE = "aws.cognito.signin.user.admin"
"""Lets a token's holder change their own attributes (custom:groups among them): never granted."""


class MalformedGroups(ValueError):
    """The groups attribute is not one of the accepted list spellings."""


class Rule(BaseModel):
    """One group mapping (settings ``sso.groupMappings``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    group: Annotated[str, Field(min_length=1)]
    team: Optional[str] = None
    admin: bool = False


RULES = TypeAdapter(list[Rule])


class Decision(BaseModel):
    """What a person gets: a team (or none) and whether the admin scope; ``rule`` is the index of the
    deciding rule (None when no rule matched)."""

    model_config = ConfigDict(frozen=True)

    team: Optional[str] = None
    admin: bool = False
    rule: Optional[int] = None


def parse_rules(text: str) -> list[Rule]:
    """The trigger's ``GROUP_MAPPINGS`` (JSON list of rules)."""
    return RULES.validate_json(text)


def parse_groups(value: Any) -> tuple[str, ...]:
    """The person's groups from the attribute's value (None or empty: no groups)."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise MalformedGroups("the groups attribute is not a string")
    if len(value) > MAX_GROUPS_LENGTH or any(ord(c) < 0x20 for c in value):
        raise MalformedGroups("the groups attribute is too long or holds control characters")
    text = value.strip()
    if not text:
        return ()
    if text.startswith("["):
        if not text.endswith("]"):
            raise MalformedGroups("the groups attribute opens a list it does not close")
        if '"' in text:
            try:
                items = json.loads(text)
            except ValueError:
                raise MalformedGroups("the groups attribute is not a JSON array") from None
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise MalformedGroups("the groups attribute is not a JSON array of strings")
            return tuple(i.strip() for i in items if i.strip())
        text = text[1:-1]
    if any(c in text for c in '[]"'):
        raise MalformedGroups("the groups attribute has brackets or quotes inside a list")
    return tuple(part.strip() for part in text.split(",") if part.strip())


def decide(rules: Sequence[Rule], groups: Sequence[str]) -> Decision:
    """First match wins: the first rule naming one of ``groups`` decides team and admin."""
    held = set(groups)
    for index, rule in enumerate(rules):
        if rule.group in held:
            return Decision(team=rule.team, admin=rule.admin, rule=index)
    return Decision()


def overrides(decision: Decision, *, invoke_scope: str, admin_scope: str) -> dict[str, Any]:
    """The V2 event's ``response.claimsAndScopeOverrideDetails`` for ``decision``.

    A team puts the ``team`` claim and the invoke scope on the access token; admin the admin scope.
    Whatever is not granted is suppressed, the self-service scope always, so no request can carry
    it through. The ID token loses the raw groups (only the trigger needs them).
    """
    add: list[str] = []
    suppress = [SELF_SERVICE_SCOPE]
    (add if decision.team else suppress).append(invoke_scope)
    (add if decision.admin else suppress).append(admin_scope)
    access: dict[str, Any] = {"scopesToAdd": add, "scopesToSuppress": suppress}
    if decision.team:
        access["claimsToAddOrOverride"] = {TEAM_CLAIM: decision.team}
    else:
        access["claimsToSuppress"] = [TEAM_CLAIM]
    return {
        "accessTokenGeneration": access,
        "idTokenGeneration": {"claimsToSuppress": [GROUPS_ATTRIBUTE]},
    }
