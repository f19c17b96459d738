"""The traffic and usage assumptions behind every variable cost, with their defaults.

This module is the only place defaults live. Each field's metadata says what it means and in
which unit; the command line offers one flag per field (``--requests-per-month 5000000``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping, Optional


def _a(default: Any, unit: str, text: str) -> Any:
    return field(default=default, metadata={"unit": unit, "text": text})


@dataclass(frozen=True)
class Assumptions:
    """Traffic and usage a month of the stack is priced for. Every field is overridable."""

    requests_per_month: int = _a(1_000_000, "requests", "LLM requests through the gateway per month, spread evenly over the month")
    input_tokens: int = _a(1_500, "tokens", "average input tokens per request")
    output_tokens: int = _a(500, "tokens", "average output tokens per request")
    chars_per_token: float = _a(4.0, "characters", "characters per token (guardrail text units are 1,000 characters)")
    request_bytes: int = _a(8_000, "bytes", "average request body and headers, client to gateway to provider")
    response_bytes: int = _a(20_000, "bytes", "average response, streamed events included, provider to gateway to client")
    request_seconds: float = _a(10.0, "seconds", "average request duration (open connections = request rate x duration)")
    new_connection_share: float = _a(1.0, "share", "share of requests that open a new client connection to the ALB")
    bedrock_share: float = _a(0.9, "share", "share of requests served by Bedrock; the rest go to internet providers through NAT")
    access_log_bytes_per_request: int = _a(1_500, "bytes", "gateway JSON access log per request")
    waf_log_bytes_per_request: int = _a(2_000, "bytes", "WAF log record per request")
    flow_log_bytes_per_request: int = _a(400, "bytes", "VPC flow log records attributable to one request")
    alb_log_bytes_per_request: int = _a(100, "bytes", "ALB access log per request as stored (gzip) in S3")
    collector_log_gb_per_task: float = _a(0.05, "GB/task-month", "ADOT collector's own log")
    emf_log_gb_per_task: float = _a(1.0, "GB/task-month", "EMF records the collector writes to the metrics log group")
    container_insights_log_gb_per_task: float = _a(0.2, "GB/task-month", "Container Insights performance events")
    container_insights_metrics_per_task: int = _a(25, "metrics", "Container Insights metrics per running task")
    custom_metric_series: int = _a(40, "metrics", "gateway metric series in CloudWatch (names x providers x models x token types)")
    other_log_gb_per_month: float = _a(0.1, "GB/month", "any other log group (Lambda, API Gateway) per month")
    log_storage_ratio: float = _a(1.0, "ratio", "stored (compressed) log bytes per ingested byte; 1.0 is an upper bound")
    unlimited_retention_months: float = _a(12.0, "months", "months a log or object without expiry is assumed kept")
    trace_sampling_ratio: Optional[float] = _a(None, "share", "share of requests traced to X-Ray (default: read from the published gateway base, else 0.1)")
    token_callers_per_client: int = _a(2, "callers", "service instances per M2M client, each caching its token for the token lifetime")
    user_pool_mau: int = _a(0, "users", "monthly active users signing in to the user pool (M2M-only: 0)")
    federated_mau: int = _a(10, "users", "monthly active users signing in through a SAML/OIDC identity provider")
    kms_requests_per_key: int = _a(10_000, "requests/month", "KMS requests per key per month")
    ecr_storage_gb: float = _a(1.0, "GB", "images kept in an ECR repository")
    ecr_images_pushed_per_month: int = _a(4, "images", "images pushed per repository per month (scanned on push)")
    ecr_images_stored: int = _a(20, "images", "images kept per repository (rescanned when new CVEs appear)")
    ecr_rescans_per_image: int = _a(2, "rescans/month", "continuous-scan rescans per stored image per month")
    other_bucket_gb: float = _a(1.0, "GB", "data in any other S3 bucket")
    lambda_invocations_per_function: int = _a(100_000, "invocations/month", "invocations of each Lambda function per month")
    lambda_duration_ms: float = _a(200.0, "ms", "average Lambda duration")
    admin_api_requests_per_month: int = _a(100_000, "requests", "admin API (API Gateway) requests per month")
    dynamodb_writes_per_month: int = _a(1_000_000, "write units", "write request units per table per month (usage counters)")
    dynamodb_reads_per_month: int = _a(1_000_000, "read units", "read request units per table per month")
    dynamodb_storage_gb: float = _a(1.0, "GB", "data per DynamoDB table")
    cache_gb: float = _a(0.1, "GB", "data in a serverless cache (below the engine minimum, the minimum is billed)")
    cache_ecpu_per_request: float = _a(2.0, "ECPUs", "cache ECPUs per gateway request (a global rate-limit check and update)")
    audit_records_per_request: float = _a(1.0, "records", "audit-log Firehose records per request")
    audit_record_bytes: int = _a(1_500, "bytes", "audit-log record size (Firehose bills 5 KB increments)")
    admin_changes_per_month: int = _a(1_000, "records", "admin-API mutations per month (the admin-changes Firehose stream)")
    athena_queries_per_month: int = _a(100, "queries", "Athena queries per workgroup per month")
    athena_gb_per_query: float = _a(1.0, "GB", "data scanned per Athena query")
    cron_invocations_per_month: int = _a(730, "invocations", "invocations of a cron() schedule per month (a rate() schedule is computed)")
    appconfig_poll_seconds: int = _a(45, "seconds", "AppConfig agent poll interval per task and profile")
    appconfig_deployments_per_month: int = _a(30, "deployments", "configuration versions each task receives per month")

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Assumptions":
        """A copy with some fields replaced (unknown names raise ``TypeError``)."""
        return replace(self, **dict(overrides))

    def described(self) -> list[dict[str, Any]]:
        """Every assumption with its value, unit, meaning and whether it is the default."""
        defaults = Assumptions()
        return [
            {"name": f.name, "value": getattr(self, f.name), "unit": f.metadata["unit"], "text": f.metadata["text"],
             "default": getattr(self, f.name) == getattr(defaults, f.name)}
            for f in fields(self)
        ]


def flag_name(field_name: str) -> str:
    """The command-line flag of a field: ``requests_per_month`` -> ``--requests-per-month``."""
    return "--" + field_name.replace("_", "-")
