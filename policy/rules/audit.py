"""Audit log: the bucket Firehose delivers to, the streams, the Athena workgroup, and no bodies.

The audit bucket is recognised by what it is, not by its name: a bucket some Firehose stream's
S3 destination (``extendedS3Configuration``) was computed from. The generic S3 rules (public
access block, TLS only, lifecycle) apply to it like to every bucket; these add what evidence
needs: versioning, a customer-managed KMS key, and Object Lock (mandatory in prod only).
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, dependents, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .storage import BUCKETS, ENCRYPTION, _sse_algorithms
from .values import Pending, as_list, get, json_document, present, text

FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
VERSIONING = frozenset({"aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"})
OBJECT_LOCK = frozenset({"aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                         "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"})
WORKGROUP = "aws:athena/workgroup:Workgroup"
GLUE_TABLE = "aws:glue/catalogTable:CatalogTable"
INVOCATION = "aws:lambda/invocation:Invocation"
BODY_COLUMNS = frozenset({"prompt", "completion"})
"""Columns that would hold request and response bodies (gateway_config.render.BODY_LOG_FIELDS)."""
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _audit_buckets(args: StackValidationArgs) -> list[PolicyResource]:
    streams = by_type(args.resources, {FIREHOSE})
    return [b for b in by_type(args.resources, BUCKETS)
            if any(property_depends_on(s, "extendedS3Configuration", b) for s in streams)]


def _each_audit_bucket(args: StackValidationArgs, check) -> None:
    pending = Pending()
    for bucket in _audit_buckets(args):
        with pending.attempt():
            check(bucket)
    pending.settle()


# --- the audit bucket ------------------------------------------------------------------------------

def _check_versioned(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        inline = get(bucket.props.get("versioning"), "enabled") is True
        attached = any(text(get(v.props.get("versioningConfiguration"), "status")) == "Enabled"
                       for v in dependents(args.resources, VERSIONING, "bucket", bucket))
        if not (inline or attached):
            report("The audit bucket is not versioned: an overwritten or deleted audit object is gone.", bucket.urn)

    _each_audit_bucket(args, check)


audit_bucket_versioned = stack_policy(
    name="aws-s3-audit-bucket-versioned",
    description="The bucket a Firehose stream delivers audit records to is versioned.",
    severity=Severity.HIGH,
    remediation="Create aws.s3.BucketVersioning(bucket=b.id, versioning_configuration={'status': 'Enabled'}).",
    types=BUCKETS | VERSIONING | {FIREHOSE},
    validate=_check_versioned,
    tags=["audit", "s3"],
)


def _check_kms(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        configs = dependents(args.resources, ENCRYPTION, "bucket", bucket)
        algorithms = _sse_algorithms(bucket) + [a for c in configs for a in _sse_algorithms(c)]
        keyed = [c for c in configs for r in as_list(c.props.get("rules"))
                 if present(r, "applyServerSideEncryptionByDefault", "kmsMasterKeyId")]
        if not any(a in KMS_ALGORITHMS for a in algorithms) or not keyed:
            report("The audit bucket is not encrypted by default with a customer-managed KMS key (SSE-KMS with "
                   "kmsMasterKeyId): who may read the audit log should be decided by the key's grants.", bucket.urn)

    _each_audit_bucket(args, check)


audit_bucket_kms = stack_policy(
    name="aws-s3-audit-bucket-kms",
    description="The audit bucket's default encryption is SSE-KMS with a customer-managed key.",
    severity=Severity.HIGH,
    remediation="Create aws.s3.BucketServerSideEncryptionConfiguration with sse_algorithm 'aws:kms' and "
                "kms_master_key_id set to the audit key.",
    types=BUCKETS | ENCRYPTION | {FIREHOSE},
    validate=_check_kms,
    tags=["audit", "encryption", "s3"],
)


def _check_object_lock(args: StackValidationArgs, report: ReportViolation) -> None:
    def check(bucket: PolicyResource) -> None:
        props = bucket.props
        enabled = props.get("objectLockEnabled") is True or \
            text(get(props.get("objectLockConfiguration"), "objectLockEnabled")) == "Enabled"
        if not enabled:
            report("The audit bucket was not created with Object Lock: audit objects can be deleted or "
                   "overwritten before their retention ends.", bucket.urn)
            return
        retained = any(present(get(c.props.get("rule"), "defaultRetention"), "mode")
                       for c in dependents(args.resources, OBJECT_LOCK, "bucket", bucket))
        if not retained and not present(get(props.get("objectLockConfiguration"), "rule"), "defaultRetention", "mode"):
            report("The audit bucket has Object Lock but no default retention: new objects are not locked.",
                   bucket.urn)

    _each_audit_bucket(args, check)


audit_bucket_object_lock = stack_policy(
    name="aws-s3-audit-bucket-object-lock",
    description="The audit bucket has Object Lock with a default retention (mandatory in prod).",
    severity=Severity.HIGH,
    remediation="Create the bucket with object_lock_enabled=True and add aws.s3.BucketObjectLockConfiguration "
                "with rule.default_retention (mode GOVERNANCE or COMPLIANCE, days); settings: audit.objectLock.",
    types=BUCKETS | OBJECT_LOCK | {FIREHOSE},
    validate=_check_object_lock,
    tags=["audit", "s3", "tamper-evidence"],
)


# --- streams and queries ---------------------------------------------------------------------------

def _check_firehose(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    sse = props.get("serverSideEncryption")
    if get(sse, "enabled") is not True:
        report("The stream does not encrypt the records it buffers (serverSideEncryption.enabled).", None)
    elif text(get(sse, "keyType")) != "CUSTOMER_MANAGED_CMK" or not present(sse, "keyArn"):
        report("The stream's encryption uses an AWS-owned key; use a customer-managed key (keyType "
               "CUSTOMER_MANAGED_CMK with keyArn).", None)
    s3 = props.get("extendedS3Configuration")
    if s3 is not None and not present(s3, "kmsKeyArn"):
        report("The stream writes S3 objects without naming a KMS key (extendedS3Configuration.kmsKeyArn).", None)


firehose_encrypted = resource_policy(
    name="aws-firehose-stream-encrypted",
    description="Firehose streams encrypt buffered records and delivered objects with a customer-managed key.",
    severity=Severity.MEDIUM,
    remediation="Set server_side_encryption={'enabled': True, 'key_type': 'CUSTOMER_MANAGED_CMK', 'key_arn': key.arn} "
                "and extended_s3_configuration.kms_key_arn.",
    types={FIREHOSE},
    validate=_check_firehose,
    tags=["audit", "encryption"],
)


def _check_workgroup(args: ResourceValidationArgs, report: ReportViolation) -> None:
    config = args.props.get("configuration")
    if get(config, "enforceWorkgroupConfiguration") is not True:
        report("The workgroup does not enforce its configuration: a query could write unencrypted results "
               "anywhere its caller chooses.", None)
    encryption = get(config, "resultConfiguration", "encryptionConfiguration")
    option = text(get(encryption, "encryptionOption"))
    if option not in ("SSE_KMS", "CSE_KMS") or not present(encryption, "kmsKeyArn"):
        report(f"Query results are encrypted with {option or 'nothing'}, not a KMS key (SSE_KMS with kmsKeyArn).", None)
    if not present(get(config, "resultConfiguration"), "outputLocation"):
        report("The workgroup names no result location.", None)


athena_workgroup_enforced = resource_policy(
    name="aws-athena-workgroup-enforced-encrypted",
    description="Athena workgroups enforce their configuration and encrypt query results with KMS.",
    severity=Severity.MEDIUM,
    remediation="Set configuration={'enforce_workgroup_configuration': True, 'result_configuration': "
                "{'output_location': 's3://...', 'encryption_configuration': {'encryption_option': 'SSE_KMS', "
                "'kms_key_arn': key.arn}}}.",
    types={WORKGROUP},
    validate=_check_workgroup,
    tags=["audit", "encryption"],
)


# --- bodies ------------------------------------------------------------------------------------------

def _logs_bodies(invocation: Any) -> bool:
    document = json_document(invocation.props.get("input"), "input")
    return get(document, "base", "logBodies") is True


def _check_no_bodies(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for table in by_type(args.resources, {GLUE_TABLE}):
        with pending.attempt():
            names = {text(get(c, "name")) for c in as_list(get(table.props.get("storageDescriptor"), "columns"))}
            found = sorted(n for n in names & BODY_COLUMNS if n)
            if found:
                report(f"Table '{table.name}' stores {', '.join(found)}: prompts and completions would be kept in "
                       "the audit log.", table.urn)
    for invocation in by_type(args.resources, {INVOCATION}):
        with pending.attempt():
            if _logs_bodies(invocation):
                report(f"'{invocation.name}' publishes a gateway config that logs prompts and completions "
                       "(base.logBodies).", invocation.urn)
    pending.settle()


no_bodies = stack_policy(
    name="aws-audit-no-prompt-bodies",
    description="Neither the gateway's access log nor the audit tables carry prompts or completions (mandatory in prod).",
    severity=Severity.HIGH,
    remediation="Leave audit.includeBodies off (prod refuses it): the audit log keeps request metadata only.",
    types={GLUE_TABLE, INVOCATION},
    validate=_check_no_bodies,
    tags=["audit", "privacy"],
)


POLICIES = [audit_bucket_versioned, audit_bucket_kms, audit_bucket_object_lock, firehose_encrypted,
            athena_workgroup_enforced, no_bodies]
