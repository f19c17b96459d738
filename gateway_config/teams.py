"""Teams in the data plane: who may call, which models they reach, and what a refused caller sees.

Every route gets, after strict JWT validation:

- ``authorization`` (``require`` rules; agentgateway documents that a failing ``deny`` expression
  fails open, a failing ``require`` fails closed): the token carries the invoke scope, and, when
  the overlay has teams, its ``client_id`` belongs to one of them. A client that was deleted keeps
  a valid token until it expires; it is no team's any more, so it is refused with agentgateway's
  fixed ``403 authorization failed`` from the first rollout without it.
- ``directResponse`` (conditional; it runs after authorization and the rate limits, and the first
  entry whose condition holds answers instead of the backend):
  1. an ``over-budget`` team's client: ``429`` with a JSON body ``budget_exhausted``;
  2. a ``suspended`` team's client: ``403`` ``team_suspended``;
  3. a team with a model allow-list (its own, else its tier's) asking for another model: ``403``
     ``model_not_allowed``. The requested model is read from the JSON body
     (``coalesce(json(request.body).model, "")``: a body that is not JSON or has no model counts as
     no model, which no list allows, so the rule cannot fail open). One entry per distinct list.

Who a caller is (:func:`caller_team_expression`, :func:`members_condition`): a machine client is
its team's by ``client_id``; a person signs in through one of ``jwt.user_client_ids`` (the SSO
clients) and carries the team in the token's ``team`` claim, set by the pre-token trigger. The
claim counts only on those clients, so a machine client can never name a team for itself.

Names are exact: an allow-list entry matches the model string the client sends (before aliases).
agentgateway allows at most 64 conditional entries; more distinct allow-lists than fit is a
``ValueError`` (the control plane should merge them into tiers).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from . import cel
from .model import GatewayBase, GatewayOverlay, Team

MAX_CONDITIONAL_ENTRIES = 64
"""agentgateway v1.4.1 limit on a conditional policy list (``types/local.rs``)."""

BUDGET_EXHAUSTED = (429, "budget_exhausted", "budget exhausted: this team has used its budget for the period")
SUSPENDED = (403, "team_suspended", "this team is suspended")
MODEL_NOT_ALLOWED = (403, "model_not_allowed", "this team may not use the requested model")


TEAM_CLAIM = "team"
"""The access-token claim that names a person's team (set by the SSO pre-token trigger)."""


def caller_team_expression(teams: Iterable[Team], user_client_ids: Iterable[str] = ()) -> Optional[str]:
    """CEL that evaluates to the caller's team name: the owner of ``jwt.client_id``, or, on a
    people's (SSO) client, the token's team claim. It fails (no value) for a caller of no team,
    which the authorization rules refuse before anything else reads it. None without teams."""
    teams = list(teams)
    owners = {client: team.name for team in teams for client in team.client_ids}
    users = sorted(set(user_client_ids))
    if not teams:
        return None
    by_client = f"{cel.string_map(owners)}[jwt.client_id]" if owners else None
    if not users:
        return by_client
    claim = f"jwt.{TEAM_CLAIM}"
    if by_client is None:
        return claim
    return f"(jwt.client_id in {cel.string_list(users)} ? {claim} : {by_client})"


def members_condition(members: Iterable[Team], user_client_ids: Iterable[str] = ()) -> str:
    """CEL that holds when the caller belongs to one of ``members``: by client id, or by the team
    claim on a people's client."""
    members = list(members)
    condition = f"jwt.client_id in {cel.string_list(c for t in members for c in t.client_ids)}"
    users = sorted(set(user_client_ids))
    if users:
        by_claim = (f"(jwt.client_id in {cel.string_list(users)} && "
                    f"jwt.{TEAM_CLAIM} in {cel.string_list(t.name for t in members)})")
        condition = f"({condition} || {by_claim})"
    return condition


def access_log_team_fields(teams: Iterable[Team], key: str, user_client_ids: Iterable[str] = ()) -> dict[str, str]:
    """The access log's ``team`` field (left out for a caller of no team)."""
    expression = caller_team_expression(teams, user_client_ids)
    return {key: expression} if expression else {}


def allowed_models(base: GatewayBase, team: Team) -> Optional[list[str]]:
    """The team's model allow-list: its own, else its tier's; None when it may use every model."""
    if team.models is not None:
        return sorted(set(team.models))
    tier = base.tiers.get(team.tier)
    return sorted(set(tier.models)) if tier is not None and tier.models is not None else None


def team_policies(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, Any]:
    """``authorization`` and (when some team is restricted) ``directResponse`` for every route."""
    assert base.jwt is not None
    # Cognito puts every granted scope in one space-separated string: match a whole token.
    rules = [f"(\" \" + jwt.scope + \" \").contains({cel.string(' ' + base.jwt.invoke_scope + ' ')})"]
    teams = overlay.teams
    users = base.jwt.user_client_ids
    if teams:
        rules.append(members_condition(teams, users))
    policies: dict[str, Any] = {"authorization": {"rules": [{"require": rule} for rule in rules]}}
    entries = _refusals(base, teams, users)
    if entries:
        policies["directResponse"] = {"conditional": entries}
    return policies


def _refusals(base: GatewayBase, teams: list[Team], users: list[str]) -> list[dict[str, Any]]:
    entries = []
    over = [t for t in teams if t.status == "over-budget"]
    if over:
        entries.append(_refusal(members_condition(over, users), BUDGET_EXHAUSTED))
    suspended = [t for t in teams if t.status == "suspended"]
    if suspended:
        entries.append(_refusal(members_condition(suspended, users), SUSPENDED))
    by_list: dict[tuple[str, ...], list[Team]] = {}
    for team in teams:
        models = allowed_models(base, team)
        if models is not None and team.status == "active":
            by_list.setdefault(tuple(models), []).append(team)
    for models, members in sorted(by_list.items(), key=lambda item: item[0]):
        condition = (f"{members_condition(members, users)} && "
                     f"!(coalesce(json(request.body).model, \"\") in {cel.string_list(models)})")
        entries.append(_refusal(condition, MODEL_NOT_ALLOWED))
    if len(entries) > MAX_CONDITIONAL_ENTRIES:
        raise ValueError(f"teams: {len(by_list)} distinct model allow-lists need {len(entries)} rules; agentgateway"
                         f" allows {MAX_CONDITIONAL_ENTRIES}: give more teams the same list (or a tier's)")
    return entries


def _refusal(condition: str, refusal: tuple[int, str, str]) -> dict[str, Any]:
    status, error_type, message = refusal
    return {
        "condition": condition,
        "status": status,
        "body": json.dumps({"error": {"type": error_type, "message": message}}),
        "headers": {"content-type": cel.string("application/json")},
    }
