"""Render the store (optionally with one item replaced) the way the publisher will.

A write that the publisher could not render (for example more distinct model allow-lists than
agentgateway's 64 conditional entries) would stop every later publish, so the routes that change
what the gateway renders check first and answer 400 instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

import gateway_config
from functions.shared import overlay_store, store
from functions.shared.dynamo import plain
from functions.shared.store_snapshot import StackDocuments

from .deps import Deps
from .errors import bad_request


@dataclass
class StoreItems:
    """The store's team, routing and price items (plain values), as the publisher reads them."""

    teams: dict[str, dict[str, Any]]
    routing: Optional[dict[str, Any]]
    prices: dict[tuple[str, str], dict[str, Any]]

    @classmethod
    def read(cls, deps: Deps) -> "StoreItems":
        """Every team, the routing item and every price override."""
        routing = deps.control.get(store.routing_key())
        return cls(teams={plain(i)["name"]: plain(i) for i in deps.control.scan_all(store.TEAM_SK)},
                   routing=plain(routing) if routing else None,
                   prices={(i["provider"], i["model"]): plain(i) for i in deps.control.query_all(store.PRICES_PK)})

    def overlay(self, documents: StackDocuments) -> dict[str, Any]:
        """The stack overlay merged with these items."""
        return overlay_store.merge(documents.overlay, self.teams.values(), self.routing, self.prices.values())


def render(documents: StackDocuments, items: StoreItems) -> gateway_config.Rendered:
    """Both files for the stack documents and ``items``; 400 naming the problem when they do not render."""
    try:
        return gateway_config.render(dict(documents.base), items.overlay(documents))
    except ValueError as error:
        raise bad_request(f"the change does not render: {str(error)[:800]}") from None


def check(deps: Deps, documents: StackDocuments, *, team: Optional[Mapping[str, Any]] = None,
          routing: Optional[Mapping[str, Any]] = None, price: Optional[Mapping[str, Any]] = None) -> None:
    """400 when the store with ``team``, ``routing`` or ``price`` replacing its item would not render."""
    items = StoreItems.read(deps)
    if team is not None:
        items.teams[str(team["name"])] = dict(team)
    if routing is not None:
        items.routing = dict(routing)
    if price is not None:
        items.prices[(str(price["provider"]), str(price["model"]))] = dict(price)
    render(documents, items)
