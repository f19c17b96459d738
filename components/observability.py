"""Observability base: the logs KMS key and every log group the stack writes to."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.policy_documents import logs_key_policy


class Observability(pulumi.ComponentResource):
    """KMS key for CloudWatch Logs and the encrypted, finite-retention log groups.

    Log groups: ``gateway`` (agentgateway stdout, JSON access logs), ``collector`` (ADOT
    sidecar), ``metrics`` (EMF records the collector writes, which become metrics),
    ``flow-logs`` (VPC) and the WAF group (its name must start with ``aws-waf-logs-``).
    """

    def __init__(self, name: str, ctx: StackContext, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:observability:Observability", name, None, opts)
        s = ctx.settings
        stateful = dict(stateful=True, prod=ctx.prod)

        self.logs_key = aws.kms.Key(
            f"{name}-logs-key",
            description=f"CloudWatch Logs encryption for {ctx.naming.prefix}",
            enable_key_rotation=True,
            deletion_window_in_days=30 if ctx.prod else 7,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(logs_key_policy(a[0], ctx.region, a[1]))
            ),
            opts=child_opts(self, **stateful),
        )
        aws.kms.Alias(
            f"{name}-logs-key-alias",
            name=f"alias/{ctx.naming.physical('logs')}",
            target_key_id=self.logs_key.key_id,
            opts=child_opts(self),
        )

        def group(role: str, log_name: str, retention: int) -> aws.cloudwatch.LogGroup:
            return aws.cloudwatch.LogGroup(
                f"{name}-{role}",
                name=log_name,
                retention_in_days=retention,
                kms_key_id=self.logs_key.arn,
                opts=child_opts(self, **stateful),
            )

        retention = s.log_retention_days
        self.gateway_log_group = group("gateway", ctx.naming.path("gateway"), retention)
        self.collector_log_group = group("collector", ctx.naming.path("collector"), retention)
        self.metrics_log_group = group("metrics", ctx.naming.path("metrics"), retention)
        self.flow_log_group = (
            group("flow-logs", ctx.naming.path("vpc-flow-logs"), retention) if s.network.existing is None else None
        )
        self.waf_log_group = (
            group("waf", f"aws-waf-logs-{ctx.naming.prefix}", s.waf_log_retention_days) if s.waf_enabled else None
        )

        self.register_outputs(
            {
                "logsKeyArn": self.logs_key.arn,
                "gatewayLogGroup": self.gateway_log_group.name,
                "collectorLogGroup": self.collector_log_group.name,
            }
        )
