"""The overlay store's items as a :class:`gateway_config.GatewayOverlay`, merged with the stack's.

Pure (items in, overlay JSON out) so the publisher and the admin API's dry run give the same
result. The merge (docs/control-plane-store.md, "Publishing from the store"):

- teams: the stack's (settings ``auth.teamClients``) and the store's together; a name owned by
  both is refused (the admin API never creates one, so this only trips on a hand-edited table);
- routing: each field the store's overrides set replaces the stack overlay's;
- prices: a store entry for a (provider, model) replaces the stack's override of that model.

``teamProviders`` is not rendered: agentgateway v1.4.1 cannot choose a backend by a JWT claim
(the admin API refuses to store one; docs/adr/0016-admin-api-one-router.md).
"""

from __future__ import annotations

import copy
from typing import Any, Iterable, Mapping, Optional

from .dynamo import plain

TEAM_FIELDS = ("name", "clientIds", "tier", "status", "models", "limits")
"""Team item attributes the gateway sees."""


def store_teams(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Team items as overlay teams, sorted by name (items without a client id are left out: no caller)."""
    teams = []
    for item in items:
        if not item.get("clientIds"):
            continue
        team = {k: plain(item[k]) for k in TEAM_FIELDS if item.get(k) is not None}
        teams.append(team)
    return sorted(teams, key=lambda t: t["name"])


def store_routing(item: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """The routing item's overrides the renderer takes (``fallbackGroups``, ``modelAliases``)."""
    if not item:
        return {}
    return {k: plain(item[k]) for k in ("fallbackGroups", "modelAliases") if item.get(k) is not None}


def store_prices(items: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, dict[str, str]]]:
    """Price items as ``provider -> model -> rates``."""
    prices: dict[str, dict[str, dict[str, str]]] = {}
    for item in items:
        prices.setdefault(item["provider"], {})[item["model"]] = dict(item["rates"])
    return prices


def merge(stack_overlay: Mapping[str, Any], teams: Iterable[Mapping[str, Any]],
          routing: Optional[Mapping[str, Any]], prices: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The stack's overlay JSON with the store's team, routing and price items merged in."""
    merged = copy.deepcopy(dict(stack_overlay))
    stack_teams = list(merged.get("teams") or [])
    own = store_teams(teams)
    clash = sorted({t["name"] for t in stack_teams} & {t["name"] for t in own})
    if clash:
        raise ValueError(f"teams: {', '.join(clash)} is defined by the stack settings and by the store")
    if stack_teams or own:
        merged["teams"] = stack_teams + own
    overrides = store_routing(routing)
    if overrides:
        merged["routing"] = {**(merged.get("routing") or {}), **overrides}
    store = store_prices(prices)
    if store:
        laid = copy.deepcopy(merged.get("prices") or {})
        for provider, models in store.items():
            laid.setdefault(provider, {}).update(models)
        merged["prices"] = laid
    return merged
