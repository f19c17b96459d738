"""The mirror plan in synth.json: which repository, which URNs a first deploy creates before the
images are copied, which images; on both stack files and on a digest-pinned agent."""

from __future__ import annotations

import json

import pytest

from components.settings.live_config import LiveConfigSettings
from tests.support import baseline, container_definitions, run_stack
from tools.harness import UNKNOWN
from tools.mirror_plan import create_targets, engine_urns, images_to_mirror, mirror_plan, target_names

AGENT_SOURCE = "public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147"
AGENT_TAG = "aws-appconfig-agent-2.0.13147"
FIXTURE_DIGEST = "sha256:" + "ab" * 32
"""A made-up digest: only its shape matters here (the program never checks it against a registry)."""


def _plan(inv):
    from components.settings import parse_settings
    from tests.support import stack_values

    values, secret_keys = stack_values(inv.stack)
    loaded = parse_settings(values, secret_keys)
    return mirror_plan(inv.to_json(), loaded.settings.live_config, loaded.region)


def _engine(stack: str, qualified: str, name: str) -> str:
    return f"urn:pulumi:{stack}::ai-gateway::{qualified}::{name}"


SERVICE = "ai-gateway:index:AiGateway$ai-gateway:service:GatewayService"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_mirror_the_agent_into_their_own_repository(stack):
    inv = baseline(stack)
    plan = _plan(inv)
    assert plan["repository"] == f"ai-gateway-{stack}-images"
    assert plan["region"] == "us-east-1"
    assert plan["images"] == [{"source": AGENT_SOURCE, "tag": AGENT_TAG}]
    # The repository, its key, and the two components above them; nothing else of the stack.
    assert plan["targets"] == sorted([
        _engine(stack, f"{SERVICE}$aws:ecr/repository:Repository", "service-repository"),
        _engine(stack, f"{SERVICE}$aws:kms/key:Key", "service-ecr-key"),
        _engine(stack, SERVICE, "service"),
        _engine(stack, "ai-gateway:index:AiGateway", "ai-gateway"),
    ])
    # What the task pulls is exactly the mirrored tag of that repository.
    agent = next(c for c in container_definitions(inv) if c["name"] == "config-agent")
    assert agent["image"].endswith(f".amazonaws.com/{plan['repository']}:{AGENT_TAG}")


def test_a_digest_pinned_agent_mirrors_nothing():
    image = f"public.ecr.aws/aws-appconfig/aws-appconfig-agent@{FIXTURE_DIGEST}"
    inv = run_stack("dev", {"liveConfig": {"agentImage": image}})
    values = _plan_with(inv, {"agentImage": image})
    assert values["images"] == []
    assert values["repository"] == "ai-gateway-dev-images"  # the repository exists all the same
    agent = next(c for c in container_definitions(inv) if c["name"] == "config-agent")
    assert agent["image"] == image


def _plan_with(inv, live_config):
    return mirror_plan(inv.to_json(), LiveConfigSettings.model_validate(live_config), "us-east-1")


@pytest.mark.parametrize(("agent_image", "expected"), [
    ("ecr:aws-appconfig-agent-2.0.9999",
     [{"source": "public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.9999", "tag": "aws-appconfig-agent-2.0.9999"}]),
    ("ecr:reviewed-agent-7", [{"source": None, "tag": "reviewed-agent-7"}]),
    (f"registry.example/agent@{FIXTURE_DIGEST}", []),
])
def test_images_follow_the_agent_setting(agent_image, expected):
    assert images_to_mirror(LiveConfigSettings.model_validate({"agentImage": agent_image})) == expected


def _row(urn, type_, parent=None, deps=(), prop_deps=None, name=None):
    return {"urn": urn, "type": type_, "name": name or urn.rsplit("::", 1)[-1], "parent": parent, "custom": True,
            "inputs": {}, "dependencies": list(deps), "propertyDependencies": prop_deps or {}, "protect": False}


