"""StateBackend: the S3 bucket and KMS key of a self-managed Pulumi backend.

``pulumi login s3://<bucket>?region=<region>`` stores stack state in the bucket (versioned,
SSE-KMS with the key, TLS only, public access blocked, old versions expired);
``--secrets-provider awskms://alias/<alias>?region=<region>`` encrypts stack secrets with the same
key. Both are protected: losing either loses every stack's state or secrets.
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.naming import Naming

from .documents import state_bucket_policy, state_key_policy
from .settings import StateBackendSettings

ABORT_INCOMPLETE_UPLOAD_DAYS = 7


def bucket_name(naming: Naming, account_id: str, region: str) -> str:
    """``<prefix>-state-<account>-<region>``: globally unique, at most 63 characters."""
    return naming.physical(f"state-{account_id}-{region}", max_length=63)


class StateBackend(pulumi.ComponentResource):
    """Bucket, bucket settings, key and alias. Exposes ``bucket``, ``key``, ``backend_url`` and
    ``secrets_provider``."""

    def __init__(self, name: str, naming: Naming, settings: StateBackendSettings, region: str,
                 account_id: pulumi.Output[str], partition: pulumi.Output[str],
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway-bootstrap:state:StateBackend", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        protected = pulumi.ResourceOptions(parent=self, protect=True)

        self.key = aws.kms.Key(
            f"{name}-key",
            description=f"Pulumi state and stack secrets of {naming.project} ({naming.prefix})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(partition, account_id).apply(lambda a: json.dumps(state_key_policy(a[0], a[1]))),
            opts=protected,
        )
        self.alias = aws.kms.Alias(f"{name}-key-alias", name=f"alias/{naming.physical('pulumi')}",
                                   target_key_id=self.key.key_id, opts=child)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", bucket=account_id.apply(lambda a: bucket_name(naming, a, region)),
                                    opts=protected)
        aws.s3.BucketOwnershipControls(
            f"{name}-bucket-ownership", bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-bucket-public-access", bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketVersioning(
            f"{name}-bucket-versioning", bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-bucket-encryption", bucket=self.bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=self.key.arn),
                bucket_key_enabled=True,
            )],
            opts=child)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-bucket-lifecycle", bucket=self.bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-old-state-versions",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=settings.noncurrent_version_days),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_INCOMPLETE_UPLOAD_DAYS),
            )],
            opts=child)
        aws.s3.BucketPolicy(
            f"{name}-bucket-policy", bucket=self.bucket.id,
            policy=self.bucket.arn.apply(lambda arn: json.dumps(state_bucket_policy(arn))),
            # S3 rejects concurrent public-access-block and policy changes on one bucket.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )

        self.backend_url = self.bucket.bucket.apply(lambda b: f"s3://{b}?region={region}")
        self.secrets_provider = self.alias.name.apply(lambda a: f"awskms://{a}?region={region}")
        self.register_outputs({"bucket": self.bucket.bucket, "keyArn": self.key.arn})
