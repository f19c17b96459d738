"""ALB access-log bucket policy: TLS only, ELB delivery only under this account's log path."""

from __future__ import annotations

from components.renderers.bucket_policies import (
    ELB_LOG_DELIVERY_SERVICE,
    LEGACY_ELB_LOG_ACCOUNTS,
    alb_access_log_bucket_policy,
    legacy_elb_account,
)

BUCKET = "ai-gateway-prod-alb-logs-123456789012-us-east-1"


def _statements(region: str = "us-east-1", prefix: str = "alb", partition: str = "aws"):
    doc = alb_access_log_bucket_policy(partition, region, "123456789012", BUCKET, prefix)
    assert doc["Version"] == "2012-10-17"
    return {s["Sid"]: s for s in doc["Statement"]}


def test_denies_every_non_tls_request_to_bucket_and_objects():
    deny = _statements()["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_log_delivery_service_may_only_put_under_the_account_log_path():
    allow = _statements()["ElbLogDeliveryService"]
    assert allow["Effect"] == "Allow"
    assert allow["Principal"] == {"Service": ELB_LOG_DELIVERY_SERVICE}
    assert allow["Action"] == "s3:PutObject"
    assert allow["Resource"] == f"arn:aws:s3:::{BUCKET}/alb/AWSLogs/123456789012/*"


def test_regions_before_august_2022_also_admit_their_elb_account():
    legacy = _statements("us-east-1")["ElbLogDeliveryRegionalAccount"]
    assert legacy["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert legacy["Action"] == "s3:PutObject"
    assert legacy["Resource"] == f"arn:aws:s3:::{BUCKET}/alb/AWSLogs/123456789012/*"
    assert _statements("eu-west-1")["ElbLogDeliveryRegionalAccount"]["Principal"] == {"AWS": "arn:aws:iam::156460612806:root"}


def test_newer_regions_use_only_the_service_principal():
    statements = _statements("ap-southeast-4")  # Melbourne, launched 2023
    assert set(statements) == {"DenyInsecureTransport", "ElbLogDeliveryService"}
    assert legacy_elb_account("il-central-1") is None


def test_partition_and_empty_prefix():
    statements = _statements("us-gov-west-1", prefix="", partition="aws-us-gov")
    assert statements["ElbLogDeliveryService"]["Resource"] == f"arn:aws-us-gov:s3:::{BUCKET}/AWSLogs/123456789012/*"
    assert statements["ElbLogDeliveryRegionalAccount"]["Principal"] == {"AWS": "arn:aws-us-gov:iam::048591011584:root"}


def test_legacy_table_is_well_formed():
    assert all(len(acct) == 12 and acct.isdigit() for acct in LEGACY_ELB_LOG_ACCOUNTS.values())
    assert len(set(LEGACY_ELB_LOG_ACCOUNTS.values())) == len(LEGACY_ELB_LOG_ACCOUNTS)
