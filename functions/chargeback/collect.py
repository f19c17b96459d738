"""Reading the two months' counters from the usage table and writing the report."""

from __future__ import annotations

from typing import Any, Iterator

from functions.shared import store
from functions.shared.dynamo import from_item

CSV_TYPE = "text/csv; charset=utf-8"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"


def month_items(ddb: Any, table: str, months: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Every team's month items (totals and per model) of ``months`` (a filtered scan, all pages)."""
    names = {"#sk": store.SK}
    values = {f":m{i}": {"S": store.month_period(m)} for i, m in enumerate(months)}
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": " OR ".join(f"begins_with(#sk, :m{i})" for i in range(len(months))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    while True:
        page = ddb.scan(**kwargs)
        for item in page.get("Items", []):
            yield from_item(item)
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def report_keys(month: str) -> dict[str, str]:
    """Where a month's report lives in the bucket."""
    return {"csv": f"chargeback/{month}/chargeback.csv", "summary": f"chargeback/{month}/summary.md"}