STACK_URN = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"
TOY = {"project": "p", "stack": "s", "outputs": {}, "resources": [
    _row(STACK_URN, "pulumi:pulumi:Stack"),
    _row("urn:pulumi:s::p::pulumi:pulumi:Stack$pulumi:providers:aws::prov", "pulumi:providers:aws", STACK_URN),
    _row("urn:pulumi:s::p::pulumi:pulumi:Stack$x:index:Outer::outer", "x:index:Outer", STACK_URN),
    _row("urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner", "x:index:Inner",
         "urn:pulumi:s::p::pulumi:pulumi:Stack$x:index:Outer::outer"),
    _row("urn:pulumi:s::p::x:index:Inner$aws:kms/key:Key::key", "aws:kms/key:Key",
         "urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner"),
    _row("urn:pulumi:s::p::x:index:Inner$aws:s3/bucket:Bucket::logs", "aws:s3/bucket:Bucket",
         "urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner"),
    _row("urn:pulumi:s::p::x:index:Inner$aws:ecr/repository:Repository::repo", "aws:ecr/repository:Repository",
         "urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner",
         deps=["urn:pulumi:s::p::pulumi:pulumi:Stack$pulumi:providers:aws::prov"],
         prop_deps={"encryptionConfigurations": ["urn:pulumi:s::p::x:index:Inner$aws:kms/key:Key::key"]}),
    _row("urn:pulumi:s::p::x:index:Inner$aws:ecr/lifecyclePolicy:LifecyclePolicy::rules",
         "aws:ecr/lifecyclePolicy:LifecyclePolicy", "urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner",
         deps=["urn:pulumi:s::p::x:index:Inner$aws:ecr/repository:Repository::repo"]),
]}


def test_engine_urns_carry_the_whole_parent_chain_without_the_stack():
    urns = engine_urns(TOY)
    assert urns["urn:pulumi:s::p::x:index:Inner$aws:kms/key:Key::key"] == \
        "urn:pulumi:s::p::x:index:Outer$x:index:Inner$aws:kms/key:Key::key"
    assert urns["urn:pulumi:s::p::pulumi:pulumi:Stack$x:index:Outer::outer"] == "urn:pulumi:s::p::x:index:Outer::outer"
    assert urns[STACK_URN] == STACK_URN


def test_targets_follow_property_dependencies_and_parents_not_dependents_or_providers():
    targets = create_targets(TOY, "urn:pulumi:s::p::x:index:Inner$aws:ecr/repository:Repository::repo")
    assert targets == [
        "urn:pulumi:s::p::x:index:Outer$x:index:Inner$aws:ecr/repository:Repository::repo",
        "urn:pulumi:s::p::x:index:Outer$x:index:Inner$aws:kms/key:Key::key",
        "urn:pulumi:s::p::x:index:Outer$x:index:Inner::inner",
        "urn:pulumi:s::p::x:index:Outer::outer",
    ]
    assert target_names(targets) == {("aws:ecr/repository:Repository", "repo"), ("aws:kms/key:Key", "key"),
                                     ("x:index:Inner", "inner"), ("x:index:Outer", "outer")}


def test_plan_needs_exactly_one_repository():
    without = {**TOY, "resources": [r for r in TOY["resources"] if r["type"] != "aws:ecr/repository:Repository"]}
    with pytest.raises(ValueError, match="expected one aws:ecr/repository:Repository"):
        mirror_plan(without, LiveConfigSettings(), "us-east-1")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_program_completes_the_targeted_up(stack):
    """As the first deploy's targeted up runs it: everything but the targets is a create the engine
    skips and answers with unknown outputs. The program must still register the targets with their
    real inputs (an apply on a skipped resource's output must not break them)."""
    plan = _plan(baseline(stack))
    inv = run_stack(stack, targets=target_names(plan["targets"]))
    full = {(r.type, r.name) for r in baseline(stack).resources}
    assert {(r.type, r.name) for r in inv.resources} == full
    repository = inv.one("aws:ecr/repository:Repository")
    assert repository.inputs["name"] == plan["repository"]
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
    assert json.dumps(repository.inputs["encryptionConfigurations"]).count("arn:aws:kms:") == 1
    # And the rest really was skipped: what the task definition takes from the roles is unknown.
    assert inv.one("aws:ecs/taskDefinition:TaskDefinition").inputs["executionRoleArn"] == UNKNOWN
