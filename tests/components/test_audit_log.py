"""The audit log as the program registers it: dev, prod (Object Lock), off, bodies, an extra source."""

from __future__ import annotations

import json

import pytest

import components.gateway as gateway_module
from components.audit_log import AuditLog, AuditSource
from components.renderers.audit_queries import QUERIES
from components.renderers.audit_tables import (
    ADMIN_FILTER_PATTERN, ADMIN_TABLE, access_columns, admin_columns, firehose_processors, json_key_mappings,
)
from gateway_config.render import render
from tests.support import baseline, run_stack

STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
TABLE = "aws:glue/catalogTable:CatalogTable"
FILTER = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
BUCKET = "aws:s3/bucket:Bucket"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
AUDIT_TYPES = {STREAM, TABLE, FILTER, LOCK, "aws:glue/catalogDatabase:CatalogDatabase",
               "aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery"}
BODIES_AND_COMPLIANCE = {"audit": {"enabled": True, "includeBodies": True, "retentionDays": 60,
                                   "objectLock": {"enabled": True, "mode": "compliance", "days": 30}}}


def _columns(table_row):
    return [(c["name"], c["type"]) for c in table_row.inputs["storageDescriptor"]["columns"]]


def _attached(inv, type_, bucket):
    return [r for r in inv.of_type(type_) if r.property_dependencies.get("bucket") == [bucket.urn]]


