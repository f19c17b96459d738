"""The CloudWatch Logs subscription event: ``{"awslogs": {"data": <base64 gzip JSON>}}``.

The decoded document is ``{messageType, owner, logGroup, logStream, subscriptionFilters,
logEvents: [{id, timestamp, message}]}``. ``CONTROL_MESSAGE`` is CloudWatch Logs checking that
the destination is reachable and carries no log events.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

DATA_MESSAGE = "DATA_MESSAGE"
CONTROL_MESSAGE = "CONTROL_MESSAGE"


class BadEnvelope(ValueError):
    """The event is not a CloudWatch Logs subscription event."""


@dataclass(frozen=True)
class LogEvent:
    """One log event: its id (unique in the log group: the deduplication key), time and text."""

    id: str
    timestamp_ms: int
    message: str


@dataclass(frozen=True)
class LogBatch:
    """The decoded subscription event."""

    message_type: str
    log_group: str
    events: tuple[LogEvent, ...]


def decode(event: Any) -> LogBatch:
    """The batch inside a subscription event; raises :class:`BadEnvelope` for anything else."""
    try:
        data = event["awslogs"]["data"]
        document = json.loads(gzip.decompress(base64.b64decode(data, validate=True)))
    except (KeyError, TypeError, binascii.Error, OSError, EOFError, zlib.error, ValueError) as error:
        raise BadEnvelope(f"not a CloudWatch Logs subscription event ({type(error).__name__})") from None
    if not isinstance(document, dict) or document.get("messageType") not in (DATA_MESSAGE, CONTROL_MESSAGE):
        raise BadEnvelope("not a CloudWatch Logs subscription event (messageType)")
    events = []
    for raw in document.get("logEvents") or []:
        try:
            events.append(LogEvent(id=str(raw["id"]), timestamp_ms=int(raw["timestamp"]), message=str(raw["message"])))
        except (KeyError, TypeError, ValueError):
            raise BadEnvelope("a log event lacks its id, timestamp or message") from None
    return LogBatch(message_type=document["messageType"], log_group=str(document.get("logGroup", "")),
                    events=tuple(events))


def encode(batch_document: dict[str, Any]) -> dict[str, Any]:
    """The subscription event CloudWatch Logs would send for ``batch_document`` (tests, tools)."""
    payload = base64.b64encode(gzip.compress(json.dumps(batch_document).encode())).decode()
    return {"awslogs": {"data": payload}}
