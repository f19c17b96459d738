"""The audit log's pure pieces: table columns against the renderer's log fields, the named queries
as Athena (Trino) SQL over those columns, Firehose's processors, and the roles' documents."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from components.renderers import audit_policies, audit_tables
from components.renderers.agentgateway_config import render_agentgateway_config
from components.renderers.audit_queries import DURATION_MS, QUERIES
from components.renderers.audit_tables import (
    ACCESS_TABLE, ADMIN_TABLE, PARTITION_KEY, access_columns, admin_columns, json_key_mappings,
)
from gateway_config import checks
from gateway_config.render import BODY_LOG_FIELDS, LOG_FIELDS
from tests.renderers.strategies import dev_plain_http, gateway_context, load

ADMIN_AUDIT_LINE = {"audit": True, "actor": "client-1", "action": "team.update", "target": "team#data-science",
                    "before": {"tier": "standard"}, "after": {"tier": "high"}, "at": "2026-12-01T10:00:00Z"}
"""An audit line as the admin API writes it (its Powertools fields left out)."""
DATABASE = "ai_gateway_dev_audit"


def _emitted_keys(include_bodies: bool) -> set[str]:
    """Every JSON key an access-log line can carry: agentgateway's own plus the config's additions."""
    values = {**dev_plain_http(), "auth": {"jwtValidation": True}, "edge": {"certificateArn":
              "arn:aws:acm:us-east-1:123456789012:certificate/0b5c7a2e-0000-4000-8000-000000000000"},
              "audit": {"enabled": True, "includeBodies": include_bodies}}
    loaded = load(values)
    added = render_agentgateway_config(loaded.settings, gateway_context(loaded, {"c1": "t1"}))[
        "frontendPolicies"]["accessLog"]["add"]
    builtin = set(LOG_FIELDS.values()) - set(added)
    return builtin | set(added)


def test_access_columns_are_exactly_the_log_fields_the_renderer_emits():
    for bodies in (False, True):
        columns = access_columns(bodies)
        assert {c.json_key for c in columns} == _emitted_keys(bodies)
        assert len({c.name for c in columns}) == len(columns)  # no two keys land in one column
        assert all(c.name == c.json_key.replace(".", "_") for c in columns)
    assert {c.name for c in access_columns(True)} - {c.name for c in access_columns(False)} == {"prompt", "completion"}


def test_dotted_keys_are_mapped_explicitly_and_only_they():
    mappings = json_key_mappings(access_columns(False))
    assert mappings == {"http_method": "http.method", "http_path": "http.path", "http_host": "http.host",
                        "http_status": "http.status", "trace_id": "trace.id", "retry_attempt": "retry.attempt"}
    assert json_key_mappings(admin_columns()) == {}


def test_column_types_follow_the_values_the_gateway_writes():
    types = {c.name: c.type for c in access_columns(True)}
    assert types["http_status"] == "int" and types["retry_attempt"] == "int"
    assert types["duration"] == "string"  # "1234ms"
    assert types["cost_usd"] == "double"
    assert {types[k] for k in ("input_tokens", "output_tokens", "total_tokens")} == {"bigint"}
    assert types["prompt"] == "array<struct<role:string,content:string>>" and types["completion"] == "array<string>"
    assert set(audit_tables.ACCESS_COLUMN_TYPES) == set(LOG_FIELDS) | set(BODY_LOG_FIELDS)


def test_bodies_are_logged_with_cel_the_gateway_knows(cel_schema):
    values = {**dev_plain_http(), "audit": {"enabled": True, "includeBodies": True}}
    loaded = load(values)
    added = render_agentgateway_config(loaded.settings, gateway_context(loaded))["frontendPolicies"]["accessLog"]["add"]
    assert added["prompt"] == "llm.prompt" and added["completion"] == "llm.completion"
    for expression in (added["prompt"], added["completion"]):
        assert all(checks.cel_path_exists(cel_schema, p) for p in checks.cel_paths(expression))
    off = load(dev_plain_http())
    assert not {"prompt", "completion"} & set(
        render_agentgateway_config(off.settings, gateway_context(off))["frontendPolicies"]["accessLog"]["add"])


def test_admin_columns_are_the_audit_line_fields():
    assert [c.name for c in admin_columns()] == list(ADMIN_AUDIT_LINE)
    assert {c.name: c.type for c in admin_columns()}["audit"] == "boolean"


def test_filters_select_access_lines_and_audit_lines():
    assert audit_tables.ACCESS_FILTER_PATTERN == '{ $.scope = "request" }'
    assert LOG_FIELDS["scope"] == "scope"
    assert audit_tables.ADMIN_FILTER_PATTERN == "{ $.audit IS TRUE }"


def test_firehose_processors_are_exactly_decompression_then_message_extraction():
    processors = audit_tables.firehose_processors()
    assert processors == [
        {"type": "Decompression", "parameters": [{"parameterName": "CompressionFormat", "parameterValue": "GZIP"}]},
        {"type": "CloudWatchLogProcessing",
         "parameters": [{"parameterName": "DataMessageExtraction", "parameterValue": "true"}]},
    ]
    assert not any(p["type"] == "Lambda" for p in processors)


def test_prefixes_partition_by_arrival_day_and_projection_agrees():
    assert audit_tables.s3_prefix("access") == "access/dt=!{timestamp:yyyy-MM-dd}/"
    assert audit_tables.error_prefix("access") == "errors/access/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"
    params = audit_tables.projection_parameters("b", "access")
    assert params["projection.enabled"] == "true" and params["projection.dt.type"] == "date"
    assert params["projection.dt.format"] == "yyyy-MM-dd"
    assert params["storage.location.template"] == "s3://b/access/dt=${dt}/"
    assert params["projection.dt.range"].endswith(",NOW")


# --- named queries -------------------------------------------------------------------------------

TABLE_COLUMNS = {
    ACCESS_TABLE: {c.name for c in access_columns(False)} | {PARTITION_KEY},
    ADMIN_TABLE: {c.name for c in admin_columns()} | {PARTITION_KEY},
}


def _parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read="trino", error_level=sqlglot.ErrorLevel.RAISE)


def test_named_queries_parse_as_trino_and_use_only_their_tables_columns():
    assert {q.name for q in QUERIES} == {"spend-by-team-and-month", "refusals", "admin-changes-by-actor", "top-models",
                                         "latency-by-provider"}
    for query in QUERIES:
        tree = _parse(query.sql(DATABASE))
        tables = [t for t in tree.find_all(exp.Table)]
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        real = [t for t in tables if t.name not in ctes]
        assert real and all(t.name == query.table and t.db == DATABASE for t in real), query.name
        aliases = {a.alias for a in tree.find_all(exp.Alias)}
        # Every name a query introduces is new: an alias never shadows a column it could be mistaken for.
        assert not aliases & TABLE_COLUMNS[query.table], (query.name, aliases & TABLE_COLUMNS[query.table])
        used = {c.name for c in tree.find_all(exp.Column)} - aliases
        assert used <= TABLE_COLUMNS[query.table], (query.name, used - TABLE_COLUMNS[query.table])
        assert PARTITION_KEY in used, f"{query.name} reads every partition"


def test_a_query_naming_a_missing_column_fails_the_check():
    tree = _parse(f'SELECT team, latency FROM "{DATABASE}"."access" WHERE dt >= \'2026-01-01\'')
    used = {c.name for c in tree.find_all(exp.Column)}
    assert used - TABLE_COLUMNS[ACCESS_TABLE] == {"latency"}


def test_figures_come_from_the_log_line():
    sql = {q.name: q.sql(DATABASE) for q in QUERIES}
    assert DURATION_MS in sql["latency-by-provider"]
    assert 'from_iso8601_timestamp("time")' in sql["spend-by-team-and-month"]
    assert "http_status IN (403, 429)" in sql["refusals"]
    assert "from_iso8601_timestamp(at)" in sql["admin-changes-by-actor"]


def test_duration_parses_milliseconds_only():
    tree = _parse(f"SELECT {DURATION_MS} AS ms FROM t")
    regex = next(tree.find_all(exp.RegexpExtract))
    pattern = regex.expression.name
    import re
    assert re.fullmatch(pattern, "1234ms") and re.fullmatch(pattern, "12.5ms")
    assert not re.fullmatch(pattern, "1s") and not re.fullmatch(pattern, "ms")


# --- roles -------------------------------------------------------------------------------------------

def test_logs_role_is_trusted_only_for_this_account_in_this_region():
    trust = audit_policies.logs_trust_policy("aws", "us-east-1", "123456789012")["Statement"][0]
    assert trust["Principal"] == {"Service": "logs.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"},
                                  "ArnLike": {"aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*"}}


def test_subscription_role_puts_records_into_the_named_streams_only():
    arns = ["arn:aws:firehose:us-east-1:123456789012:deliverystream/a"]
    (statement,) = audit_policies.subscription_policy(arns)["Statement"]
    assert statement["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    assert statement["Resource"] == arns


def test_delivery_role_reaches_its_bucket_tables_and_key_through_s3():
    doc = audit_policies.delivery_policy("aws", "us-east-1", "123456789012", bucket="b", key_arn="arn:k",
                                         database="db", tables=["access", "admin_changes"])
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert by_sid["WriteAuditObjects"]["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
    assert by_sid["ReadTableSchema"]["Resource"] == sorted([
        "arn:aws:glue:us-east-1:123456789012:catalog", "arn:aws:glue:us-east-1:123456789012:database/db",
        "arn:aws:glue:us-east-1:123456789012:table/db/access", "arn:aws:glue:us-east-1:123456789012:table/db/admin_changes"])
    assert by_sid["EncryptAuditObjects"]["Condition"]["StringEquals"] == {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert all(s["Resource"] for s in doc["Statement"])
    assert audit_policies.granted_actions(doc) == set(audit_policies.S3_DELIVERY_ACTIONS) | set(
        audit_policies.GLUE_SCHEMA_ACTIONS) | set(audit_policies.KMS_DATA_KEY_ACTIONS)
