"""Data services: S3 buckets, DynamoDB tables, serverless caches, Firehose streams, Athena."""

from __future__ import annotations

import math

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import GB, HOURS_PER_MONTH

DAYS_PER_MONTH = 365 / 12
FIREHOSE_INCREMENT = 5 * 1024
ALB_LOG_FILES_PER_NODE_HOUR = 12
"""Load balancers deliver an access-log file every 5 minutes per node."""
FIREHOSE_OBJECTS_PER_HOUR = 12
"""Firehose writes an S3 object per buffer interval (300 s by default)."""
ATHENA_MIN_GB = 10 / 1024
ADMIN_CHANGES_TABLE = "admin_changes"
"""Glue table of the audit log's admin-changes stream (components/renderers/audit_tables.py)."""


def _kept_months(bucket: str, ctx: PricingContext) -> tuple[float, str]:
    days = ctx.facts.expiration_days.get(bucket)
    if days:
        return days / DAYS_PER_MONTH, f"expires after {days} days"
    return ctx.assumptions.unlimited_retention_months, f"no expiry, {ctx.assumptions.unlimited_retention_months:g} months assumed"


def s3_bucket(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Storage once the lifecycle window is full, and the PUTs of whoever writes to the bucket."""
    name = str(res.inputs.get("bucket") or res.name)
    months, kept = _kept_months(name, ctx)
    if name in ctx.facts.alb_log_buckets:
        nodes = ctx.facts.alb_log_buckets[name]
        return [
            Charge("ALB access logs stored", ctx.traffic.alb_log_gb * months, "s3.standard_gb_month", "variable", kept),
            Charge("log file PUTs", nodes * ALB_LOG_FILES_PER_NODE_HOUR * HOURS_PER_MONTH / 1000, "s3.1k_put_requests",
                   "fixed", f"one file per 5 min x {nodes} load balancer nodes"),
        ]
    if name in ctx.facts.firehose_buckets:
        return [
            Charge("audit log stored", _audit_gb(ctx) * months, "s3.standard_gb_month", "variable", kept),
            Charge("Firehose object PUTs", FIREHOSE_OBJECTS_PER_HOUR * HOURS_PER_MONTH / 1000, "s3.1k_put_requests",
                   "fixed", "one object per 5-minute buffer"),
        ]
    return [Charge("objects stored", ctx.assumptions.other_bucket_gb, "s3.standard_gb_month", "variable",
                   "data kept (assumption)")]


def _audit_gb(ctx: PricingContext) -> float:
    a = ctx.assumptions
    return ctx.traffic.requests * a.audit_records_per_request * a.audit_record_bytes / GB


def firehose_stream(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Ingestion billed per record in 5 KB increments, and format conversion when on."""
    a = ctx.assumptions
    table = res.get("extendedS3Configuration", "dataFormatConversionConfiguration", "schemaConfiguration", "tableName")
    # The admin-changes stream carries admin mutations, not requests.
    records = a.admin_changes_per_month if table == ADMIN_CHANGES_TABLE else ctx.traffic.requests * a.audit_records_per_request
    billed_bytes = math.ceil(a.audit_record_bytes / FIREHOSE_INCREMENT) * FIREHOSE_INCREMENT
    billed_gb = records * billed_bytes / GB
    charges = [Charge("ingestion", billed_gb, "firehose.gb", "variable",
                      f"{records:,.0f} records of {a.audit_record_bytes:,} B billed as {billed_bytes // 1024} KB")]
    if res.get("extendedS3Configuration", "dataFormatConversionConfiguration", "enabled"):
        charges.append(Charge("format conversion", billed_gb, "firehose.format_conversion_gb", "variable",
                              "JSON to Parquet/ORC"))
    return charges


def dynamodb_table(res: Resource, ctx: PricingContext) -> list[Charge]:
    """On-demand request units or provisioned capacity-hours, storage, point-in-time recovery."""
    a = ctx.assumptions
    if str(res.inputs.get("billingMode", "PROVISIONED")) == "PAY_PER_REQUEST":
        charges = [
            Charge("write request units", a.dynamodb_writes_per_month / 1e6, "dynamodb.million_write_request_units",
                   "variable", f"{a.dynamodb_writes_per_month:,} (assumption)"),
            Charge("read request units", a.dynamodb_reads_per_month / 1e6, "dynamodb.million_read_request_units",
                   "variable", f"{a.dynamodb_reads_per_month:,} (assumption)"),
        ]
    else:
        wcu, rcu = int(res.inputs.get("writeCapacity") or 0), int(res.inputs.get("readCapacity") or 0)
        charges = [
            Charge("provisioned write capacity", wcu * HOURS_PER_MONTH, "dynamodb.wcu_hour", "fixed", f"{wcu} WCU x 730 h"),
            Charge("provisioned read capacity", rcu * HOURS_PER_MONTH, "dynamodb.rcu_hour", "fixed", f"{rcu} RCU x 730 h"),
        ]
    charges.append(Charge("storage", a.dynamodb_storage_gb, "dynamodb.storage_gb_month", "variable", "(assumption)"))
    if res.get("pointInTimeRecovery", "enabled"):
        charges.append(Charge("point-in-time recovery", a.dynamodb_storage_gb, "dynamodb.pitr_gb_month", "variable",
                              "table size"))
    return charges


def serverless_cache(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Data stored (at least the engine's minimum) and ECPUs of the gateway's rate-limit calls."""
    engine = "valkey" if str(res.inputs.get("engine", "valkey")).lower() == "valkey" else "redis"
    minimum = ctx.prices.value(f"elasticache.{engine}.min_gb")
    stored = max(ctx.assumptions.cache_gb, minimum)
    ecpus = ctx.traffic.requests * ctx.assumptions.cache_ecpu_per_request
    return [
        Charge("data stored", stored * HOURS_PER_MONTH, f"elasticache.{engine}.gb_hour", "fixed",
               f"{stored:g} GB (minimum {minimum:g} GB) x 730 h"),
        Charge("ECPUs", ecpus / 1e6, f"elasticache.{engine}.million_ecpu", "variable",
               f"{ctx.assumptions.cache_ecpu_per_request:g} per request"),
    ]


def athena_workgroup(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Data scanned by the workgroup's queries (10 MB minimum per query)."""
    a = ctx.assumptions
    gb = a.athena_queries_per_month * max(a.athena_gb_per_query, ATHENA_MIN_GB)
    return [Charge("data scanned", gb / 1024, "athena.tb_scanned", "variable",
                   f"{a.athena_queries_per_month} queries x {a.athena_gb_per_query:g} GB")]


PRICERS = {
    "aws:s3/bucket:Bucket": s3_bucket,
    "aws:s3/bucketV2:BucketV2": s3_bucket,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": firehose_stream,
    "aws:dynamodb/table:Table": dynamodb_table,
    "aws:elasticache/serverlessCache:ServerlessCache": serverless_cache,
    "aws:athena/workgroup:Workgroup": athena_workgroup,
}
