"""GatewayService: ECR, provider-key secrets, IAM, task definition, ECS service, autoscaling."""

from __future__ import annotations

import json
import re

import pytest

from components.renderers.task_definition import MAX_TASK_DEFINITION_BYTES
from components.settings import parse_settings
from tests.support import PLAIN_HTTP_BEDROCK_ONLY, attribute, baseline, container_definitions, run_stack, stack_values
from tools.fakes import ACCOUNT_ID
from tools.harness import SECRET_PLACEHOLDER, UNKNOWN

TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
CAPACITY = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KEY = "aws:kms/key:Key"
REPO = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
TARGET = "aws:appautoscaling/target:Target"
SCALING = "aws:appautoscaling/policy:Policy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
LB = "aws:lb/loadBalancer:LoadBalancer"
TG = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
SUBNET = "aws:ec2/subnet:Subnet"
SG = "aws:ec2/securityGroup:SecurityGroup"

FAKE_KEY = "sk-ant-api03-THIS-IS-A-FAKE-KEY-0123456789abcdef"
ALL_PROVIDERS = {
    "providers": {
        "bedrock": {"enabled": True, "model": "us.anthropic.claude-sonnet-4-20250514-v1:0"},
        "anthropic": {"enabled": True},
        "openai": {"enabled": True, "model": "gpt-4o"},
        "azure": {"enabled": True, "resourceName": "contoso-aoai", "model": "gpt-4o-deployment"},
        "google": {"enabled": True, "model": "gemini-2.5-pro"},
    },
    "routing": {"fallbackGroups": [["bedrock"], ["anthropic", "openai"], ["azure", "google"]]},
}
SECRETISH_ENV = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL", re.I)


def containers(inv):
    return {c["name"]: c for c in container_definitions(inv)}


def policy(inv, name):
    return json.loads(inv.one(ROLE_POLICY, name).inputs["policy"])


def statements(inv, name):
    return {st["Sid"]: st for st in policy(inv, name)["Statement"]}


def as_list(value):
    return [value] if isinstance(value, str) else list(value)


def log_group_name(inv, role):
    return inv.one(LOG_GROUP, f"observability-{role}").inputs["name"]


TUNED_SERVICE = {"architecture": "ARM64", "cpu": 2048, "memory": 4096, "stopTimeoutSeconds": 45, "ecrKeepImages": 5,
                 "cpuTargetPercent": 55, "requestsPerTarget": 1200, "minCapacity": 3, "maxCapacity": 12,
                 "logLevel": "debug"}
"""Every service knob away from its default at once: one program run per stack serves the tests of
each knob (each checks only its own)."""


def tuned(stack):
    return run_stack(stack, {"service": TUNED_SERVICE, "liveConfig": {"pollIntervalSeconds": 30}})


@pytest.fixture(scope="module")
def all_providers():
    return run_stack("dev", ALL_PROVIDERS)


