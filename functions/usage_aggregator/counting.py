"""Which counter items a request adds to, and how requests are grouped into transactions (pure).

Each request adds to four items of its team: the day and the month, for all models and for its
model (two when the line names no model). A transaction holds at most
:data:`MAX_TRANSACTION_ACTIONS` actions and never two on one item, so a chunk's requests are
summed per item first: a chunk of ``n`` requests is ``n`` event markers plus one ``ADD`` per
distinct counter item.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Sequence

from functions.shared import store

from .lines import Usage

MAX_TRANSACTION_ACTIONS = 100
"""DynamoDB's limit of actions in one TransactWriteItems."""

CounterKey = tuple[str, str]
"""(pk, sk) of one counter item."""


def counter_keys(usage: Usage) -> list[CounterKey]:
    """The counter items one request adds to."""
    periods = (store.day_period(usage.day), store.month_period(usage.month))
    models = (None, usage.model) if usage.model else (None,)
    keys = []
    for period in periods:
        for model in models:
            key = store.usage_key(usage.team, period, model)
            keys.append((key[store.PK], key[store.SK]))
    return keys


def sum_counters(usages: Iterable[Usage]) -> dict[CounterKey, dict[str, int | Decimal]]:
    """Counter item -> what the requests add to each of its attributes."""
    totals: dict[CounterKey, dict[str, int | Decimal]] = defaultdict(lambda: {c: 0 for c in store.COUNTERS})
    for usage in usages:
        for key in counter_keys(usage):
            row = totals[key]
            for name in store.COUNTERS:
                row[name] = row[name] + usage.counters[name]
    return dict(totals)


def chunks(usages: Sequence[Usage], limit: int = MAX_TRANSACTION_ACTIONS) -> list[list[Usage]]:
    """Consecutive groups of requests whose markers and distinct counter items fit one transaction."""
    groups: list[list[Usage]] = []
    current: list[Usage] = []
    keys: set[CounterKey] = set()
    for usage in usages:
        new = set(counter_keys(usage)) - keys
        if current and len(current) + 1 + len(keys) + len(new) > limit:
            groups.append(current)
            current, keys, new = [], set(), set(counter_keys(usage))
        current.append(usage)
        keys |= new
    if current:
        groups.append(current)
    return groups


def unique_events(usages: Iterable[Usage]) -> list[Usage]:
    """The requests with the first of each event id (a batch never repeats one, but be sure: two
    markers for one id in a transaction would fail it)."""
    seen: set[str] = set()
    result = []
    for usage in usages:
        if usage.event_id not in seen:
            seen.add(usage.event_id)
            result.append(usage)
    return result


def money(value: int | Decimal) -> Decimal:
    """A counter value as a Decimal."""
    return value if isinstance(value, Decimal) else Decimal(value)
