"""The audit log's tables and Firehose record handling, as pure data (no Pulumi).

Two tables, one per Firehose stream:

- **access**: one row per agentgateway access-log line. Its columns are exactly the log fields the
  renderer emits (:data:`gateway_config.render.LOG_FIELDS`, plus
  :data:`~gateway_config.render.BODY_LOG_FIELDS` when bodies are logged), each named after its JSON
  key with dots turned into underscores (``http.status`` -> ``http_status``);
- **admin_changes**: one row per admin-API mutation, the fields of its audit line
  (:data:`ADMIN_AUDIT_FIELDS`).

Firehose reads each record with the OpenX JSON SerDe (explicit column -> JSON key mappings for the
dotted keys) and writes Parquet with the Glue table's schema. The table itself is stored as
Parquet and partitioned by ``dt`` (``yyyy-MM-dd``) with partition projection, so Athena needs no
crawler and no ``MSCK REPAIR``. ``dt`` is the day Firehose **received** the record (its
``!{timestamp:}`` namespace is the arrival time, UTC); the event time is the ``time`` column of
the log line (``at`` for admin changes), which lags behind by the subscription delivery and the
buffer interval, minutes at most. A query that needs exact days filters on the event time and
widens the ``dt`` range by one day on each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

from gateway_config.render import BODY_LOG_FIELDS, LOG_FIELDS

PARTITION_KEY = "dt"
PARTITION_FORMAT = "yyyy-MM-dd"
"""``dt`` values: Firehose's ``!{timestamp:yyyy-MM-dd}`` and partition projection's date format."""
PROJECTION_START = "2025-01-01"
"""First day partition projection enumerates (earlier days hold no audit data)."""
ACCESS_TABLE = "access"
ADMIN_TABLE = "admin_changes"

ACCESS_COLUMN_TYPES: Mapping[str, str] = MappingProxyType({
    # Logical name (LOG_FIELDS / BODY_LOG_FIELDS) -> Glue (Hive) type.
    "time": "string",  # RFC 3339 event time; from_iso8601_timestamp("time") in queries
    "level": "string",
    "scope": "string",
    "message": "string",
    "method": "string",
    "path": "string",
    "host": "string",
    "status": "int",
    "duration": "string",  # "1234ms": parsed in SQL
    "route": "string",
    "reason": "string",
    "error": "string",
    "trace_id": "string",
    "retry_attempt": "int",
    "input_tokens": "bigint",
    "output_tokens": "bigint",
    "total_tokens": "bigint",
    "cached_input_tokens": "bigint",
    "cache_write_tokens": "bigint",
    "model": "string",
    "response_model": "string",
    "provider": "string",
    "cost_usd": "double",
    "client_id": "string",
    "team": "string",
    "rate_limit": "string",
    "user": "string",  # only with SSO; null on other stacks' lines
    "prompt": "array<struct<role:string,content:string>>",
    "completion": "array<string>",
})
"""Column type of every access-log field."""

ADMIN_AUDIT_FIELDS: Mapping[str, str] = MappingProxyType({
    # The admin API's audit line: {"audit": true, "actor", "action", "target", "before", "after", "at"}.
    "audit": "boolean",
    "actor": "string",  # who: the caller's client id or user
    "action": "string",  # what: e.g. team.create, team.update, price.set
    "target": "string",  # which item
    "before": "string",  # JSON text of the item before the change (null for a create)
    "after": "string",  # JSON text after the change (null for a delete)
    "at": "string",  # RFC 3339 time of the change
})
"""JSON key -> Glue type of the admin API's audit line (the Powertools fields around it are not kept)."""

ADMIN_FILTER_PATTERN = "{ $.audit IS TRUE }"
"""Subscription filter of the admin API's log group: only its audit lines."""
ACCESS_FILTER_PATTERN = f'{{ $.{LOG_FIELDS["scope"]} = "request" }}'
"""Subscription filter of the gateway log group: access-log lines only (agentgateway logs them as
events of the ``request`` target; errors, reloads and startup lines carry other scopes)."""

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


@dataclass(frozen=True)
class Column:
    """One table column and the JSON key of the log line it is read from."""

    name: str
    type: str
    json_key: str


def column_name(json_key: str) -> str:
    """The column a JSON key lands in: Glue and Athena names allow no dots."""
    return json_key.replace(".", "_").lower()


def access_columns(include_bodies: bool) -> list[Column]:
    """The access table's columns, in LOG_FIELDS order (bodies last, when logged)."""
    fields = dict(LOG_FIELDS)
    if include_bodies:
        fields.update(BODY_LOG_FIELDS)
    return [Column(column_name(key), ACCESS_COLUMN_TYPES[name], key) for name, key in fields.items()]


def admin_columns() -> list[Column]:
    """The admin-changes table's columns."""
    return [Column(column_name(key), type_, key) for key, type_ in ADMIN_AUDIT_FIELDS.items()]


def json_key_mappings(columns: list[Column]) -> dict[str, str]:
    """OpenX SerDe ``columnToJsonKeyMappings``: column -> JSON key, for the columns whose names differ."""
    return {c.name: c.json_key for c in columns if c.name != c.json_key}


def s3_prefix(table: str) -> str:
    """Where Firehose writes a table's objects (the table's location)."""
    return f"{table}/{PARTITION_KEY}=!{{timestamp:{PARTITION_FORMAT}}}/"


def error_prefix(table: str) -> str:
    """Where Firehose writes the records it could not decompress, convert or deliver."""
    return f"errors/{table}/!{{firehose:error-output-type}}/{PARTITION_KEY}=!{{timestamp:{PARTITION_FORMAT}}}/"


def projection_parameters(bucket: str, table: str) -> dict[str, str]:
    """Glue table parameters: Parquet, and ``dt`` partitions projected from the date (no crawler)."""
    return {
        "classification": "parquet",
        "EXTERNAL": "TRUE",
        "projection.enabled": "true",
        f"projection.{PARTITION_KEY}.type": "date",
        f"projection.{PARTITION_KEY}.format": PARTITION_FORMAT,
        f"projection.{PARTITION_KEY}.range": f"{PROJECTION_START},NOW",
        f"projection.{PARTITION_KEY}.interval": "1",
        f"projection.{PARTITION_KEY}.interval.unit": "DAYS",
        "storage.location.template": f"s3://{bucket}/{table}/{PARTITION_KEY}=${{{PARTITION_KEY}}}/",
    }


def firehose_processors() -> list[dict[str, Any]]:
    """Firehose's own processing, no Lambda: gunzip the CloudWatch Logs envelope, then keep only each
    event's ``message`` (the JSON log line) so format conversion sees one JSON object per event."""
    return [
        {"type": "Decompression", "parameters": [{"parameterName": "CompressionFormat", "parameterValue": "GZIP"}]},
        {"type": "CloudWatchLogProcessing",
         "parameters": [{"parameterName": "DataMessageExtraction", "parameterValue": "true"}]},
    ]
