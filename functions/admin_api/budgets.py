"""Budgets: one per team (monthly USD, optional monthly tokens, alert thresholds, action at 100 %).

A budget changes nothing the gateway sees (the budget job flips the team's status), so a budget
write is audited but not published.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.shared import store
from functions.shared.dynamo import plain
from functions.shared.tables import StaleItem

from .deps import Deps
from .effects import audit
from .errors import ApiError, not_found
from .http import etag, expected_version
from .models import BudgetPut
from .reply import Caller, Reply
from .teams import load as load_team


def view(team: str, item: dict[str, Any]) -> dict[str, Any]:
    """A budget item as the API's JSON."""
    body: dict[str, Any] = {"team": team, "monthlyUsd": _money(item["monthlyUsd"]), "thresholds": item["thresholds"],
                            "action": item["action"], "etag": etag(item[store.VERSION])}
    if item.get("monthlyTokens") is not None:
        body["monthlyTokens"] = item["monthlyTokens"]
    return body


def _money(value: Any) -> str:
    return format(Decimal(value).normalize(), "f") if Decimal(value) else "0"


def _load(deps: Deps, team: str) -> dict[str, Any]:
    load_team(deps, team)
    item = deps.control.get(store.budget_key(team))
    if item is None:
        raise not_found(f"budget of team {team}")
    return plain(item)


def get(deps: Deps, team: str) -> Reply:
    """The team's budget."""
    item = _load(deps, team)
    return Reply(200, view(team, item), {"ETag": etag(item[store.VERSION])})


def put(deps: Deps, caller: Caller, team: str, body: BudgetPut) -> Reply:
    """Create or replace the budget (If-Match required to replace one)."""
    load_team(deps, team)
    before = deps.control.get(store.budget_key(team))
    before = plain(before) if before else None
    version = expected_version(caller.if_match, before[store.VERSION] if before else None)
    item: dict[str, Any] = {**store.budget_key(team), "monthlyUsd": Decimal(body.monthly_usd),
                            "thresholds": body.thresholds, "action": body.action,
                            store.VERSION: (before[store.VERSION] + 1) if before else 1}
    if body.monthly_tokens is not None:
        item["monthlyTokens"] = body.monthly_tokens
    try:
        deps.control.put(item, expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the budget changed since it was read") from None
    audit(deps, caller.actor, "budget.put", f"team/{team}/budget", _public(team, before), _public(team, item))
    return Reply(201 if before is None else 200, view(team, plain(item)), {"ETag": etag(item[store.VERSION])})


def _public(team: str, item: Any) -> Any:
    return None if item is None else {k: v for k, v in view(team, plain(item)).items() if k != "etag"}


def delete(deps: Deps, caller: Caller, team: str) -> Reply:
    """Remove the budget."""
    before = _load(deps, team)
    version = expected_version(caller.if_match, before[store.VERSION], required=False)
    try:
        deps.control.delete(store.budget_key(team), expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the budget changed since it was read") from None
    audit(deps, caller.actor, "budget.delete", f"team/{team}/budget", _public(team, before), None)
    return Reply(204, None)
