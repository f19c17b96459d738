"""Routing overrides: fallback order and model aliases over the stack's routing.

A per-team pinned provider (``teamProviders``) is refused with 501: agentgateway v1.4.1 selects a
route by path, method, headers and query, before the JWT policy runs, and an LLM model's
``matches`` take headers only, so no backend can be chosen by the caller's ``client_id``
(docs/adr/0016-admin-api-one-router.md). A team that must use one provider calls its pinned route
``/<provider>/v1``.
"""

from __future__ import annotations

from typing import Any, Optional

from functions.shared import store
from functions.shared.dynamo import plain
from functions.shared.tables import StaleItem

from . import rendering
from .deps import Deps
from .effects import audit, publish
from .errors import ApiError, bad_request
from .http import etag, expected_version
from .models import Routing, RoutingPut
from .reply import Caller, Reply
from .teams import stack_documents


def enabled_providers(base: dict[str, Any]) -> list[str]:
    """The providers the stack enables (renderer names: bedrock, anthropic, ...)."""
    return [p["name"] for p in base.get("providers") or []]


def check(body: RoutingPut, enabled: list[str]) -> None:
    """400 for a provider the stack does not enable or one listed twice; 501 for pinned providers."""
    if body.team_providers:
        raise ApiError(501, "not_supported", "per-team pinned providers: agentgateway v1.4.1 cannot choose a backend "
                       "by a JWT claim; a team can call the pinned route /<provider>/v1 instead",
                       {"teams": sorted(body.team_providers)})
    groups = body.fallback_groups or []
    named = [p for group in groups for p in group]
    unknown = sorted(set(named) - set(enabled))
    if unknown:
        raise bad_request(f"fallbackGroups: {', '.join(unknown)} is not a provider this stack enables",
                          {"enabledProviders": enabled})
    if len(named) != len(set(named)):
        raise bad_request("fallbackGroups: a provider appears more than once")


def view(base: dict[str, Any], item: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The overrides with what the stack enables."""
    item = item or {}
    return Routing(fallback_groups=item.get("fallbackGroups"), model_aliases=item.get("modelAliases"),
                   enabled_providers=enabled_providers(base),
                   stack_fallback_groups=(base.get("routing") or {}).get("fallbackGroups") or [],
                   etag=etag(item[store.VERSION]) if item else None).json_dict()


def get(deps: Deps) -> Reply:
    """The routing overrides (none set: the stack's routing applies)."""
    base = dict(stack_documents(deps).base)
    item = deps.control.get(store.routing_key())
    item = plain(item) if item else None
    return Reply(200, view(base, item), {"ETag": etag(item[store.VERSION])} if item else {})


def put(deps: Deps, caller: Caller, body: RoutingPut) -> Reply:
    """Replace the overrides as a whole (If-Match required once they exist); publishes."""
    documents = stack_documents(deps)
    base = dict(documents.base)
    check(body, enabled_providers(base))
    before = deps.control.get(store.routing_key())
    before = plain(before) if before else None
    version = expected_version(caller.if_match, before[store.VERSION] if before else None)
    item: dict[str, Any] = {**store.routing_key(), store.VERSION: (before[store.VERSION] + 1) if before else 1}
    if body.fallback_groups is not None:
        item["fallbackGroups"] = body.fallback_groups
    if body.model_aliases is not None:
        item["modelAliases"] = dict(body.model_aliases)
    rendering.check(deps, documents, routing=item)
    try:
        deps.control.put(item, expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the routing changed since it was read") from None
    audit(deps, caller.actor, "routing.put", "routing", _public(before), _public(item))
    publish(deps, "routing changed", caller.actor)
    return Reply(200, view(base, item), {"ETag": etag(item[store.VERSION])})


def _public(item: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    return None if item is None else {k: v for k, v in item.items() if k not in (store.PK, store.SK)}
