"""The admin API's world for tests: moto DynamoDB and Cognito, Stubber for Lambda Invoke and AppConfig.

Every client records the AWS calls made on it (``provide-client-params``, before any stub or moto
answers), as ``(service, operation, table)``, so a test can compare them with
``functions.admin_api.permissions.CALLS``.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any, Optional

import boto3
from botocore.stub import Stubber

from aigw.transport import InProcessTransport, rest_event
from functions.admin_api.deps import Deps
from functions.admin_api.handler import make_handler
from functions.admin_api.settings import AdminSettings
from functions.shared import store
from functions.shared.appconfig import AppConfig
from functions.shared.store_snapshot import save_documents
from functions.shared.tables import Table

from ..conftest import BASE, REGION, LogCapture

CONTROL = "gw-dev-control"
USAGE = "gw-dev-usage"
APP_ID = "app0001"
ENV_ID = "env0001"
GATEWAY_PROFILE = "gw00001"
CATALOG_PROFILE = "cat0001"
ADMIN_SCOPE = "gw/admin"
INVOKE_SCOPE = "gw/invoke"
PUBLISHER = "gw-dev-publisher"
NOW = datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc)
ADMIN_CLAIMS = {"client_id": "admin-client-1", "scope": f"{ADMIN_SCOPE} other/read", "token_use": "access"}
STACK_BASE: dict[str, Any] = {**copy.deepcopy(BASE), "tiers": {"standard": {"limits": {"requestsPerMinute": 100}}, "premium": {}},
                               "rateLimit": {"mode": "global", "service": "127.0.0.1:8081", "defaultTier": "standard"}}
STACK_OVERLAY: dict[str, Any] = {"teams": [{"name": "alpha", "clientIds": ["client-alpha-1"]}]}


def create_tables(client: Any) -> None:
    """Both tables with the contract's key schema (``pk``/``sk`` strings, on demand)."""
    for name in (CONTROL, USAGE):
        client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                            KeySchema=[{"AttributeName": store.PK, "KeyType": "HASH"},
                                       {"AttributeName": store.SK, "KeyType": "RANGE"}],
                            AttributeDefinitions=[{"AttributeName": store.PK, "AttributeType": "S"},
                                                  {"AttributeName": store.SK, "AttributeType": "S"}])


