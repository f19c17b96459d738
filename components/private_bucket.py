"""A private S3 bucket: this account only, TLS only, SSE-KMS, versioned, with a lifecycle."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.bucket_policies import deny_insecure_transport
from .renderers.policy_documents import document

NONCURRENT_VERSION_DAYS = 1
"""How long a version the lifecycle expired (or a client overwrote) is kept before removal, by default."""
ABORT_INCOMPLETE_UPLOAD_DAYS = 1


@dataclass(frozen=True)
class ObjectLock:
    """Default retention of every new object in a bucket (S3 Object Lock)."""

    mode: str
    """``GOVERNANCE`` or ``COMPLIANCE``."""
    days: int


def bucket_name(ctx: StackContext, role: str) -> pulumi.Output[str]:
    """Globally unique and stable: ``<prefix>-<role>-<account>-<region>``, at most 63 characters."""
    base = ctx.naming.physical(role, max_length=63 - (12 + len(ctx.region) + 2))
    return pulumi.Output.concat(base, "-", ctx.account_id, "-", ctx.region)


def private_bucket(name: str, ctx: StackContext, parent: pulumi.Resource, *, role: str, key_arn: pulumi.Input[str],
                   expiration_days: int, lock: Optional[ObjectLock] = None,
                   noncurrent_days: int = NONCURRENT_VERSION_DAYS,
                   abort_incomplete_days: int = ABORT_INCOMPLETE_UPLOAD_DAYS,
                   lifecycle_id: str = "expire") -> aws.s3.Bucket:
    """A bucket only this account reaches, over TLS: public access blocked, owner-enforced objects,
    SSE-KMS with the key ``key_arn`` (and an S3 bucket key), versioned, expiring after
    ``expiration_days`` (a replaced version ``noncurrent_days`` later, an unfinished upload after
    ``abort_incomplete_days``), and, with ``lock``, Object Lock's default retention on every new
    object. The audit log's buckets and the chargeback reports use it."""
    bucket = aws.s3.Bucket(
        name,
        bucket=bucket_name(ctx, role),
        # Object Lock can only be turned on when a bucket is created.
        object_lock_enabled=True if lock else None,
        # A dev stack is destroyed with its data (unless locked); prod buckets are protected and kept.
        force_destroy=not ctx.prod and lock is None,
        opts=child_opts(parent, stateful=True, prod=ctx.prod),
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership", bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child_opts(parent),
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
        ignore_public_acls=True, restrict_public_buckets=True, opts=child_opts(parent),
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption", bucket=bucket.id,
        rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=key_arn),
            bucket_key_enabled=True,
        )],
        opts=child_opts(parent),
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning", bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=child_opts(parent),
    )
    if lock is not None:
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock", bucket=bucket.id,
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(mode=lock.mode, days=lock.days)),
            opts=child_opts(parent, depends_on=[versioning]),
        )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle", bucket=bucket.id,
        rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
            id=lifecycle_id,
            status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
            expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expiration_days),
            noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=noncurrent_days),
            abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                days_after_initiation=abort_incomplete_days),
        )],
        # A lifecycle rule and versioning changed together race: S3 applies the rule to the new state.
        opts=child_opts(parent, depends_on=[versioning]),
    )
    aws.s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.id,
        policy=pulumi.Output.all(ctx.partition, bucket.bucket).apply(
            lambda a: json.dumps(document(deny_insecure_transport(f"arn:{a[0]}:s3:::{a[1]}")))),
        # S3 rejects concurrent public-access-block and policy changes on one bucket.
        opts=child_opts(parent, depends_on=[public_access]),
    )
    return bucket
