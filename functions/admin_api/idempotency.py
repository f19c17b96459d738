"""Idempotency keys on creates: the same key and body replay the first answer; another body is a 422.

A record is claimed (conditional put, ``in-progress``) before the create runs, completed with the
answer after it, and dropped when the create failed, so the client may retry with the same key.
It expires after 24 h (``ttl``). Answers are stored without secrets: a replay of a team create
says ``clientSecret: null`` (the secret is shown once and never stored).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional

from functions.shared import store
from functions.shared.tables import StaleItem, Table

from .errors import ApiError

KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class Stored:
    """An answer recorded for a key."""

    status: int
    body: Mapping[str, Any]
    headers: Mapping[str, str]


def check_key(key: str) -> str:
    """The key, or 400 when it is not 1-128 of ``A-Za-z0-9._:-``."""
    if not KEY.match(key):
        raise ApiError(400, "invalid_idempotency_key", "Idempotency-Key: 1 to 128 characters of A-Z a-z 0-9 . _ : -")
    return key


def claim(table: Table, key: str, request_hash: str, now: datetime) -> Optional[Stored]:
    """Claim ``key`` for this request (None: go ahead), or the first answer to replay.

    422 when the key was used with another request, 409 while the first request is still running.
    """
    item = {**store.idempotency_key(key), "requestHash": request_hash, "status": "in-progress",
            store.TTL: int((now + LIFETIME).timestamp())}
    try:
        table.put(item, new=True)
        return None
    except StaleItem:
        pass
    existing = table.get(store.idempotency_key(key))
    if existing is None:  # expired and deleted between the two calls: claim again
        return claim(table, key, request_hash, now)
    if existing.get("requestHash") != request_hash:
        raise ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used with another request")
    if existing.get("status") != "done":
        raise ApiError(409, "request_in_progress", "the first request with this Idempotency-Key is still running")
    response = json.loads(existing["response"])
    return Stored(status=response["status"], body=response["body"], headers=response["headers"])


def complete(table: Table, key: str, request_hash: str, answer: Stored, now: datetime) -> None:
    """Record the answer (already free of secrets) for replays."""
    response = json.dumps({"status": answer.status, "body": answer.body, "headers": dict(answer.headers)},
                          sort_keys=True)
    table.put({**store.idempotency_key(key), "requestHash": request_hash, "status": "done", "response": response,
               store.TTL: int((now + LIFETIME).timestamp())}, unconditional=True)


def release(table: Table, key: str) -> None:
    """Drop the claim of a create that failed."""
    table.delete(store.idempotency_key(key))