# --- task definition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stack, cpu, memory", [("dev", 512, 1024), ("prod", 1024, 2048)])
def test_task_definition_shape(stack, cpu, memory):
    inv = baseline(stack)
    task = inv.one(TASK)
    i = task.inputs
    assert i["family"] == f"ai-gateway-{stack}-gateway"
    assert (i["cpu"], i["memory"]) == (str(cpu), str(memory))
    assert i["networkMode"] == "awsvpc" and i["requiresCompatibilities"] == ["FARGATE"]
    assert i["runtimePlatform"] == {"operatingSystemFamily": "LINUX", "cpuArchitecture": "X86_64"}
    global_limits = [{"name": "ratelimit-data"}] if stack == "prod" else []  # prod: rateLimit.mode global
    assert i["volumes"] == [{"name": "config"}, {"name": "gateway-tmp"}, {"name": "agent-tmp"}, *global_limits]
    assert task.property_dependencies["executionRoleArn"] == [inv.one(ROLE, "execution-role").urn]
    assert task.property_dependencies["taskRoleArn"] == [inv.one(ROLE, "task-role").urn]
    c = containers(inv)
    sidecars = ["ratelimit-config", "ratelimit"] if stack == "prod" else []
    assert list(c) == ["config-agent", "config-check", "gateway", "collector", *sidecars]
    assert sum(x.get("cpu", 0) for x in c.values()) == cpu  # the two config sidecars share the gateway's CPU
    assert sum(x["memory"] for x in c.values()) == memory
    arm = tuned(stack).one(TASK).inputs
    assert arm["runtimePlatform"]["cpuArchitecture"] == "ARM64" and (arm["cpu"], arm["memory"]) == ("2048", "4096")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_gateway_container(stack):
    inv = baseline(stack)
    g = containers(inv)["gateway"]
    assert g["image"].startswith("ghcr.io/agentgateway/agentgateway@sha256:")
    assert g["essential"] is True
    assert g["command"] == ["-f", "/config/gateway.json"]  # the watched file the agent writes
    assert [p["containerPort"] for p in g["portMappings"]] == [8787, 15021]  # 15020 stays on localhost
    assert g["user"] == "65532:65532"
    assert g["readonlyRootFilesystem"] is True
    assert g["mountPoints"] == [{"sourceVolume": "config", "containerPath": "/config", "readOnly": True},
                                {"sourceVolume": "gateway-tmp", "containerPath": "/tmp", "readOnly": False}]
    assert g["linuxParameters"] == {"capabilities": {"drop": ["ALL"]}}
    assert g["ulimits"] == [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]
    assert g["stopTimeout"] == 120
    assert "healthCheck" not in g  # distroless: no shell; the ALB checks /healthz/ready on 15021
    sidecar = [{"containerName": "ratelimit", "condition": "START"}] if stack == "prod" else []  # fails open
    assert g["dependsOn"] == [{"containerName": "collector", "condition": "START"},
                              {"containerName": "config-check", "condition": "HEALTHY"}, *sidecar]
    assert g["logConfiguration"] == {"logDriver": "awslogs", "options": {
        "awslogs-group": log_group_name(inv, "gateway"), "awslogs-region": "us-east-1", "awslogs-stream-prefix": "gateway"}}
    assert "environment" not in g
    [secret] = g["secrets"]
    assert secret["name"] == "ANTHROPIC_API_KEY"
    assert re.fullmatch(rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:ai-gateway/{stack}/anthropic-api-key-\w{{6}}",
                        secret["valueFrom"])
    assert inv.one(SECRET, "anthropic-api-key").urn in inv.one(TASK).property_dependencies["containerDefinitions"]
    assert containers(tuned(stack))["gateway"]["stopTimeout"] == 45


def _live_config_arns(inv):
    """The ARNs of the two configurations the agent reads: application/environment/configuration/profile."""
    app = attribute(inv.one("aws:appconfig/application:Application"), "id")
    env = attribute(inv.one("aws:appconfig/environment:Environment"), "environmentId")
    return sorted(f"arn:aws:appconfig:us-east-1:{ACCOUNT_ID}:application/{app}/environment/{env}/configuration/"
                  f"{attribute(p, 'configurationProfileId')}"
                  for p in inv.of_type("aws:appconfig/configurationProfile:ConfigurationProfile"))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_config_agent_writes_this_stacks_two_profiles_into_the_shared_volume(stack):
    inv = baseline(stack)
    a = containers(inv)["config-agent"]
    assert a["image"] == f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/ai-gateway-{stack}-images:aws-appconfig-agent-2.0.13147"
    assert a["essential"] is False and a["restartPolicy"] == {"enabled": True, "restartAttemptPeriod": 60}
    env = {e["name"]: e["value"] for e in a["environment"]}
    manifest = json.loads(env["MANIFEST"])
    app = inv.one("aws:appconfig/application:Application").inputs["name"]
    assert manifest == {f"{app}:live:catalog": {"writeTo": {"path": "/config/catalog.json"}},
                        f"{app}:live:gateway": {"writeTo": {"path": "/config/gateway.json"}}}
    assert env["PREFETCH_LIST"] == (f"/applications/{app}/environments/live/configurations/catalog,"
                                    f"/applications/{app}/environments/live/configurations/gateway")
    assert env["POLL_INTERVAL"] == "15" and env["SERVICE_REGION"] == "us-east-1"
    assert a["readonlyRootFilesystem"] is True and a["linuxParameters"] == {"capabilities": {"drop": ["ALL"]}}
    assert a["mountPoints"] == [{"sourceVolume": "config", "containerPath": "/config", "readOnly": False},
                                {"sourceVolume": "agent-tmp", "containerPath": "/tmp", "readOnly": False}]
    assert "secrets" not in a and "portMappings" not in a
    faster = containers(tuned(stack))["config-agent"]
    assert {e["name"]: e["value"] for e in faster["environment"]}["POLL_INTERVAL"] == "30"


