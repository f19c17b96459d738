"""IAM documents of the audit log as pure functions (plain dicts; callers ``json.dumps`` them).

Two roles:

- **subscription** (trusted by ``logs.amazonaws.com`` for this account's resources in this region
  only): CloudWatch Logs puts the subscribed events into the audit streams, nothing else;
- **delivery** (trusted by ``firehose.amazonaws.com`` for this account): Firehose reads the Glue
  table schema for format conversion and writes Parquet objects to the audit bucket, encrypted with
  the audit key (the key may be used only through S3, for this bucket).
"""

from __future__ import annotations

from typing import Any, Sequence

from .policy_documents import Document, document, statement

FIREHOSE_PUT_ACTIONS = ("firehose:PutRecord", "firehose:PutRecordBatch")
"""What CloudWatch Logs calls on a subscribed stream."""
S3_DELIVERY_ACTIONS = (
    "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
    "s3:ListBucketMultipartUploads", "s3:PutObject",
)
"""What Firehose calls on its S3 destination (the Firehose developer guide's destination role)."""
GLUE_SCHEMA_ACTIONS = ("glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions")
"""What format conversion reads from the Glue Data Catalog."""
KMS_DATA_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def logs_trust_policy(partition: str, region: str, account_id: str) -> Document:
    """Only CloudWatch Logs, acting for this account in this region, may assume the role."""
    return document({
        "Effect": "Allow",
        "Principal": {"Service": "logs.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            # The form the CloudWatch Logs guide gives for subscription roles (any resource of this account here).
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account_id}:*"},
        },
    })


def firehose_trust_policy(account_id: str) -> Document:
    """Only Firehose, acting for this account, may assume the delivery role."""
    return document({
        "Effect": "Allow",
        "Principal": {"Service": "firehose.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": account_id}},
    })


def subscription_policy(stream_arns: Sequence[str]) -> Document:
    """CloudWatch Logs may put records into the audit streams, and only those."""
    return document(statement("PutSubscribedEvents", FIREHOSE_PUT_ACTIONS, list(stream_arns)))


def delivery_policy(partition: str, region: str, account_id: str, *, bucket: str, key_arn: str,
                    database: str, tables: Sequence[str]) -> Document:
    """Firehose's destination role: the audit bucket, the tables' schema, the audit key through S3."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    glue = f"arn:{partition}:glue:{region}:{account_id}"
    return document(
        statement("WriteAuditObjects", S3_DELIVERY_ACTIONS, [bucket_arn, f"{bucket_arn}/*"]),
        statement("ReadTableSchema", GLUE_SCHEMA_ACTIONS,
                  [f"{glue}:catalog", f"{glue}:database/{database}", *(f"{glue}:table/{database}/{t}" for t in tables)]),
        statement("EncryptAuditObjects", KMS_DATA_KEY_ACTIONS, key_arn, condition={
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{bucket_arn}/*"},
        }),
    )


def granted_actions(doc: Document) -> set[str]:
    """Every action a document allows (for the tests that hold calls and grants together)."""
    actions: set[str] = set()
    for st in doc["Statement"]:
        value: Any = st["Action"]
        actions |= {value} if isinstance(value, str) else set(value)
    return actions
