"""One agentgateway access-log line -> the usage it reports (pure).

Field names are the renderer's (:data:`gateway_config.render.LOG_FIELDS`): the line is a flat
JSON object; ``scope`` is ``request`` for access logs; the token, model and cost fields are the
ones the config adds (``frontendPolicies.accessLog.add``) and are absent when unknown; numbers
may arrive as JSON numbers or numeric strings. ``team`` is the gateway's own lookup of the
caller's client id, so a line without it is from a client no team owns: it counts under
:data:`functions.shared.store.UNKNOWN_TEAM`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Optional

from functions.shared import store
from gateway_config.render import LOG_FIELDS

from .envelope import LogEvent

ACCESS_LOG_SCOPE = "request"
TOKEN_FIELDS: Mapping[str, str] = {
    # counter attribute -> the access log's logical field
    "inputTokens": "input_tokens",
    "outputTokens": "output_tokens",
    "cacheReadTokens": "cached_input_tokens",
    "cacheWriteTokens": "cache_write_tokens",
}
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


class MalformedLine(ValueError):
    """An access-log line the aggregator cannot count (its reason is logged, never the line)."""


@dataclass(frozen=True)
class Usage:
    """What one request adds to its team's counters."""

    event_id: str
    team: str
    model: Optional[str]
    day: str
    """``YYYY-MM-DD`` (UTC) of the log event."""
    counters: Mapping[str, int | Decimal]
    """Every attribute of :data:`functions.shared.store.COUNTERS` (``requests`` is 1)."""

    @property
    def month(self) -> str:
        """``YYYY-MM``."""
        return self.day[:7]

    @property
    def unknown(self) -> bool:
        """Whether no team owns the caller's client id."""
        return self.team == store.UNKNOWN_TEAM


def parse(event: LogEvent) -> Optional[Usage]:
    """The usage of an access-log line; None for a line that is not an access log (startup, errors,
    reloads); raises :class:`MalformedLine` for an access-log line that cannot be counted."""
    try:
        line = json.loads(event.message)
    except ValueError:
        raise MalformedLine("not JSON") from None
    if not isinstance(line, dict):
        raise MalformedLine("not a JSON object")
    if line.get(LOG_FIELDS["scope"]) != ACCESS_LOG_SCOPE:
        return None
    counters: dict[str, int | Decimal] = {"requests": 1}
    for attribute, logical in TOKEN_FIELDS.items():
        counters[attribute] = _count(line.get(LOG_FIELDS[logical]), logical)
    counters["costUsd"] = _money(line.get(LOG_FIELDS["cost_usd"]))
    team = _name(line.get(LOG_FIELDS["team"]), "team") or store.UNKNOWN_TEAM
    model = _name(line.get(LOG_FIELDS["model"]), "model") or _name(line.get(LOG_FIELDS["response_model"]), "response_model")
    day = datetime.fromtimestamp(event.timestamp_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
    return Usage(event_id=event.id, team=team, model=model, day=day, counters=counters)


def _number(value: Any, field: str) -> Optional[Decimal]:
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedLine(f"{field} is a boolean")
    if isinstance(value, float) and not math.isfinite(value):
        raise MalformedLine(f"{field} is not finite")
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str) and _NUMERIC.match(value.strip()):
        number = Decimal(value.strip())
    else:
        raise MalformedLine(f"{field} is not a number")
    if number < 0:
        raise MalformedLine(f"{field} is negative")
    return number


def _count(value: Any, field: str) -> int:
    number = _number(value, field)
    if number is None:
        return 0
    if number != number.to_integral_value():
        raise MalformedLine(f"{field} is not a whole number")
    return int(number)


def _money(value: Any) -> Decimal:
    number = _number(value, "cost_usd")
    if number is None:
        return Decimal(0)
    try:
        # DynamoDB numbers hold 38 significant digits; a price never needs more than 12 decimals.
        return number.quantize(Decimal("1e-12")).normalize() if number else Decimal(0)
    except InvalidOperation:
        raise MalformedLine("cost_usd is out of range") from None


def _name(value: Any, field: str) -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedLine(f"{field} is not a string")
    if "#" in value or len(value) > 256:
        # ``#`` separates the parts of a usage key: a name with one would collide with another key.
        raise MalformedLine(f"{field} cannot be a key part")
    return value
