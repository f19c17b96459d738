"""The control plane in the dev and prod inventories: the admin API (REST API, authorizer, methods
from ROUTES, stage, WAF, invoke permission), its Lambda and role, the tables, and the publisher's
store grants; and a stack without it."""

from __future__ import annotations

import json

import pytest

from components.admin_api import admin_function_statements
from components.renderers.admin_api import ACCESS_LOG_FIELDS, deployment_fingerprint
from components.renderers.function_policies import function_role_policy, publisher_store_statements
from functions.admin_api.permissions import CALLS
from functions.admin_api.routes import PUBLIC, ROUTES
from functions.publisher.permissions import CALLS as PUBLISHER_CALLS
from tests.support import PLAIN_HTTP_BEDROCK_ONLY, attribute, baseline, run_stack
from tools.fakes import ACCOUNT_ID

REST_API = "aws:apigateway/restApi:RestApi"
RESOURCE = "aws:apigateway/resource:Resource"
METHOD = "aws:apigateway/method:Method"
INTEGRATION = "aws:apigateway/integration:Integration"
AUTHORIZER = "aws:apigateway/authorizer:Authorizer"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
STAGE = "aws:apigateway/stage:Stage"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
ACCOUNT = "aws:apigateway/account:Account"
TABLE = "aws:dynamodb/table:Table"
KEY = "aws:kms/key:Key"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
WAF = "aws:wafv2/webAcl:WebAcl"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
POOL = "aws:cognito/userPool:UserPool"
APP = "aws:appconfig/application:Application"
ENV = "aws:appconfig/environment:Environment"
PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
STACKS = ["dev", "prod"]
ADMIN_SCOPE = "https://gateway.internal/admin"
ADMIN_ENV = {"CONTROL_TABLE", "USAGE_TABLE", "USER_POOL_ID", "INVOKE_SCOPE", "ADMIN_SCOPE", "PUBLISHER_FUNCTION",
             "APPLICATION_ID", "ENVIRONMENT_ID", "GATEWAY_PROFILE_ID", "CATALOG_PROFILE_ID", "ACCESS_TOKEN_MINUTES",
             "CLIENT_NAME_PREFIX"}


def functions(inv):
    return {f.inputs["name"]: f for f in inv.of_type(FUNCTION)}


def method_paths(inv) -> dict[tuple[str, str], object]:
    """(verb, path) -> Method row, each path resolved through the Resource parents to the RestApi."""
    api = inv.one(REST_API)
    by_urn = {r.urn: r for r in inv.of_type(RESOURCE)}

    def path(urns: list[str]) -> str:
        (urn,) = urns
        if urn == api.urn:
            return ""
        node = by_urn[urn]
        return f"{path(node.property_dependencies['parentId'])}/{node.inputs['pathPart']}"

    return {(m.inputs["httpMethod"], path(m.property_dependencies["resourceId"]) or "/"): m
            for m in inv.of_type(METHOD)}


@pytest.mark.parametrize("stack", STACKS)
def test_the_methods_are_exactly_the_routes(stack):
    inv = baseline(stack)
    methods = method_paths(inv)
    assert sorted(methods) == sorted((r.method, r.path) for r in ROUTES)
    # One resource per path segment: no duplicates, no strays.
    segments = {"/".join(r.path.split("/")[: i + 1]) for r in ROUTES for i in range(1, r.path.count("/") + 1)}
    assert len(inv.of_type(RESOURCE)) == len(segments)


@pytest.mark.parametrize("stack", STACKS)
def test_every_method_but_the_health_check_needs_the_pools_admin_scope(stack):
    inv = baseline(stack)
    api = inv.one(REST_API)
    assert api.inputs["endpointConfiguration"]["types"] == "REGIONAL"
    authorizer = inv.one(AUTHORIZER)
    pool = inv.one(POOL)
    assert authorizer.inputs["type"] == "COGNITO_USER_POOLS"
    assert authorizer.inputs["providerArns"] == [attribute(pool, "arn")]
    assert authorizer.property_dependencies["providerArns"] == [pool.urn]
    public = {(r.method, r.path) for r in PUBLIC}
    assert public == {("GET", "/health")}
    for key, method in method_paths(inv).items():
        if key in public:
            assert method.inputs["authorization"] == "NONE" and "authorizationScopes" not in method.inputs
            continue
        assert method.inputs["authorization"] == "COGNITO_USER_POOLS", key
        assert method.inputs["authorizerId"] == attribute(authorizer, "id"), key
        assert method.inputs["authorizationScopes"] == [ADMIN_SCOPE], key


