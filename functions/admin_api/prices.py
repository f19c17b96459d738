"""Price overrides per catalog provider key and model, laid over the shipped table (and the stack's)."""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import unquote

from functions.shared import store
from functions.shared.dynamo import plain
from functions.shared.store_snapshot import NoStackDocuments, StackDocuments, load_documents
from functions.shared.tables import StaleItem
from gateway_config import prices as shipped

from . import rendering
from .deps import Deps
from .effects import audit, publish
from .errors import ApiError, bad_request, not_found
from .http import etag, expected_version
from .models import Price, PricePut
from .reply import Caller, Reply


MAX_MODEL_ID = 200
"""What the overlay's price table takes (``GatewayOverlay.prices``)."""


def check_target(provider: str, model: str) -> tuple[str, str]:
    """The decoded provider key and model id, or 400 (unknown provider, malformed id)."""
    provider, model = unquote(provider), unquote(model)
    if len(model) > MAX_MODEL_ID:
        raise bad_request(f"{provider}/{model[:40]}...: a model id has at most {MAX_MODEL_ID} characters")
    try:
        shipped.validate_provider(provider, "provider")
        shipped.validate_model_id(provider, model)
    except ValueError as error:
        raise bad_request(str(error), {"providers": list(shipped.PROVIDERS)}) from None
    return provider, model


def _documents(deps: Deps) -> Optional[StackDocuments]:
    try:
        return load_documents(deps.control)
    except NoStackDocuments:
        return None


def stack_catalog(deps: Deps) -> dict[str, Any]:
    """The shipped table with the stack settings' overrides (the shipped table alone before a publish)."""
    documents = _documents(deps)
    return shipped.model_catalog((documents.overlay.get("prices") or None) if documents else None)


def _stack_rates(catalog: dict[str, Any], provider: str, model: str) -> Optional[dict[str, str]]:
    entry = ((catalog.get("providers") or {}).get(provider) or {}).get("models", {}).get(model)
    return dict(entry["rates"]) if entry and entry.get("rates") else None


def view(provider: str, model: str, stack: Optional[dict[str, str]], item: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The effective rates of a model, with where they come from."""
    override = dict(item["rates"]) if item else None
    source = "stack+override" if stack and override else ("override" if override else "stack")
    return Price(provider=provider, model=model, rates={**(stack or {}), **(override or {})}, source=source,
                 stack=stack, override=override, etag=etag(item[store.VERSION]) if item else None).json_dict()


def list_prices(deps: Deps) -> Reply:
    """Every model the stack prices or the store overrides."""
    catalog = stack_catalog(deps)
    overrides = {(i["provider"], i["model"]): plain(i) for i in deps.control.query_all(store.PRICES_PK)}
    pairs = {(p, m) for p, entry in (catalog.get("providers") or {}).items() for m in entry.get("models", {})}
    items = [view(p, m, _stack_rates(catalog, p, m), overrides.get((p, m))) for p, m in sorted(pairs | set(overrides))]
    return Reply(200, {"items": items})


def get(deps: Deps, provider: str, model: str) -> Reply:
    """One model's effective rates (404 when neither the stack nor the store prices it)."""
    provider, model = check_target(provider, model)
    stack = _stack_rates(stack_catalog(deps), provider, model)
    item = deps.control.get(store.price_key(provider, model))
    if stack is None and item is None:
        raise not_found(f"price of {provider}/{model}")
    headers = {"ETag": etag(item[store.VERSION])} if item else {}
    return Reply(200, view(provider, model, stack, plain(item) if item else None), headers)


def put(deps: Deps, caller: Caller, provider: str, model: str, body: PricePut) -> Reply:
    """Create or replace an override (If-Match required to replace one); publishes the catalog."""
    provider, model = check_target(provider, model)
    before = deps.control.get(store.price_key(provider, model))
    before = plain(before) if before else None
    version = expected_version(caller.if_match, before[store.VERSION] if before else None)
    item = {**store.price_key(provider, model), "provider": provider, "model": model, "rates": dict(body.rates),
            store.VERSION: (before[store.VERSION] + 1) if before else 1}
    documents = _documents(deps)
    if documents is not None:  # before the first publish only the shipped table can be checked (by pydantic)
        rendering.check(deps, documents, price=item)
    try:
        deps.control.put(item, expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the price changed since it was read") from None
    target = f"prices/{provider}/{model}"
    audit(deps, caller.actor, "price.put", target, _public(before), _public(item))
    publish(deps, f"price of {provider}/{model} set", caller.actor)
    stack = _stack_rates(stack_catalog(deps), provider, model)
    return Reply(201 if before is None else 200, view(provider, model, stack, item), {"ETag": etag(item[store.VERSION])})


def _public(item: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    return None if item is None else {k: item[k] for k in ("provider", "model", "rates", store.VERSION)}


def delete(deps: Deps, caller: Caller, provider: str, model: str) -> Reply:
    """Remove an override (the stack's rates apply again); publishes the catalog."""
    provider, model = check_target(provider, model)
    before = deps.control.get(store.price_key(provider, model))
    if before is None:
        raise not_found(f"price override of {provider}/{model}")
    before = plain(before)
    version = expected_version(caller.if_match, before[store.VERSION], required=False)
    try:
        deps.control.delete(store.price_key(provider, model), expected_version=version)
    except StaleItem:
        raise ApiError(412, "precondition_failed", "the price changed since it was read") from None
    audit(deps, caller.actor, "price.delete", f"prices/{provider}/{model}", _public(before), None)
    publish(deps, f"price of {provider}/{model} removed", caller.actor)
    return Reply(204, None)