class World:
    """moto (DynamoDB, Cognito) and stubbed (Lambda, AppConfig) clients, the handler over them, and records."""

    def __init__(self, *, seed_documents: bool = True) -> None:
        self.calls: list[tuple[str, str, Optional[str]]] = []
        self.dynamodb = self._recorded(boto3.client("dynamodb", region_name=REGION))
        self.cognito = self._recorded(boto3.client("cognito-idp", region_name=REGION))
        create_tables(self.dynamodb)
        pool = self.cognito.create_user_pool(PoolName="gw-dev")["UserPool"]["Id"]
        self.cognito.create_resource_server(UserPoolId=pool, Identifier="gw", Name="gw",
                                            Scopes=[{"ScopeName": "invoke", "ScopeDescription": "call models"},
                                                    {"ScopeName": "admin", "ScopeDescription": "admin API"}])
        self.pool_id = pool
        self.lambda_client = self._recorded(boto3.client("lambda", region_name=REGION))
        self.lambda_stub = Stubber(self.lambda_client)
        self.invocations: list[dict[str, Any]] = []
        self.lambda_stub.activate()
        # One stubbed answer per Invoke, queued just before the Stubber checks its queue: the count is open.
        self.lambda_client.meta.events.register("provide-client-params.lambda.Invoke", self._queue_invoke)
        self.appconfig_client = self._recorded(boto3.client("appconfig", region_name=REGION))
        self.appconfig_stub = Stubber(self.appconfig_client)
        self.appconfig_stub.activate()
        self.logs = LogCapture()
        self.audit_lines: list[str] = []
        self.settings = AdminSettings(
            control_table=CONTROL, usage_table=USAGE, user_pool_id=pool, invoke_scope=INVOKE_SCOPE,
            admin_scope=ADMIN_SCOPE, publisher_function=PUBLISHER, application_id=APP_ID, environment_id=ENV_ID,
            gateway_profile_id=GATEWAY_PROFILE, catalog_profile_id=CATALOG_PROFILE, access_token_minutes=60,
            client_name_prefix="gw-dev-team")
        self.now = NOW
        self.deps = Deps(settings=self.settings, control=Table(self.dynamodb, CONTROL), usage=Table(self.dynamodb, USAGE),
                         cognito=self.cognito, lambda_client=self.lambda_client,
                         appconfig=AppConfig(self.appconfig_client, APP_ID), logger=self.logs.logger,
                         now=lambda: self.now, audit_sink=self.audit_lines.append)
        if seed_documents:
            save_documents(self.deps.control, STACK_BASE, STACK_OVERLAY, NOW)
        self.handler = make_handler(lambda: self.deps)
        self.calls.clear()

    def _recorded(self, client: Any) -> Any:
        service = client.meta.service_model.service_name

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            self.calls.append((service, model.name, params.get("TableName")))

        client.meta.events.register("provide-client-params.*.*", record)
        return client

    def _queue_invoke(self, params: dict[str, Any], **_: Any) -> None:
        self.invocations.append({**params, "Payload": json.loads(params["Payload"])})
        self.lambda_stub.add_response("invoke", {"StatusCode": 202}, {
            "FunctionName": PUBLISHER, "InvocationType": "Event", "Payload": params["Payload"]})

    # --- requests -------------------------------------------------------------------------

    def call(self, method: str, path: str, body: Any = None, *, headers: Optional[dict[str, str]] = None,
             query: Optional[dict[str, str]] = None, claims: Optional[dict[str, str]] = None) -> "Result":
        """One request through the handler, as API Gateway would send it."""
        event = rest_event(method, path, query=query, headers=headers, body=body,
                           claims=ADMIN_CLAIMS if claims is None else claims)
        answer = self.handler(event, None)
        headers_out = {k.lower(): v for k, v in (answer.get("headers") or {}).items()}
        for name, values in (answer.get("multiValueHeaders") or {}).items():
            headers_out.setdefault(name.lower(), values[0])
        text = answer.get("body")
        return Result(answer["statusCode"], headers_out, json.loads(text) if text else None)

    def transport(self, claims: Optional[dict[str, str]] = None) -> InProcessTransport:
        """The CLI's in-process transport over this world's handler."""
        return InProcessTransport(self.handler, ADMIN_CLAIMS if claims is None else claims)

    def audits(self) -> list[dict[str, Any]]:
        """The audit lines logged so far."""
        return [json.loads(line) for line in self.audit_lines]

    def publishes(self) -> list[dict[str, Any]]:
        """The payloads the publisher was invoked with."""
        return [i["Payload"] for i in self.invocations]

    def put_usage(self, team: str, period: str, model: Optional[str] = None, **counters: Any) -> None:
        """A usage counter item as the aggregator writes it."""
        from functions.shared.dynamo import to_item

        self.dynamodb.put_item(TableName=USAGE, Item=to_item({**store.usage_key(team, period, model), **counters}))

    def stub_config_status(self) -> None:
        """AppConfig answers for one ``GET /config``, in the order it asks: per profile the newest hosted
        version, then the deployments newest first (summaries without a profile id: GetDeployment each)."""
        deployments = {12: (GATEWAY_PROFILE, "7", "COMPLETE"), 11: (CATALOG_PROFILE, "3", "BAKING")}
        listing = {"Items": [{"DeploymentNumber": n, "ConfigurationVersion": v, "State": state}
                             for n, (_, v, state) in sorted(deployments.items(), reverse=True)]}
        for profile, version, reads in ((GATEWAY_PROFILE, 7, (12,)), (CATALOG_PROFILE, 3, (12, 11))):
            self.appconfig_stub.add_response(
                "list_hosted_configuration_versions",
                {"Items": [{"ApplicationId": APP_ID, "ConfigurationProfileId": profile, "VersionNumber": version,
                            "Description": f"sha256:{'ab' * 32}"}]},
                {"ApplicationId": APP_ID, "ConfigurationProfileId": profile, "MaxResults": 1})
            self.appconfig_stub.add_response("list_deployments", listing,
                                             {"ApplicationId": APP_ID, "EnvironmentId": ENV_ID, "MaxResults": 50})
            for number in reads:
                owner, deployed, state = deployments[number]
                self.appconfig_stub.add_response(
                    "get_deployment",
                    {"DeploymentNumber": number, "ConfigurationProfileId": owner, "ConfigurationVersion": deployed,
                     "State": state, "ApplicationId": APP_ID, "EnvironmentId": ENV_ID},
                    {"ApplicationId": APP_ID, "EnvironmentId": ENV_ID, "DeploymentNumber": number})


class Result:
    """A handler answer: status, lower-case headers, JSON body."""

    def __init__(self, status: int, headers: dict[str, str], body: Any) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"Result({self.status}, {self.body!r})"
