"""The publisher with a control table (``CONTROL_TABLE``): the two events of docs/control-plane-store.md.

- a Pulumi event ``{base, overlay, strategy?}``: rendered over the stack overlay merged with the
  store; once it passed the checks, its two documents are saved as the stack documents;
- a store event ``{"source": "store", "reason", "actor"}``: the saved stack documents merged with
  the store as it is now, always deployed with the ``immediate`` strategy (:data:`STORE_STRATEGY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from functions.shared.store_snapshot import StackDocuments, load_documents, merged_overlay
from functions.shared.tables import Table

from .request import InvalidPublish, parse_event

STORE_EVENT_KEYS = frozenset({"source", "reason", "actor"})
STORE_STRATEGY = "immediate"
"""Control-plane changes (a team suspended or over budget, a price, a routing override) must reach
the gateways in seconds: a guarded bake would hold them, and every publish after them, for
``liveConfig.bakeMinutes``. The checks and the validator Lambdas still run; the guarded strategy
stays for what ``pulumi up`` publishes (the base: providers, JWT, limits)."""


@dataclass(frozen=True)
class Resolved:
    """The event to render, and the stack documents to save once it rendered and passed the checks."""

    event: Mapping[str, Any]
    save: Optional[StackDocuments]
    reason: Optional[str] = None
    actor: Optional[str] = None


def is_store_event(event: Any) -> bool:
    """Whether ``event`` asks to publish the store (``source: store``)."""
    return isinstance(event, Mapping) and event.get("source") == "store"


def resolve(event: Any, table: Table) -> Resolved:
    """The publish event with the store merged in (reads the table; writes nothing)."""
    if is_store_event(event):
        unknown = sorted(set(event) - STORE_EVENT_KEYS)
        if unknown:
            raise InvalidPublish(f"unknown store event key(s) {', '.join(unknown)}; expected "
                                 f"{', '.join(sorted(STORE_EVENT_KEYS))}")
        documents = load_documents(table)
        return Resolved(event={"base": documents.base, "overlay": merged_overlay(table, documents.overlay),
                               "strategy": STORE_STRATEGY},
                        save=None, reason=str(event.get("reason") or ""), actor=str(event.get("actor") or ""))
    request = parse_event(event)
    merged: dict[str, Any] = {"base": dict(request.base), "overlay": merged_overlay(table, request.overlay)}
    if request.strategy is not None:
        merged["strategy"] = request.strategy
    return Resolved(event=merged, save=StackDocuments(base=request.base, overlay=request.overlay))
