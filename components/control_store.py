"""Control-plane store: the ``control`` and ``usage`` DynamoDB tables and their CMK.

Key schema of docs/control-plane-store.md (``pk``/``sk`` strings, TTL on ``ttl``), on demand,
point-in-time recovery, a stack CMK usable only through DynamoDB (and SNS and S3, for the usage
notices topic and the chargeback reports, when usage is on), deletion protection as the
environment decides, and ``protect`` in prod like every other stateful resource. The admin API and
the usage pipeline share it: it exists when either is on.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from functions.shared import store

from .base import child_opts
from .context import StackContext
from .renderers.iam_policies import tables_key_policy

TABLES = {"control": "teams, budgets, prices, routing, stack documents, idempotency records",
          "usage": "per-team and per-model usage counters"}
"""Table role -> what it holds (the physical name is ``<prefix>-<role>``)."""


class ControlStore(pulumi.ComponentResource):
    """The two tables of the control plane and the key that encrypts them.

    Attributes: ``key``, ``control_table``, ``usage_table``, ``outputs``.
    """

    def __init__(self, name: str, ctx: StackContext, opts: Optional[pulumi.ResourceOptions] = None):
        """``ctx.settings.usage.enabled`` also lets SNS and S3 use the key (notices, chargeback reports)."""
        super().__init__("ai-gateway:controlplane:ControlStore", name, None, opts)
        s = ctx.settings
        services = ("dynamodb", "sns", "s3") if s.usage.enabled else ("dynamodb",)
        stateful = dict(stateful=True, prod=ctx.prod)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Control-plane data of {ctx.naming.prefix} (usable only through {', '.join(services)})",
            enable_key_rotation=True,
            deletion_window_in_days=30 if ctx.prod else 7,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(tables_key_policy(a[0], ctx.region, a[1], services))),
            opts=child_opts(self, **stateful),
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{ctx.naming.physical('tables')}",
                      target_key_id=self.key.key_id, opts=child_opts(self))

        def table(role: str) -> aws.dynamodb.Table:
            return aws.dynamodb.Table(
                f"{name}-{role}",
                name=ctx.naming.physical(role),
                billing_mode="PAY_PER_REQUEST",
                hash_key=store.PK,
                range_key=store.SK,
                attributes=[aws.dynamodb.TableAttributeArgs(name=store.PK, type="S"),
                            aws.dynamodb.TableAttributeArgs(name=store.SK, type="S")],
                ttl=aws.dynamodb.TableTtlArgs(attribute_name=store.TTL, enabled=True),
                point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
                server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(
                    enabled=True, kms_key_arn=self.key.arn),
                deletion_protection_enabled=s.table_deletion_protection,
                opts=child_opts(self, **stateful),
            )

        self.control_table = table("control")
        self.usage_table = table("usage")
        self.outputs: dict[str, pulumi.Input[object]] = {
            "controlTable": self.control_table.name,
            "usageTable": self.usage_table.name,
        }
        self.register_outputs(self.outputs)
