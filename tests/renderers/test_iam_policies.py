"""IAM documents of the gateway service: exact statements, and invariants over every valid stack."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings

from components.renderers import iam_policies as iam
from components.renderers.agentgateway_config import bedrock_region, count_tokens_backend, guardrail_region
from components.renderers.collector_config import CollectorRenderContext, render_collector_config
from tests.renderers.strategies import dev_plain_http, load, stack_values

ACCT = "123456789012"
REGION = "us-east-1"
REPO = f"arn:aws:ecr:{REGION}:{ACCT}:repository/ai-gateway-dev-images"
GATEWAY_GROUP = f"arn:aws:logs:{REGION}:{ACCT}:log-group:/ai-gateway/dev/gateway"
COLLECTOR_GROUP = f"arn:aws:logs:{REGION}:{ACCT}:log-group:/ai-gateway/dev/collector"
METRICS = "/ai-gateway/dev/metrics"
METRICS_ARN = f"arn:aws:logs:{REGION}:{ACCT}:log-group:{METRICS}"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:ai-gateway/dev/anthropic-api-key-AbCdEf"
KEY = f"arn:aws:kms:{REGION}:{ACCT}:key/11111111-2222-3333-4444-555555555555"
PROFILE = "us.anthropic.claude-sonnet-4-20250514-v1:0"
APP_PROFILE = f"arn:aws:bedrock:{REGION}:{ACCT}:application-inference-profile/abc123def456"


def settings_of(**values):
    return load({**dev_plain_http(), **values}).settings


def collector(settings, region=REGION):
    return render_collector_config(settings, CollectorRenderContext(
        region=region, metrics_log_group=METRICS, service_name="ai-gateway-dev-gateway", cluster_name="ai-gateway-dev"))


def by_sid(doc):
    return {st["Sid"]: st for st in doc["Statement"]}


# --- trust and key policy ---------------------------------------------------------------------------


def test_task_roles_trust_only_ecs_tasks_of_this_account():
    assert iam.ecs_tasks_trust_policy(ACCT) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCT}},
    }]}


def test_secrets_key_is_usable_for_crypto_only_through_secrets_manager_of_this_region():
    doc = iam.secrets_key_policy("aws", REGION, ACCT)
    statements = by_sid(doc)
    assert set(statements) == {"AccountAdministration", "UseThroughSecretsManagerOfThisRegion"}
    admin = statements["AccountAdministration"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCT}:root"}
    assert not {"kms:*", "kms:Decrypt", "kms:Create*", "kms:CreateGrant"} & set(admin["Action"])
    assert "kms:Put*" in admin["Action"]  # the account can always fix the policy (no lockout)
    assert statements["UseThroughSecretsManagerOfThisRegion"] == {
        "Sid": "UseThroughSecretsManagerOfThisRegion",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
        "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
                                       "kms:CallerAccount": ACCT}},
    }


# --- execution role ------------------------------------------------------------------------------------


def test_execution_role_policy_exact():
    doc = iam.execution_role_policy(region=REGION, repository_arn=REPO, log_group_arns=[GATEWAY_GROUP, COLLECTOR_GROUP],
                                    secret_arns=[SECRET], secrets_key_arn=KEY)
    assert doc == {"Version": "2012-10-17", "Statement": [
        {"Sid": "EcrAuthorizationToken", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "PullFromThisStacksRepository", "Effect": "Allow",
         "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
         "Resource": [REPO]},
        {"Sid": "WriteContainerLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [f"{COLLECTOR_GROUP}:*", f"{GATEWAY_GROUP}:*"]},
        {"Sid": "ReadProviderKeySecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": [SECRET]},
        {"Sid": "DecryptProviderKeysThroughSecretsManager", "Effect": "Allow", "Action": "kms:Decrypt",
         "Resource": [KEY],
         "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}},
    ]}


def test_execution_role_without_secrets_has_no_secret_statements_and_no_empty_resource_lists():
    doc = iam.execution_role_policy(region=REGION, repository_arn=REPO, log_group_arns=[GATEWAY_GROUP],
                                    secret_arns=[], secrets_key_arn=None)
    assert [st["Sid"] for st in doc["Statement"]] == ["EcrAuthorizationToken", "PullFromThisStacksRepository",
                                                       "WriteContainerLogs"]
    assert all(st["Resource"] for st in doc["Statement"])
    with pytest.raises(ValueError, match="key"):
        iam.execution_role_policy(region=REGION, repository_arn=REPO, log_group_arns=[GATEWAY_GROUP],
                                  secret_arns=[SECRET], secrets_key_arn=None)


# --- Bedrock -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model, expected", [
    ("us.anthropic.claude-sonnet-4-20250514-v1:0", True),
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", True),
    ("anthropic.claude-3-5-haiku-20241022-v1:0", True),
    ("openai.gpt-oss-120b-1:0", True),
    (APP_PROFILE, True),
    ("gpt-4.1", False),
    ("gpt-4o", False),
    ("claude-sonnet-4-20250514", False),
    ("gemini-2.5-pro", False),
    ("org/team:model", False),
])
def test_which_alias_targets_are_bedrock_models(model, expected):
    assert iam.is_bedrock_model_id(model) is expected


def test_bedrock_models_come_from_model_allowed_models_and_bedrock_alias_targets():
    s = settings_of(
        providers={"bedrock": {"model": PROFILE, "allowedModels": ["anthropic.claude-3-5-haiku-20241022-v1:0", PROFILE]}},
        routing={"modelAliases": {"fast": "anthropic.claude-3-5-haiku-20241022-v1:0", "gpt-4*": "gpt-4o",
                                  "big": "eu.anthropic.claude-opus-4-20250514-v1:0"}},
    )
    assert iam.bedrock_model_ids(s) == [PROFILE, "anthropic.claude-3-5-haiku-20241022-v1:0",
                                        "eu.anthropic.claude-opus-4-20250514-v1:0"]
    off = settings_of(providers={"bedrock": {"enabled": False}}, routing={"fallbackGroups": [["anthropic"]],
                      "modelAliases": {"fast": "anthropic.claude-3-5-haiku-20241022-v1:0"}})
    assert iam.bedrock_model_ids(off) == []


def test_cross_region_profile_grants_profile_and_foundation_models_of_its_geography_only_through_it():
    grants = iam.bedrock_grants([PROFILE], partition="aws", region=REGION, account_id=ACCT)
    profile_arn = f"arn:aws:bedrock:us-east-1:{ACCT}:inference-profile/{PROFILE}"
    assert grants.direct == (profile_arn,)
    assert grants.through_profiles == ("arn:aws:bedrock:us-*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",)
    assert grants.profiles == (profile_arn,)


@pytest.mark.parametrize("model, regions", [
    ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", ["*"]),
    ("eu.amazon.nova-pro-v1:0", ["eu-*"]),
    ("apac.amazon.nova-pro-v1:0", ["ap-*"]),
    ("jp.anthropic.claude-sonnet-4-5-20250929-v1:0", ["ap-northeast-1", "ap-northeast-3"]),
])
def test_geography_of_each_profile_family(model, regions):
    grants = iam.bedrock_grants([model], partition="aws", region="eu-west-1", account_id=ACCT)
    base = model.split(".", 1)[1]
    assert list(grants.through_profiles) == [f"arn:aws:bedrock:{r}::foundation-model/{base}" for r in regions]
    assert grants.direct == (f"arn:aws:bedrock:eu-west-1:{ACCT}:inference-profile/{model}",)


def test_plain_model_and_application_profile():
    grants = iam.bedrock_grants(["anthropic.claude-3-5-haiku-20241022-v1:0", APP_PROFILE],
                                partition="aws-us-gov", region="us-gov-west-1", account_id=ACCT)
    assert grants.direct == (
        "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0",
        APP_PROFILE,
    )
    assert grants.through_profiles == ()
    assert grants.profiles == (APP_PROFILE,)


def test_bedrock_statements_exact_with_guardrail():
    s = settings_of(
        providers={"bedrock": {"model": PROFILE, "region": "us-west-2"}},
        guardrails={"enabled": True, "identifier": "abcdefghij12", "version": "3"},
    )
    statements = iam.bedrock_statements(s, partition="aws", bedrock_region=bedrock_region(s, REGION),
                                        guardrail_region=guardrail_region(s, REGION), account_id=ACCT)
    profile_arn = f"arn:aws:bedrock:us-west-2:{ACCT}:inference-profile/{PROFILE}"
    assert statements == [
        {"Sid": "InvokeConfiguredModels", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "Resource": [profile_arn]},
        {"Sid": "InvokeFoundationModelsThroughInferenceProfiles", "Effect": "Allow",
         "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
         "Resource": ["arn:aws:bedrock:us-*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"],
         "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": [profile_arn]}}},
        {"Sid": "ApplyConfiguredGuardrail", "Effect": "Allow", "Action": "bedrock:ApplyGuardrail",
         "Resource": [f"arn:aws:bedrock:us-west-2:{ACCT}:guardrail/abcdefghij12"]},
    ]


def test_guardrail_given_by_arn_is_granted_as_is_and_only_when_enabled():
    arn = f"arn:aws:bedrock:eu-west-1:{ACCT}:guardrail/abcdefghij12"
    on = settings_of(guardrails={"enabled": True, "identifier": arn})
    statements = by_sid({"Statement": iam.bedrock_statements(
        on, partition="aws", bedrock_region=REGION, guardrail_region=guardrail_region(on, REGION), account_id=ACCT)})
    assert statements["ApplyConfiguredGuardrail"]["Resource"] == [arn]
    off = settings_of(guardrails={"enabled": False, "identifier": arn})
    assert "ApplyConfiguredGuardrail" not in by_sid({"Statement": iam.bedrock_statements(
        off, partition="aws", bedrock_region=REGION, guardrail_region=None, account_id=ACCT)})


def test_count_tokens_is_granted_on_the_pinned_foundation_model_only_when_bedrock_counts():
    model = "anthropic.claude-sonnet-4-20250514-v1:0"
    s = settings_of(providers={"bedrock": {"model": model, "allowedModels": [PROFILE]}})
    statements = by_sid({"Statement": iam.bedrock_statements(
        s, partition="aws", bedrock_region=REGION, guardrail_region=None, account_id=ACCT)})
    assert statements["CountTokensOfThePinnedModel"] == {
        "Sid": "CountTokensOfThePinnedModel", "Effect": "Allow", "Action": "bedrock:CountTokens",
        "Resource": [f"arn:aws:bedrock:{REGION}::foundation-model/{model}"]}
    profile = settings_of(providers={"bedrock": {"model": PROFILE}})  # rerouted: Bedrock never counts
    assert "CountTokensOfThePinnedModel" not in by_sid({"Statement": iam.bedrock_statements(
        profile, partition="aws", bedrock_region=REGION, guardrail_region=None, account_id=ACCT)})


def test_no_bedrock_statements_when_bedrock_is_off():
    s = settings_of(providers={"bedrock": {"enabled": False}, "anthropic": {"enabled": True}},
                    routing={"fallbackGroups": [["anthropic"]]})
    assert iam.bedrock_statements(s, partition="aws", bedrock_region=REGION, guardrail_region=None, account_id=ACCT) == []


# --- collector ----------------------------------------------------------------------------------------------


def test_collector_grants_exactly_what_its_exporters_call():
    statements = iam.collector_statements(collector(settings_of()), {METRICS: METRICS_ARN})
    assert statements == [
        {"Sid": "XRayTraces", "Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
        {"Sid": "CollectorWritesMetricLogs", "Effect": "Allow",
         "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": [f"{METRICS_ARN}:*"]},
    ]
    actions = iam.actions_of({"Statement": statements})
    assert "logs:CreateLogGroup" not in actions and "cloudwatch:PutMetricData" not in actions


def test_collector_optional_calls_follow_its_config():
    config = collector(settings_of())
    config["exporters"]["awsxray"]["telemetry"] = {"enabled": True}
    config["extensions"]["awsproxy"] = {}
    config["service"]["extensions"].append("awsproxy")
    xray = by_sid({"Statement": iam.collector_statements(config, {METRICS: METRICS_ARN})})["XRayTraces"]
    assert xray["Action"] == ["xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords",
                              "xray:PutTraceSegments"]
    # Defined but unused components grant nothing.
    unused = collector(settings_of())
    unused["exporters"]["awscloudwatchlogs/unused"] = {"log_group_name": "/somewhere/else"}
    assert len(iam.collector_statements(unused, {METRICS: METRICS_ARN})) == 2


def test_collector_writing_elsewhere_or_with_an_unknown_aws_exporter_fails():
    with pytest.raises(ValueError, match="does not create"):
        iam.collector_statements(collector(settings_of()), {})
    config = collector(settings_of())
    config["exporters"]["awss3"] = {}
    config["service"]["pipelines"]["traces"]["exporters"].append("awss3")
    with pytest.raises(ValueError, match="awss3"):
        iam.collector_statements(config, {METRICS: METRICS_ARN})


# --- invariants over every valid stack ----------------------------------------------------------------------


@hsettings(max_examples=60, deadline=None)
@given(stack_values())
def test_task_role_never_uses_wildcard_actions_and_wildcard_resources_only_for_xray(case):
    values, region = case
    s = load(values, region).settings
    doc = iam.task_role_policy(
        s, partition="aws", account_id=ACCT, bedrock_region=bedrock_region(s, region),
        guardrail_region=guardrail_region(s, region), collector_config=collector(s, region),
        log_group_arns={METRICS: METRICS_ARN}, guardrail_id="zyxwvu987654" if s.guardrails.managed else None,
    )
    assert doc is not None
    for st in doc["Statement"]:
        actions = [st["Action"]] if isinstance(st["Action"], str) else st["Action"]
        assert all("*" not in a for a in actions), st
        assert st["Resource"], st
        if st["Resource"] == "*":
            assert all(a.startswith("xray:") for a in actions), st
    sids = {st["Sid"] for st in doc["Statement"]}
    assert ("ApplyConfiguredGuardrail" in sids) is s.guardrails.enabled
    assert ("InvokeConfiguredModels" in sids) is s.providers.bedrock.enabled
    # CountTokens exactly when agentgateway sends count_tokens to Bedrock (not rerouted).
    counts = s.providers.bedrock.enabled and count_tokens_backend(s) is None
    assert ("CountTokensOfThePinnedModel" in sids) is counts


def test_apply_guardrail_targets_the_created_guardrail_in_the_bedrock_region():
    s = load({"edge": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"},
              "providers": {"bedrock": {"region": "us-west-2"}},
              "guardrails": {"enabled": True}}, "us-east-1").settings
    statements = iam.bedrock_statements(s, partition="aws", bedrock_region="us-west-2",
                                        guardrail_region=guardrail_region(s, "us-east-1"), account_id=ACCT,
                                        guardrail_id="zyxwvu987654")
    (apply,) = [st for st in statements if st["Sid"] == "ApplyConfiguredGuardrail"]
    assert apply["Resource"] == [f"arn:aws:bedrock:us-west-2:{ACCT}:guardrail/zyxwvu987654"]
    with pytest.raises(ValueError, match="without an identifier"):
        iam.bedrock_statements(s, partition="aws", bedrock_region="us-west-2", guardrail_region="us-west-2", account_id=ACCT)
