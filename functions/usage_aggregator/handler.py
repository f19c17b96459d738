"""Lambda entry point of the usage aggregator (``functions.usage_aggregator.handler.handler``).

Invoked by the gateway log group's subscription filter (asynchronously: Lambda retries a failed
batch twice). Environment: :class:`~functions.usage_aggregator.settings.AggregatorSettings`.
Counts each access-log line once (:mod:`.ledger`), prints per-team EMF metrics, then checks the
touched teams' budgets (:mod:`.enforcer`). boto3 comes from the runtime, imported for the clients.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from functions.shared.log import make_logger, service_name

from . import envelope, metrics
from .enforcer import BudgetEnforcer
from .ledger import UsageLedger
from .lines import MalformedLine, Usage, parse
from .settings import AggregatorSettings

logger = make_logger(service_name("usage-aggregator"))


@lru_cache(maxsize=None)
def _client(service: str) -> Any:
    import boto3  # the Lambda runtime's

    return boto3.client(service)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def handler(event: Any, context: Any, *, clients: Any = None, now: Any = None) -> dict[str, Any]:
    """Count a subscription batch; the summary is returned (and logged)."""
    settings = AggregatorSettings.from_env()
    client = clients or _client
    clock = now or _now
    batch = envelope.decode(event)
    if batch.message_type == envelope.CONTROL_MESSAGE:
        return {"messageType": batch.message_type, "events": 0}
    usages: list[Usage] = []
    malformed = ignored = 0
    for log_event in batch.events:
        try:
            usage = parse(log_event)
        except MalformedLine as problem:
            malformed += 1
            logger.warning("malformed access log line", extra={"eventId": log_event.id, "problem": str(problem)})
            continue
        if usage is None:
            ignored += 1
        else:
            usages.append(usage)
    recorded = UsageLedger(client("dynamodb"), settings.usage_table, now=clock).record(usages)
    metrics.emit(settings.metrics_namespace, recorded.counted, malformed=malformed,
                 duplicates=len(recorded.duplicates))
    outcomes = []
    if settings.budgets_enabled:
        enforcer = BudgetEnforcer(
            ddb=client("dynamodb"), sns=client("sns"), lambda_client=client("lambda"),
            control_table=settings.control_table, usage_table=settings.usage_table,
            topic_arn=settings.topic_arn, publisher_function=settings.publisher_function,
            default_thresholds=settings.default_thresholds, now=clock, logger=logger)
        outcomes = enforcer.evaluate(u.team for u in usages)
    summary = {
        "messageType": batch.message_type, "events": len(batch.events), "counted": len(recorded.counted),
        "duplicates": len(recorded.duplicates), "malformed": malformed, "ignored": ignored,
        "unknown": sum(1 for u in recorded.counted if u.unknown), "transactions": recorded.transactions,
        "alerts": {o.team: o.alerts for o in outcomes if o.alerts},
        "blocked": sorted(o.team for o in outcomes if o.blocked),
    }
    logger.info("batch counted", extra=summary)
    return summary
