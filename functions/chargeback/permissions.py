"""Every AWS call the chargeback's code makes, per resource: the one source of its IAM statements."""

from __future__ import annotations

CALLS: dict[str, tuple[str, ...]] = {
    "usage_table": ("dynamodb:Scan",),
    "reports_bucket": ("s3:PutObject",),
    "notices_topic": ("sns:Publish",),
    "data_key": ("kms:Decrypt", "kms:GenerateDataKey"),
}
