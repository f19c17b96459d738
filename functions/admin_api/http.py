"""Pure HTTP mechanics: ETags, preconditions, opaque cursors, request hashes for idempotency."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Mapping, Optional

from .errors import ApiError

CURSOR_PREFIX = "c1."


def etag(version: int) -> str:
    """The ETag of an item at ``version``: ``"<version>"`` (strong)."""
    return f'"{int(version)}"'


def expected_version(if_match: Optional[str], current: Optional[int], *, required: bool = True) -> Optional[int]:
    """The version an update may overwrite, from ``If-Match`` and the stored item's version.

    ``current`` None: the item does not exist (``If-Match`` must then be absent or ``*`` is refused).
    A missing header on an existing item is 428 when ``required``; a stale one is 412.
    """
    if if_match is None or not if_match.strip():
        if current is not None and required:
            raise ApiError(428, "precondition_required", "send If-Match with the ETag you read to update this item")
        return current
    tag = if_match.strip()
    if tag == "*":
        if current is None:
            raise ApiError(412, "precondition_failed", "If-Match: * but the item does not exist")
        return current
    if current is None or tag.removeprefix("W/") != etag(current):
        raise ApiError(412, "precondition_failed", "the item changed since it was read (stale If-Match)",
                       {"currentEtag": None if current is None else etag(current)})
    return current


def encode_cursor(key: Optional[Mapping[str, str]]) -> Optional[str]:
    """An opaque cursor for the next page (None: no next page)."""
    if not key:
        return None
    raw = json.dumps(dict(key), sort_keys=True, separators=(",", ":")).encode()
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Optional[str], pk_prefix: str) -> Optional[dict[str, str]]:
    """The start key of a cursor this API issued; 400 for anything else."""
    if not cursor:
        return None
    invalid = ApiError(400, "invalid_cursor", "the cursor is not one this API issued for this list")
    if not cursor.startswith(CURSOR_PREFIX):
        raise invalid
    body = cursor[len(CURSOR_PREFIX):]
    try:
        key = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, TypeError):
        raise invalid from None
    if (not isinstance(key, dict) or set(key) != {"pk", "sk"} or not all(isinstance(v, str) for v in key.values())
            or not key["pk"].startswith(pk_prefix)):
        raise invalid
    return key


def request_hash(method: str, path: str, body: Any) -> str:
    """What identifies a create for its idempotency key: method, path and the canonical JSON body."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()