@pytest.mark.parametrize("stack", STACKS)
def test_each_method_proxies_to_the_admin_function(stack):
    inv = baseline(stack)
    fn = functions(inv)[f"ai-gateway-{stack}-admin-api"]
    methods = method_paths(inv)
    integrations = inv.of_type(INTEGRATION)
    assert len(integrations) == len(methods)
    for integration in integrations:
        assert integration.inputs["type"] == "AWS_PROXY" and integration.inputs["integrationHttpMethod"] == "POST"
        assert integration.inputs["uri"] == attribute(fn, "invokeArn")
    assert {(i.inputs["httpMethod"], i.inputs["resourceId"]) for i in integrations} == {
        (m.inputs["httpMethod"], m.inputs["resourceId"]) for m in methods.values()}


@pytest.mark.parametrize("stack", STACKS)
def test_the_invoke_permission_is_this_apis_execution_arn(stack):
    inv = baseline(stack)
    api = inv.one(REST_API)
    fn = functions(inv)[f"ai-gateway-{stack}-admin-api"]
    (permission,) = [p for p in inv.of_type(PERMISSION) if p.inputs["principal"] == "apigateway.amazonaws.com"]
    execution_arn = attribute(api, "executionArn")
    assert execution_arn.startswith(f"arn:aws:execute-api:us-east-1:{ACCOUNT_ID}:")
    assert permission.inputs["sourceArn"] == f"{execution_arn}/v1/*/*"
    assert permission.property_dependencies["sourceArn"] == [api.urn]
    assert permission.inputs["function"] == fn.inputs["name"] and permission.inputs["action"] == "lambda:InvokeFunction"


@pytest.mark.parametrize("stack, rate, burst", [("dev", 10.0, 20), ("prod", 20.0, 40)])
def test_the_stage_traces_logs_json_throttles_and_sits_behind_the_waf(stack, rate, burst):
    inv = baseline(stack)
    stage = inv.one(STAGE)
    deployment = inv.one(DEPLOYMENT)
    assert stage.inputs["stageName"] == "v1" and stage.inputs["xrayTracingEnabled"] is True
    assert stage.inputs["deployment"] == attribute(deployment, "id")
    group = inv.one(LOG_GROUP, "admin-api-access-logs")
    assert group.inputs["name"] == f"/ai-gateway/{stack}/admin-api-access"
    assert group.inputs["retentionInDays"] == (30 if stack == "dev" else 365)
    assert group.property_dependencies["kmsKeyId"] == [inv.one(KEY, "observability-logs-key").urn]
    logs = stage.inputs["accessLogSettings"]
    assert logs["destinationArn"] == attribute(group, "arn")
    assert json.loads(logs["format"]) == ACCESS_LOG_FIELDS
    assert "authorization" not in logs["format"].lower()
    settings = inv.one(METHOD_SETTINGS)
    assert settings.property_dependencies["stageName"] == [stage.urn] and settings.inputs["methodPath"] == "*/*"
    assert settings.inputs["settings"]["throttlingRateLimit"] == rate
    assert settings.inputs["settings"]["throttlingBurstLimit"] == burst
    assert settings.inputs["settings"]["loggingLevel"] == "OFF"
    assert settings.inputs["settings"]["dataTraceEnabled"] is False
    (association,) = [a for a in inv.of_type(WAF_ASSOCIATION) if a.property_dependencies["resourceArn"] == [stage.urn]]
    assert association.inputs["resourceArn"] == attribute(stage, "arn")
    assert association.property_dependencies["webAclArn"] == [inv.one(WAF).urn]
    assert inv.outputs["adminApiUrl"] == attribute(stage, "invokeUrl")


