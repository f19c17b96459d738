"""Chargeback: the monthly report of the previous month's usage per team.

- the reports bucket ``<prefix>-reports-<account>-<region>``: versioned, SSE-KMS with the
  control-plane key (bucket key on), TLS only, public access blocked, owner-enforced, and a
  lifecycle (reports kept ``chargeback.retentionDays``, older versions 30 days more);
- the ``chargeback`` Lambda, run at 02:00 UTC on the 1st (the month's last log events have been
  counted by then): ``chargeback/<YYYY-MM>/chargeback.csv`` and ``summary.md``, announced on the
  usage notices topic (kind ``chargeback-report``), whose ``chargeback.reportEmails`` get it.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from functions.chargeback.permissions import CALLS as CHARGEBACK_CALLS

from .base import child_opts
from .context import StackContext
from .observability import Observability
from .python_function import PythonFunction
from .renderers.bucket_policies import deny_insecure_transport
from .renderers.function_policies import statements_from_calls
from .renderers.policy_documents import document
from .schedules import invoke_on_schedule, schedule_group
from .usage import ControlPlaneData
from .usage_notices import CHARGEBACK_REPORT, UsageNotices

REPORT_EXPRESSION = "cron(0 2 1 * ? *)"
"""02:00 UTC on the 1st of every month."""
NONCURRENT_VERSION_DAYS = 30
ABORT_INCOMPLETE_UPLOAD_DAYS = 7


def reports_bucket_policy(bucket_arn: str) -> dict:
    """The reports bucket's policy: TLS only (the function role's own grant writes the reports)."""
    return document(deny_insecure_transport(bucket_arn))


class Chargeback(pulumi.ComponentResource):
    """The reports bucket, the chargeback function and its monthly schedule."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability, *, data: ControlPlaneData,
                 notices: UsageNotices, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:usage:Chargeback", name, None, opts)
        settings = ctx.settings.chargeback
        self.bucket = self._bucket(name, ctx, data.key_arn, settings.retention_days)
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

    def _bucket(self, name: str, ctx: StackContext, key_arn: pulumi.Input[str], retention_days: int) -> aws.s3.Bucket:
        region = ctx.region
        base = ctx.naming.physical("reports", max_length=63 - (12 + len(region) + 2))
        bucket = aws.s3.Bucket(
            f"{name}-reports", bucket=pulumi.Output.concat(base, "-", ctx.account_id, "-", region),
            force_destroy=not ctx.prod, opts=child_opts(self, stateful=True, prod=ctx.prod))
        aws.s3.BucketOwnershipControls(
            f"{name}-reports-ownership", bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child_opts(self))
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-reports-public-access", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child_opts(self))
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-reports-encryption", bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=key_arn),
                bucket_key_enabled=True)],
            opts=child_opts(self))
        aws.s3.BucketVersioning(
            f"{name}-reports-versioning", bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child_opts(self))
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-reports-lifecycle", bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-reports", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=retention_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=NONCURRENT_VERSION_DAYS),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_INCOMPLETE_UPLOAD_DAYS),
            )],
            opts=child_opts(self))
        aws.s3.BucketPolicy(
            f"{name}-reports-policy", bucket=bucket.id,
            # From the name (known at preview), not the provider-computed ARN: the pack can check it before deploy.
            policy=pulumi.Output.all(ctx.partition, bucket.bucket).apply(
                lambda a: json.dumps(reports_bucket_policy(f"arn:{a[0]}:s3:::{a[1]}"))),
            # S3 rejects concurrent public-access-block and policy changes on one bucket.
            opts=child_opts(self, depends_on=[public_access]))
        return bucket
