"""The monthly reset: teams the budget enforcer blocked become ``active`` again, then one publish.

Run at 00:00 UTC on the 1st by EventBridge Scheduler. Every team item with status ``over-budget``
(only budget enforcement sets it) is moved back with a conditional update (version +1); if any
moved, the publisher is invoked once, asynchronously. If that invoke fails, the teams are put
back to ``over-budget`` (the gateway still refuses them) and the error raised, so the
schedule's retry does the whole reset again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from functions.shared import store
from functions.shared.dynamo import from_item
from functions.shared.team_status import ACTIVE, OVER_BUDGET, STATUS, change_status, request_publish, revert_status

ACTOR = "budget-reset"


@dataclass
class ResetResult:
    """Which teams the reset lifted and whether it asked for a publish."""

    lifted: list[str] = field(default_factory=list)
    published: bool = False


def over_budget_teams(ddb: Any, table: str) -> list[str]:
    """Names of the store's teams whose status is ``over-budget`` (a scan: the table is small)."""
    names: list[str] = []
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "#sk = :team AND #s = :over",
        "ExpressionAttributeNames": {"#sk": store.SK, "#s": STATUS, "#pk": store.PK},
        "ExpressionAttributeValues": {":team": {"S": store.TEAM_SK}, ":over": {"S": OVER_BUDGET}},
        "ProjectionExpression": "#pk",
        "ConsistentRead": True,
    }
    while True:
        page = ddb.scan(**kwargs)
        for item in page.get("Items", []):
            pk = from_item(item)[store.PK]
            names.append(pk.split("#", 1)[1])
        if "LastEvaluatedKey" not in page:
            return sorted(names)
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def reset(ddb: Any, lambda_client: Any, *, control_table: str, publisher_function: str,
          now: Callable[[], datetime], logger: Any) -> ResetResult:
    """Lift every budget block and publish once."""
    result = ResetResult()
    versions: dict[str, int] = {}
    for team in over_budget_teams(ddb, control_table):
        version = change_status(ddb, control_table, team, expected=OVER_BUDGET, new=ACTIVE, now=now())
        if version is not None:  # None: someone changed it meanwhile
            versions[team] = version
            result.lifted.append(team)
    if not result.lifted:
        return result
    try:
        request_publish(lambda_client, publisher_function, reason="budget-reset", actor=ACTOR)
    except Exception:
        for team, version in versions.items():
            revert_status(ddb, control_table, team, version=version, previous=OVER_BUDGET, now=now())
        logger.error("publish request failed; blocks kept", extra={"teams": result.lifted})
        raise
    result.published = True
    logger.info("budget blocks lifted", extra={"teams": result.lifted})
    return result
