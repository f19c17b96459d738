"""LiveConfig: AppConfig application, environment, profiles and strategies, the validator and
publisher functions, the publish on deploy, and what changes when teams or routes change."""

from __future__ import annotations

import json

import pytest

from functions.publisher.request import render_for_publish
from tests.support import attribute, baseline, container_definitions, run_stack
from tools.fakes import ACCOUNT_ID
from tools.synth import published_documents, rendered_configs

APP = "aws:appconfig/application:Application"
ENV = "aws:appconfig/environment:Environment"
PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
STRATEGY = "aws:appconfig/deploymentStrategy:DeploymentStrategy"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
INVOCATION = "aws:lambda/invocation:Invocation"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
STACKS = ["dev", "prod"]


def functions(inv):
    return {f.inputs["name"]: f for f in inv.of_type(FUNCTION)}


def policy(inv, name):
    return json.loads(inv.one(ROLE_POLICY, name).inputs["policy"])


@pytest.mark.parametrize("stack", STACKS)
def test_application_environment_and_profiles(stack):
    inv = baseline(stack)
    app = inv.one(APP)
    assert app.inputs["name"] == f"ai-gateway-{stack}-gateway-config"
    env = inv.one(ENV)
    assert env.inputs["name"] == "live" and env.property_dependencies["applicationId"] == [app.urn]
    profiles = {p.inputs["name"]: p for p in inv.of_type(PROFILE)}
    assert set(profiles) == {"gateway", "catalog"}
    fns = functions(inv)
    for kind, profile in profiles.items():
        assert profile.inputs["locationUri"] == "hosted" and profile.inputs["type"] == "AWS.Freeform"
        validator = fns[f"ai-gateway-{stack}-{kind}-validator"]
        # Each profile is checked by the function told to check that file, of this application only.
        assert profile.inputs["validators"] == [{"type": "LAMBDA", "content": attribute(validator, "arn")}]
        assert profile.property_dependencies["validators"] == [validator.urn]
        variables = validator.inputs["environment"]["variables"]
        assert variables["VALIDATES"] == kind and variables["APPLICATION_ID"] == attribute(app, "id")
        assert validator.inputs["handler"] == "functions.validator.handler.handler"
        assert validator.inputs["timeout"] == 15  # AppConfig's limit for a validator


@pytest.mark.parametrize("stack", STACKS)
def test_validators_may_be_invoked_by_appconfig_of_this_account_only(stack):
    inv = baseline(stack)
    permissions = [p for p in inv.of_type(PERMISSION) if "LiveConfig" in p.urn]
    assert len(permissions) == 2
    invoked = set()
    for p in permissions:
        assert p.inputs["principal"] == "appconfig.amazonaws.com" and p.inputs["action"] == "lambda:InvokeFunction"
        assert p.inputs["sourceAccount"] == ACCOUNT_ID
        invoked.add(p.inputs["function"])
    assert invoked == {f"ai-gateway-{stack}-gateway-validator", f"ai-gateway-{stack}-catalog-validator"}
    # A profile is created only once AppConfig may call its validator.
    for profile in inv.of_type(PROFILE):
        assert any(p.urn in profile.dependencies for p in permissions)


@pytest.mark.parametrize("stack, strategy", [("dev", "immediate"), ("prod", "guarded")])
def test_strategies_and_the_default_per_environment(stack, strategy):
    inv = baseline(stack)
    strategies = {s.inputs["name"].rsplit("-", 1)[-1]: s.inputs for s in inv.of_type(STRATEGY)}
    assert set(strategies) == {"immediate", "guarded"}
    for s in strategies.values():
        assert s["deploymentDurationInMinutes"] == 0 and s["growthFactor"] == 100 and s["replicateTo"] == "NONE"
    assert strategies["immediate"]["finalBakeTimeInMinutes"] == 0
    assert strategies["guarded"]["finalBakeTimeInMinutes"] == 3
    assert json.loads(inv.one(INVOCATION).inputs["input"])["strategy"] == strategy
    publisher = functions(inv)[f"ai-gateway-{stack}-publisher"]
    assert publisher.inputs["environment"]["variables"]["DEFAULT_STRATEGY"] == strategy
    longer = run_stack(stack, {"liveConfig": {"bakeMinutes": 10, "deploymentStrategy": "guarded"}})
    assert {s.inputs["name"].rsplit("-", 1)[-1]: s.inputs["finalBakeTimeInMinutes"]
            for s in longer.of_type(STRATEGY)}["guarded"] == 10
    assert json.loads(longer.one(INVOCATION).inputs["input"])["strategy"] == "guarded"


