"""Fixture builders for policy tests: compliant resources of every type the pack checks, wired
into a small inventory shaped like ``build/<stack>/inventory.json``.

Each ``*_inputs()`` builder returns the compliant camelCase inputs of one resource type;
``compliant_stack()`` wires them together with property dependencies (URNs) the way the program
does. Tests mutate a fresh copy through ``Inventory`` helpers, one property at a time.
"""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager
from typing import Any, Iterator, Optional

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi's UNKNOWN_STRING_VALUE
PROJECT = "ai-gateway"
ACCOUNT = "123456789012"
REGION = "us-east-1"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
DIGEST = "sha256:" + "ab" * 32
POOL_ID = "us-east-1_AbCdEf123"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# --- per-type compliant inputs ------------------------------------------------------------------

def vpc_inputs() -> dict[str, Any]:
    return {"cidrBlock": "10.20.0.0/16", "enableDnsHostnames": True, "enableDnsSupport": True}


def flow_log_inputs() -> dict[str, Any]:
    return {"vpcId": "vpc-0123", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
            "logDestination": arn("logs", "log-group:/ai-gateway/test/vpc-flow-logs"),
            "iamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/flow-logs"}


def default_security_group_inputs() -> dict[str, Any]:
    return {"vpcId": "vpc-0123"}


def security_group_inputs(description: str) -> dict[str, Any]:
    return {"vpcId": "vpc-0123", "description": description}


def ingress_rule_inputs(port: int, *, cidr: Optional[str] = None, source_sg: Optional[str] = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"securityGroupId": "sg-0123", "ipProtocol": "tcp", "fromPort": float(port),
                            "toPort": float(port)}
    if cidr:
        rule["cidrIpv4"] = cidr
    if source_sg:
        rule["referencedSecurityGroupId"] = source_sg
    return rule


def egress_rule_inputs(port: int, *, cidr: Optional[str] = None, target_sg: Optional[str] = None) -> dict[str, Any]:
    return ingress_rule_inputs(port, cidr=cidr, source_sg=target_sg)


