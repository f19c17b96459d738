"""Usage metering: the gateway's access log -> the aggregator Lambda -> per-team counters.

- a subscription filter on the gateway log group (a log group takes two; the audit log's
  Firehose uses the other) passing only access-log lines (``{ $.scope = "request" }``) to the
  aggregator, which CloudWatch Logs invokes asynchronously: Lambda queues batches (up to 6 h)
  while the aggregator's reserved concurrency is busy and retries a failed batch twice, and the
  aggregator counts each log event once whatever is replayed (docs/adr/0018);
- the Lambda permission for ``logs.amazonaws.com`` on that log group only;
- alarms: requests from client ids no team owns (with JWT validation; without it every request
  is unattributed by design) and aggregator errors, to the stack's alarm topics;
- with budgets, the aggregator also checks budgets after each batch (:mod:`.budgets` holds the reset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from functions.shared.store import UNKNOWN_TEAM
from functions.usage_aggregator import metrics as usage_metrics
from functions.usage_aggregator.permissions import calls as aggregator_calls

from .base import child_opts
from .context import StackContext
from .observability import Observability
from .python_function import PythonFunction
from .renderers.function_policies import statements_from_calls

ACCESS_LOG_FILTER = '{ $.scope = "request" }'
"""Only agentgateway's access-log lines reach the aggregator (``LOG_FIELDS["scope"]``)."""
ALARM_PERIOD_SECONDS = 300


@dataclass(frozen=True)
class ControlPlaneData:
    """Where the control plane keeps its data (names and ARNs; Outputs in a program run)."""

    control_table: pulumi.Input[str]
    control_table_arn: pulumi.Input[str]
    usage_table: pulumi.Input[str]
    usage_table_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]


class UsageMetering(pulumi.ComponentResource):
    """The aggregator, its subscription and its alarms.

    ``budget_topic_arn`` and ``publisher`` are given when budgets are on (alerts go to the topic, a
    block publishes the store).
    """

    def __init__(self, name: str, ctx: StackContext, observability: Observability, *, data: ControlPlaneData,
                 alarm_topic_arns: pulumi.Input[list[str]], budget_topic_arn: Optional[pulumi.Input[str]] = None,
                 publisher: Optional[aws.lambda_.Function] = None,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:usage:UsageMetering", name, None, opts)
        s = ctx.settings
        budgets = budget_topic_arn is not None and publisher is not None
        environment: dict[str, pulumi.Input[str]] = {
            "USAGE_TABLE": data.usage_table,
            "METRICS_NAMESPACE": s.observability.metrics_namespace,
            "BUDGETS_ENABLED": "true" if budgets else "false",
        }
        inputs: list[pulumi.Input[str]] = [data.usage_table_arn, data.key_arn]
        if budgets:
            environment.update({
                "CONTROL_TABLE": data.control_table, "BUDGET_TOPIC_ARN": budget_topic_arn,
                "PUBLISHER_FUNCTION": publisher.name,
                "DEFAULT_THRESHOLDS": ",".join(str(t) for t in s.budgets.default_thresholds),
            })
            inputs += [data.control_table_arn, budget_topic_arn, publisher.arn]

        def statements(values: list[str]) -> list[dict]:
            resources = {"usage_table": [values[0]], "data_key": [values[1]]}
            if budgets:
                resources.update({"control_table": [values[2]], "budget_topic": [values[3]], "publisher": [values[4]]})
            return statements_from_calls(aggregator_calls(budgets), resources)

        self.aggregator = PythonFunction(
            f"{name}-aggregator", ctx, source="usage_aggregator", function_name="usage-aggregator",
            description="Counts the gateway's access log per team and model; checks budgets",
            logs_key=observability.logs_key, environment=environment,
            statements=statements, statement_inputs=inputs,
            timeout_seconds=60, memory_mb=256, reserved_concurrency=s.usage.reserved_concurrency,
            opts=child_opts(self),
        )
        log_group = observability.gateway_log_group
        permission = aws.lambda_.Permission(
            f"{name}-logs-permission",
            action="lambda:InvokeFunction",
            function=self.aggregator.function.name,
            principal="logs.amazonaws.com",
            source_arn=pulumi.Output.concat(log_group.arn, ":*"),
            source_account=ctx.account_id,
            opts=child_opts(self),
        )
        self.subscription = aws.cloudwatch.LogSubscriptionFilter(
            f"{name}-subscription",
            name=ctx.naming.physical("usage"),
            log_group=log_group.name,
            destination_arn=self.aggregator.function.arn,
            filter_pattern=ACCESS_LOG_FILTER,
            opts=child_opts(self, depends_on=[permission]),
        )

        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {}
        if s.auth.jwt_validation:
            self.alarms["unknown-team-traffic"] = aws.cloudwatch.MetricAlarm(
                f"{name}-unknown-team-traffic",
                name=ctx.naming.physical("unknown-team-traffic"),
                alarm_description=(f"Requests from client ids no team owns (counted under team {UNKNOWN_TEAM!r}):"
                                   " a client without a team, or a team deleted while its tokens are still valid"),
                namespace=s.observability.metrics_namespace,
                metric_name=usage_metrics.TEAM_REQUESTS,
                dimensions={usage_metrics.TEAM_DIMENSION: UNKNOWN_TEAM},
                statistic="Sum", period=ALARM_PERIOD_SECONDS, evaluation_periods=1, threshold=0,
                comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
                alarm_actions=alarm_topic_arns, ok_actions=alarm_topic_arns,
                opts=child_opts(self),
            )
        self.alarms["usage-aggregator-errors"] = aws.cloudwatch.MetricAlarm(
            f"{name}-aggregator-errors",
            name=ctx.naming.physical("usage-aggregator-errors"),
            alarm_description="The usage aggregator failed a batch (Lambda retries it twice; after that its usage is lost)",
            namespace="AWS/Lambda", metric_name="Errors",
            dimensions={"FunctionName": self.aggregator.function.name},
            statistic="Sum", period=ALARM_PERIOD_SECONDS, evaluation_periods=1, threshold=0,
            comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
            alarm_actions=alarm_topic_arns, ok_actions=alarm_topic_arns,
            opts=child_opts(self),
        )
        self.outputs: dict[str, pulumi.Input[object]] = {"usageAggregatorFunction": self.aggregator.function.name}
        self.register_outputs(self.outputs)
