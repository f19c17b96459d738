"""Adding a batch's requests to the usage table exactly once, whatever is replayed.

Each transaction (TransactWriteItems) writes, for a chunk of requests, one marker per log event
(``EVENT#<id>``, put only if absent, ``ttl`` 7 days) and the chunk's sums on its counter items
(``ADD``). DynamoDB applies all of it or none of it: a counted event always has its marker and a
marker always means its event was counted. A replay (Lambda's retry after a failure halfway
through a batch, or a duplicate delivery) fails the marker's condition: the cancellation reasons
name which events were counted already, those are dropped and the rest of the chunk is written
again. Conflicts with a concurrent transaction on the same counters and throttling are retried
with backoff; anything else fails the invocation, whose retry is safe for the same reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Sequence

from functions.shared import store
from functions.shared.dynamo import error_code, to_attr, to_item

from .counting import chunks, sum_counters, unique_events
from .lines import Usage

MARKER_TTL = timedelta(days=7)
"""How long a counted event's marker is kept: far longer than Lambda's retries (6 hours at most)."""
RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
RETRYABLE_ERRORS = frozenset({"TransactionInProgressException", "ThrottlingException",
                              "ProvisionedThroughputExceededException", "InternalServerError",
                              "RequestLimitExceeded"})
MAX_ATTEMPTS = 6


class LedgerError(RuntimeError):
    """A transaction kept failing for a reason other than a replayed event."""


@dataclass
class Recorded:
    """What one batch did to the table."""

    counted: list[Usage] = field(default_factory=list)
    duplicates: list[Usage] = field(default_factory=list)
    transactions: int = 0


class UsageLedger:
    """Writes requests to ``table`` through the low-level DynamoDB client ``ddb``."""

    def __init__(self, ddb: Any, table: str, *, now: Callable[[], datetime],
                 sleep: Callable[[float], None] = time.sleep, max_attempts: int = MAX_ATTEMPTS):
        self.ddb = ddb
        self.table = table
        self.now = now
        self.sleep = sleep
        self.max_attempts = max_attempts

    def record(self, usages: Sequence[Usage]) -> Recorded:
        """Count every request not counted before; say which were replays."""
        result = Recorded()
        for chunk in chunks(unique_events(usages)):
            self._write_chunk(list(chunk), result)
        return result

    def _write_chunk(self, chunk: list[Usage], result: Recorded) -> None:
        attempt = 0
        while chunk:
            try:
                self.ddb.transact_write_items(TransactItems=self.transaction(chunk))
            except Exception as error:
                code = error_code(error)
                if code != "TransactionCanceledException" and code not in RETRYABLE_ERRORS:
                    raise
                reasons = _reasons(error)
                replayed = {i for i, reason in enumerate(reasons[:len(chunk)])
                            if reason == "ConditionalCheckFailed"}
                if replayed:
                    result.duplicates += [u for i, u in enumerate(chunk) if i in replayed]
                    chunk = [u for i, u in enumerate(chunk) if i not in replayed]
                    continue  # the rest was not written: write it without the replayed events
                if code in RETRYABLE_ERRORS or (reasons and set(reasons) - {"None"} <= RETRYABLE_REASONS):
                    attempt += 1
                    if attempt >= self.max_attempts:
                        raise LedgerError(f"usage transaction still failing after {attempt} attempts ({code})") from error
                    self.sleep(min(0.05 * 2 ** attempt, 2.0))
                    continue
                raise LedgerError(f"usage transaction cancelled: {', '.join(reasons) or code}") from error
            result.transactions += 1
            result.counted += chunk
            return

    def transaction(self, chunk: Sequence[Usage]) -> list[dict[str, Any]]:
        """The chunk's actions: its markers first (in chunk order), then its counter sums."""
        expires = int((self.now() + MARKER_TTL).timestamp())
        actions: list[dict[str, Any]] = [{
            "Put": {
                "TableName": self.table,
                "Item": to_item({**store.usage_event_key(u.event_id), store.TTL: expires}),
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": {"#pk": store.PK},
            }
        } for u in chunk]
        for (pk, sk), sums in sorted(sum_counters(chunk).items()):
            names = {f"#c{i}": name for i, name in enumerate(store.COUNTERS)}
            values = {f":c{i}": to_attr(sums[name]) for i, name in enumerate(store.COUNTERS)}
            actions.append({
                "Update": {
                    "TableName": self.table,
                    "Key": to_item({store.PK: pk, store.SK: sk}),
                    "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(store.COUNTERS))),
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            })
        return actions


def _reasons(error: BaseException) -> list[str]:
    """The per-action cancellation codes of a cancelled transaction (``"None"`` for an action that
    was fine)."""
    response = getattr(error, "response", None) or {}
    reasons = response.get("CancellationReasons") or []
    return [str(r.get("Code", "None")) for r in reasons]
