"""Inventory documents for the cost tests: synthesized stacks as JSON, and hand-made fragments."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from components.settings.network import DEFAULT_INTERFACE_ENDPOINTS
from tests.support import baseline, everything_on, run_stack

STACK_URN = "urn:pulumi:dev::ai-gateway::pulumi:pulumi:Stack::ai-gateway-dev"
CONTROL_PLANE_PARENT = "urn:pulumi:dev::ai-gateway::ai-gateway:index:AiGateway$ai-gateway:controlplane:ControlPlane::cp"

EXISTING_VPC = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "privateSubnetIds": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
}
ALL_OFF = {
    "network": {"existing": EXISTING_VPC},
    "waf": {"enabled": False},
    "edge": {"allowPlainHttp": True},
    "auth": {"jwtValidation": False, "teamClients": {}},
    "sso": None,  # people's tokens need JWT validation
    "observability": {"alarmTopicArns": ["arn:aws:sns:us-east-1:123456789012:ops"]},
}
"""Everything optional off: existing VPC, no WAF, plain HTTP, alarms to an existing topic."""

COMING_SOON = (
    "aws:lambda/function:Function", "aws:lambda/permission:Permission", "aws:lambda/invocation:Invocation",
    "aws:appconfig/application:Application", "aws:appconfig/environment:Environment",
    "aws:appconfig/configurationProfile:ConfigurationProfile", "aws:appconfig/deploymentStrategy:DeploymentStrategy",
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "aws:appconfig/deployment:Deployment",
    "aws:inspector2/enabler:Enabler", "aws:dynamodb/table:Table", "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage", "aws:apigateway/deployment:Deployment", "aws:apigateway/method:Method",
    "aws:apigateway/integration:Integration", "aws:apigateway/resource:Resource",
    "aws:apigateway/authorizer:Authorizer", "aws:apigateway/account:Account",
    "aws:elasticache/serverlessCache:ServerlessCache", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable", "aws:athena/workgroup:Workgroup", "aws:athena/namedQuery:NamedQuery",
    "aws:scheduler/schedule:Schedule", "aws:sns/topicSubscription:TopicSubscription",
    "aws:cognito/identityProvider:IdentityProvider",
)
"""Types the control plane will register soon: the table must already price them."""


def doc(stack: str) -> dict[str, Any]:
    """A fresh copy of a stack file's inventory document (safe to modify)."""
    return copy.deepcopy(_baseline_doc(stack))


@lru_cache(maxsize=None)
def _baseline_doc(stack: str) -> dict[str, Any]:
    return baseline(stack).to_json()


@lru_cache(maxsize=None)
def variant_doc(name: str) -> dict[str, Any]:
    """The dev stack with every toggle on (``all-on``, ``tools.stack_types.EVERYTHING_ON``), everything off
    (``all-off``) or with the staging/prod default interface endpoints (``with-endpoints``)."""
    if name == "all-on":
        return everything_on("dev").to_json()
    if name == "all-off":
        return run_stack("dev", ALL_OFF).to_json()
    if name == "with-endpoints":  # dev as it was before its default became no interface endpoints
        return run_stack("dev", {"network": {"cidr": "10.20.0.0/16", "azCount": 2, "natGatewayPerAz": False,
                                             "interfaceEndpoints": list(DEFAULT_INTERFACE_ENDPOINTS)}}).to_json()
    raise KeyError(name)


def resource(type_: str, name: str, inputs: dict[str, Any], parent: str = CONTROL_PLANE_PARENT) -> dict[str, Any]:
    """An inventory row for a hand-made fragment."""
    short = type_.rsplit(":", 1)[-1]
    return {"urn": f"urn:pulumi:dev::ai-gateway::{short}::{name}", "type": type_, "name": name, "parent": parent,
            "custom": True, "inputs": inputs, "dependencies": [], "propertyDependencies": {}, "protect": False}


def with_resources(base: dict[str, Any], *rows: dict[str, Any]) -> dict[str, Any]:
    """``base`` with more rows appended."""
    out = copy.deepcopy(base)
    out["resources"] = out["resources"] + list(rows)
    return out


def control_plane_rows() -> list[dict[str, Any]]:
    """One resource of every coming-soon type, shaped like the control plane will register them."""
    r = resource
    return [
        r("aws:lambda/function:Function", "cp-publisher", {"memorySize": 256, "architectures": ["arm64"]}),
        r("aws:lambda/function:Function", "cp-admin-api", {"memorySize": 512}),
        r("aws:lambda/permission:Permission", "cp-admin-api-permission", {}),
        r("aws:lambda/invocation:Invocation", "cp-publish-base", {}),
        r("aws:appconfig/application:Application", "cp-app", {"name": "gateway"}),
        r("aws:appconfig/environment:Environment", "cp-env", {"applicationId": "app123"}),
        r("aws:appconfig/configurationProfile:ConfigurationProfile", "cp-gateway", {"applicationId": "app123"}),
        r("aws:appconfig/configurationProfile:ConfigurationProfile", "cp-catalog", {"applicationId": "app123"}),
        r("aws:appconfig/deploymentStrategy:DeploymentStrategy", "cp-strategy", {}),
        r("aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "cp-version", {}),
        r("aws:appconfig/deployment:Deployment", "cp-deployment", {}),
        r("aws:inspector2/enabler:Enabler", "cp-inspector", {"resourceTypes": ["ECR", "LAMBDA"]}),
        r("aws:dynamodb/table:Table", "cp-overlay", {"billingMode": "PAY_PER_REQUEST",
                                                      "pointInTimeRecovery": {"enabled": True}}),
        r("aws:apigateway/restApi:RestApi", "cp-api", {"name": "admin"}),
        r("aws:apigateway/stage:Stage", "cp-stage", {"stageName": "v1"}),
        r("aws:apigateway/deployment:Deployment", "cp-api-deployment", {}),
        r("aws:apigateway/method:Method", "cp-method", {}),
        r("aws:apigateway/integration:Integration", "cp-integration", {}),
        r("aws:apigateway/resource:Resource", "cp-resource", {}),
        r("aws:apigateway/authorizer:Authorizer", "cp-authorizer", {}),
        r("aws:apigateway/account:Account", "cp-account", {}),
        r("aws:elasticache/serverlessCache:ServerlessCache", "cp-rate-limits", {"engine": "valkey"}),
        r("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "cp-audit", {
            "extendedS3Configuration": {"bucketArn": "arn:aws:s3:::ai-gateway-dev-audit",
                                        "dataFormatConversionConfiguration": {"enabled": True}}}),
        r("aws:s3/bucket:Bucket", "cp-audit-bucket", {"bucket": "ai-gateway-dev-audit"}),
        r("aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "cp-audit-filter", {}),
        r("aws:glue/catalogDatabase:CatalogDatabase", "cp-glue-db", {}),
        r("aws:glue/catalogTable:CatalogTable", "cp-glue-table", {}),
        r("aws:athena/workgroup:Workgroup", "cp-athena", {}),
        r("aws:athena/namedQuery:NamedQuery", "cp-query", {}),
        r("aws:scheduler/schedule:Schedule", "cp-budgets", {"scheduleExpression": "rate(5 minutes)"}),
        r("aws:sns/topicSubscription:TopicSubscription", "cp-ops-mail", {}),
        r("aws:cognito/identityProvider:IdentityProvider", "cp-sso", {}),
    ]