def inline_security_group_inputs() -> dict[str, Any]:
    """VPC-endpoint security group with inline rules (the legacy shape)."""
    return {"vpcId": "vpc-0123", "description": "VPC endpoints",
            "ingress": [{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.20.0.0/16"]}],
            "egress": []}


def load_balancer_inputs() -> dict[str, Any]:
    return {"internal": False, "loadBalancerType": "application", "dropInvalidHeaderFields": True,
            "enableDeletionProtection": True, "securityGroups": ["sg-alb"],
            "subnets": ["subnet-a", "subnet-b"],
            "accessLogs": {"enabled": True, "bucket": "ai-gateway-test-alb-logs", "prefix": "alb"}}


def http_listener_inputs() -> dict[str, Any]:
    return {"protocol": "HTTP", "port": 80, "loadBalancerArn": "arn:lb",
            "defaultActions": [{"type": "redirect", "order": 1,
                                "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}


def jwt_action(order: int = 1) -> dict[str, Any]:
    return {"type": "jwt-validation", "order": order,
            "jwtValidation": {"issuer": ISSUER, "jwksEndpoint": f"{ISSUER}/.well-known/jwks.json",
                              "additionalClaims": [{"name": "scope", "format": "space-separated-values",
                                                    "values": ["ai-gateway/invoke"]}]}}


def forward_action(order: int = 2) -> dict[str, Any]:
    return {"type": "forward", "order": order, "targetGroupArn": arn("elasticloadbalancing", "targetgroup/gw/1")}


def https_listener_inputs() -> dict[str, Any]:
    return {"protocol": "HTTPS", "port": 443, "loadBalancerArn": "arn:lb",
            "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificateArn": arn("acm", "certificate/1"),
            "defaultActions": [jwt_action(1), forward_action(2)]}


def listener_rule_inputs() -> dict[str, Any]:
    return {"listenerArn": "arn:listener", "priority": 10,
            "conditions": [{"pathPattern": {"values": ["/admin/*"]}}],
            "actions": [jwt_action(1), forward_action(2)]}


def managed_group_rule(name: str, priority: int, overrides: tuple[str, ...] = ()) -> dict[str, Any]:
    statement: dict[str, Any] = {"vendorName": "AWS", "name": name}
    if overrides:
        statement["ruleActionOverrides"] = [{"name": o, "actionToUse": {"count": {}}} for o in overrides]
    return {"name": name, "priority": priority, "overrideAction": {"none": {}},
            "statement": {"managedRuleGroupStatement": statement},
            "visibilityConfig": {"metricName": name, "sampledRequestsEnabled": True,
                                 "cloudwatchMetricsEnabled": True}}


def rate_rule(priority: int = 40) -> dict[str, Any]:
    return {"name": "RateLimitPerIP", "priority": priority, "action": {"block": {}},
            "statement": {"rateBasedStatement": {"limit": 2000.0, "aggregateKeyType": "IP"}},
            "visibilityConfig": {"metricName": "rate", "sampledRequestsEnabled": True,
                                 "cloudwatchMetricsEnabled": True}}


def web_acl_inputs() -> dict[str, Any]:
    return {"scope": "REGIONAL", "defaultAction": {"allow": {}},
            "visibilityConfig": {"metricName": "waf", "sampledRequestsEnabled": True, "cloudwatchMetricsEnabled": True},
            "rules": [
                managed_group_rule("AWSManagedRulesAmazonIpReputationList", 10),
                managed_group_rule("AWSManagedRulesCommonRuleSet", 20,
                                   ("SizeRestrictions_BODY", "CrossSiteScripting_BODY")),
                managed_group_rule("AWSManagedRulesKnownBadInputsRuleSet", 30),
                rate_rule(40),
            ]}


def waf_association_inputs() -> dict[str, Any]:
    return {"resourceArn": arn("elasticloadbalancing", "loadbalancer/app/alb/1"),
            "webAclArn": arn("wafv2", "regional/webacl/waf/1")}


def waf_logging_inputs() -> dict[str, Any]:
    return {"resourceArn": arn("wafv2", "regional/webacl/waf/1"),
            "logDestinationConfigs": [arn("logs", "log-group:aws-waf-logs-ai-gateway-test")],
            "redactedFields": [{"singleHeader": {"name": "authorization"}}]}


def bucket_inputs() -> dict[str, Any]:
    return {"bucket": "ai-gateway-test-alb-logs", "forceDestroy": False}


def public_access_block_inputs() -> dict[str, Any]:
    return {"bucket": "ai-gateway-test-alb-logs", "blockPublicAcls": True, "blockPublicPolicy": True,
            "ignorePublicAcls": True, "restrictPublicBuckets": True}


def bucket_encryption_inputs() -> dict[str, Any]:
    return {"bucket": "ai-gateway-test-alb-logs",
            "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}


def bucket_policy_inputs() -> dict[str, Any]:
    bucket = "arn:aws:s3:::ai-gateway-test-alb-logs"
    return {"bucket": "ai-gateway-test-alb-logs", "policy": doc(
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [bucket, f"{bucket}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "ElbLogDelivery", "Effect": "Allow", "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"{bucket}/alb/*"},
    )}


def lifecycle_inputs() -> dict[str, Any]:
    return {"bucket": "ai-gateway-test-alb-logs",
            "rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 90}}]}


def user_pool_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test", "deletionProtection": "ACTIVE",
            "adminCreateUserConfig": {"allowAdminCreateUserOnly": True}}


def user_pool_client_inputs() -> dict[str, Any]:
    return {"userPoolId": POOL_ID, "generateSecret": True, "allowedOauthFlows": ["client_credentials"],
            "allowedOauthFlowsUserPoolClient": True, "allowedOauthScopes": ["ai-gateway/invoke"]}


def people_client_inputs() -> dict[str, Any]:
    """The SSO people's client: public, code flow only, identity scopes, https or loopback redirects."""
    return {"userPoolId": POOL_ID, "generateSecret": False, "allowedOauthFlows": ["code"],
            "allowedOauthFlowsUserPoolClient": True, "allowedOauthScopes": ["openid", "email"],
            "callbackUrls": ["http://localhost:8976/callback", "https://app.example.com/callback"],
            "logoutUrls": ["https://app.example.com/"], "supportedIdentityProviders": ["corp"]}


def trigger_permission_inputs() -> dict[str, Any]:
    return {"action": "lambda:InvokeFunction", "function": "fn", "principal": "cognito-idp.amazonaws.com",
            "sourceArn": arn("cognito-idp", f"userpool/{POOL_ID}"), "sourceAccount": ACCOUNT}


def ecr_repository_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test", "imageTagMutability": "IMMUTABLE",
            "imageScanningConfiguration": {"scanOnPush": True},
            "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": arn("kms", "key/ecr")}]}


def secret_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway/test/openai", "kmsKeyId": arn("kms", "key/secrets")}


def kms_key_inputs() -> dict[str, Any]:
    return {"enableKeyRotation": True, "deletionWindowInDays": 30, "policy": doc(
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
         "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], "Resource": "*",
         "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": arn("logs", "log-group:*")}}},
    )}


