"""S3 bucket policies as pure functions (plain dicts; callers ``json.dumps`` them). No Pulumi.

ALB access logs: who may write
-------------------------------
AWS documents two principals for ALB log delivery:

- the **log delivery service principal** ``logdelivery.elasticloadbalancing.amazonaws.com``: the
  recommended form, and the only one in Regions launched after August 2022;
- the **regional Elastic Load Balancing account** (``arn:aws:iam::<elb-account>:root``), documented
  for the Regions that existed before August 2022, where delivery may still be made by that account.

We grant the service principal everywhere and, in a Region that has a legacy ELB account, that
account as well, so the same code works in every Region without a per-Region guess about which
mechanism a Region's ELB uses. Both grants are ``s3:PutObject`` only, and only under
``<prefix>/AWSLogs/<this account>/``. The legacy account ids are the ones AWS publishes (they are
also the table behind the provider's ``aws.elb.get_service_account`` data source).
"""

from __future__ import annotations

from typing import Any, Optional

from .policy_documents import Document, document

ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

LEGACY_ELB_LOG_ACCOUNTS: dict[str, str] = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
}
"""Elastic Load Balancing account per pre-August-2022 Region (AWS ELB user guide)."""


def legacy_elb_account(region: str) -> Optional[str]:
    """The Region's legacy ELB log-delivery account, or None for Regions launched since."""
    return LEGACY_ELB_LOG_ACCOUNTS.get(region)


def deny_insecure_transport(bucket_arn: str) -> dict[str, Any]:
    """Refuse every request to the bucket and its objects that does not use TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def alb_access_log_bucket_policy(partition: str, region: str, account_id: str, bucket: str, prefix: str) -> Document:
    """Policy of the ALB access-log bucket: TLS only; ELB may put objects under its log path."""
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    key_prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    log_objects = f"{bucket_arn}/{key_prefix}AWSLogs/{account_id}/*"
    statements: list[dict[str, Any]] = [
        deny_insecure_transport(bucket_arn),
        {
            "Sid": "ElbLogDeliveryService",
            "Effect": "Allow",
            "Principal": {"Service": ELB_LOG_DELIVERY_SERVICE},
            "Action": "s3:PutObject",
            "Resource": log_objects,
        },
    ]
    legacy = legacy_elb_account(region)
    if legacy:
        statements.append({
            "Sid": "ElbLogDeliveryRegionalAccount",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:{partition}:iam::{legacy}:root"},
            "Action": "s3:PutObject",
            "Resource": log_objects,
        })
    return document(*statements)