def test_dev_streams_decompress_extract_and_convert_without_a_lambda():
    inv = baseline("dev")
    streams = {s.name: s for s in inv.of_type(STREAM)}
    assert set(streams) == {"audit-access-stream", "audit-admin-changes-stream"}
    key = inv.one("aws:kms/key:Key", "audit-key")
    for name, table, columns in (("audit-access-stream", "access", access_columns(False)),
                                 ("audit-admin-changes-stream", "admin_changes", admin_columns())):
        s3 = streams[name].inputs["extendedS3Configuration"]
        processors = s3["processingConfiguration"]["processors"]
        assert [p["type"] for p in processors] == ["Decompression", "CloudWatchLogProcessing"]
        assert processors == firehose_processors()
        conversion = s3["dataFormatConversionConfiguration"]
        assert conversion["enabled"] is True
        assert conversion["schemaConfiguration"]["tableName"] == table
        assert conversion["schemaConfiguration"]["databaseName"] == "ai_gateway_dev_audit"
        openx = conversion["inputFormatConfiguration"]["deserializer"]["openXJsonSerDe"]
        assert openx.get("columnToJsonKeyMappings", {}) == json_key_mappings(columns)
        assert conversion["outputFormatConfiguration"]["serializer"] == {"parquetSerDe": {"compression": "SNAPPY"}}
        assert s3["prefix"] == f"{table}/dt=!{{timestamp:yyyy-MM-dd}}/"
        assert s3["errorOutputPrefix"].startswith(f"errors/{table}/!{{firehose:error-output-type}}/")
        assert s3["compressionFormat"] == "UNCOMPRESSED" and s3["bufferingSize"] == 64
        assert s3["kmsKeyArn"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
        assert key.urn in streams[name].property_dependencies["extendedS3Configuration"]
        sse = streams[name].inputs["serverSideEncryption"]
        assert sse["enabled"] is True and sse["keyType"] == "CUSTOMER_MANAGED_CMK"
        assert key.urn in streams[name].property_dependencies["serverSideEncryption"]


def test_tables_have_the_log_fields_as_columns_and_project_dt():
    inv = baseline("dev")
    access = inv.one(TABLE, "audit-access-table")
    admin = inv.one(TABLE, "audit-admin-changes-table")
    assert _columns(access) == [(c.name, c.type) for c in access_columns(False)]
    assert _columns(admin) == [(c.name, c.type) for c in admin_columns()]
    for row, name in ((access, "access"), (admin, ADMIN_TABLE)):
        assert row.inputs["partitionKeys"] == [{"name": "dt", "type": "string",
                                                "comment": "arrival day at Firehose (UTC), yyyy-MM-dd"}]
        assert row.inputs["parameters"]["projection.enabled"] == "true"
        location = row.inputs["storageDescriptor"]["location"]
        assert location == f"s3://ai-gateway-dev-audit-123456789012-us-east-1/{name}/"
        assert row.inputs["parameters"]["storage.location.template"] == location + "dt=${dt}/"
        assert row.inputs["storageDescriptor"]["serDeInfo"]["serializationLibrary"].endswith("ParquetHiveSerDe")


def test_gateway_log_group_subscription_keeps_access_lines_only():
    inv = baseline("dev")
    sub = inv.one(FILTER, "audit-gateway-subscription")
    assert sub.inputs["logGroup"] == "/ai-gateway/dev/gateway"
    assert sub.inputs["filterPattern"] == '{ $.scope = "request" }'
    assert sub.property_dependencies["destinationArn"] == [inv.one(STREAM, "audit-access-stream").urn]
    role = inv.one("aws:iam/role:Role", "audit-subscription-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    policy = json.loads(inv.one("aws:iam/rolePolicy:RolePolicy", "audit-subscription-policy").inputs["policy"])
    (statement,) = policy["Statement"]
    assert statement["Resource"] == sorted(
        f"arn:aws:firehose:us-east-1:123456789012:deliverystream/{s.inputs['name']}" for s in inv.of_type(STREAM))
    assert inv.one("aws:iam/rolePolicy:RolePolicy", "audit-subscription-policy").urn in sub.dependencies


def test_dev_bucket_is_versioned_kms_encrypted_tls_only_and_expires_without_a_lock():
    inv = baseline("dev")
    bucket = inv.one(BUCKET, "audit-bucket")
    assert "objectLockEnabled" not in bucket.inputs and bucket.inputs["forceDestroy"] is True
    assert _attached(inv, LOCK, bucket) == []
    (versioning,) = _attached(inv, "aws:s3/bucketVersioning:BucketVersioning", bucket)
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    (sse,) = _attached(inv, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket)
    rule = sse.inputs["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms" and rule["bucketKeyEnabled"] is True
    (lifecycle,) = _attached(inv, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket)
    assert lifecycle.inputs["rules"][0]["expiration"] == {"days": 90}  # the dev stack file
    (policy,) = _attached(inv, "aws:s3/bucketPolicy:BucketPolicy", bucket)
    (deny,) = json.loads(policy.inputs["policy"])["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (block,) = _attached(inv, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                  "restrictPublicBuckets"))


def test_prod_bucket_is_created_with_governance_object_lock_and_protected():
    inv = baseline("prod")
    bucket = inv.one(BUCKET, "audit-bucket")
    assert bucket.inputs["objectLockEnabled"] is True and bucket.inputs["forceDestroy"] is False
    assert bucket.protect is True and inv.one("aws:kms/key:Key", "audit-key").protect is True
    (lock,) = _attached(inv, LOCK, bucket)
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}
    versioning = inv.one("aws:s3/bucketVersioning:BucketVersioning", "audit-bucket-versioning")
    assert versioning.urn in lock.dependencies
    assert "objectLockEnabled" not in inv.one(BUCKET, "audit-results").inputs  # results are working files


def test_workgroup_is_enforced_encrypted_and_saves_the_named_queries():
    inv = baseline("prod")
    workgroup = inv.one("aws:athena/workgroup:Workgroup", "audit-workgroup")
    config = workgroup.inputs["configuration"]
    assert config["enforceWorkgroupConfiguration"] is True
    result = config["resultConfiguration"]
    assert result["outputLocation"] == "s3://ai-gateway-prod-audit-results-123456789012-us-east-1/results/"
    assert result["encryptionConfiguration"]["encryptionOption"] == "SSE_KMS"
    assert inv.one("aws:kms/key:Key", "audit-key").urn in workgroup.property_dependencies["configuration"]
    saved = {q.inputs["name"]: q for q in inv.of_type("aws:athena/namedQuery:NamedQuery")}
    assert set(saved) == {f"ai-gateway-prod-{q.name}" for q in QUERIES}
    for q in QUERIES:
        row = saved[f"ai-gateway-prod-{q.name}"]
        assert row.inputs["query"] == q.sql("ai_gateway_prod_audit")
        assert row.inputs["database"] == "ai_gateway_prod_audit" and row.inputs["workgroup"] == "ai-gateway-prod-audit"
    assert inv.outputs["auditWorkgroup"] == "ai-gateway-prod-audit"


def test_audit_off_creates_none_of_it():
    inv = run_stack("dev", {"audit": {"enabled": False}})
    # The usage pipeline's subscription filter is the log group's other one, not the audit log's.
    assert not [r for r in inv.resources if (r.type in AUDIT_TYPES and "UsageMetering" not in r.urn)
                or r.name.startswith("audit")]
    assert not {"auditBucket", "auditDatabase", "auditWorkgroup", "auditStreams"} & set(inv.outputs)
    publish = json.loads(inv.one("aws:lambda/invocation:Invocation", "live-config-publish").inputs["input"])
    assert publish["base"]["logBodies"] is False


def test_bodies_outside_prod_are_logged_and_kept_with_a_compliance_lock():
    inv = run_stack("dev", BODIES_AND_COMPLIANCE)
    access = inv.one(TABLE, "audit-access-table")
    assert _columns(access)[-2:] == [("prompt", "array<struct<role:string,content:string>>"),
                                     ("completion", "array<string>")]
    publish = json.loads(inv.one("aws:lambda/invocation:Invocation", "live-config-publish").inputs["input"])
    assert publish["base"]["logBodies"] is True
    added = render(publish["base"], publish["overlay"]).config["frontendPolicies"]["accessLog"]["add"]
    assert added["prompt"] == "llm.prompt" and added["completion"] == "llm.completion"
    (lock,) = inv.of_type(LOCK)
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 30}}
    lifecycle = inv.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "audit-bucket-lifecycle")
    assert lifecycle.inputs["rules"][0]["expiration"] == {"days": 60}


