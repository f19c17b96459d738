"""Audit log: CloudWatch Logs subscriptions -> Firehose (native decompression and message extraction,
no Lambda) -> S3 as Parquet through Glue tables -> Athena (docs/audit-log.md, docs/adr/0019).

One Firehose stream per table, since format conversion writes one table's schema:

- ``access``: the gateway log group's access-log lines (its subscription filter keeps only lines of
  scope ``request``; the log group's second subscription filter slot is left to the usage pipeline);
- ``admin_changes``: the admin API's audit lines, from whatever log group :meth:`AuditLog.subscribe`
  (or ``sources``) names with :data:`~components.renderers.audit_tables.ADMIN_FILTER_PATTERN`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .audit_storage import audit_key
from .private_bucket import ObjectLock, private_bucket
from .base import child_opts
from .context import StackContext
from .observability import Observability
from .renderers import audit_policies as docs
from .renderers.audit_queries import QUERIES
from .renderers.audit_tables import (
    ACCESS_FILTER_PATTERN, ACCESS_TABLE, ADMIN_TABLE, PARQUET_INPUT, PARQUET_OUTPUT, PARQUET_SERDE, PARTITION_KEY,
    Column, access_columns, admin_columns, error_prefix, firehose_processors, json_key_mappings, projection_parameters,
    s3_prefix,
)

FORMAT_CONVERSION_BUFFER_MB = 64
"""Firehose's minimum buffer size when it converts records to Parquet."""
RESULTS_EXPIRATION_DAYS = 30
"""Athena query results are working files: kept a month."""


@dataclass(frozen=True)
class AuditSource:
    """A log group whose matching lines go to one audit table."""

    name: str
    """Short role of the source, unique in the stack (resource names derive from it)."""
    log_group_name: pulumi.Input[str]
    filter_pattern: str
    """CloudWatch Logs filter pattern that selects the lines to keep."""
    table: str
    """``access`` or ``admin_changes``."""


