"""Where the control plane keeps its state: the two DynamoDB tables' keys and item shapes.

This module is the contract between the functions that share the tables (admin API, publisher,
usage aggregator, budget jobs, chargeback): key builders and attribute names only, no boto3.
docs/control-plane-store.md describes every item.

Both tables have a string partition key ``pk`` and a string sort key ``sk``; attribute names are
camelCase; numbers are DynamoDB numbers (money as a decimal number, never a float in Python:
``decimal.Decimal``); ``ttl`` (epoch seconds) expires an item where one is noted.
"""

from __future__ import annotations

PK = "pk"
SK = "sk"
TTL = "ttl"
VERSION = "version"
"""Every mutable control item carries ``version`` (a number, 1 on create, +1 per update): the ETag."""

# --- control table: what the admin API and the budget jobs write --------------------------------

TEAM_SK = "TEAM"
BUDGET_SK = "BUDGET"
PRICES_PK = "PRICES"
ROUTING_KEY = "ROUTING"
STACK_PK = "STACK"
STACK_DOCUMENTS_SK = "DOCUMENTS"
IDEMPOTENCY_SK = "IDEMPOTENCY"


def team_key(team: str) -> dict[str, str]:
    """A team: name, clientIds, tier, status, models?, limits?, provider?, createdAt, updatedAt, version."""
    return {PK: f"TEAM#{team}", SK: TEAM_SK}


def budget_key(team: str) -> dict[str, str]:
    """A team's budget: monthlyUsd, monthlyTokens?, thresholds (percent list), action (alert|block), version."""
    return {PK: f"TEAM#{team}", SK: BUDGET_SK}


def budget_alert_key(team: str, month: str, threshold: int) -> dict[str, str]:
    """Marker that ``threshold`` % of ``month`` (``YYYY-MM``) was announced for ``team`` (once a month)."""
    return {PK: f"TEAM#{team}", SK: f"ALERT#{month}#{threshold}"}


def price_key(provider: str, model: str) -> dict[str, str]:
    """A price override: provider (catalog key), model, rates (map of decimal strings), version."""
    return {PK: PRICES_PK, SK: f"{provider}#{model}"}


def routing_key() -> dict[str, str]:
    """Routing overrides: fallbackGroups?, modelAliases?, teamProviders? (team -> provider), version."""
    return {PK: ROUTING_KEY, SK: ROUTING_KEY}


def stack_documents_key() -> dict[str, str]:
    """The stack's documents the last ``pulumi up`` published: base and overlay (JSON strings)."""
    return {PK: STACK_PK, SK: STACK_DOCUMENTS_SK}


def idempotency_key(key: str) -> dict[str, str]:
    """A create's idempotency record: requestHash, status, response, ttl (24 h)."""
    return {PK: f"IDEMPOTENCY#{key}", SK: IDEMPOTENCY_SK}


# --- usage table: what the aggregator counts ----------------------------------------------------

UNKNOWN_TEAM = "unknown"
"""Where traffic from a client id no team owns is counted."""
COUNTERS = ("requests", "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "costUsd")
"""Attributes of every usage counter item (numbers, added with ``ADD``)."""


def usage_key(team: str, period: str, model: str | None = None) -> dict[str, str]:
    """Counters of ``team`` for ``period`` (``DAY#YYYY-MM-DD`` or ``MONTH#YYYY-MM``), all models or one."""
    return {PK: f"TEAM#{team}", SK: period if model is None else f"{period}#MODEL#{model}"}


def day_period(day: str) -> str:
    """``2026-12-02`` -> ``DAY#2026-12-02``."""
    return f"DAY#{day}"


def month_period(month: str) -> str:
    """``2026-12`` -> ``MONTH#2026-12``."""
    return f"MONTH#{month}"


def usage_event_key(event_id: str) -> dict[str, str]:
    """Marker of one counted log event (replays are skipped); ttl 7 days."""
    return {PK: f"EVENT#{event_id}", SK: "EVENT"}