def test_the_admin_functions_audit_lines_feed_the_admin_changes_table():
    inv = baseline("dev")
    sub = inv.one(FILTER, "audit-admin-subscription")
    function_logs = inv.one("aws:cloudwatch/logGroup:LogGroup", "admin-api-function-logs")
    assert sub.inputs["logGroup"] == function_logs.inputs["name"]
    assert sub.inputs["filterPattern"] == "{ $.audit IS TRUE }"
    assert sub.inputs["name"] == "ai-gateway-dev-audit-admin"
    assert sub.property_dependencies["destinationArn"] == [inv.one(STREAM, "audit-admin-changes-stream").urn]


def test_an_extra_source_is_subscribed_to_its_tables_stream(monkeypatch):
    problems: list[str] = []

    def with_extra_source(name, ctx, observability, opts=None):
        audit = AuditLog(name, ctx, observability, opts=opts, sources=[
            AuditSource("extra", "/ai-gateway/dev/extra", ADMIN_FILTER_PATTERN, ADMIN_TABLE)])
        for bad in (AuditSource("x", "/g", "{ $.a IS TRUE }", "nope"),
                    AuditSource("extra", "/g", "{ $.a IS TRUE }", ADMIN_TABLE)):
            with pytest.raises(ValueError) as err:
                audit.subscribe(bad)
            problems.append(str(err.value))
        return audit

    monkeypatch.setattr(gateway_module, "AuditLog", with_extra_source)
    inv = run_stack("dev", fresh=True)
    sub = inv.one(FILTER, "audit-extra-subscription")
    assert sub.inputs["logGroup"] == "/ai-gateway/dev/extra"
    assert sub.inputs["name"] == "ai-gateway-dev-audit-extra"
    assert sub.property_dependencies["destinationArn"] == [inv.one(STREAM, "audit-admin-changes-stream").urn]
    assert problems == ["audit source 'x': no table 'nope' (access, admin_changes)",
                        "audit source 'extra' is subscribed twice"]
