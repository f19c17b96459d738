"""Lambda entry point of the monthly chargeback (``functions.chargeback.handler.handler``).

Invoked by EventBridge Scheduler early on the 1st: reports the previous month (UTC), or the
month an event ``{"month": "YYYY-MM"}`` names (a re-run). Writes ``chargeback/<month>/chargeback.csv``
and ``summary.md`` to the reports bucket and announces them on the notices topic.
Environment: ``USAGE_TABLE``, ``REPORTS_BUCKET``, ``NOTICES_TOPIC_ARN``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Optional

from functions.shared.env import read_env
from functions.shared.log import make_logger, service_name

from . import report
from .collect import CSV_TYPE, MARKDOWN_TYPE, month_items, report_keys

logger = make_logger(service_name("chargeback"))
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class BadRequest(ValueError):
    """The event names something other than a month."""


@lru_cache(maxsize=None)
def _client(service: str) -> Any:
    import boto3  # the Lambda runtime's

    return boto3.client(service)


def report_month(event: Any, now: datetime) -> str:
    """The month to report: the event's ``month``, else the one before ``now``'s."""
    event = event if isinstance(event, dict) else {}
    extra = set(event) - {"month"} - {k for k in event if k.startswith("scheduler")}
    if extra:
        raise BadRequest(f"unknown event keys: {', '.join(sorted(extra))}")
    month = event.get("month")
    if month is None:
        return report.previous_month(now.strftime("%Y-%m"))
    if not isinstance(month, str) or not MONTH.match(month):
        raise BadRequest("month must be YYYY-MM")
    return month


def handler(event: Any, context: Any, *, clients: Any = None,
            now: Optional[Callable[[], datetime]] = None) -> dict[str, Any]:
    """Write and announce one month's report; the S3 keys and totals are returned."""
    env = read_env(("USAGE_TABLE", "REPORTS_BUCKET", "NOTICES_TOPIC_ARN"))
    client = clients or _client
    month = report_month(event, (now or (lambda: datetime.now(timezone.utc)))())
    before = report.previous_month(month)
    items = list(month_items(client("dynamodb"), env["USAGE_TABLE"], (month, before)))
    current, previous = report.month_totals(items, month), report.month_totals(items, before)
    rows = report.rows(month, current, previous)
    summary = report.summary_markdown(month, current, previous)
    keys = report_keys(month)
    s3 = client("s3")
    s3.put_object(Bucket=env["REPORTS_BUCKET"], Key=keys["csv"], Body=report.csv_text(rows).encode(),
                  ContentType=CSV_TYPE)
    s3.put_object(Bucket=env["REPORTS_BUCKET"], Key=keys["summary"], Body=summary.encode(),
                  ContentType=MARKDOWN_TYPE)
    client("sns").publish(
        TopicArn=env["NOTICES_TOPIC_ARN"], Subject=f"Chargeback report {month}",
        Message=f"{summary}\nCSV: s3://{env['REPORTS_BUCKET']}/{keys['csv']}\n"
                f"Summary: s3://{env['REPORTS_BUCKET']}/{keys['summary']}\n",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "chargeback-report"}})
    logger.info("chargeback written", extra={"month": month, "teams": len(set(current) | set(previous)),
                                            "keys": keys})
    return {"month": month, "keys": keys, "teams": sorted(set(current) | set(previous))}
