"""Chargeback: the monthly report of the previous month's usage per team.

- the reports bucket ``<prefix>-reports-<account>-<region>``: versioned, SSE-KMS with the
  control-plane key (bucket key on), TLS only, public access blocked, owner-enforced, and a
  lifecycle (reports kept ``chargeback.retentionDays``, older versions 30 days more);
- the ``chargeback`` Lambda, run at 02:00 UTC on the 1st (the month's last log events have been
  counted by then): ``chargeback/<YYYY-MM>/chargeback.csv`` and ``summary.md``, announced on the
  usage notices topic (kind ``chargeback-report``), whose ``chargeback.reportEmails`` get it.
"""

from __future__ import annotations

from typing import Optional

import pulumi

from functions.chargeback.permissions import CALLS as CHARGEBACK_CALLS

from .base import child_opts
from .context import StackContext
from .observability import Observability
from .private_bucket import private_bucket
from .python_function import PythonFunction
from .renderers.function_policies import statements_from_calls
from .schedules import invoke_on_schedule, schedule_group
from .usage import ControlPlaneData
from .usage_notices import CHARGEBACK_REPORT, UsageNotices

REPORT_EXPRESSION = "cron(0 2 1 * ? *)"
"""02:00 UTC on the 1st of every month."""
NONCURRENT_VERSION_DAYS = 30
ABORT_INCOMPLETE_UPLOAD_DAYS = 7


class Chargeback(pulumi.ComponentResource):
    """The reports bucket, the chargeback function and its monthly schedule."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability, *, data: ControlPlaneData,
                 notices: UsageNotices, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:usage:Chargeback", name, None, opts)
        settings = ctx.settings.chargeback
        self.bucket = private_bucket(
            f"{name}-reports", ctx, self, role="reports", key_arn=data.key_arn, expiration_days=settings.retention_days,
            noncurrent_days=NONCURRENT_VERSION_DAYS, abort_incomplete_days=ABORT_INCOMPLETE_UPLOAD_DAYS,
            lifecycle_id="expire-reports")
        self.function = PythonFunction(
            f"{name}-function", ctx, source="chargeback", function_name="chargeback",
            description="Writes the monthly chargeback report and announces it",
            logs_key=observability.logs_key,
            environment={"USAGE_TABLE": data.usage_table, "REPORTS_BUCKET": self.bucket.bucket,
                         "NOTICES_TOPIC_ARN": notices.topic.arn, "POWERTOOLS_SERVICE_NAME": "chargeback"},
            statements=lambda v: statements_from_calls(CHARGEBACK_CALLS, {
                "usage_table": [v[0]], "data_key": [v[1]], "notices_topic": [v[2]],
                "reports_bucket": [f"{v[3]}/chargeback/*"]}),
            statement_inputs=[data.usage_table_arn, data.key_arn, notices.topic.arn, self.bucket.arn],
            timeout_seconds=300, memory_mb=512, reserved_concurrency=1,
            opts=child_opts(self),
        )
        group = schedule_group(self, f"{name}-schedules", ctx, "chargeback")
        self.schedule = invoke_on_schedule(
            self, f"{name}-schedule", ctx, group=group, function=self.function.function,
            expression=REPORT_EXPRESSION, description="Report the previous month's usage per team (UTC)",
            role="chargeback")
        self.subscriptions = notices.subscribe(CHARGEBACK_REPORT, settings.report_emails)
        self.outputs: dict[str, pulumi.Input[object]] = {"chargebackBucket": self.bucket.bucket}
        self.register_outputs(self.outputs)