@pytest.mark.parametrize("stack", STACKS)
def test_guarded_deployments_roll_back_on_the_sync_and_5xx_alarms(stack):
    inv = baseline(stack)
    env = inv.one(ENV)
    alarms = {a.inputs["name"]: a for a in inv.of_type(ALARM)}
    wanted = [f"ai-gateway-{stack}-config-sync-failed", f"ai-gateway-{stack}-5xx-rate"]
    role = inv.one(ROLE, "live-config-monitor-role")
    assert [m["alarmArn"] for m in env.inputs["monitors"]] == [attribute(alarms[n], "arn") for n in wanted]
    assert {m["alarmRoleArn"] for m in env.inputs["monitors"]} == {attribute(role, "arn")}
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "appconfig.amazonaws.com"}, "Action": "sts:AssumeRole",
                      "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}}]
    assert policy(inv, "live-config-monitor-policy")["Statement"] == [{
        "Sid": "ReadRollbackAlarms", "Effect": "Allow", "Action": "cloudwatch:DescribeAlarms",
        "Resource": sorted(attribute(alarms[n], "arn") for n in wanted)}]
    sync = alarms[wanted[0]].inputs
    assert (sync["metricName"], sync["statistic"], sync["threshold"], sync["comparisonOperator"]) == (
        "agentgateway_config_synchronized", "Minimum", 1, "LessThanThreshold")
    assert sync["treatMissingData"] == "notBreaching"  # no task yet, or between deploys: nothing to say


@pytest.mark.parametrize("stack", STACKS)
def test_publisher_role_reaches_this_stacks_profiles_environment_and_strategies_only(stack):
    inv = baseline(stack)
    app = attribute(inv.one(APP), "id")
    env = attribute(inv.one(ENV), "environmentId")
    profiles = sorted(attribute(p, "configurationProfileId") for p in inv.of_type(PROFILE))
    strategies = sorted(attribute(s, "id") for s in inv.of_type(STRATEGY))
    base = f"arn:aws:appconfig:us-east-1:{ACCOUNT_ID}"
    profile_arns = [f"{base}:application/{app}/configurationprofile/{p}" for p in profiles]
    environment = f"{base}:application/{app}/environment/{env}"
    sts = {st["Sid"]: st for st in policy(inv, "live-config-publisher-policy")["Statement"]}
    # With the control plane on, also the control table's (tests/components/test_control_plane.py).
    assert set(sts) == {"WriteOwnLogs", "ActiveTracing", "HostedVersionsOfThisStacksProfiles",
                        "DeployToThisStacksEnvironment", "FollowDeployments", "CallControlTable",
                        "UseTableKeyThroughDynamoDB"}
    assert sorted(sts["HostedVersionsOfThisStacksProfiles"]["Resource"]) == profile_arns
    assert sorted(sts["DeployToThisStacksEnvironment"]["Resource"]) == sorted(
        [environment, *profile_arns, *(f"{base}:deploymentstrategy/{s}" for s in strategies)])
    assert sts["FollowDeployments"]["Resource"] == [environment, f"{environment}/deployment/*"]
    assert sts["ActiveTracing"]["Resource"] == "*"
    for kind in ("gateway", "catalog"):
        validator = {st["Sid"] for st in policy(inv, f"live-config-{kind}-validator-policy")["Statement"]}
        assert validator == {"WriteOwnLogs", "ActiveTracing"}  # it only reads its event
    publisher = functions(inv)[f"ai-gateway-{stack}-publisher"]
    assert publisher.inputs["reservedConcurrentExecutions"] == 1  # one publish at a time
    assert publisher.inputs["timeout"] == 900
    variables = publisher.inputs["environment"]["variables"]
    assert {variables[k] for k in ("GATEWAY_PROFILE_ID", "CATALOG_PROFILE_ID")} == set(profiles)
    assert (variables["APPLICATION_ID"], variables["ENVIRONMENT_ID"]) == (app, env)