class AuditLog(pulumi.ComponentResource):
    """The audit bucket and key, the Glue database and tables, one Firehose stream per table fed by
    subscription filters, and an Athena workgroup with the named queries."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability,
                 sources: Sequence[AuditSource] = (), opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:audit:AuditLog", name, None, opts)
        self._name, self._ctx = name, ctx
        s = ctx.settings.audit
        self.key = audit_key(f"{name}-key", ctx, self)
        lock = ObjectLock(s.object_lock.mode.upper(), s.object_lock.days) if ctx.settings.audit_object_lock else None
        self.bucket = private_bucket(f"{name}-bucket", ctx, self, role="audit", key_arn=self.key.arn,
                                     expiration_days=s.retention_days, lock=lock)
        self.results_bucket = private_bucket(f"{name}-results", ctx, self, role="audit-results", key_arn=self.key.arn,
                                             expiration_days=RESULTS_EXPIRATION_DAYS)

        self.database = aws.glue.CatalogDatabase(
            f"{name}-database", name=database_name(ctx),
            description=f"Audit log of {ctx.naming.prefix} (docs/audit-log.md)", opts=child_opts(self))
        columns: dict[str, list[Column]] = {
            ACCESS_TABLE: access_columns(ctx.settings.audit_bodies),
            ADMIN_TABLE: admin_columns(),
        }
        self.tables = {table: self._table(table, cols) for table, cols in columns.items()}

        self.delivery_role = aws.iam.Role(
            f"{name}-delivery-role", name=ctx.naming.physical("audit-delivery"),
            assume_role_policy=ctx.account_id.apply(lambda a: json.dumps(docs.firehose_trust_policy(a))),
            opts=child_opts(self))
        delivery_policy = aws.iam.RolePolicy(
            f"{name}-delivery-policy", role=self.delivery_role.id,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id, self.bucket.bucket, self.key.arn,
                                     self.database.name, *(t.name for t in self.tables.values())).apply(
                lambda a: json.dumps(docs.delivery_policy(a[0], ctx.region, a[1], bucket=a[2], key_arn=a[3],
                                                          database=a[4], tables=a[5:]))),
            opts=child_opts(self))
        self.streams = {table: self._stream(table, cols, delivery_policy) for table, cols in columns.items()}

        self.subscription_role = aws.iam.Role(
            f"{name}-subscription-role", name=ctx.naming.physical("audit-subscription"),
            assume_role_policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(docs.logs_trust_policy(a[0], ctx.region, a[1]))),
            opts=child_opts(self))
        self._subscription_policy = aws.iam.RolePolicy(
            f"{name}-subscription-policy", role=self.subscription_role.id,
            policy=pulumi.Output.all(*(st.arn for st in self.streams.values())).apply(
                lambda arns: json.dumps(docs.subscription_policy(arns))),
            opts=child_opts(self))
        self.subscriptions: dict[str, aws.cloudwatch.LogSubscriptionFilter] = {}
        self.subscribe(AuditSource("gateway", observability.gateway_log_group.name, ACCESS_FILTER_PATTERN, ACCESS_TABLE))
        for source in sources:
            self.subscribe(source)

        self.workgroup = self._workgroup()
        self.queries = [
            aws.athena.NamedQuery(
                f"{name}-query-{q.name}", name=ctx.naming.physical(q.name), description=q.description,
                database=self.database.name, workgroup=self.workgroup.name,
                query=self.database.name.apply(q.sql), opts=child_opts(self))
            for q in QUERIES
        ]
        self.outputs: dict[str, pulumi.Input[object]] = {
            "auditBucket": self.bucket.bucket,
            "auditDatabase": self.database.name,
            "auditWorkgroup": self.workgroup.name,
            "auditStreams": {table: st.name for table, st in self.streams.items()},
        }
        self.register_outputs(self.outputs)

    def subscribe(self, source: AuditSource) -> aws.cloudwatch.LogSubscriptionFilter:
        """Send ``source``'s matching lines to its table's stream (the integrator subscribes the admin
        API's log group this way, with ``ADMIN_FILTER_PATTERN`` and ``ADMIN_TABLE``)."""
        if source.table not in self.streams:
            raise ValueError(f"audit source {source.name!r}: no table {source.table!r} ({', '.join(self.streams)})")
        if source.name in self.subscriptions:
            raise ValueError(f"audit source {source.name!r} is subscribed twice")
        sub = aws.cloudwatch.LogSubscriptionFilter(
            f"{self._name}-{source.name}-subscription",
            name=self._ctx.naming.physical(f"audit-{source.name}"),
            log_group=source.log_group_name,
            filter_pattern=source.filter_pattern,
            destination_arn=self.streams[source.table].arn,
            role_arn=self.subscription_role.arn,
            # CloudWatch Logs tests the role when the filter is created: the grant must exist first.
            opts=child_opts(self, depends_on=[self._subscription_policy]),
        )
        self.subscriptions[source.name] = sub
        return sub

    # --- pieces -----------------------------------------------------------------------------------

    def _table(self, table: str, columns: list[Column]) -> aws.glue.CatalogTable:
        location: Callable[[str], str] = lambda bucket: f"s3://{bucket}/{table}/"
        return aws.glue.CatalogTable(
            f"{self._name}-{table.replace('_', '-')}-table",
            name=table,
            database_name=self.database.name,
            table_type="EXTERNAL_TABLE",
            parameters=self.bucket.bucket.apply(lambda b: projection_parameters(b, table)),
            partition_keys=[aws.glue.CatalogTablePartitionKeyArgs(
                name=PARTITION_KEY, type="string", comment="arrival day at Firehose (UTC), yyyy-MM-dd")],
            storage_descriptor=aws.glue.CatalogTableStorageDescriptorArgs(
                location=self.bucket.bucket.apply(location),
                input_format=PARQUET_INPUT,
                output_format=PARQUET_OUTPUT,
                ser_de_info=aws.glue.CatalogTableStorageDescriptorSerDeInfoArgs(
                    serialization_library=PARQUET_SERDE, parameters={"serialization.format": "1"}),
                columns=[aws.glue.CatalogTableStorageDescriptorColumnArgs(
                    name=c.name, type=c.type, comment=f"log key {c.json_key}") for c in columns],
            ),
            opts=child_opts(self),
        )

    def _stream(self, table: str, columns: list[Column], delivery_policy: aws.iam.RolePolicy
                ) -> aws.kinesis.FirehoseDeliveryStream:
        ctx, glue_table = self._ctx, self.tables[table]
        processors = [{"type": p["type"], "parameters": [
            {"parameter_name": q["parameterName"], "parameter_value": q["parameterValue"]} for q in p["parameters"]]}
            for p in firehose_processors()]
        mappings = json_key_mappings(columns)
        openx = {"column_to_json_key_mappings": mappings} if mappings else {}
        return aws.kinesis.FirehoseDeliveryStream(
            f"{self._name}-{table.replace('_', '-')}-stream",
            name=ctx.naming.physical(f"audit-{table}"),
            destination="extended_s3",
            server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": self.key.arn},
            extended_s3_configuration={
                "role_arn": self.delivery_role.arn,
                "bucket_arn": self.bucket.arn,
                "prefix": s3_prefix(table),
                "error_output_prefix": error_prefix(table),
                "buffering_size": FORMAT_CONVERSION_BUFFER_MB,
                "buffering_interval": ctx.settings.audit.buffer_seconds,
                "compression_format": "UNCOMPRESSED",  # Parquet compresses its pages (Snappy)
                "kms_key_arn": self.key.arn,
                "processing_configuration": {"enabled": True, "processors": processors},
                "data_format_conversion_configuration": {
                    "enabled": True,
                    "input_format_configuration": {"deserializer": {"open_x_json_ser_de": openx}},
                    "output_format_configuration": {"serializer": {"parquet_ser_de": {"compression": "SNAPPY"}}},
                    "schema_configuration": {
                        "database_name": self.database.name,
                        "table_name": glue_table.name,
                        "role_arn": self.delivery_role.arn,
                        "region": ctx.region,
                        "catalog_id": ctx.account_id,
                        "version_id": "LATEST",
                    },
                },
            },
            # Firehose checks its role when the stream is created.
            opts=child_opts(self, depends_on=[delivery_policy]),
        )

    def _workgroup(self) -> aws.athena.Workgroup:
        ctx = self._ctx
        return aws.athena.Workgroup(
            f"{self._name}-workgroup",
            name=ctx.naming.physical("audit"),
            description="Audit log queries (results encrypted with the audit key)",
            force_destroy=not ctx.prod,
            configuration=aws.athena.WorkgroupConfigurationArgs(
                enforce_workgroup_configuration=True,
                publish_cloudwatch_metrics_enabled=True,
                result_configuration=aws.athena.WorkgroupConfigurationResultConfigurationArgs(
                    output_location=self.results_bucket.bucket.apply(lambda b: f"s3://{b}/results/"),
                    encryption_configuration=aws.athena.WorkgroupConfigurationResultConfigurationEncryptionConfigurationArgs(
                        encryption_option="SSE_KMS", kms_key_arn=self.key.arn),
                ),
            ),
            opts=child_opts(self),
        )


def database_name(ctx: StackContext) -> str:
    """Glue database of the audit tables: ``<project>_<stack>_audit`` (Glue and Athena names take no hyphens)."""
    return f"{ctx.naming.prefix.replace('-', '_')}_audit"