def test_config_check_gates_the_gateway_on_the_real_binarys_validation():
    inv = baseline("dev")
    c = containers(inv)
    check = c["config-check"]
    assert check["image"] == c["gateway"]["image"]  # the very binary that will load the file
    assert check["user"] == c["gateway"]["user"] and check["essential"] is False
    assert check["healthCheck"]["command"] == ["CMD", "/app/agentgateway", "--validate-only", "-f", "/config/gateway.json"]
    idle = json.loads(check["command"][1])
    assert check["command"][0] == "-c" and "binds" not in idle  # no listeners: it only hosts the health check
    assert check["mountPoints"] == [{"sourceVolume": "config", "containerPath": "/config", "readOnly": True}]
    assert check["dependsOn"] == [{"containerName": "config-agent", "condition": "START"}]
    assert check["secrets"] == c["gateway"]["secrets"]  # validation expands the same ${VAR}s


def test_collector_container():
    inv = baseline("prod")
    c = containers(inv)["collector"]
    assert c["image"].startswith("public.ecr.aws/aws-observability/aws-otel-collector@sha256:")
    assert c["essential"] is False
    assert (c["cpu"], c["memory"]) == (256, 256)
    assert c["readonlyRootFilesystem"] is True
    assert c["user"] == "4317:4317"  # the image's own `aoc` user, stated explicitly
    assert "mountPoints" not in c  # it writes nothing to disk
    env = {e["name"]: e["value"] for e in c["environment"]}
    assert set(env) == {"AOT_CONFIG_CONTENT", "AWS_REGION"} and env["AWS_REGION"] == "us-east-1"
    assert "awsemf:" in env["AOT_CONFIG_CONTENT"] and log_group_name(inv, "metrics") in env["AOT_CONFIG_CONTENT"]
    assert "secrets" not in c and "portMappings" not in c
    assert c["healthCheck"]["command"] == ["CMD", "/healthcheck"]
    assert c["logConfiguration"]["options"]["awslogs-group"] == log_group_name(inv, "collector")