@pytest.mark.parametrize("stack", STACKS)
def test_a_new_deployment_follows_every_change_of_the_methods(stack):
    inv = baseline(stack)
    deployment = inv.one(DEPLOYMENT)
    routes = [tuple(r) for r in ROUTES]
    assert deployment.inputs["triggers"] == {
        "methods": deployment_fingerprint(routes, [tuple(r) for r in PUBLIC], ADMIN_SCOPE)}
    assert deployment_fingerprint(routes[:-1], [tuple(r) for r in PUBLIC], ADMIN_SCOPE) != \
        deployment.inputs["triggers"]["methods"]
    # Created only after every method and integration it snapshots.
    for row in [*inv.of_type(METHOD), *inv.of_type(INTEGRATION)]:
        assert row.urn in deployment.dependencies


@pytest.mark.parametrize("stack, managed", [("dev", False), ("prod", True)])
def test_only_the_stack_that_says_so_manages_api_gatewaya_cloudwatch_role(stack, managed):
    inv = baseline(stack)
    accounts = inv.of_type(ACCOUNT)
    assert len(accounts) == int(managed)
    if managed:
        role = inv.one("aws:iam/role:Role", "admin-api-cloudwatch-role")
        assert accounts[0].inputs["cloudwatchRoleArn"] == attribute(role, "arn")
        trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert [s["Principal"] for s in trust] == [{"Service": "apigateway.amazonaws.com"}]
        statements = _statements(inv, "admin-api-cloudwatch-role-policy")
        groups = f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/ai-gateway/*"
        assert statements[0]["Resource"] == [groups, f"{groups}:*"]  # every stack's access log group, no other
        assert [s["Resource"] for s in statements[1:]] == ["*"] and statements[1]["Action"] == "logs:DescribeLogGroups"
        assert accounts[0].urn in inv.one(STAGE).dependencies


@pytest.mark.parametrize("stack", STACKS)
def test_the_admin_function_gets_its_environment(stack):
    inv = baseline(stack)
    fns = functions(inv)
    fn = fns[f"ai-gateway-{stack}-admin-api"]
    assert fn.inputs["handler"] == "functions.admin_api.handler.handler"
    assert fn.inputs["runtime"] == "python3.13" and fn.inputs["architectures"] == ["arm64"]
    assert fn.inputs["timeout"] == 29  # API Gateway's integration timeout
    variables = fn.inputs["environment"]["variables"]
    assert ADMIN_ENV <= set(variables) and set(variables) - ADMIN_ENV == {"POWERTOOLS_SERVICE_NAME"}
    tables = {t.inputs["name"]: t for t in inv.of_type(TABLE)}
    assert variables["CONTROL_TABLE"] == f"ai-gateway-{stack}-control" in tables
    assert variables["USAGE_TABLE"] == f"ai-gateway-{stack}-usage" in tables
    assert variables["USER_POOL_ID"] == attribute(inv.one(POOL), "id")
    assert variables["INVOKE_SCOPE"] == "https://gateway.internal/invoke"
    assert variables["ADMIN_SCOPE"] == ADMIN_SCOPE
    assert variables["PUBLISHER_FUNCTION"] == f"ai-gateway-{stack}-publisher"
    assert variables["APPLICATION_ID"] == attribute(inv.one(APP), "id")
    assert variables["ENVIRONMENT_ID"] == attribute(inv.one(ENV), "environmentId")
    profiles = {p.inputs["name"]: attribute(p, "configurationProfileId") for p in inv.of_type(PROFILE)}
    assert (variables["GATEWAY_PROFILE_ID"], variables["CATALOG_PROFILE_ID"]) == (profiles["gateway"], profiles["catalog"])
    assert variables["ACCESS_TOKEN_MINUTES"] == "60"
    # The stack's own team clients follow the same pattern.
    assert variables["CLIENT_NAME_PREFIX"] == f"ai-gateway-{stack}-team-"
    assert inv.one("aws:cognito/userPoolClient:UserPoolClient", "auth-team-platform").inputs["name"].startswith(
        variables["CLIENT_NAME_PREFIX"])


def _statements(inv, name):
    return json.loads(inv.one(ROLE_POLICY, name).inputs["policy"])["Statement"]


@pytest.mark.parametrize("stack", STACKS)
def test_the_admin_role_holds_exactly_what_calls_declares(stack):
    inv = baseline(stack)
    fns = functions(inv)
    tables = {t.inputs["name"].rsplit("-", 1)[-1]: attribute(t, "arn") for t in inv.of_type(TABLE)}
    profiles = {p.inputs["name"]: attribute(p, "configurationProfileId") for p in inv.of_type(PROFILE)}
    log_group = attribute(inv.one(LOG_GROUP, "admin-api-function-logs"), "arn")
    derived = admin_function_statements([
        "aws", ACCOUNT_ID, tables["control"], tables["usage"], attribute(inv.one(POOL), "arn"),
        attribute(fns[f"ai-gateway-{stack}-publisher"], "arn"), attribute(inv.one(APP), "id"),
        attribute(inv.one(ENV), "environmentId"), profiles["gateway"], profiles["catalog"],
        attribute(inv.one(KEY, "control-store-key"), "arn"), "us-east-1"])
    statements = _statements(inv, "admin-api-function-policy")
    assert statements == function_role_policy(log_group_arn=log_group, extra=derived)["Statement"]
    assert all(s["Resource"] for s in statements)
    granted = {a for s in statements if s["Sid"].startswith("Call")
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert granted == {a for actions in CALLS.values() for a in actions}
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["CallControlTable"]["Resource"] == [tables["control"]]
    assert by_sid["CallUsageTable"]["Resource"] == [tables["usage"]]
    assert by_sid["CallPublisher"]["Resource"] == [attribute(fns[f"ai-gateway-{stack}-publisher"], "arn")]
    assert by_sid["UseTableKeyThroughDynamoDB"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}


@pytest.mark.parametrize("stack", STACKS)
def test_the_publisher_reads_and_writes_the_control_table(stack):
    inv = baseline(stack)
    publisher = functions(inv)[f"ai-gateway-{stack}-publisher"]
    assert publisher.inputs["environment"]["variables"]["CONTROL_TABLE"] == f"ai-gateway-{stack}-control"
    control = attribute(inv.one(TABLE, "control-store-control"), "arn")
    key = attribute(inv.one(KEY, "control-store-key"), "arn")
    statements = _statements(inv, "live-config-publisher-policy")
    expected = publisher_store_statements(PUBLISHER_CALLS, control_table_arn=control, key_arn=key, region="us-east-1")
    assert statements[-len(expected):] == expected
    assert [s for s in statements if "dynamodb" in json.dumps(s["Action"])] == expected[:1]


@pytest.mark.parametrize("stack, protected", [("dev", False), ("prod", True)])
def test_the_tables_follow_the_store_contract(stack, protected):
    inv = baseline(stack)
    key = inv.one(KEY, "control-store-key")
    assert key.inputs["enableKeyRotation"] is True and key.protect is protected
    key_policy = json.loads(key.inputs["policy"])["Statement"]
    # With usage on (the default), the notices topic and the chargeback reports use the key too.
    use = next(s for s in key_policy if s["Sid"] == "UseThroughItsServicesOfThisRegion")
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == [
        f"{service}.us-east-1.amazonaws.com" for service in ("dynamodb", "sns", "s3")]
    tables = {t.inputs["name"]: t for t in inv.of_type(TABLE)}
    assert set(tables) == {f"ai-gateway-{stack}-control", f"ai-gateway-{stack}-usage"}
    for table in tables.values():
        i = table.inputs
        assert (i["billingMode"], i["hashKey"], i["rangeKey"]) == ("PAY_PER_REQUEST", "pk", "sk")
        assert sorted((a["name"], a["type"]) for a in i["attributes"]) == [("pk", "S"), ("sk", "S")]
        assert i["ttl"] == {"attributeName": "ttl", "enabled": True}
        assert i["pointInTimeRecovery"] == {"enabled": True}
        assert i["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": attribute(key, "arn")}
        assert i["deletionProtectionEnabled"] is protected and table.protect is protected
    assert inv.outputs["controlTable"] == f"ai-gateway-{stack}-control"
    assert inv.outputs["usageTable"] == f"ai-gateway-{stack}-usage"


def test_without_jwt_validation_there_is_no_control_plane():
    inv = run_stack("dev", PLAIN_HTTP_BEDROCK_ONLY)
    for type_ in (REST_API, METHOD, STAGE, ACCOUNT):
        assert inv.of_type(type_) == []
    assert not [n for n in functions(inv) if n.endswith("admin-api")]
    assert "adminApiUrl" not in inv.outputs
    # The tables stay for usage metering (on by default), and the publisher reads the store for budgets.
    assert len(inv.of_type(TABLE)) == 2 and {"controlTable", "usageTable"} <= set(inv.outputs)
