"""Read what a publish from the store renders: the saved stack documents and the store's items."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from . import overlay_store, store
from .tables import Table


class NoStackDocuments(RuntimeError):
    """No ``pulumi up`` has published to this stack's store yet: there is no base to render over."""


@dataclass(frozen=True)
class StackDocuments:
    """The base and overlay the last ``pulumi up`` published (JSON objects)."""

    base: Mapping[str, Any]
    overlay: Mapping[str, Any]


def save_documents(table: Table, base: Mapping[str, Any], overlay: Mapping[str, Any], now: datetime) -> None:
    """Save a Pulumi publish's documents as the stack documents (sorted JSON text)."""
    table.put({**store.stack_documents_key(), "base": json.dumps(base, sort_keys=True),
               "overlay": json.dumps(overlay, sort_keys=True),
               "updatedAt": now.astimezone(timezone.utc).isoformat(timespec="seconds")}, unconditional=True)


def load_documents(table: Table) -> StackDocuments:
    """The saved stack documents; :class:`NoStackDocuments` when none were saved."""
    item = table.get(store.stack_documents_key())
    if item is None:
        raise NoStackDocuments("no stack documents in the control table yet: run `pulumi up` first")
    return StackDocuments(base=json.loads(item["base"]), overlay=json.loads(item["overlay"]))


def merged_overlay(table: Table, stack_overlay: Mapping[str, Any]) -> dict[str, Any]:
    """The stack overlay merged with every team, the routing overrides and every price of the store."""
    teams = list(table.scan_all(store.TEAM_SK))
    prices = table.query_all(store.PRICES_PK)
    return overlay_store.merge(stack_overlay, teams, table.get(store.routing_key()), prices)