def test_secrets_are_injected_by_arn_only_and_no_env_looks_secret(all_providers):
    c = containers(all_providers)
    secrets = {s["name"]: s["valueFrom"] for s in c["gateway"]["secrets"]}
    assert set(secrets) == {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "AZURE_API_KEY", "GOOGLE_API_KEY"}
    assert all(v.startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:ai-gateway/dev/") for v in secrets.values())
    for container in c.values():
        for env in container.get("environment", []):
            assert not SECRETISH_ENV.search(env["name"]), env["name"]


def test_task_definition_fits_ecs_limit_with_everything_on(all_providers):
    big = run_stack("dev", {
        **ALL_PROVIDERS,
        "auth": {"teamClients": {f"team-{i}": {"scopes": ["invoke"]} for i in range(20)}},
        "guardrails": {"enabled": True, "identifier": "abcdefghij12"},
        "rateLimit": {"mode": "global"},
        "routing": {**ALL_PROVIDERS["routing"], "modelAliases": {f"alias-{i}": "gpt-4o" for i in range(20)}},
    })
    size = len(big.one(TASK).inputs["containerDefinitions"].encode())
    assert size < MAX_TASK_DEFINITION_BYTES - 4096, size


# --- secrets -------------------------------------------------------------------------------------------


def test_one_secret_per_enabled_keyed_provider(all_providers):
    assert {s.inputs["name"] for s in baseline("dev").of_type(SECRET)} == {"ai-gateway/dev/anthropic-api-key"}
    names = {s.inputs["name"] for s in all_providers.of_type(SECRET)}
    assert names == {f"ai-gateway/dev/{p}-api-key" for p in ("anthropic", "openai", "azure", "google")}
    bedrock_only = run_stack("dev", PLAIN_HTTP_BEDROCK_ONLY)
    assert bedrock_only.of_type(SECRET) == []
    assert "secrets" not in containers(bedrock_only)["gateway"]
    assert "ReadProviderKeySecrets" not in statements(bedrock_only, "execution-policy")
    assert bedrock_only.outputs["providerSecretNames"] == {}


@pytest.mark.parametrize("stack, window, protected", [("dev", 7, False), ("prod", 30, True)])
def test_secrets_are_encrypted_with_the_secrets_key_and_protected_in_prod(stack, window, protected):
    inv = baseline(stack)
    key = inv.one(KEY, "secrets-key")
    assert key.inputs["enableKeyRotation"] is True and key.protect is protected
    key_policy = json.loads(key.inputs["policy"])
    via = {st["Sid"]: st for st in key_policy["Statement"]}["UseThroughSecretsManagerOfThisRegion"]
    assert via["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    for secret in inv.of_type(SECRET):
        assert secret.property_dependencies["kmsKeyId"] == [key.urn]
        assert secret.inputs["recoveryWindowInDays"] == window
        assert secret.protect is protected
    assert inv.outputs["providerSecretNames"] == {"anthropic": f"ai-gateway/{stack}/anthropic-api-key"}


def test_without_secret_config_no_value_is_written_so_out_of_band_values_are_never_reverted():
    inv = baseline("dev")
    assert inv.of_type(VERSION) == []  # nothing for a later `pulumi up` to compare or overwrite


def test_api_key_from_secret_config_is_written_as_a_secret_and_never_appears_in_the_inventory():
    inv = run_stack("dev", {"anthropicApiKey": FAKE_KEY}, extra_secret_keys={"ai-gateway:anthropicApiKey"})
    version = inv.one(VERSION)
    assert version.inputs["secretString"] == SECRET_PLACEHOLDER
    assert version.property_dependencies["secretId"] == [inv.one(SECRET, "anthropic-api-key").urn]
    assert version.ignore_changes == []  # Pulumi is the source of this value: config changes apply
    assert FAKE_KEY not in json.dumps(inv.to_json())
    assert FAKE_KEY not in json.dumps([r.__dict__ for r in inv.resources], default=str)
    # Tasks start only after the value exists.
    assert version.urn in inv.one(SERVICE).dependencies


def test_api_key_in_plain_config_is_rejected():
    values, secret_keys = stack_values("dev", {"anthropicApiKey": FAKE_KEY})
    with pytest.raises(Exception, match="--secret"):
        parse_settings(values, secret_keys)


# --- IAM -----------------------------------------------------------------------------------------------


def _assert_no_wildcards(doc, allowed_star_actions):
    for st in doc["Statement"]:
        actions = as_list(st["Action"])
        assert all("*" not in a for a in actions), st
        if st["Resource"] == "*" or "*" in as_list(st["Resource"]):
            assert set(actions) <= allowed_star_actions, st


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_roles_trust_only_ecs_tasks_of_this_account(stack):
    inv = baseline(stack)
    for role in ("execution-role", "task-role"):
        r = inv.one(ROLE, role)
        trust = json.loads(r.inputs["assumeRolePolicy"])["Statement"]
        assert trust == [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
                          "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}]
        assert "managedPolicyArns" not in r.inputs
    assert inv.one(ROLE, "execution-role").inputs["name"] == f"ai-gateway-{stack}-task-execution"
    assert inv.one(ROLE, "task-role").inputs["name"] == f"ai-gateway-{stack}-task"


def test_execution_role_reaches_only_this_stacks_repository_logs_and_secrets(all_providers):
    inv = all_providers
    sts = statements(inv, "execution-policy")
    _assert_no_wildcards(policy(inv, "execution-policy"), {"ecr:GetAuthorizationToken"})
    assert sts["PullFromThisStacksRepository"]["Resource"] == [f"arn:aws:ecr:us-east-1:{ACCOUNT_ID}:repository/ai-gateway-dev-images"]
    assert sorted(sts["WriteContainerLogs"]["Resource"]) == sorted(
        f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:{log_group_name(inv, r)}:*" for r in ("gateway", "collector"))
    injected = sorted(s["valueFrom"] for s in containers(inv)["gateway"]["secrets"])
    assert sts["ReadProviderKeySecrets"]["Resource"] == injected
    decrypt = sts["DecryptProviderKeysThroughSecretsManager"]
    assert decrypt["Action"] == "kms:Decrypt"
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}
    assert inv.one(KEY, "secrets-key").urn in inv.one(ROLE_POLICY, "execution-policy").property_dependencies["policy"]


def test_task_role_exact_for_dev():
    inv = baseline("dev")
    profile = f"arn:aws:bedrock:us-east-1:{ACCOUNT_ID}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"
    assert policy(inv, "task-policy") == {"Version": "2012-10-17", "Statement": [
        {"Sid": "InvokeConfiguredModels", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": [profile]},
        {"Sid": "InvokeFoundationModelsThroughInferenceProfiles", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
         "Resource": ["arn:aws:bedrock:us-*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"],
         "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": [profile]}}},
        {"Sid": "XRayTraces", "Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
        {"Sid": "CollectorWritesMetricLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/ai-gateway/dev/metrics:*"]},
        {"Sid": "ReadLiveConfiguration", "Effect": "Allow",
         "Action": ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"],
         "Resource": _live_config_arns(inv)},
    ]}


def test_task_role_follows_bedrock_settings_and_guardrails():
    inv = run_stack("prod", {
        "providers": {"bedrock": {"model": "anthropic.claude-3-5-haiku-20241022-v1:0", "region": "us-west-2",
                                  "allowedModels": ["eu.amazon.nova-pro-v1:0"]},
                      "anthropic": {"enabled": True}},
        "routing": {"fallbackGroups": [["bedrock"], ["anthropic"]],
                    "modelAliases": {"smart": "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "gpt-4*": "gpt-4o"}},
        "guardrails": {"enabled": True, "identifier": "abcdefghij12", "version": "2"},
    })
    doc = policy(inv, "task-policy")
    _assert_no_wildcards(doc, {"xray:PutTraceSegments"})
    sts = {st["Sid"]: st for st in doc["Statement"]}
    assert sts["InvokeConfiguredModels"]["Resource"] == sorted([
        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
        f"arn:aws:bedrock:us-west-2:{ACCOUNT_ID}:inference-profile/eu.amazon.nova-pro-v1:0",
        f"arn:aws:bedrock:us-west-2:{ACCOUNT_ID}:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ])
    assert sts["InvokeFoundationModelsThroughInferenceProfiles"]["Resource"] == [
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
        "arn:aws:bedrock:eu-*::foundation-model/amazon.nova-pro-v1:0",
    ]
    assert sts["ApplyConfiguredGuardrail"] == {
        "Sid": "ApplyConfiguredGuardrail", "Effect": "Allow", "Action": "bedrock:ApplyGuardrail",
        "Resource": [f"arn:aws:bedrock:us-west-2:{ACCOUNT_ID}:guardrail/abcdefghij12"]}
    assert "ApplyConfiguredGuardrail" not in statements(baseline("prod"), "task-policy")
    # No managed policies, no CloudWatch PutMetricData, no log-group creation.
    text = json.dumps(doc)
    assert "cloudwatch:" not in text and "CreateLogGroup" not in text


# --- ECR -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_ecr_repository_is_immutable_scanned_and_cmk_encrypted(stack):
    inv = baseline(stack)
    repo = inv.one(REPO)
    key = inv.one(KEY, "ecr-key")
    assert repo.inputs["name"] == f"ai-gateway-{stack}-images"
    assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
    assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo.inputs["encryptionConfigurations"][0]["encryptionType"] == "KMS"
    assert repo.property_dependencies["encryptionConfigurations"] == [key.urn]
    assert key.inputs["enableKeyRotation"] is True
    assert repo.protect is (stack == "prod") and key.protect is (stack == "prod")
    rule = json.loads(inv.one(LIFECYCLE).inputs["policy"])["rules"][0]
    assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 20}
    assert rule["action"] == {"type": "expire"}
    assert inv.outputs["ecrRepositoryUrl"] == f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/ai-gateway-{stack}-images"
    keep5 = tuned(stack)
    assert json.loads(keep5.one(LIFECYCLE).inputs["policy"])["rules"][0]["selection"]["countNumber"] == 5


# --- cluster and service -----------------------------------------------------------------------------------


def test_cluster_has_enhanced_container_insights_and_fargate():
    inv = baseline("prod")
    cluster = inv.one(CLUSTER)
    assert cluster.inputs["name"] == "ai-gateway-prod"
    assert cluster.inputs["settings"] == [{"name": "containerInsights", "value": "enhanced"}]
    capacity = inv.one(CAPACITY)
    assert capacity.inputs["capacityProviders"] == ["FARGATE"]
    assert capacity.inputs["clusterName"] == "ai-gateway-prod"


@pytest.mark.parametrize("stack, desired", [("dev", 1), ("prod", 2)])
def test_service_settings(stack, desired):
    inv = baseline(stack)
    svc = inv.one(SERVICE)
    i = svc.inputs
    assert i["name"] == f"ai-gateway-{stack}-gateway"
    assert i["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert (i["deploymentMinimumHealthyPercent"], i["deploymentMaximumPercent"]) == (100, 200)
    assert i["waitForSteadyState"] is True
    assert i["enableExecuteCommand"] is False
    assert i["propagateTags"] == "SERVICE"
    assert i["healthCheckGracePeriodSeconds"] == 60
    assert i["desiredCount"] == desired
    assert svc.ignore_changes == ["desiredCount"]
    assert i["capacityProviderStrategies"] == [{"capacityProvider": "FARGATE", "weight": 1}]
    net = i["networkConfiguration"]
    assert net["assignPublicIp"] is False
    private = [s for s in inv.of_type(SUBNET) if "private" in s.name]
    assert private and sorted(svc.property_dependencies["networkConfiguration"]) == sorted(
        [s.urn for s in private] + [inv.one(SG, "service-sg").urn])
    assert len(net["subnets"]) == len(private) and len(net["securityGroups"]) == 1
    assert i["loadBalancers"] == [{"targetGroupArn": i["loadBalancers"][0]["targetGroupArn"],
                                   "containerName": "gateway", "containerPort": 8787}]
    assert svc.property_dependencies["loadBalancers"] == [inv.one(TG).urn]
    # The target group is attached to the ALB before the service registers targets.
    listener_urns = {lst.urn for lst in inv.of_type(LISTENER)}
    assert listener_urns and listener_urns <= set(svc.dependencies)
    for needed in (inv.one(CAPACITY).urn, inv.one(ROLE_POLICY, "execution-policy").urn, inv.one(ROLE_POLICY, "task-policy").urn):
        assert needed in svc.dependencies
    assert inv.outputs["serviceName"] == i["name"] and inv.outputs["clusterName"] == f"ai-gateway-{stack}"


def test_plain_http_dev_service_depends_on_the_forwarding_listener():
    inv = run_stack("dev", PLAIN_HTTP_BEDROCK_ONLY)
    listeners = inv.of_type(LISTENER)
    assert len(listeners) == 1 and listeners[0].urn in inv.one(SERVICE).dependencies


# --- autoscaling ---------------------------------------------------------------------------------------------


def test_autoscaling_target_and_policies():
    inv = baseline("prod")
    target = inv.one(TARGET)
    assert target.inputs == {
        "serviceNamespace": "ecs", "scalableDimension": "ecs:service:DesiredCount",
        "resourceId": "service/ai-gateway-prod/ai-gateway-prod-gateway", "minCapacity": 2, "maxCapacity": 6,
    }
    policies = {p.inputs["name"]: p.inputs for p in inv.of_type(SCALING)}
    assert set(policies) == {"ai-gateway-prod-scale-on-cpu", "ai-gateway-prod-scale-on-requests"}
    for p in policies.values():
        assert p["policyType"] == "TargetTrackingScaling"
        assert p["resourceId"] == target.inputs["resourceId"]
        cfg = p["targetTrackingScalingPolicyConfiguration"]
        assert (cfg["scaleOutCooldown"], cfg["scaleInCooldown"]) == (60, 300)
    cpu = policies["ai-gateway-prod-scale-on-cpu"]["targetTrackingScalingPolicyConfiguration"]
    assert cpu["targetValue"] == 70
    assert cpu["predefinedMetricSpecification"] == {"predefinedMetricType": "ECSServiceAverageCPUUtilization"}
    req = policies["ai-gateway-prod-scale-on-requests"]["targetTrackingScalingPolicyConfiguration"]
    assert req["targetValue"] == 500
    lb, tg = inv.one(LB), inv.one(TG)
    assert req["predefinedMetricSpecification"] == {
        "predefinedMetricType": "ALBRequestCountPerTarget",
        "resourceLabel": f"{attribute(lb, 'arnSuffix')}/{attribute(tg, 'arnSuffix')}"}
    knobs = tuned("prod")
    values = sorted(p.inputs["targetTrackingScalingPolicyConfiguration"]["targetValue"] for p in knobs.of_type(SCALING))
    assert values == [55, 1200]
    assert (knobs.one(TARGET).inputs["minCapacity"], knobs.one(TARGET).inputs["maxCapacity"]) == (3, 12)
    assert knobs.one(SERVICE).inputs["desiredCount"] == 3


# --- preview -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_does_not_crash_and_leaves_computed_values_unknown(stack):
    inv = baseline(stack, preview=True)
    assert inv.one(TASK).inputs["containerDefinitions"] == UNKNOWN
    assert inv.one(SERVICE).inputs["waitForSteadyState"] is True
    assert inv.outputs["clusterName"] == f"ai-gateway-{stack}"


def test_a_change_the_gateway_reads_only_at_start_replaces_the_tasks_and_a_reloadable_one_does_not():
    def label(inv):
        return containers(inv)["gateway"]["dockerLabels"]["ai-gateway.startup-config"]

    base = label(baseline("dev"))
    assert base.startswith("sha256:")
    # Logging is read once, at process start: a new value must reach new tasks, not a reload.
    assert label(tuned("dev")) != base
    # Routing and teams are reloaded from the watched file: the tasks stay.
    assert label(run_stack("dev", {"routing": {"modelAliases": {"fast": "gpt-4o-mini"}}})) == base