def log_group_inputs() -> dict[str, Any]:
    return {"name": "/ai-gateway/test/gateway", "kmsKeyId": arn("kms", "key/logs"), "retentionInDays": 365}


def sns_topic_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test-alarms", "kmsMasterKeyId": arn("kms", "key/alarms")}


def cluster_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test", "settings": [{"name": "containerInsights", "value": "enhanced"}]}


def gateway_container() -> dict[str, Any]:
    return {"name": "gateway", "image": f"ghcr.io/agentgateway/agentgateway@{DIGEST}", "essential": True,
            "readonlyRootFilesystem": True, "privileged": False,
            "portMappings": [{"containerPort": 8787, "protocol": "tcp"}],
            "environment": [{"name": "RUST_LOG", "value": "info"}, {"name": "MAX_TOKENS", "value": "4096"},
                            {"name": "OPENAI_API_KEY_SECRET_ARN", "value": arn("secretsmanager", "secret:openai")}],
            "secrets": [{"name": "OPENAI_API_KEY", "valueFrom": arn("secretsmanager", "secret:openai")}],
            "command": ["-f", "/config/gateway.json"],
            "dependsOn": [{"containerName": "config-agent", "condition": "HEALTHY"}],
            "mountPoints": [{"sourceVolume": "tmp", "containerPath": "/tmp"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ai-gateway/test/gateway",
                                                                      "awslogs-region": REGION,
                                                                      "awslogs-stream-prefix": "gateway"}}}


def agent_container() -> dict[str, Any]:
    manifest = {"app:live:gateway": {"writeTo": {"path": "/config/gateway.json"}}}
    return {"name": "config-agent", "image": f"public.ecr.aws/aws-appconfig/aws-appconfig-agent@{DIGEST}",
            "essential": False, "readonlyRootFilesystem": True,
            "environment": [{"name": "MANIFEST", "value": json.dumps(manifest)}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ai-gateway/test/gateway",
                                                                      "awslogs-region": REGION,
                                                                      "awslogs-stream-prefix": "config-agent"}}}


