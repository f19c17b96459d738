"""After a batch: each touched team's month to date against its budget, alerts and the block.

For every team the batch names (replayed events included, so a retried batch re-evaluates what
a failed one may have left half done), in the current UTC month:

1. with ``action: block`` at 100 %: the team becomes ``over-budget`` (conditional on ``active``,
   version +1) and the publisher is invoked asynchronously; if that invoke fails the status is
   put back and the error raised, so the retry does both again;
2. each crossed threshold: the alert marker ``ALERT#<month>#<percent>`` is put only if absent
   (a replay or a concurrent batch finds it and stays silent), then the alert is published; if
   publishing fails the marker is deleted and the error raised.

No request waits for any of this: the gateway learns of the block as configuration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

from functions.shared import store
from functions.shared.dynamo import error_code, from_item, to_item
from functions.shared.team_status import ACTIVE, OVER_BUDGET, change_status, iso_now, request_publish, revert_status

from .budgets import Budget, alert_text, crossed, month_use, must_block, parse_budget

ALERT_MARKER_TTL = timedelta(days=400)
"""Markers outlive their month (they only ever block a repeat within it) and then expire."""
ACTOR = "budget-enforcer"


@dataclass
class Outcome:
    """What the evaluation did for one team."""

    team: str
    percent: str = "0"
    alerts: list[int] = field(default_factory=list)
    blocked: bool = False


class BudgetEnforcer:
    """Budget checks against the control table (budgets, teams, markers) and the usage table."""

    def __init__(self, *, ddb: Any, sns: Any, lambda_client: Any, control_table: str, usage_table: str,
                 topic_arn: str, publisher_function: str, default_thresholds: Sequence[int],
                 now: Callable[[], datetime], logger: Any):
        self.ddb, self.sns, self.lambda_client = ddb, sns, lambda_client
        self.control_table, self.usage_table = control_table, usage_table
        self.topic_arn, self.publisher_function = topic_arn, publisher_function
        self.default_thresholds = tuple(default_thresholds)
        self.now, self.logger = now, logger

    def evaluate(self, teams: Iterable[str]) -> list[Outcome]:
        """Check every named team (the ``unknown`` team has no budget)."""
        month = self.now().strftime("%Y-%m")
        return [self._team(team, month) for team in sorted(set(teams)) if team != store.UNKNOWN_TEAM]

    def _team(self, team: str, month: str) -> Outcome:
        outcome = Outcome(team)
        item = self._get(self.control_table, store.budget_key(team))
        budget = parse_budget(item, self.default_thresholds) if item else None
        if budget is None:
            return outcome
        use = month_use(budget, self._get(self.usage_table, store.usage_key(team, store.month_period(month))))
        outcome.percent = str(use.percent.quantize(Decimal("0.01")))
        if must_block(budget, use):
            outcome.blocked = self._block(team, use.percent)
        for threshold in crossed(budget, use):
            if self._alert(team, month, threshold, budget, use, blocked=must_block(budget, use)):
                outcome.alerts.append(threshold)
        return outcome

    def _block(self, team: str, percent: Any) -> bool:
        now = self.now()
        version = change_status(self.ddb, self.control_table, team, expected=ACTIVE, new=OVER_BUDGET, now=now)
        if version is None:
            return False  # already over budget, suspended, or a stack team (not in the store)
        try:
            request_publish(self.lambda_client, self.publisher_function, reason="budget", actor=ACTOR)
        except Exception:
            undone = revert_status(self.ddb, self.control_table, team, version=version, previous=ACTIVE, now=self.now())
            self.logger.error("publish request failed", extra={"team": team, "statusReverted": undone})
            raise
        self.logger.info("team over budget", extra={"team": team, "percent": str(percent), "version": version})
        return True

    def _alert(self, team: str, month: str, threshold: int, budget: Budget, use: Any, *, blocked: bool) -> bool:
        key = store.budget_alert_key(team, month, threshold)
        now = self.now()
        try:
            self.ddb.put_item(
                TableName=self.control_table,
                Item=to_item({**key, "sentAt": iso_now(now), store.TTL: int((now + ALERT_MARKER_TTL).timestamp())}),
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": store.PK},
            )
        except Exception as error:
            if error_code(error) == "ConditionalCheckFailedException":
                return False  # announced already this month
            raise
        subject, message = alert_text(team, month, threshold, budget, use, blocked=blocked)
        try:
            self.sns.publish(TopicArn=self.topic_arn, Subject=subject, Message=message,
                             MessageAttributes={"team": {"DataType": "String", "StringValue": team},
                                                "kind": {"DataType": "String", "StringValue": "budget-alert"}})
        except Exception:
            self.ddb.delete_item(TableName=self.control_table, Key=to_item(key))
            self.logger.error("budget alert not sent", extra={"team": team, "threshold": threshold})
            raise
        self.logger.info("budget alert sent", extra={"team": team, "threshold": threshold, "month": month})
        return True

    def _get(self, table: str, key: dict[str, str]) -> dict[str, Any] | None:
        response = self.ddb.get_item(TableName=table, Key=to_item(key), ConsistentRead=True)
        return from_item(response.get("Item"))
