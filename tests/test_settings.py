"""The settings model: every validation rule, in both directions."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from components.settings import (
    AGENTGATEWAY_IMAGE,
    CLOUDWATCH_RETENTION_DAYS,
    FARGATE_MEMORY_BY_CPU,
    SettingsError,
    StackSettings,
    parse_settings,
    settings_reference,
)

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
TLS = {"certificateArn": CERT}
PLAIN = {"allowPlainHttp": True}


def cfg(**keys):
    """A config map as the CLI passes it: ``ai-gateway:`` keys, structured values as JSON."""
    out = {"aws:region": "us-east-1"}
    keys.setdefault("edge", TLS)
    for key, value in keys.items():
        if value is not None:
            out[f"ai-gateway:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return out


def ok(**keys) -> StackSettings:
    return parse_settings(cfg(**keys)).settings


def error(secret_keys=frozenset(), **keys) -> str:
    with pytest.raises(SettingsError) as exc:
        parse_settings(cfg(**keys), secret_keys)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_minimal_dev_stack_takes_safe_defaults():
    s = ok()
    assert s.environment == "dev"
    assert s.providers.enabled() == ["bedrock", "anthropic"]
    assert s.routing.fallback_groups == [["bedrock"], ["anthropic"]]
    assert (s.waf_enabled, s.deletion_protection, s.access_logs, s.nat_gateway_per_az) == (False, False, False, False)
    assert s.log_retention_days == 30
    assert s.auth.jwt_validation is True
    assert s.service.image == AGENTGATEWAY_IMAGE


def test_prod_turns_on_stricter_defaults():
    s = ok(environment="prod")
    assert (s.waf_enabled, s.deletion_protection, s.access_logs, s.nat_gateway_per_az) == (True, True, True, True)
    assert s.log_retention_days == 365


def test_staging_sits_between_dev_and_prod():
    s = ok(environment="staging")
    assert (s.waf_enabled, s.deletion_protection, s.access_logs, s.nat_gateway_per_az) == (True, False, True, False)
    assert s.log_retention_days == 90
    assert s.profile.protect_stateful is False


@pytest.mark.parametrize(("keys", "expected"), [
    ({"waf": {"enabled": False}}, "ai-gateway:waf.enabled: the WAF cannot be turned off in staging"),
    ({"edge": {**TLS, "accessLogs": False}}, "ai-gateway:edge.accessLogs: access logs cannot be turned off in staging"),
    ({"auth": {"jwtValidation": False}}, "ai-gateway:auth.jwtValidation: JWT validation cannot be turned off in staging"),
    ({"observability": {"logRetentionDays": 60}}, "ai-gateway:observability.logRetentionDays: staging keeps logs at least 90 days"),
    ({"waf": {"logRetentionDays": 30}}, "ai-gateway:waf.logRetentionDays: staging keeps WAF logs at least 90 days"),
    ({"observability": {"logRetentionDays": 14}, "environment": "dev"},
     "ai-gateway:observability.logRetentionDays: dev keeps logs at least 30 days"),
])
def test_each_environment_refuses_what_it_requires(keys, expected):
    assert error(**{"environment": "staging", **keys}).startswith(expected)


def test_staging_may_drop_deletion_protection():
    assert ok(environment="staging", edge={**TLS, "deletionProtection": False}).deletion_protection is False


def test_region_is_required_and_checked():
    with pytest.raises(SettingsError, match=r"^aws:region: is required"):
        parse_settings({"ai-gateway:edge": json.dumps(TLS)})
    with pytest.raises(SettingsError, match=r"^aws:region: 'mars-1' is not an AWS region"):
        parse_settings({"aws:region": "mars-1", "ai-gateway:edge": json.dumps(TLS)})


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"colour": "blue"}, "ai-gateway:colour: unknown setting"),
        ({"edge": {**TLS, "idleTimeOut": 5}}, "ai-gateway:edge.idleTimeOut: unknown setting"),
        ({"service": {"cpu": "lots"}}, "ai-gateway:service.cpu:"),
        ({"edge": {**TLS, "idleTimeoutSeconds": 5}}, "ai-gateway:edge.idleTimeoutSeconds: input should be greater than or equal to 60"),
        ({"environment": "qa"}, "ai-gateway:environment: input should be 'dev', 'staging' or 'prod'"),
        ({"network": {"cidr": "8.8.0.0/16"}}, "ai-gateway:network.cidr: must be a private (RFC 1918) range"),
        ({"network": {"cidr": "10.0.0.0/24"}}, "ai-gateway:network.cidr: must be a /16 to /20 network"),
        ({"network": {"azCount": 4}}, "ai-gateway:network.azCount: input should be less than or equal to 3"),
        ({"network": {"interfaceEndpoints": ["logs", "logs"]}}, "ai-gateway:network.interfaceEndpoints: lists a service twice"),
        ({"network": {"interfaceEndpoints": ["s3"]}}, "ai-gateway:network.interfaceEndpoints.0:"),
        ({"network": {"existing": {"vpcId": "vpc-1"}}}, "ai-gateway:network.existing.vpcId: string should match pattern"),
        ({"edge": {}}, "ai-gateway:edge.certificateArn: a certificate is required"),
        ({"edge": {"certificateArn": "arn:aws:iam::1:cert"}}, "ai-gateway:edge.certificateArn: 'arn:aws:iam::1:cert' is not an ACM certificate ARN"),
        ({"edge": {"domainName": "gw.example.com"}}, "ai-gateway:edge.domainName: needs hostedZoneId"),
        ({"edge": {**TLS, "hostedZoneId": "Z123456"}}, "ai-gateway:edge.hostedZoneId: needs domainName"),
        ({"edge": {**TLS, "allowPlainHttp": True}}, "ai-gateway:edge.allowPlainHttp: cannot be combined with a certificate"),
        ({"edge": PLAIN}, "ai-gateway:auth.jwtValidation: needs an HTTPS listener"),
        ({"edge": PLAIN, "auth": {"jwtValidation": False}, "environment": "staging"},
         "ai-gateway:edge.allowPlainHttp: plain HTTP forwarding is allowed only in dev, not staging"),
        ({"service": {"image": "ghcr.io/agentgateway/agentgateway:v1.4.1"}}, "ai-gateway:service.image: must be pinned by digest"),
        ({"service": {"collectorImage": "public.ecr.aws/aws-observability/aws-otel-collector:latest"}},
         "ai-gateway:service.collectorImage: must be pinned by digest"),
        ({"service": {"cpu": 512, "memory": 512}}, "ai-gateway:service.memory: 512 MiB is not valid with cpu 512"),
        ({"service": {"minCapacity": 5, "maxCapacity": 2}}, "ai-gateway:service.minCapacity: 5 is above maxCapacity 2"),
        ({"service": {"cpu": 256, "memory": 512, "collectorCpu": 256}}, "ai-gateway:service.collectorCpu: the collector's reservation"),
        ({"service": {"stopTimeoutSeconds": 300}}, "ai-gateway:service.stopTimeoutSeconds: input should be less than or equal to 120"),
        ({"providers": {"bedrock": {"enabled": False}, "anthropic": {"enabled": False}}}, "ai-gateway:providers: enable at least one provider"),
        ({"providers": {"bedrock": {"model": "not a model"}}}, "ai-gateway:providers.bedrock.model: 'not a model' is not a Bedrock model"),
        ({"providers": {"azure": {"enabled": True, "model": "gpt-4o"}}}, "ai-gateway:providers.azure.resourceName: is required when azure is enabled"),
        ({"providers": {"azure": {"enabled": True, "resourceName": "my-aoai"}}}, "ai-gateway:providers.azure.model: is required when azure is enabled"),
        ({"routing": {"fallbackGroups": [["openai"]]}}, "ai-gateway:routing.fallbackGroups: names openai, which is not enabled in providers"),
        ({"routing": {"fallbackGroups": [["bedrock"], ["bedrock"]]}}, "ai-gateway:routing.fallbackGroups: a provider appears in more than one group"),
        ({"routing": {"fallbackGroups": []}}, "ai-gateway:routing.fallbackGroups: list should have at least 1 item"),
        ({"routing": {"fallbackGroups": [["cohere"]]}}, "ai-gateway:routing.fallbackGroups.0.0:"),
        ({"guardrails": {"enabled": True, "version": "2"}}, "ai-gateway:guardrails.version: only applies to an existing guardrail"),
        ({"guardrails": {"enabled": True, "identifier": "abcdef123456", "action": "detect"}},
         "ai-gateway:guardrails.action: configures the guardrail the stack creates"),
        ({"guardrails": {"enabled": True, "piiEntities": ["EMAIL", "EMAIL"]}}, "ai-gateway:guardrails.piiEntities: lists a type twice"),
        ({"guardrails": {"enabled": True, "piiEntities": ["SHOE_SIZE"]}}, "ai-gateway:guardrails.piiEntities.0:"),
        ({"guardrails": {"enabled": True, "contentFilterStrength": "EXTREME"}}, "ai-gateway:guardrails.contentFilterStrength:"),
        ({"guardrails": {"enabled": True, "identifier": "abc", "version": "1"}}, "ai-gateway:guardrails.identifier: string should match pattern"),
        ({"observability": {"logRetentionDays": 42}}, "ai-gateway:observability.logRetentionDays: 42 is not a CloudWatch retention value"),
        ({"waf": {"logRetentionDays": 100}}, "ai-gateway:waf.logRetentionDays: 100 is not a CloudWatch retention value"),
        ({"observability": {"traceSamplingRatio": 2}}, "ai-gateway:observability.traceSamplingRatio: input should be less than or equal to 1"),
        ({"observability": {"alarmTopicArns": ["arn:aws:sqs:us-east-1:123456789012:q"]}}, "ai-gateway:observability.alarmTopicArns.0: string should match pattern"),
        ({"auth": {"teamClients": {"Bad Team": {}}}}, "ai-gateway:auth.teamClients.Bad Team.[key]:"),
        ({"auth": {"teamClients": {"ml": {"scopes": ["root"]}}}}, "ai-gateway:auth.teamClients.ml.scopes.0:"),
        ({"auth": {"teamClients": {"ml": {"scopes": []}}}}, "ai-gateway:auth.teamClients.ml.scopes: list should have at least 1 item"),
        ({"waf": {"countOnlyRules": ["Size Restrictions"]}}, "ai-gateway:waf.countOnlyRules.0: string should match pattern"),
        ({"rateLimit": {"requestsPerMinute": 0}}, "ai-gateway:rateLimit.requestsPerMinute: unknown setting"),
        ({"rateLimit": {"mode": "fleet"}}, "ai-gateway:rateLimit.mode: input should be 'off', 'local' or 'global'"),
        ({"rateLimit": {"mode": "local", "failureMode": "open"}}, "ai-gateway:rateLimit.failureMode: applies to rateLimit.mode global only"),
        ({"rateLimit": {"cache": {"maxDataStorageGb": 2}}}, "ai-gateway:rateLimit.cache: applies to rateLimit.mode global only (the mode is local)"),
        ({"rateLimit": {"mode": "global", "image": "envoyproxy/ratelimit:master"}}, "ai-gateway:rateLimit.image: must be pinned"),
        ({"rateLimit": {"defaultTier": "gold"}}, "ai-gateway:rateLimit.defaultTier: 'gold' is not a tier"),
        ({"rateLimit": {"mode": "off", "defaultTier": "sandbox"}}, "ai-gateway:rateLimit.defaultTier: rate limiting is off"),
        ({"tiers": {"standard": {"limits": {"tokensPerDay": 10}}}}, "ai-gateway:tiers.standard.limits.tokensPerDay: local rate limits count requests only"),
        ({"tiers": {"sandbox": {"limits": {"requestsPerMinute": 0}}}}, "ai-gateway:tiers.sandbox.limits.requestsPerMinute: input should be greater than or equal to 1"),
        ({"auth": {"teamClients": {"ml": {"limits": {"tokensPerMinute": 5}}}}}, "ai-gateway:auth.teamClients.ml.limits.tokensPerMinute: local rate limits count requests only"),
        ({"rateLimit": {"mode": "off"}, "auth": {"teamClients": {"ml": {"limits": {"requestsPerMinute": 5}}}}},
         "ai-gateway:auth.teamClients.ml.limits: rate limiting is off"),
        ({"auth": {"teamClients": {f"t{i}": {} for i in range(64)}}}, "ai-gateway:auth.teamClients: 65 teams need 65 local rate-limit rules"),
        ({"rateLimit": {"mode": "global", "sidecarCpu": 1024}}, "ai-gateway:rateLimit.sidecarCpu: leaves the gateway less than 128"),
        ({"edge": "{not json"}, "ai-gateway:edge: is not valid structured config"),
    ],
)
def test_invalid_settings_name_the_key(keys, expected):
    assert error(**keys).startswith(expected)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"edge": {**TLS, "allowPlainHttp": False}, "auth": {"jwtValidation": False}}, "ai-gateway:auth.jwtValidation: JWT validation cannot be turned off in prod"),
        ({"waf": {"enabled": False}}, "ai-gateway:waf.enabled: the WAF cannot be turned off in prod"),
        ({"edge": {**TLS, "deletionProtection": False}}, "ai-gateway:edge.deletionProtection: deletion protection cannot be turned off in prod"),
        ({"edge": {**TLS, "accessLogs": False}}, "ai-gateway:edge.accessLogs: access logs cannot be turned off in prod"),
        ({"edge": PLAIN, "auth": {"jwtValidation": False}}, "ai-gateway:edge.allowPlainHttp: plain HTTP forwarding is allowed only in dev, not prod"),
        ({"observability": {"logRetentionDays": 90}}, "ai-gateway:observability.logRetentionDays: prod keeps logs at least 365 days"),
        ({"waf": {"logRetentionDays": 30}}, "ai-gateway:waf.logRetentionDays: prod keeps WAF logs at least 365 days"),
    ],
)
def test_prod_rejects_weakening(keys, expected):
    assert error(environment="prod", **keys).startswith(expected)


@pytest.mark.parametrize(
    "keys",
    [
        {"auth": {"jwtValidation": False}},
        {"waf": {"enabled": False}},
        {"edge": {**TLS, "deletionProtection": False, "accessLogs": False}},
        {"observability": {"logRetentionDays": 90}},
        {"edge": PLAIN, "auth": {"jwtValidation": False}},
    ],
)
def test_the_same_settings_are_allowed_in_dev(keys):
    ok(environment="dev", **keys)


def test_valid_variants_are_accepted():
    s = ok(
        environment="prod",
        edge={"domainName": "gateway.example.com", "hostedZoneId": "Z0123456789ABC", "internal": True},
        network={"existing": {"vpcId": "vpc-0123456789abcdef0",
                              "publicSubnetIds": ["subnet-01234567", "subnet-89abcdef"],
                              "privateSubnetIds": ["subnet-11111111", "subnet-22222222"]}},
        providers={"openai": {"enabled": True}, "google": {"enabled": True, "model": "gemini-2.5-flash"},
                   "azure": {"enabled": True, "resourceName": "my-aoai", "model": "gpt-4o", "apiVersion": "2024-10-21"}},
        routing={"fallbackGroups": [["bedrock"], ["anthropic", "azure"], ["openai"]], "modelAliases": {"gpt-4*": "gpt-4o"}},
        guardrails={"enabled": True, "identifier": "abcdef123456", "version": "3"},
        service={"cpu": 2048, "memory": 4096, "architecture": "ARM64"},
    )
    assert s.providers.enabled() == ["bedrock", "anthropic", "openai", "azure", "google"]
    assert s.network.existing is not None and s.edge.internal


def test_api_keys_must_be_secret_and_belong_to_an_enabled_provider():
    base = cfg()
    plain = {**base, "ai-gateway:anthropicApiKey": "sk-ant-123"}
    with pytest.raises(SettingsError, match="^ai-gateway:anthropicApiKey: is a provider API key and must be set with"):
        parse_settings(plain)
    loaded = parse_settings(plain, {"ai-gateway:anthropicApiKey"})
    assert loaded.api_keys == {"anthropic": "sk-ant-123"}
    with pytest.raises(SettingsError, match="^ai-gateway:openaiApiKey: is set but providers.openai is not enabled"):
        parse_settings({**base, "ai-gateway:openaiApiKey": "sk"}, {"ai-gateway:openaiApiKey"})
    with pytest.raises(SettingsError, match="^ai-gateway:environment: is not a secret setting"):
        parse_settings({**base, "ai-gateway:environment": "dev"}, {"ai-gateway:environment"})


def test_other_namespaces_are_not_read():
    assert parse_settings({**cfg(), "aws:profile": "x", "pulumi:disable-default-providers": "[\"aws\"]"}).region == "us-east-1"


@given(cpu=st.sampled_from(sorted(FARGATE_MEMORY_BY_CPU)), memory=st.integers(256, 130_000))
@hsettings(max_examples=120, deadline=None)
def test_fargate_sizes_accepted_exactly_when_aws_allows_them(cpu, memory):
    allowed = memory in FARGATE_MEMORY_BY_CPU[cpu]
    try:
        ok(service={"cpu": cpu, "memory": memory, "collectorCpu": 128, "collectorMemory": 128})
        assert allowed
    except SettingsError as err:
        assert not allowed or "collector" in str(err)


@given(days=st.integers(0, 4000))
@hsettings(max_examples=100, deadline=None)
def test_retention_accepts_only_cloudwatch_values(days):
    try:
        ok(observability={"logRetentionDays": days})
        assert days in CLOUDWATCH_RETENTION_DAYS and days >= 30
    except SettingsError:
        assert days not in CLOUDWATCH_RETENTION_DAYS or days < 30


def test_every_setting_is_documented():
    rows = settings_reference()
    assert len(rows) > 60
    undocumented = [key for key, _, doc in rows if not doc]
    assert undocumented == []


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"waf": {"countOnlyRules": ["SizeRestrictions_BODDY"]}}, "ai-gateway:waf.countOnlyRules: SizeRestrictions_BODDY is not a rule of AWSManagedRulesCommonRuleSet"),
        ({"auth": {"domainPrefix": "my-cognito-gw"}}, "ai-gateway:auth.domainPrefix: must not contain 'cognito'"),
        ({"providers": {"openai": {"enabled": True}}, "routing": {"providerRoutes": False}},
         "ai-gateway:providers: openai is enabled but in no fallback group"),
    ],
)
def test_more_invalid_settings(keys, expected):
    assert error(**keys).startswith(expected)


def test_enabled_provider_outside_groups_is_fine_with_provider_routes():
    assert "openai" in ok(providers={"openai": {"enabled": True}}).providers.enabled()


# --- nothing a user writes is silently ignored --------------------------------------------------

EXISTING_VPC = {"vpcId": "vpc-0123456789abcdef0", "publicSubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
                "privateSubnetIds": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]}


@pytest.mark.parametrize(("full_key", "expected"), [
    ("ai-gatway:service", "ai-gatway:service: unknown config namespace 'ai-gatway' (did you mean ai-gateway?)"),
    ("aws-native:region", "aws-native:region: unknown config namespace 'aws-native'; settings of this project are"),
    ("gateway:edge", "gateway:edge: unknown config namespace 'gateway'"),
])
def test_keys_of_unknown_namespaces_are_refused(full_key, expected):
    with pytest.raises(SettingsError) as exc:
        parse_settings({**cfg(), full_key: "{}"})
    assert str(exc.value).startswith(expected)


def test_keys_of_the_provider_and_engine_pass_through():
    parse_settings({**cfg(), "aws:profile": "x", "pulumi:disable-default-providers": '["aws"]'})


def test_unknown_top_level_settings_name_the_closest_one():
    assert error(servce={"cpu": 512}) == "ai-gateway:servce: unknown setting (did you mean service?)"


@pytest.mark.parametrize(("keys", "expected"), [
    ({"waf": {"enabled": "off"}}, "ai-gateway:waf.enabled: input should be a valid boolean"),
    ({"waf": {"enabled": "true"}}, "ai-gateway:waf.enabled: input should be a valid boolean"),
    ({"waf": {"enabled": 1}}, "ai-gateway:waf.enabled: input should be a valid boolean"),
    ({"service": {"cpu": "512"}}, "ai-gateway:service.cpu:"),
    ({"service": {"minCapacity": 2.0}}, "ai-gateway:service.minCapacity: input should be a valid integer"),
    ({"edge": {**TLS, "idleTimeoutSeconds": "900"}}, "ai-gateway:edge.idleTimeoutSeconds: input should be a valid integer"),
    ({"auth": {"teamClients": {"ml": {"description": 7}}}}, "ai-gateway:auth.teamClients.ml.description: input should be a valid string"),
    ({"network": {"cidr": 167772160}}, "ai-gateway:network.cidr: input should be an instance of IPv4Network"),
    ({"network": {"cidr": "10.0.0.1/16"}}, "ai-gateway:network.cidr: '10.0.0.1/16' is not an IPv4 network in CIDR notation"),
])
def test_types_are_strict(keys, expected):
    assert error(**keys).startswith(expected)


def test_numbers_fill_float_fields():
    assert ok(observability={"alarms": {"errorRatePercent": 2}}).observability.alarms.error_rate_percent == 2.0


@pytest.mark.parametrize(("extra", "key"), [
    ({"cidr": "10.1.0.0/16"}, "cidr"), ({"azCount": 3}, "azCount"), ({"natGatewayPerAz": True}, "natGatewayPerAz"),
])
def test_existing_vpc_refuses_settings_of_a_created_vpc(extra, key):
    assert error(network={"existing": EXISTING_VPC, **extra}) == (
        f"ai-gateway:network.{key}: applies only to a VPC the stack creates; with network.existing the stack"
        " creates none, so remove it")


def test_existing_vpc_takes_interface_endpoints_and_defaults_to_none():
    for environment in ("dev", "prod"):
        assert ok(environment=environment, network={"existing": EXISTING_VPC}).interface_endpoint_services == ()
    assert ok(network={"existing": EXISTING_VPC, "interfaceEndpoints": ["logs"]}).interface_endpoint_services == ("logs",)


def test_interface_endpoints_default_by_environment():
    assert ok().interface_endpoint_services == ()  # dev: the NAT path carries the same traffic
    for environment in ("staging", "prod"):
        assert "ecr.api" in ok(environment=environment).interface_endpoint_services
    assert ok(network={"interfaceEndpoints": ["sts"]}).interface_endpoint_services == ("sts",)


@pytest.mark.parametrize(("existing", "expected"), [
    ({**EXISTING_VPC, "privateSubnetIds": EXISTING_VPC["publicSubnetIds"]},
     "ai-gateway:network.existing.privateSubnetIds: subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2 is also a public subnet"),
    ({**EXISTING_VPC, "publicSubnetIds": ["subnet-0aaaaaaaaaaaaaaa1"] * 2},
     "ai-gateway:network.existing.publicSubnetIds: lists a subnet twice"),
    ({k: v for k, v in EXISTING_VPC.items() if k != "vpcId"}, "ai-gateway:network.existing.vpcId: field required"),
])
def test_existing_vpc_fields_are_checked(existing, expected):
    assert error(network={"existing": existing}).startswith(expected)


@pytest.mark.parametrize(("arn", "expected"), [
    ("arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333",
     "ai-gateway:edge.certificateArn: is a certificate in eu-west-1, but the stack deploys to us-east-1: a load"
     " balancer can only use an ACM certificate of its own region"),
    ("arn:aws:iam::123456789012:server-certificate/gateway",
     "ai-gateway:edge.certificateArn: 'arn:aws:iam::123456789012:server-certificate/gateway' is not an ACM certificate ARN"),
    ("arn:aws:acm:us-east-1:123456789012:private-ca/0f1e2d3c-aaaa-bbbb-cccc-111122223333",
     "ai-gateway:edge.certificateArn: 'arn:aws:acm:us-east-1:123456789012:private-ca/"),
])
def test_certificate_must_be_an_acm_certificate_of_the_stacks_region(arn, expected):
    assert error(edge={"certificateArn": arn}).startswith(expected)


def test_the_control_plane_follows_jwt_validation_unless_set():
    assert ok().control_plane_enabled is True
    assert ok(edge=PLAIN, auth={"jwtValidation": False}).control_plane_enabled is False
    assert ok(controlPlane={"enabled": False}).control_plane_enabled is False
    assert ok(controlPlane={"enabled": True}).control_plane_enabled is True
    s = ok()
    assert (s.control_plane.throttle_rate_per_second, s.control_plane.throttle_burst) == (10, 20)
    assert s.control_plane.manage_api_gateway_account is False and s.table_deletion_protection is False
    assert ok(environment="prod").table_deletion_protection is True
    assert ok(controlPlane={"tableDeletionProtection": True}).table_deletion_protection is True


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"edge": PLAIN, "auth": {"jwtValidation": False}, "controlPlane": {"enabled": True}},
         "ai-gateway:controlPlane.enabled: needs auth.jwtValidation"),
        ({"controlPlane": {"throttleRatePerSecond": 0}},
         "ai-gateway:controlPlane.throttleRatePerSecond: input should be greater than or equal to 1"),
        ({"controlPlane": {"throttleBurst": 5001}},
         "ai-gateway:controlPlane.throttleBurst: input should be less than or equal to 5000"),
        ({"controlPlane": {"stageName": "V1"}}, "ai-gateway:controlPlane.stageName: string should match pattern"),
        ({"controlPlane": {"enabled": "yes"}}, "ai-gateway:controlPlane.enabled: input should be a valid boolean"),
        ({"controlPlane": {"manageApiGatewayAcount": True}}, "ai-gateway:controlPlane.manageApiGatewayAcount: unknown setting"),
        ({"controlPlane": {"functionConcurrency": 0}},
         "ai-gateway:controlPlane.functionConcurrency: input should be greater than or equal to 1"),
    ],
)
def test_control_plane_settings_errors_name_the_key(keys, expected):
    assert error(**keys).startswith(expected)


def test_prod_refuses_tables_without_deletion_protection():
    assert error(environment="prod", controlPlane={"tableDeletionProtection": False}) == (
        "ai-gateway:controlPlane.tableDeletionProtection: table deletion protection cannot be turned off in prod")
    assert ok(controlPlane={"tableDeletionProtection": False}).table_deletion_protection is False
