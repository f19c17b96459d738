"""What a route answers: status, JSON body, headers (the router turns it into a Powertools Response)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class Reply:
    """A successful answer."""

    status: int
    body: Optional[Mapping[str, Any]]
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    """Who calls and the request headers the routes read."""

    actor: str
    if_match: Optional[str] = None
    idempotency_key: Optional[str] = None