def collector_container() -> dict[str, Any]:
    return {"name": "collector", "image": f"public.ecr.aws/aws-observability/aws-otel-collector@{DIGEST}",
            "essential": True, "readonlyRootFilesystem": True,
            "environment": [{"name": "AOT_CONFIG_CONTENT", "value": "receivers:\n  otlp: {}\n"},
                            {"name": "AWS_REGION", "value": REGION}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ai-gateway/test/collector"}}}


def ratelimit_container() -> dict[str, Any]:
    return {"name": "ratelimit", "image": f"envoyproxy/ratelimit@{DIGEST}", "essential": False,
            "user": "65532:65532", "readonlyRootFilesystem": True,
            "environment": [{"name": "REDIS_URL", "value": "cache.example:6379"}, {"name": "REDIS_TLS", "value": "true"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ai-gateway/test/gateway",
                                                                      "awslogs-region": REGION,
                                                                      "awslogs-stream-prefix": "ratelimit"}}}


def serverless_cache_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test-ratelimit", "engine": "valkey", "kmsKeyId": arn("kms", "key/cache"),
            "securityGroupIds": ["sg-cache"], "subnetIds": ["subnet-p"]}


def task_definition_inputs() -> dict[str, Any]:
    return {"family": "ai-gateway-test", "cpu": "512", "memory": "1024", "networkMode": "awsvpc",
            "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": json.dumps([gateway_container(), collector_container(), agent_container(),
                                                ratelimit_container()]),
            "volumes": [{"name": "tmp"}]}


def service_inputs() -> dict[str, Any]:
    return {"name": "gateway", "launchType": "FARGATE", "desiredCount": 2.0, "enableExecuteCommand": False,
            "networkConfiguration": {"assignPublicIp": False, "subnets": ["subnet-p"], "securityGroups": ["sg-t"]},
            "deploymentCircuitBreaker": {"enable": True, "rollback": True}}


def task_role_inputs() -> dict[str, Any]:
    return {"assumeRolePolicy": doc({"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                                     "Action": "sts:AssumeRole",
                                     "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}})}


def task_role_policy_inputs() -> dict[str, Any]:
    return {"role": "task-role", "policy": doc(
        {"Sid": "Bedrock", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
         "Resource": [f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.*"]},
        {"Sid": "Tracing", "Effect": "Allow",
         "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                    "xray:GetSamplingTargets"], "Resource": "*"},
        {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
         "Condition": {"StringEquals": {"cloudwatch:namespace": "AIGateway"}}},
        {"Sid": "ReadLiveConfiguration", "Effect": "Allow",
         "Action": ["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
         "Resource": [f"arn:aws:appconfig:{REGION}:{ACCOUNT}:application/app1/environment/env1/configuration/prof1"]},
        {"Sid": "DenyAllElsewhere", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": REGION}}},
    )}


def ci_role_inputs() -> dict[str, Any]:
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    return {"assumeRolePolicy": doc({"Effect": "Allow", "Principal": {"Federated": provider},
                                     "Action": "sts:AssumeRoleWithWebIdentity",
                                     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                                   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/ai-gateway:*"}}}),
            "inlinePolicies": [{"name": "read", "policy": doc({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
                                                              "Resource": "*"})}]}


def managed_policy_inputs() -> dict[str, Any]:
    return {"policy": doc({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                           "Resource": arn("dynamodb", "table/teams")})}


def table_inputs() -> dict[str, Any]:
    return {"name": "teams", "billingMode": "PAY_PER_REQUEST", "hashKey": "id",
            "pointInTimeRecovery": {"enabled": True}, "deletionProtectionEnabled": True,
            "serverSideEncryption": {"enabled": True, "kmsKeyArn": arn("kms", "key/tables")}}


def function_inputs() -> dict[str, Any]:
    return {"runtime": "python3.13", "handler": "handler.handler", "role": "arn:role",
            "tracingConfig": {"mode": "Active"}, "reservedConcurrentExecutions": 5.0,
            "environment": {"variables": {"TABLE_NAME": "teams", "LOG_LEVEL": "INFO"}}}


def function_url_inputs() -> dict[str, Any]:
    return {"functionName": "fn", "authorizationType": "AWS_IAM"}


def lambda_permission_inputs() -> dict[str, Any]:
    return {"action": "lambda:InvokeFunction", "function": "fn", "principal": "apigateway.amazonaws.com",
            "sourceArn": arn("execute-api", "api/*")}


def appconfig_profile_inputs() -> dict[str, Any]:
    return {"applicationId": "app1", "name": "gateway", "locationUri": "hosted", "type": "AWS.Freeform",
            "validators": [{"type": "LAMBDA", "content": arn("lambda", "function:validator")}]}


def appconfig_environment_inputs() -> dict[str, Any]:
    return {"applicationId": "app1", "name": "live",
            "monitors": [{"alarmArn": arn("cloudwatch", "alarm:sync"), "alarmRoleArn": arn("iam", "role/monitor")}]}


def rest_method_inputs() -> dict[str, Any]:
    return {"restApi": "api", "resourceId": "res", "httpMethod": "GET", "authorization": "COGNITO_USER_POOLS",
            "authorizerId": "auth", "authorizationScopes": ["ai-gateway/admin"]}


def rest_authorizer_inputs() -> dict[str, Any]:
    return {"restApi": "api", "type": "COGNITO_USER_POOLS", "providerArns": [arn("cognito-idp", "userpool/pool")],
            "identitySource": "method.request.header.Authorization"}


def rest_stage_inputs() -> dict[str, Any]:
    return {"restApi": "api", "deployment": "dep", "stageName": "v1", "xrayTracingEnabled": True,
            "accessLogSettings": {"destinationArn": arn("logs", "log-group:/admin-api"),
                                  "format": '{"requestId":"$context.requestId"}'}}


def method_settings_inputs() -> dict[str, Any]:
    return {"restApi": "api", "stageName": "v1", "methodPath": "*/*",
            "settings": {"throttlingRateLimit": 10.0, "throttlingBurstLimit": 20.0}}


def http_route_inputs() -> dict[str, Any]:
    return {"apiId": "api", "routeKey": "GET /teams", "authorizationType": "JWT", "authorizerId": "auth"}


AUDIT_BUCKET = "ai-gateway-test-audit"


def audit_bucket_part(kind: str) -> dict[str, Any]:
    """Inputs of the audit bucket's separate pieces (encryption, versioning, lock, ...)."""
    bucket_arn = f"arn:aws:s3:::{AUDIT_BUCKET}"
    return {"bucket": AUDIT_BUCKET, **{
        "sse": {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN},
                           "bucketKeyEnabled": True}]},
        "versioning": {"versioningConfiguration": {"status": "Enabled"}},
        "lock": {"rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}},
        "pab": {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True,
                "restrictPublicBuckets": True},
        "policy": {"policy": doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                  "Resource": [bucket_arn, f"{bucket_arn}/*"],
                                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}})},
        "lifecycle": {"rules": [{"id": "expire", "status": "Enabled", "expiration": {"days": 400}}]},
    }[kind]}


def firehose_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test-audit-access", "destination": "extended_s3",
            "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY_ARN},
            "extendedS3Configuration": {"bucketArn": f"arn:aws:s3:::{AUDIT_BUCKET}", "kmsKeyArn": KEY_ARN,
                                        "roleArn": arn("iam", "role/ai-gateway-test-audit-delivery")}}


def workgroup_inputs() -> dict[str, Any]:
    return {"name": "ai-gateway-test-audit", "configuration": {
        "enforceWorkgroupConfiguration": True,
        "resultConfiguration": {"outputLocation": "s3://ai-gateway-test-audit-results/results/",
                                "encryptionConfiguration": {"encryptionOption": "SSE_KMS", "kmsKeyArn": KEY_ARN}}}}


def glue_table_inputs() -> dict[str, Any]:
    return {"name": "access", "databaseName": "ai_gateway_test_audit", "storageDescriptor": {
        "columns": [{"name": "time", "type": "string"}, {"name": "http_status", "type": "int"}]}}


def publish_inputs() -> dict[str, Any]:
    return {"functionName": "ai-gateway-test-publisher",
            "input": json.dumps({"base": {"logBodies": False, "region": REGION}, "overlay": {}})}


# --- the inventory ------------------------------------------------------------------------------

class Inventory:
    """A mutable inventory document plus helpers addressing resources by name."""

    def __init__(self, stack: str = "test") -> None:
        # Named like an environment class, a fixture stack is of that class (as the real stacks say
        # in their `environment` output); any other name has none, so the pack defaults apply.
        outputs = {"environment": stack} if stack in ("dev", "staging", "prod") else {}
        self.doc: dict[str, Any] = {"project": PROJECT, "stack": stack, "resources": [], "outputs": outputs}

    def urn(self, name: str) -> str:
        return self.row(name)["urn"]

    def row(self, name: str) -> dict[str, Any]:
        for row in self.doc["resources"]:
            if row["name"] == name:
                return row
        raise KeyError(name)

    def add(self, type_: str, name: str, inputs: Optional[dict[str, Any]] = None,
            deps: Optional[dict[str, list[str]]] = None, custom: bool = True) -> str:
        prop_deps = {prop: [self.urn(n) for n in names] for prop, names in (deps or {}).items()}
        urn = f"urn:pulumi:{self.doc['stack']}::{PROJECT}::{type_}::{name}"
        self.doc["resources"].append({
            "urn": urn, "type": type_, "name": name, "parent": None, "custom": custom,
            "inputs": inputs or {}, "dependencies": sorted({u for urns in prop_deps.values() for u in urns}),
            "propertyDependencies": prop_deps, "protect": False,
        })
        return urn

    def remove(self, name: str) -> None:
        self.doc["resources"].remove(self.row(name))

    def inputs(self, name: str) -> dict[str, Any]:
        return self.row(name)["inputs"]

    def set(self, name: str, path: str, value: Any) -> None:
        """Set ``inputs.<path>`` (dots; digits index lists)."""
        *parents, last = _steps(path)
        target = _walk(self.inputs(name), parents)
        target[last] = value

    def delete(self, name: str, path: str) -> None:
        *parents, last = _steps(path)
        target = _walk(self.inputs(name), parents)
        del target[last]

    def set_deps(self, name: str, prop: str, names: list[str]) -> None:
        self.row(name)["propertyDependencies"][prop] = [self.urn(n) for n in names]

    @contextmanager
    def document(self, name: str, prop: str) -> Iterator[Any]:
        """Edit a JSON-string property (policy document, containerDefinitions) in place."""
        inputs = self.inputs(name)
        parsed = json.loads(inputs[prop])
        yield parsed
        inputs[prop] = json.dumps(parsed)

    def copy(self) -> "Inventory":
        clone = Inventory(self.doc["stack"])
        clone.doc = copy.deepcopy(self.doc)
        return clone


def _steps(path: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in path.split(".")]


def _walk(value: Any, steps: list[Any]) -> Any:
    for step in steps:
        value = value[step]
    return value


def compliant_stack(stack: str = "test") -> Inventory:
    """One compliant resource (or pair) of every type the pack checks, wired by URN."""
    inv = Inventory(stack)
    inv.add("pulumi:pulumi:Stack", f"{PROJECT}-{stack}", custom=False)
    # network
    inv.add("aws:ec2/vpc:Vpc", "vpc", vpc_inputs())
    inv.add("aws:ec2/flowLog:FlowLog", "flow-log", flow_log_inputs(), {"vpcId": ["vpc"]})
    inv.add("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default-sg", default_security_group_inputs(),
            {"vpcId": ["vpc"]})
    inv.add("aws:ec2/securityGroup:SecurityGroup", "alb-sg", security_group_inputs("ALB"), {"vpcId": ["vpc"]})
    inv.add("aws:ec2/securityGroup:SecurityGroup", "task-sg", security_group_inputs("tasks"), {"vpcId": ["vpc"]})
    inv.add("aws:ec2/securityGroup:SecurityGroup", "endpoint-sg", inline_security_group_inputs(), {"vpcId": ["vpc"]})
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-https-in",
            ingress_rule_inputs(443, cidr="0.0.0.0/0"), {"securityGroupId": ["alb-sg"]})
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "alb-http-in-v6",
            {**ingress_rule_inputs(80), "cidrIpv6": "::/0"}, {"securityGroupId": ["alb-sg"]})
    inv.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "alb-to-tasks",
            egress_rule_inputs(8787, target_sg="sg-t"), {"securityGroupId": ["alb-sg"],
                                                         "referencedSecurityGroupId": ["task-sg"]})
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "task-from-alb",
            ingress_rule_inputs(8787, source_sg="sg-alb"), {"securityGroupId": ["task-sg"],
                                                            "referencedSecurityGroupId": ["alb-sg"]})
    inv.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "task-https-out",
            egress_rule_inputs(443, cidr="0.0.0.0/0"), {"securityGroupId": ["task-sg"]})
    # storage for access logs
    inv.add("aws:s3/bucket:Bucket", "logs-bucket", bucket_inputs())
    for type_, name, inputs in [
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-bucket-pab", public_access_block_inputs()),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
         "logs-bucket-sse", bucket_encryption_inputs()),
        ("aws:s3/bucketPolicy:BucketPolicy", "logs-bucket-policy", bucket_policy_inputs()),
        ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs-bucket-lifecycle",
         lifecycle_inputs()),
    ]:
        inv.add(type_, name, inputs, {"bucket": ["logs-bucket"]})
    # auth
    inv.add("aws:cognito/userPool:UserPool", "user-pool", user_pool_inputs())
    inv.add("aws:cognito/userPoolClient:UserPoolClient", "client", user_pool_client_inputs(),
            {"userPoolId": ["user-pool"]})
    # edge
    inv.add("aws:lb/targetGroup:TargetGroup", "tg", {"port": 8787, "protocol": "HTTP", "targetType": "ip"})
    inv.add("aws:lb/loadBalancer:LoadBalancer", "alb", load_balancer_inputs(),
            {"securityGroups": ["alb-sg"], "accessLogs": ["logs-bucket"]})
    inv.add("aws:lb/listener:Listener", "http", http_listener_inputs(), {"loadBalancerArn": ["alb"]})
    inv.add("aws:lb/listener:Listener", "https", https_listener_inputs(),
            {"loadBalancerArn": ["alb"], "defaultActions": ["user-pool", "tg"]})
    inv.add("aws:lb/listenerRule:ListenerRule", "admin-rule", listener_rule_inputs(),
            {"listenerArn": ["https"], "actions": ["user-pool", "tg"]})
    inv.add("aws:wafv2/webAcl:WebAcl", "waf", web_acl_inputs())
    inv.add("aws:wafv2/webAclAssociation:WebAclAssociation", "waf-association", waf_association_inputs(),
            {"resourceArn": ["alb"], "webAclArn": ["waf"]})
    inv.add("aws:cloudwatch/logGroup:LogGroup", "waf-logs", {**log_group_inputs(), "name": "aws-waf-logs-test"})
    inv.add("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "waf-logging", waf_logging_inputs(),
            {"resourceArn": ["waf"], "logDestinationConfigs": ["waf-logs"]})
    # data at rest
    inv.add("aws:kms/key:Key", "logs-key", kms_key_inputs())
    inv.add("aws:cloudwatch/logGroup:LogGroup", "gateway-logs", log_group_inputs(), {"kmsKeyId": ["logs-key"]})
    inv.add("aws:sns/topic:Topic", "alarms", sns_topic_inputs(), {"kmsMasterKeyId": ["logs-key"]})
    inv.add("aws:ecr/repository:Repository", "repo", ecr_repository_inputs(), {"encryptionConfigurations": ["logs-key"]})
    inv.add("aws:secretsmanager/secret:Secret", "openai-key", secret_inputs(), {"kmsKeyId": ["logs-key"]})
    # service
    inv.add("aws:appconfig/configurationProfile:ConfigurationProfile", "config-profile", appconfig_profile_inputs())
    inv.add("aws:iam/role:Role", "task-role", task_role_inputs())
    # The task policy is rendered from other resources' ARNs, so it is wholly unknown in a preview.
    inv.add("aws:iam/rolePolicy:RolePolicy", "task-policy", task_role_policy_inputs(),
            {"role": ["task-role"], "policy": ["openai-key", "logs-key", "config-profile"]})
    inv.add("aws:iam/role:Role", "execution-role", task_role_inputs())
    inv.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "execution-managed",
            {"role": "execution-role",
             "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
            {"role": ["execution-role"]})
    inv.add("aws:iam/policy:Policy", "teams-policy", managed_policy_inputs())
    inv.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "teams-attach",
            {"role": "task-role", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/teams"},
            {"role": ["task-role"], "policyArn": ["teams-policy"]})
    inv.add("aws:iam/role:Role", "ci-role", ci_role_inputs())
    inv.add("aws:ecs/cluster:Cluster", "cluster", cluster_inputs())
    inv.add("aws:ecs/taskDefinition:TaskDefinition", "task", task_definition_inputs(),
            {"containerDefinitions": ["gateway-logs"]})
    inv.add("aws:ecs/service:Service", "service", service_inputs(),
            {"cluster": ["cluster"], "taskDefinition": ["task"], "networkConfiguration": ["task-sg"]})
    # global rate limits: the counters' cache, reachable only from the tasks (the rate-limit sidecar)
    inv.add("aws:ec2/securityGroup:SecurityGroup", "cache-sg", security_group_inputs("cache"), {"vpcId": ["vpc"]})
    inv.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "cache-from-tasks",
            ingress_rule_inputs(6379, source_sg="sg-t"), {"securityGroupId": ["cache-sg"],
                                                         "referencedSecurityGroupId": ["task-sg"]})
    inv.add("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "tasks-to-cache",
            egress_rule_inputs(6379, target_sg="sg-cache"), {"securityGroupId": ["task-sg"],
                                                            "referencedSecurityGroupId": ["cache-sg"]})
    inv.add("aws:kms/key:Key", "cache-key", kms_key_inputs())
    inv.add("aws:elasticache/serverlessCache:ServerlessCache", "cache", serverless_cache_inputs(),
            {"kmsKeyId": ["cache-key"], "securityGroupIds": ["cache-sg"]})
    # control plane
    inv.add("aws:dynamodb/table:Table", "table", table_inputs(), {"serverSideEncryption": ["logs-key"]})
    inv.add("aws:lambda/function:Function", "fn", function_inputs())
    inv.add("aws:lambda/functionUrl:FunctionUrl", "fn-url", function_url_inputs(), {"functionName": ["fn"]})
    inv.add("aws:appconfig/environment:Environment", "config-environment", appconfig_environment_inputs())
    inv.add("aws:apigateway/restApi:RestApi", "rest-api", {"name": "admin-api"})
    inv.add("aws:apigateway/resource:Resource", "api-teams", {"restApi": "api", "parentId": "root", "pathPart": "teams"},
            {"restApi": ["rest-api"], "parentId": ["rest-api"]})
    inv.add("aws:apigateway/resource:Resource", "api-team", {"restApi": "api", "parentId": "t", "pathPart": "{team}"},
            {"restApi": ["rest-api"], "parentId": ["api-teams"]})
    inv.add("aws:apigateway/resource:Resource", "api-health-resource",
            {"restApi": "api", "parentId": "root", "pathPart": "health"},
            {"restApi": ["rest-api"], "parentId": ["rest-api"]})
    inv.add("aws:apigateway/authorizer:Authorizer", "api-authorizer", rest_authorizer_inputs(),
            {"restApi": ["rest-api"], "providerArns": ["user-pool"]})
    inv.add("aws:apigateway/method:Method", "api-method", rest_method_inputs(),
            {"restApi": ["rest-api"], "resourceId": ["api-team"], "authorizerId": ["api-authorizer"]})
    inv.add("aws:apigateway/method:Method", "api-health",
            {"restApi": "api", "resourceId": "h", "httpMethod": "GET", "authorization": "NONE"},
            {"restApi": ["rest-api"], "resourceId": ["api-health-resource"]})
    inv.add("aws:apigateway/stage:Stage", "api-stage", rest_stage_inputs(), {"restApi": ["rest-api"]})
    inv.add("aws:apigateway/methodSettings:MethodSettings", "api-throttling", method_settings_inputs(),
            {"restApi": ["rest-api"], "stageName": ["api-stage"]})
    inv.add("aws:wafv2/webAclAssociation:WebAclAssociation", "api-waf-association",
            {"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/api/stages/v1", "webAclArn": "arn:waf"},
            {"resourceArn": ["api-stage"], "webAclArn": ["waf"]})
    inv.add("aws:apigatewayv2/route:Route", "http-route", http_route_inputs())
    inv.add("aws:lambda/permission:Permission", "fn-permission", lambda_permission_inputs(),
            {"function": ["fn"], "sourceArn": ["rest-api"]})
    inv.add("aws:lambda/invocation:Invocation", "publish", publish_inputs(), {"functionName": ["fn"]})
    # SSO: the people's client, and the pool's pre-token trigger with its pool-scoped permission
    inv.add("aws:cognito/userPoolClient:UserPoolClient", "people-client", people_client_inputs(),
            {"userPoolId": ["user-pool"]})
    inv.set("user-pool", "lambdaConfig", {"preTokenGenerationConfig": {"lambdaArn": arn("lambda", "function:fn"),
                                                                       "lambdaVersion": "V2_0"}})
    inv.set_deps("user-pool", "lambdaConfig", ["fn"])
    inv.add("aws:lambda/permission:Permission", "trigger-permission", trigger_permission_inputs(),
            {"function": ["fn"], "sourceArn": ["user-pool"]})
    # audit log
    inv.add("aws:s3/bucket:Bucket", "audit-bucket", {"bucket": AUDIT_BUCKET, "objectLockEnabled": True})
    for type_, name, kind in [
        ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "audit-pab", "pab"),
        ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "audit-sse", "sse"),
        ("aws:s3/bucketPolicy:BucketPolicy", "audit-policy", "policy"),
        ("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "audit-lifecycle", "lifecycle"),
        ("aws:s3/bucketVersioning:BucketVersioning", "audit-versioning", "versioning"),
        ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "audit-lock", "lock"),
    ]:
        inv.add(type_, name, audit_bucket_part(kind), {"bucket": ["audit-bucket"]})
    inv.add("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "audit-stream", firehose_inputs(),
            {"extendedS3Configuration": ["audit-bucket", "logs-key"], "serverSideEncryption": ["logs-key"]})
    inv.add("aws:glue/catalogTable:CatalogTable", "audit-table", glue_table_inputs())
    inv.add("aws:athena/workgroup:Workgroup", "audit-workgroup", workgroup_inputs(), {"configuration": ["logs-key"]})
    return inv
