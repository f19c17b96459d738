"""Monitoring: alarm topic, alarms, dashboard and saved Logs Insights queries."""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .edge import Edge
from .naming import service_names
from .observability import Observability
from .renderers.alarms import ROLLBACK_ALARMS, AlarmSpec, AlarmTargets, alarm_specs
from .renderers.dashboard import DashboardTargets, dashboard_body
from .renderers.log_queries import QUERIES, RATE_LIMIT_ERROR_FILTER, RATE_LIMIT_ERRORS_METRIC
from .renderers.metrics_catalog import DASHBOARD_PANELS
from .renderers.policy_documents import service_key_policy
from .renderers.usage_dashboard import usage_panels


class Monitoring(pulumi.ComponentResource):
    """Alarms on metrics the ALB, ECS and the collector publish, routed to an encrypted SNS topic
    (or the topics given in settings), plus the dashboard and saved queries.

    Built before the gateway service: the live configuration's rollback watches two of these
    alarms (``ROLLBACK_ALARMS``), and the service waits for the first published config. The ECS
    dimensions are the service's physical names (``service_names``), known before it exists.
    """

    def __init__(self, name: str, ctx: StackContext, observability: Observability, edge: Edge,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:monitoring:Monitoring", name, None, opts)
        s = ctx.settings
        self.topic: Optional[aws.sns.Topic] = None
        if s.observability.alarm_topic_arns:
            topic_arns: pulumi.Output = pulumi.Output.from_input(list(s.observability.alarm_topic_arns))
        else:
            key = aws.kms.Key(
                f"{name}-alarms-key",
                description=f"Alarm topic encryption for {ctx.naming.prefix}",
                enable_key_rotation=True,
                deletion_window_in_days=30 if ctx.prod else 7,
                policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(lambda a: json.dumps(
                    service_key_policy(a[0], a[1], service_principals=["cloudwatch.amazonaws.com"]))),
                opts=child_opts(self, stateful=True, prod=ctx.prod),
            )
            self.topic = aws.sns.Topic(
                f"{name}-alarms", name=ctx.naming.physical("alarms"), kms_master_key_id=key.arn,
                opts=child_opts(self),
            )
            topic_arns = pulumi.Output.all(self.topic.arn)
        self.topic_arns = topic_arns
        """Where alarms go (the created topic or the settings' topics)."""

        cluster_name, service_name = service_names(ctx.naming)
        self.rate_limit_errors: Optional[aws.cloudwatch.LogMetricFilter] = None
        if s.ratelimit_sidecar:
            # What the rate-limit alarm watches: agentgateway's warning on a failed ShouldRateLimit call.
            self.rate_limit_errors = aws.cloudwatch.LogMetricFilter(
                f"{name}-rate-limit-errors",
                name=ctx.naming.physical("rate-limit-errors"),
                log_group_name=observability.gateway_log_group.name,
                pattern=RATE_LIMIT_ERROR_FILTER,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=RATE_LIMIT_ERRORS_METRIC, namespace=s.observability.metrics_namespace, value="1",
                    unit="Count"),
                opts=child_opts(self),
            )
        targets = AlarmTargets(
            load_balancer=edge.load_balancer.arn_suffix, target_group=edge.target_group.arn_suffix,
            cluster=cluster_name, service=service_name, metrics_namespace=s.observability.metrics_namespace,
        )
        self.alarms: dict[str, aws.cloudwatch.MetricAlarm] = {
            spec.role: self._alarm(name, ctx, spec, topic_arns) for spec in alarm_specs(s, targets)
        }
        self.rollback_alarms = [self.alarms[role] for role in ROLLBACK_ALARMS]
        """The alarms a guarded config deployment watches."""

        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=ctx.naming.physical("gateway"),
            dashboard_body=pulumi.Output.all(
                edge.load_balancer.arn_suffix, edge.target_group.arn_suffix, cluster_name,
                service_name, observability.gateway_log_group.name,
                edge.web_acl.name if edge.web_acl is not None else None,
                pulumi.Output.all(*[a.arn for a in self.alarms.values()]),
            ).apply(lambda v: json.dumps(dashboard_body(DashboardTargets(
                region=ctx.region, load_balancer=v[0], target_group=v[1], cluster=v[2], service=v[3],
                gateway_log_group=v[4], metrics_namespace=s.observability.metrics_namespace, web_acl=v[5],
                emf_panels=DASHBOARD_PANELS + usage_panels(s.usage.enabled), alarm_arns=v[6],
            )))),
            opts=child_opts(self),
        )
        for query_name, text in QUERIES.items():
            aws.cloudwatch.QueryDefinition(
                f"{name}-query-{query_name}",
                name=f"{ctx.naming.prefix}/{query_name}",
                log_group_names=[observability.gateway_log_group.name],
                query_string=text,
                opts=child_opts(self),
            )

        self.outputs: dict[str, pulumi.Input[object]] = {
            "dashboardName": self.dashboard.dashboard_name,
            "alarmTopicArns": topic_arns,
        }
        self.register_outputs(self.outputs)

    def _alarm(self, name: str, ctx: StackContext, spec: AlarmSpec,
               topic_arns: pulumi.Output) -> aws.cloudwatch.MetricAlarm:
        common = dict(
            name=ctx.naming.physical(spec.role),
            alarm_description=spec.description,
            comparison_operator=spec.comparison,
            threshold=spec.threshold,
            evaluation_periods=spec.evaluation_periods,
            datapoints_to_alarm=spec.datapoints_to_alarm,
            treat_missing_data=spec.treat_missing_data,
            alarm_actions=topic_arns,
            ok_actions=topic_arns,
        )
        if spec.expression:
            queries = [
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id=m.id, return_data=False,
                    metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                        namespace=m.namespace, metric_name=m.metric_name, period=spec.period, stat=m.stat,
                        dimensions=m.dimensions,
                    ),
                )
                for m in spec.metrics
            ]
            queries.append(aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="result", expression=spec.expression, label=spec.role, return_data=True))
            return aws.cloudwatch.MetricAlarm(f"{name}-{spec.role}", metric_queries=queries, **common,
                                              opts=child_opts(self))
        metric = spec.metrics[0]
        return aws.cloudwatch.MetricAlarm(
            f"{name}-{spec.role}",
            namespace=metric.namespace,
            metric_name=metric.metric_name,
            dimensions=metric.dimensions,
            period=spec.period,
            statistic=None if spec.extended_statistic else metric.stat,
            extended_statistic=spec.extended_statistic,
            **common,
            opts=child_opts(self),
        )
