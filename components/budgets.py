"""Budgets: the monthly reset of budget blocks, and the alert subscriptions.

The checks themselves run in the usage aggregator after each batch (:mod:`.usage`); here:

- the ``budget-reset`` Lambda and its schedule (00:00 UTC on the 1st): teams the enforcer made
  ``over-budget`` become ``active`` and the publisher is invoked once;
- email subscriptions of ``budgets.alertEmails`` to the usage notices topic (budget alerts only).
"""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from functions.budget_reset.permissions import CALLS as RESET_CALLS

from .base import child_opts
from .context import StackContext
from .observability import Observability
from .python_function import PythonFunction
from .renderers.function_policies import statements_from_calls
from .schedules import invoke_on_schedule, schedule_group
from .usage import ControlPlaneData
from .usage_notices import BUDGET_ALERT, UsageNotices

RESET_EXPRESSION = "cron(0 0 1 * ? *)"
"""00:00 UTC on the 1st of every month."""


class Budgets(pulumi.ComponentResource):
    """The monthly reset and the alert recipients."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability, *, data: ControlPlaneData,
                 notices: UsageNotices, publisher: aws.lambda_.Function,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:usage:Budgets", name, None, opts)
        self.reset = PythonFunction(
            f"{name}-reset", ctx, source="budget_reset", function_name="budget-reset",
            description="Lifts budget blocks at the start of each month and publishes the store",
            logs_key=observability.logs_key,
            environment={"CONTROL_TABLE": data.control_table, "PUBLISHER_FUNCTION": publisher.name,
                         "POWERTOOLS_SERVICE_NAME": "budget-reset"},
            statements=lambda v: statements_from_calls(
                RESET_CALLS, {"control_table": [v[0]], "data_key": [v[1]], "publisher": [v[2]]}),
            statement_inputs=[data.control_table_arn, data.key_arn, publisher.arn],
            timeout_seconds=120, memory_mb=256, reserved_concurrency=1,
            opts=child_opts(self),
        )
        group = schedule_group(self, f"{name}-schedules", ctx, "budgets")
        self.schedule = invoke_on_schedule(
            self, f"{name}-reset-schedule", ctx, group=group, function=self.reset.function,
            expression=RESET_EXPRESSION, description="Lift budget blocks at the start of the month (UTC)",
            role="budget-reset")
        self.subscriptions = notices.subscribe(BUDGET_ALERT, ctx.settings.budgets.alert_emails)
        self.outputs: dict[str, pulumi.Input[object]] = {"budgetResetFunction": self.reset.function.name}
        self.register_outputs(self.outputs)