@pytest.mark.parametrize("stack", STACKS)
def test_every_function_is_arm64_python_traced_logged_and_bounded(stack):
    inv = baseline(stack)
    fns = functions(inv)
    sso = ("pre-token",) if stack == "dev" else ()  # the SSO trigger: on in the dev stack file
    assert set(fns) == {f"ai-gateway-{stack}-{n}" for n in ("publisher", "gateway-validator", "catalog-validator",
                                                           "admin-api", "usage-aggregator", "budget-reset",
                                                           "chargeback", *sso)}
    for name, fn in fns.items():
        i = fn.inputs
        assert i["runtime"] == "python3.13" and i["architectures"] == ["arm64"]
        assert i["tracingConfig"] == {"mode": "Active"}
        assert i["loggingConfig"]["logFormat"] == "JSON" and i["loggingConfig"]["logGroup"] == f"/aws/lambda/{name}"
        assert i["reservedConcurrentExecutions"] >= 1
        assert "kmsKeyArn" not in i  # ids only in the environment: the AWS managed key encrypts it
        assert i["code"] == "[archive]" and len(i["sourceCodeHash"]) == 44
        assert not [v for v in i["environment"]["variables"].values() if "secret" in v.lower()]


@pytest.mark.parametrize("stack", STACKS)
def test_the_deploy_publishes_before_tasks_start_and_the_synth_files_are_what_it_publishes(stack):
    inv = baseline(stack)
    publish = inv.one(INVOCATION)
    publisher = functions(inv)[f"ai-gateway-{stack}-publisher"]
    assert publish.inputs["functionName"] == publisher.inputs["name"]
    assert publish.inputs["triggers"] == {"code": publisher.inputs["sourceCodeHash"]}
    for needed in [inv.one(ENV), *inv.of_type(PROFILE), *inv.of_type(STRATEGY)]:
        assert needed.urn in publish.dependencies
    assert publish.urn in inv.one(SERVICE).dependencies
    event = json.loads(publish.inputs["input"])
    assert set(event) == {"base", "overlay", "strategy"}
    # What `make synth` writes is byte for byte what the publisher renders from the same input.
    rendered = render_for_publish(event)
    files = rendered_configs(inv)
    assert files["agentgateway.json"] == rendered.config_json
    assert files["catalog.json"] == rendered.catalog_json
    assert published_documents(inv) == event


def _overlay(inv):
    return json.loads(inv.one(INVOCATION).inputs["input"])["overlay"]


def _team_settings(status="active", models=None):
    client = {"scopes": ["invoke"], "tier": "standard", "status": status}
    if models is not None:
        client["models"] = models
    return {"auth": {"teamClients": {"platform": client}}}


def test_a_team_change_republishes_without_touching_the_tasks():
    before = baseline("dev")
    suspended = run_stack("dev", _team_settings(status="suspended"))
    assert _overlay(suspended) != _overlay(before)
    assert [t for t in _overlay(suspended)["teams"] if t["name"] == "platform"][0]["status"] == "suspended"
    # Same base, same task definition: the change travels through AppConfig to the running tasks.
    assert json.loads(suspended.one(INVOCATION).inputs["input"])["base"] == json.loads(
        before.one(INVOCATION).inputs["input"])["base"]
    assert container_definitions(suspended) == container_definitions(before)
    assert suspended.one(TASK).inputs == before.one(TASK).inputs


def test_a_price_override_changes_only_the_catalog():
    before, after = baseline("dev"), run_stack("dev", {"pricing": {"overrides": {
        "anthropic": {"claude-sonnet-4-20250514": {"input": "2.5"}}}}})
    old, new = rendered_configs(before), rendered_configs(after)
    assert old["agentgateway.json"] == new["agentgateway.json"] and old["catalog.json"] != new["catalog.json"]
    assert after.one(TASK).inputs == before.one(TASK).inputs


def test_the_agent_image_is_a_tag_of_this_stacks_repository_or_a_digest():
    digest = "public.ecr.aws/aws-appconfig/aws-appconfig-agent@sha256:" + "0" * 64
    inv = run_stack("dev", {"liveConfig": {"agentImage": digest}})
    agent = {c["name"]: c for c in container_definitions(inv)}["config-agent"]
    assert agent["image"] == digest
