"""The control plane's two DynamoDB tables and the key that encrypts its data.

Keys and items: ``functions/shared/store.py`` (docs/control-plane-store.md). Both tables: string
``pk`` and ``sk``, on demand, ``ttl`` expiry, point-in-time recovery, the control-plane CMK, and
deletion protection (and ``protect``) in prod. The same key encrypts the usage notices topic and
the chargeback reports, so one key policy covers the control plane's data.

The admin API's branch creates the same tables in ``components/control_plane.py``; until the two
are reconciled, this component is what the usage, budget and chargeback components take their
table names and ARNs from (they take them as inputs, not from here).
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.policy_documents import service_key_policy


class ControlTables(pulumi.ComponentResource):
    """``<prefix>-control`` and ``<prefix>-usage``, and the ``<prefix>-control-plane`` key."""

    def __init__(self, name: str, ctx: StackContext, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:controlplane:ControlTables", name, None, opts)
        stateful = child_opts(self, stateful=True, prod=ctx.prod)
        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Control-plane data of {ctx.naming.prefix}: tables, usage notices, chargeback reports",
            enable_key_rotation=True,
            deletion_window_in_days=30 if ctx.prod else 7,
            # The account's IAM policies grant its use: each function role names exactly what it calls.
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(service_key_policy(a[0], a[1]))),
            opts=stateful,
        )
        aws.kms.Alias(f"{name}-key-alias", name=f"alias/{ctx.naming.physical('control-plane')}",
                      target_key_id=self.key.key_id, opts=child_opts(self))
        self.control = self._table(f"{name}-control", ctx, "control")
        self.usage = self._table(f"{name}-usage", ctx, "usage")
        self.register_outputs({"controlTable": self.control.name, "usageTable": self.usage.name})

    def _table(self, resource_name: str, ctx: StackContext, role: str) -> aws.dynamodb.Table:
        return aws.dynamodb.Table(
            resource_name,
            name=ctx.naming.physical(role),
            billing_mode="PAY_PER_REQUEST",
            hash_key="pk",
            range_key="sk",
            attributes=[aws.dynamodb.TableAttributeArgs(name="pk", type="S"),
                        aws.dynamodb.TableAttributeArgs(name="sk", type="S")],
            ttl=aws.dynamodb.TableTtlArgs(attribute_name="ttl", enabled=True),
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
            server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=self.key.arn),
            deletion_protection_enabled=ctx.prod,
            opts=child_opts(self, stateful=True, prod=ctx.prod),
        )
