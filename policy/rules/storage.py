"""Data at rest: ECR, Secrets Manager, KMS, CloudWatch log groups, SNS and S3 buckets.

Bucket settings live in separate resources (public access block, encryption, policy,
lifecycle) that point at the bucket through ``bucket``; the S3 rules are stack policies that
correlate them by property-dependency URNs. The legacy inline bucket arguments are accepted too.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .documents import is_public_principal, statements, strings
from .graph import by_type, dependents
from .meta import Severity, resource_policy, stack_policy
from .values import Pending, as_list, get, json_document, number, peek, present, text

ECR_REPOSITORY = "aws:ecr/repository:Repository"
SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SNS_TOPIC = "aws:sns/topic:Topic"
BUCKETS = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
PUBLIC_ACCESS_BLOCK = frozenset({"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"})
ENCRYPTION = frozenset({
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
})
BUCKET_POLICY = frozenset({"aws:s3/bucketPolicy:BucketPolicy"})
LIFECYCLE = frozenset({
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
})
SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
DEFAULT_LOG_RETENTION_DAYS = 365


# --- ECR --------------------------------------------------------------------------------------

def _check_ecr_immutable(args: ResourceValidationArgs, report: ReportViolation) -> None:
    mutability = text(args.props.get("imageTagMutability")) or "MUTABLE"
    if mutability != "IMMUTABLE":
        report(f"imageTagMutability is {mutability}; a pushed tag could be overwritten.", None)


ecr_immutable = resource_policy(
    name="aws-ecr-repository-immutable-tags",
    description="ECR repositories have immutable tags.",
    severity=Severity.MEDIUM,
    remediation="Set image_tag_mutability='IMMUTABLE'.",
    types={ECR_REPOSITORY},
    validate=_check_ecr_immutable,
    tags=["supply-chain"],
)


def _check_ecr_scan(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(args.props.get("imageScanningConfiguration"), "scanOnPush") is not True:
        report("Images are not scanned on push.", None)


ecr_scan_on_push = resource_policy(
    name="aws-ecr-repository-scan-on-push",
    description="ECR repositories scan images on push.",
    severity=Severity.MEDIUM,
    remediation="Set image_scanning_configuration={'scan_on_push': True} (or enable enhanced "
                "scanning for the registry).",
    types={ECR_REPOSITORY},
    validate=_check_ecr_scan,
    tags=["supply-chain", "vulnerability"],
)


def _check_ecr_kms(args: ResourceValidationArgs, report: ReportViolation) -> None:
    configs = as_list(args.props.get("encryptionConfigurations"))
    kind = text(get(configs[0], "encryptionType")) if configs else None
    if kind not in ("KMS", "KMS_DSSE"):
        report(f"The repository is encrypted with {kind or 'AES256 (default)'}, not KMS.", None)


ecr_kms = resource_policy(
    name="aws-ecr-repository-kms",
    description="ECR repositories are encrypted with KMS.",
    severity=Severity.MEDIUM,
    remediation="Set encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': key.arn}].",
    types={ECR_REPOSITORY},
    validate=_check_ecr_kms,
    tags=["encryption"],
)


# --- Secrets Manager, KMS -----------------------------------------------------------------------

def _check_secret_cmk(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if not present(props, "kmsKeyId"):
        report("The secret uses the AWS managed key aws/secretsmanager; use a customer-managed key.", None)
    elif peek(props, "kmsKeyId") == "alias/aws/secretsmanager":
        report("The secret names the AWS managed key alias/aws/secretsmanager; use a "
               "customer-managed key.", None)


secret_cmk = resource_policy(
    name="aws-secretsmanager-secret-cmk",
    description="Secrets are encrypted with a customer-managed KMS key.",
    severity=Severity.HIGH,
    remediation="Set kms_key_id to a customer-managed key whose policy limits Decrypt to the "
                "task execution role (via secretsmanager.<region>.amazonaws.com).",
    types={SECRET},
    validate=_check_secret_cmk,
    tags=["encryption", "secrets"],
)


def _check_kms_rotation(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    spec = text(props.get("customerMasterKeySpec")) or text(props.get("keySpec")) or "SYMMETRIC_DEFAULT"
    usage = text(props.get("keyUsage")) or "ENCRYPT_DECRYPT"
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
        return  # AWS rotates only symmetric encryption keys automatically
    if props.get("enableKeyRotation") is not True:
        report("Automatic key rotation is not enabled.", None)


kms_rotation = resource_policy(
    name="aws-kms-key-rotation",
    description="Symmetric KMS keys rotate automatically.",
    severity=Severity.MEDIUM,
    remediation="Set enable_key_rotation=True.",
    types={KMS_KEY},
    validate=_check_kms_rotation,
    tags=["encryption"],
)


# --- CloudWatch Logs ----------------------------------------------------------------------------

def _check_log_kms(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not present(args.props, "kmsKeyId"):
        report("The log group is not encrypted with a KMS key (prompts, identities and errors "
               "end up in gateway logs).", None)


log_group_kms = resource_policy(
    name="aws-cloudwatch-log-group-kms",
    description="Log groups are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set kms_key_id to the logs key (its policy must allow logs.<region>.amazonaws.com "
                "with an encryption-context condition).",
    types={LOG_GROUP},
    validate=_check_log_kms,
    tags=["encryption", "logging"],
)


def _check_log_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    minimum = number(args.get_config().get("minimumDays"))
    minimum = minimum if minimum is not None else float(DEFAULT_LOG_RETENTION_DAYS)
    days = number(args.props.get("retentionInDays"))
    if not days:
        report("The log group never expires its events; set an explicit retention "
               f"of at least {int(minimum)} days.", None)
    elif days < minimum:
        report(f"Retention is {int(days)} days; at least {int(minimum)} are required.", None)


log_group_retention = resource_policy(
    name="aws-cloudwatch-log-group-retention",
    description="Log groups keep events for an explicit, minimum period (config: minimumDays).",
    severity=Severity.LOW,
    remediation="Set retention_in_days to a CloudWatch-supported value >= minimumDays (365 in prod).",
    types={LOG_GROUP},
    validate=_check_log_retention,
    config={"minimumDays": {
        "type": "integer", "minimum": 1, "default": DEFAULT_LOG_RETENTION_DAYS,
        "description": "Shortest acceptable retentionInDays.",
    }},
    tags=["logging"],
)


# --- SNS --------------------------------------------------------------------------------------

def _check_sns(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if not present(props, "kmsMasterKeyId"):
        report("The topic is not encrypted.", None)
    elif peek(props, "kmsMasterKeyId") == "alias/aws/sns":
        report("The topic uses alias/aws/sns; CloudWatch alarms cannot publish to a topic "
               "encrypted with that AWS managed key. Use a customer-managed key.", None)


sns_encrypted = resource_policy(
    name="aws-sns-topic-encrypted",
    description="SNS topics are encrypted with a customer-managed KMS key.",
    severity=Severity.MEDIUM,
    remediation="Set kms_master_key_id to a key whose policy allows cloudwatch.amazonaws.com "
                "(and any other publisher) to use it.",
    types={SNS_TOPIC},
    validate=_check_sns,
    tags=["encryption"],
)


# --- S3 (stack policies) -------------------------------------------------------------------------

def _attached(args: StackValidationArgs, types: frozenset[str], bucket: PolicyResource) -> list[PolicyResource]:
    return dependents(args.resources, types, "bucket", bucket)


def _each_bucket(args: StackValidationArgs, check) -> None:
    pending = Pending()
    for bucket in by_type(args.resources, BUCKETS):
        with pending.attempt():
            check(bucket)
    pending.settle()


PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _check_public_access_block(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        blocks = _attached(args, PUBLIC_ACCESS_BLOCK, bucket)
        if not blocks:
            report("The bucket has no BucketPublicAccessBlock.", bucket.urn)
        for block in blocks:
            off = [flag for flag in PUBLIC_ACCESS_FLAGS if block.props.get(flag) is not True]
            if off:
                report(f"The bucket's public access block leaves {', '.join(off)} off.", block.urn)

    _each_bucket(args, check)


s3_public_access_block = stack_policy(
    name="aws-s3-bucket-public-access-block",
    description="Every bucket has a public access block with all four settings on.",
    severity=Severity.HIGH,
    remediation="Create aws.s3.BucketPublicAccessBlock(bucket=b.id, block_public_acls=True, "
                "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True).",
    types=BUCKETS | PUBLIC_ACCESS_BLOCK,
    validate=_check_public_access_block,
    tags=["exposure", "s3"],
)


def _sse_algorithms(resource: PolicyResource) -> list[str]:
    if resource.resource_type in BUCKETS:
        rules = [get(resource.props.get("serverSideEncryptionConfiguration"), "rule")]
    else:
        rules = as_list(resource.props.get("rules"))
    return [text(get(r, "applyServerSideEncryptionByDefault", "sseAlgorithm")) or "" for r in rules if r]


def _check_encryption(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        algorithms = _sse_algorithms(bucket)
        for config in _attached(args, ENCRYPTION, bucket):
            algorithms += _sse_algorithms(config)
        if not any(a in SSE_ALGORITHMS for a in algorithms):
            report("The bucket has no server-side encryption configuration (SSE-S3 or SSE-KMS).",
                   bucket.urn)

    _each_bucket(args, check)


s3_encryption = stack_policy(
    name="aws-s3-bucket-encryption",
    description="Every bucket declares default server-side encryption.",
    severity=Severity.MEDIUM,
    remediation="Create aws.s3.BucketServerSideEncryptionConfiguration for the bucket (AES256 for "
                "ALB access-log buckets, which do not support SSE-KMS; aws:kms otherwise).",
    types=BUCKETS | ENCRYPTION,
    validate=_check_encryption,
    tags=["encryption", "s3"],
)


def _denies_insecure_transport(document: Any) -> bool:
    for statement in statements(document):
        if get(statement, "Effect") != "Deny" or not is_public_principal(get(statement, "Principal")):
            continue
        if not any(a in ("*", "s3:*") for a in strings(statement, "Action")):
            continue
        value = get(statement, "Condition", "Bool", "aws:SecureTransport")
        if any(str(v).lower() == "false" for v in as_list(value)):
            return True
    return False


def _check_tls_only(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        documents = [json_document(bucket.props.get("policy"), "policy")]
        documents += [json_document(p.props.get("policy"), "policy")
                      for p in _attached(args, BUCKET_POLICY, bucket)]
        if not any(d is not None and _denies_insecure_transport(d) for d in documents):
            report("No bucket policy denies requests without TLS (aws:SecureTransport false).",
                   bucket.urn)

    _each_bucket(args, check)


s3_tls_only = stack_policy(
    name="aws-s3-bucket-tls-only",
    description="Every bucket policy denies non-TLS requests.",
    severity=Severity.MEDIUM,
    remediation="Attach a BucketPolicy with a Deny statement for Principal '*', Action 's3:*', on "
                "the bucket and its objects, with Condition Bool aws:SecureTransport 'false'.",
    types=BUCKETS | BUCKET_POLICY,
    validate=_check_tls_only,
    tags=["encryption", "s3"],
)


def _lifecycle_enabled(resource: PolicyResource) -> bool:
    if resource.resource_type in BUCKETS:
        return any(get(r, "enabled") is True for r in as_list(resource.props.get("lifecycleRules")))
    return any(get(r, "status") == "Enabled" for r in as_list(resource.props.get("rules")))


def _check_lifecycle(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        if _lifecycle_enabled(bucket):
            return
        if not any(_lifecycle_enabled(c) for c in _attached(args, LIFECYCLE, bucket)):
            report("The bucket has no enabled lifecycle rule; logs would accumulate forever.",
                   bucket.urn)

    _each_bucket(args, check)


s3_lifecycle = stack_policy(
    name="aws-s3-bucket-lifecycle",
    description="Every bucket has an enabled lifecycle rule (expiry / transition).",
    severity=Severity.LOW,
    remediation="Create aws.s3.BucketLifecycleConfiguration with a rule (status 'Enabled') that "
                "expires objects after the retention period.",
    types=BUCKETS | LIFECYCLE,
    validate=_check_lifecycle,
    tags=["s3", "cost"],
)


POLICIES = [ecr_immutable, ecr_scan_on_push, ecr_kms, secret_cmk, kms_rotation, log_group_kms,
            log_group_retention, sns_encrypted, s3_public_access_block, s3_encryption, s3_tls_only,
            s3_lifecycle]
