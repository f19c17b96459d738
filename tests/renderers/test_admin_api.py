"""The admin API's shape as pure data: resources per path segment, names, the deployment trigger,
the access log line, and IAM statements derived from a function's declared calls."""

from __future__ import annotations

import json

import pytest

from components.renderers.admin_api import (
    ACCESS_LOG_FORMAT,
    ResourcePath,
    admin_resources,
    deployment_fingerprint,
    invoke_source_arn,
    method_name,
    resource_name,
    resource_paths,
)
from components.renderers.function_policies import statements_from_calls, table_key_statement
from functions.admin_api.permissions import CALLS
from functions.admin_api.routes import PUBLIC, ROUTES

SCOPE = "https://gateway.internal/admin"


def test_one_resource_per_path_segment_parents_first():
    assert resource_paths(["/teams/{team}/budget", "/teams", "/health", "/prices/{provider}/{model}"]) == [
        ResourcePath("/health", "/", "health"),
        ResourcePath("/prices", "/", "prices"),
        ResourcePath("/teams", "/", "teams"),
        ResourcePath("/prices/{provider}", "/prices", "{provider}"),
        ResourcePath("/teams/{team}", "/teams", "{team}"),
        ResourcePath("/prices/{provider}/{model}", "/prices/{provider}", "{model}"),
        ResourcePath("/teams/{team}/budget", "/teams/{team}", "budget"),
    ]
    assert resource_paths(["/"]) == []


@pytest.mark.parametrize("bad", ["teams", "/teams/", "/teams//x", ""])
def test_a_malformed_path_is_refused(bad):
    with pytest.raises(ValueError):
        resource_paths([bad])


def test_names_are_unique_for_every_route_and_resource():
    methods = [method_name(r.method, r.path) for r in ROUTES]
    assert len(set(methods)) == len(methods)
    assert method_name("POST", "/config/dry-run") == "post-config-dry-run"
    resources = [resource_name(r.path) for r in resource_paths(r.path for r in ROUTES)]
    assert len(set(resources)) == len(resources)
    assert resource_name("/teams/{team}") == "teams-team"


def test_the_deployment_changes_with_the_routes_the_public_set_and_the_scope():
    routes, public = [tuple(r) for r in ROUTES], [tuple(r) for r in PUBLIC]
    base = deployment_fingerprint(routes, public, SCOPE)
    assert deployment_fingerprint(list(reversed(routes)), public, SCOPE) == base  # order is not a change
    assert deployment_fingerprint([*routes, ("GET", "/audit")], public, SCOPE) != base
    assert deployment_fingerprint(routes, [], SCOPE) != base
    assert deployment_fingerprint(routes, public, "other/admin") != base


def test_the_access_log_is_one_json_line_without_credentials():
    fields = json.loads(ACCESS_LOG_FORMAT)
    assert "\n" not in ACCESS_LOG_FORMAT
    assert fields["clientId"] == "$context.authorizer.claims.client_id"
    assert {"requestId", "status", "resource", "method", "ip", "wafStatus", "traceId"} <= set(fields)
    assert not [v for v in fields.values() if "header" in v.lower() or "body" in v.lower()]


def test_the_source_arn_names_this_api_and_stage():
    assert invoke_source_arn("arn:aws:execute-api:us-east-1:123456789012:abc123", "v1") == \
        "arn:aws:execute-api:us-east-1:123456789012:abc123/v1/*/*"


def resources():
    return admin_resources(
        partition="aws", region="us-east-1", account_id="123456789012",
        control_table_arn="arn:aws:dynamodb:us-east-1:123456789012:table/p-control",
        usage_table_arn="arn:aws:dynamodb:us-east-1:123456789012:table/p-usage",
        user_pool_arn="arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x",
        publisher_arn="arn:aws:lambda:us-east-1:123456789012:function:p-publisher",
        application_id="app1", environment_id="env1", profile_ids=["gw1", "cat1"])


def test_every_resource_role_of_the_admin_calls_has_arns_of_this_stack():
    by_role = resources()
    assert set(by_role) == set(CALLS)
    app = "arn:aws:appconfig:us-east-1:123456789012:application/app1"
    assert by_role["appconfig"] == [
        f"{app}/environment/env1", f"{app}/environment/env1/deployment/*",
        f"{app}/configurationprofile/gw1", f"{app}/configurationprofile/cat1",
        f"{app}/configurationprofile/gw1/hostedconfigurationversion/*",
        f"{app}/configurationprofile/cat1/hostedconfigurationversion/*"]
    statements = statements_from_calls(CALLS, by_role)
    assert [s["Sid"] for s in statements] == [
        "CallAppconfig", "CallControlTable", "CallPublisher", "CallUsageTable", "CallUserPool"]
    for s in statements:
        assert s["Resource"] and not [r for r in s["Resource"] if r == "*"]
    assert next(s for s in statements if s["Sid"] == "CallPublisher")["Action"] == "lambda:InvokeFunction"


def test_a_role_without_arns_or_arns_without_a_call_is_refused():
    by_role = resources()
    with pytest.raises(ValueError, match=r"without ARNs: \['userPool'\]"):
        statements_from_calls(CALLS, {**by_role, "userPool": []})
    with pytest.raises(ValueError, match=r"does not call: \['queue'\]"):
        statements_from_calls(CALLS, {**by_role, "queue": ["arn:aws:sqs:us-east-1:123456789012:q"]})


def test_the_table_key_is_used_only_through_dynamodb_of_the_region():
    st = table_key_statement(key_arn="arn:aws:kms:us-east-1:123456789012:key/k", region="eu-west-1")
    assert st["Resource"] == ["arn:aws:kms:us-east-1:123456789012:key/k"]
    assert st["Condition"] == {"StringEquals": {"kms:ViaService": "dynamodb.eu-west-1.amazonaws.com"}}
    assert "kms:Decrypt" in st["Action"] and not [a for a in st["Action"] if "*" in a]
