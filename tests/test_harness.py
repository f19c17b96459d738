"""The mocks harness: inventories, both preview modes, invokes, redaction, runtime reset."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from tools.harness import SECRET_PLACEHOLDER, UNKNOWN, UnmockedInvokeError, run_program


def _program():
    provider = aws.Provider("p", region="us-east-1")
    key = aws.kms.Key("key", description="k", enable_key_rotation=True, opts=pulumi.ResourceOptions(provider=provider))
    group = aws.cloudwatch.LogGroup(
        "logs", name="/x/y", kms_key_id=key.arn, retention_in_days=30,
        opts=pulumi.ResourceOptions(provider=provider, parent=key, protect=True),
    )
    aws.secretsmanager.SecretVersion(
        "v", secret_id="s", secret_string=pulumi.Output.secret("sk-super-secret"),
        opts=pulumi.ResourceOptions(provider=provider, depends_on=[group]),
    )
    pulumi.export("keyArn", key.arn)
    pulumi.export("token", pulumi.Output.secret("sk-super-secret"))


def test_records_type_urn_parent_camelcase_inputs_and_dependencies():
    inv = run_program(_program, project="proj", stack="dev")
    key = inv.one("aws:kms/key:Key")
    group = inv.one("aws:cloudwatch/logGroup:LogGroup")
    assert key.urn == "urn:pulumi:dev::proj::pulumi:pulumi:Stack$aws:kms/key:Key::key"
    assert group.parent == key.urn and group.protect is True and group.custom is True
    assert group.inputs["retentionInDays"] == 30  # ints stay ints
    assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:us-east-1:123456789012:key/")
    assert group.property_dependencies["kmsKeyId"] == [key.urn]
    assert key.urn in group.dependencies
    version = inv.one("aws:secretsmanager/secretVersion:SecretVersion")
    assert group.urn in version.dependencies
    assert inv.resources[0].type == "pulumi:pulumi:Stack"
    assert inv.outputs["keyArn"] == key.inputs.get("arn", inv.outputs["keyArn"])


def test_secrets_are_redacted_everywhere():
    inv = run_program(_program)
    text = json.dumps(inv.to_json())
    assert "sk-super-secret" not in text
    assert inv.one("aws:secretsmanager/secretVersion:SecretVersion").inputs["secretString"] == SECRET_PLACEHOLDER
    assert inv.outputs["token"] == SECRET_PLACEHOLDER


def test_preview_mode_leaves_computed_values_unknown():
    inv = run_program(_program, preview=True)
    assert inv.one("aws:cloudwatch/logGroup:LogGroup").inputs["kmsKeyId"] == UNKNOWN
    assert inv.outputs["keyArn"] == UNKNOWN


def test_unmocked_invoke_is_an_error():
    def program():
        aws.ec2.get_vpc_output(default=True).id.apply(lambda _: None)

    with pytest.raises(Exception, match="unmocked invoke aws:ec2/getVpc:getVpc"):
        run_program(program)


def test_mocked_invokes():
    seen = {}

    def program():
        aws.get_caller_identity_output().account_id.apply(lambda v: seen.setdefault("account", v))
        aws.get_partition_output().partition.apply(lambda v: seen.setdefault("partition", v))
        aws.get_region_output().region.apply(lambda v: seen.setdefault("region", v))
        aws.get_availability_zones_output(state="available").names.apply(lambda v: seen.setdefault("azs", v))

    run_program(program, config={"aws:region": "eu-west-1"})
    assert seen == {"account": "123456789012", "partition": "aws", "region": "eu-west-1",
                    "azs": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}


def test_runs_are_independent():
    first = run_program(_program, stack="a")
    second = run_program(_program, stack="b")
    assert len(first.resources) == len(second.resources)
    assert all(r.urn.startswith("urn:pulumi:b::") for r in second.resources)
    assert second.resources[0].type == "pulumi:pulumi:Stack"


def test_config_reaches_the_program_and_is_cleared():
    seen = {}

    def program():
        seen["env"] = pulumi.Config("ai-gateway").get("environment")

    run_program(program, project="ai-gateway", config={"ai-gateway:environment": "prod"})
    assert seen["env"] == "prod"
    run_program(program, project="ai-gateway")
    assert seen["env"] is None


def test_unmocked_type_still_gets_an_arn():
    inv = run_program(lambda: aws.sns.TopicPolicy("tp", arn="x", policy="{}", opts=pulumi.ResourceOptions(provider=aws.Provider("p", region="us-east-1"))))
    assert inv.one("aws:sns/topicPolicy:TopicPolicy").inputs == {"arn": "x", "policy": "{}"}


def test_inventory_json_is_stable_across_runs():
    from tests.support import run_stack

    first = json.dumps(run_stack("prod", fresh=True).to_json())
    second = json.dumps(run_stack("prod", fresh=True).to_json())
    assert first == second
