"""The audit log's KMS key (its buckets are :func:`components.private_bucket.private_bucket`)."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.policy_documents import service_key_policy


def audit_key(name: str, ctx: StackContext, parent: pulumi.Resource) -> aws.kms.Key:
    """The audit log's own CMK: Firehose streams, S3 objects and Athena results. Only IAM policies
    of this account grant its use (the key policy names no service), so who can read the audit log
    is exactly who holds ``kms:Decrypt`` on this key."""
    key = aws.kms.Key(
        name,
        description=f"Audit log encryption for {ctx.naming.prefix}",
        enable_key_rotation=True,
        deletion_window_in_days=30 if ctx.prod else 7,
        policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
            lambda a: json.dumps(service_key_policy(a[0], a[1]))),
        opts=child_opts(parent, stateful=True, prod=ctx.prod),
    )
    aws.kms.Alias(f"{name}-alias", name=f"alias/{ctx.naming.physical('audit')}", target_key_id=key.key_id,
                  opts=child_opts(parent))
    return key
