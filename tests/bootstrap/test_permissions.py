"""The reviewed table: covers every resource type of the stacks, grants only real, scoped,
non-wildcard actions, and keeps each role to its own stacks."""

from __future__ import annotations

import fnmatch
import itertools
import json
import re
from functools import lru_cache

import pytest

from bootstrap.documents import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_LIMIT,
    SAMPLE_ACCOUNT,
    Scope,
    StateAccess,
    deploy_documents,
    preview_documents,
    size,
    unscoped_actions,
)
from bootstrap.permissions import PLANNED_TYPES, TABLE, is_aws_resource
from bootstrap.program import granted_types
from components.naming import Naming
from policy.check import CONFIG_DIR
from policy.rules.iam import WILDCARD_RESOURCE_ACTIONS
from tests.policy.test_pack import _token_exists
from tests.support import everything_on
from tools import stack_types

from . import iam_reference
from .support import REPOSITORY_ROLES, bootstrap_baseline, documents, three_classes

STATE = StateAccess("arn:aws:s3:::ai-gateway-example-state-123456789012-us-east-1",
                    "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000", "ai-gateway")
SCOPES = [Scope(Naming("ai-gateway", env), "us-east-1") for env in ("dev", "prod")]
SANDBOX = Scope(Naming("ai-gateway", "sandbox-alice"), "us-east-1")
DEV_CLASS = [SCOPES[0], SANDBOX]
"""One deploy role for two stacks (the dev class holds dev and sandbox-alice)."""
ACCOUNT = "123456789012"
COMING_SOON = {
    "aws:lambda/function:Function", "aws:lambda/permission:Permission", "aws:lambda/invocation:Invocation",
    "aws:appconfig/application:Application", "aws:appconfig/environment:Environment",
    "aws:appconfig/configurationProfile:ConfigurationProfile", "aws:appconfig/deploymentStrategy:DeploymentStrategy",
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "aws:appconfig/deployment:Deployment",
    "aws:inspector2/enabler:Enabler", "aws:dynamodb/table:Table", "aws:apigateway/restApi:RestApi",
    "aws:elasticache/serverlessCache:ServerlessCache", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter", "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:athena/workgroup:Workgroup", "aws:scheduler/schedule:Schedule", "aws:sns/topicSubscription:TopicSubscription",
    "aws:cognito/identityProvider:IdentityProvider",
}


def all_documents() -> list[dict]:
    """Every document the table can render, with every type: deploy roles of one stack and of two
    stacks, and preview of all of them."""
    docs = [d for s in SCOPES for d in deploy_documents(TABLE, [s], "aws", ACCOUNT, STATE)]
    docs += deploy_documents(TABLE, DEV_CLASS, "aws", ACCOUNT, STATE)
    return docs + preview_documents(TABLE, [*SCOPES, SANDBOX], "aws", ACCOUNT, STATE)


def statements(docs) -> list[dict]:
    return [st for d in docs for st in d["Statement"]]


def actions(st) -> list[str]:
    return [st["Action"]] if isinstance(st["Action"], str) else st["Action"]


def resources(st) -> list[str]:
    return [st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"]


def grants(docs) -> set[tuple[str, str, frozenset]]:
    """What documents allow, as (action, resource, condition) triples, a condition value list
    expanded into one condition per value (IAM matches any value of a key, and all keys)."""
    found: set[tuple[str, str, frozenset]] = set()
    for st in statements(docs):
        keys = [[(op, key, v) for v in (values if isinstance(values, list) else [values])]
                for op, block in st.get("Condition", {}).items() for key, values in block.items()]
        for combination in itertools.product(*keys):
            found |= {(a, r, frozenset(combination)) for a in actions(st) for r in resources(st)}
    return found


def stack_arns(stack: str) -> list[str]:
    """Some resources of one gateway stack, one per kind of name scoping, and its state."""
    return [f"arn:aws:iam::{ACCOUNT}:role/ai-gateway-{stack}-task", f"arn:aws:s3:::ai-gateway-{stack}-alb-logs",
            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ai-gateway/{stack}/gateway",
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:ai-gateway/{stack}/anthropic-api-key-AbCdEf",
            f"{STATE.bucket_arn}/.pulumi/stacks/ai-gateway/{stack}.json"]


def writes(st) -> list[str]:
    return [a for a in actions(st) if (iam_reference.action(a) or {}).get("accessLevel") not in ("Read", "List")]


# --- coverage ---------------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _everything_on():
    return {stack: everything_on(stack) for stack in stack_types.STACKS}


def test_stacks_with_every_toggle_on_are_covered_and_named_inside_their_scope() -> None:
    """One test (the two everything-on runs are the expensive part): the committed type list is
    current, every type has a table row, and every physical name matches the row's patterns."""
    inventories = _everything_on()
    types = stack_types.aws_types(inventories)
    assert stack_types.render(types) == stack_types.TYPES_FILE.read_text(), \
        "bootstrap/resource-types.json is stale: run `python -m tools.stack_types`"
    missing = sorted(set(types) - set(TABLE))
    assert not missing, f"resource types without a row in bootstrap/permissions.py: {missing}"
    outside = []
    for stack, inv in inventories.items():
        values = Scope(Naming("ai-gateway", stack), "us-east-1").values("aws", SAMPLE_ACCOUNT)
        for row in inv.resources:
            if not is_aws_resource(row.type, row.custom):
                continue
            for prop, patterns in TABLE[row.type].names.items():
                name = row.inputs.get(prop)
                if isinstance(name, str) and not any(fnmatch.fnmatchcase(name, p.format_map(values)) for p in patterns):
                    outside.append(f"{stack}: {row.type} {row.name}.{prop} = {name!r}")
    assert not outside, "names outside the deploy scope (the deploy role could not manage them):\n" + "\n".join(outside)


def test_the_coming_types_are_in_the_table_and_exist_in_pulumi_aws() -> None:
    assert COMING_SOON <= set(TABLE)
    assert PLANNED_TYPES <= set(TABLE)
    missing = sorted(t for t in TABLE if not _token_exists(t))
    assert not missing, f"not pulumi_aws resource types: {missing}"


def test_stacks_mode_grants_exactly_the_committed_types() -> None:
    committed = json.loads(stack_types.TYPES_FILE.read_text())["types"]
    assert granted_types("stacks") == committed
    assert granted_types("all") == sorted(TABLE)
    assert not PLANNED_TYPES & set(committed), "a planned type is in the stacks now: drop it from PLANNED_TYPES"


# --- what is granted -----------------------------------------------------------------------------------

def test_no_wildcard_action_and_no_iam_wildcard() -> None:
    for st in statements(all_documents()):
        for action in actions(st):
            assert "*" not in action and "?" not in action, f"{st['Sid']}: wildcard action {action}"
            assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action), action
    for type_, row in TABLE.items():
        for grant in row.grants:
            assert not any(a.lower().startswith("iam:") and "*" in a for a in grant.actions), type_


def test_every_action_resource_and_condition_is_real() -> None:
    """Against the Service Authorization Reference: the action exists, '*' only where it has no
    required resource type, each resource ARN is one of its resource types, and each condition
    key is one it supports there (an unsupported key would deny at deploy time)."""
    problems = iam_reference.findings(statements(all_documents()))
    assert not problems, "\n".join(problems)


def test_policy_config_allows_exactly_the_unscoped_actions() -> None:
    config = json.loads((CONFIG_DIR / "bootstrap.json").read_text())
    builtin = {a.lower() for a in WILDCARD_RESOURCE_ACTIONS}
    expected = [a for a in unscoped_actions(TABLE) if a.lower() not in builtin]
    assert config["aws-iam-policy-wildcard-resource-allowlist"]["additionalActions"] == expected
    assert config["all"] == "mandatory"
    for action in expected:
        assert not iam_reference.required_types(action), f"{action} has resource-level permissions"


def test_pass_role_and_service_linked_roles_are_conditioned() -> None:
    for st in statements(all_documents()):
        if "iam:PassRole" in actions(st):
            assert actions(st) == ["iam:PassRole"] or st["Action"] == "iam:PassRole"
            assert set(st["Condition"]["StringEquals"]) == {"iam:PassedToService"}
            assert all(re.fullmatch(OWN_ROLES, r) for r in resources(st))
        if "iam:CreateServiceLinkedRole" in actions(st):
            assert set(st["Condition"]["StringEquals"]) == {"iam:AWSServiceName"}
        if any(a.startswith("iam:") for a in actions(st)) and "Condition" not in st:
            assert all(re.fullmatch(OWN_ROLES, r) for r in resources(st)), st


OWN_ROLES = r"arn:aws:iam::123456789012:role/ai-gateway-(dev|prod|sandbox-alice)-\*"


def test_preview_role_reads_only() -> None:
    docs = preview_documents(TABLE, SCOPES, "aws", "123456789012", STATE)
    for st in statements(docs):
        for action in actions(st):
            entry = iam_reference.action(action)
            level = entry["accessLevel"] if entry else "?"
            state_read = action in ("s3:GetObject", "kms:Decrypt") and all(
                r.startswith((STATE.bucket_arn, STATE.key_arn)) for r in resources(st))
            assert level in ("Read", "List") or state_read, f"preview role gets {action} ({level})"
    granted = {a for st in statements(docs) for a in actions(st)}
    assert not granted & {"secretsmanager:GetSecretValue", "s3:PutObject", "s3:DeleteObject", "kms:Encrypt",
                          "kms:GenerateDataKey"}


@pytest.mark.parametrize("role", [SCOPES[:1], DEV_CLASS], ids=["dev", "dev+sandbox-alice"])
def test_a_deploy_role_cannot_touch_another_stack_or_the_bootstrap(role) -> None:
    docs = deploy_documents(TABLE, role, "aws", ACCOUNT, STATE)
    own = [f"arn:aws:iam::{ACCOUNT}:role/ai-gateway-example-deploy-dev",
           f"arn:aws:iam::{ACCOUNT}:policy/ai-gateway-example-deploy-dev-1",
           f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
           STATE.bucket_arn, f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/ai-gateway-example-pulumi"]
    for st in statements(docs):
        if st["Resource"] == "*":
            continue
        for pattern in resources(st):
            for arn in stack_arns("prod") + (own if writes(st) else []):
                if fnmatch.fnmatchcase(arn, pattern) and "Condition" not in st:
                    pytest.fail(f"{st['Sid']}: {pattern} reaches {arn}")
        conditions = json.dumps(st.get("Condition", {}))
        assert '"prod"' not in conditions


def test_a_role_of_two_stacks_manages_both_and_nothing_of_a_third() -> None:
    docs = deploy_documents(TABLE, DEV_CLASS, "aws", ACCOUNT, STATE)
    for stack in ("dev", "sandbox-alice"):
        for arn in stack_arns(stack):
            assert any(writes(st) and "Condition" not in st and any(fnmatch.fnmatchcase(arn, p) for p in resources(st))
                       for st in statements(docs)), f"the dev role cannot write {arn}"
    tagged = {v for st in statements(docs) for block in st.get("Condition", {}).values()
              for key, values in block.items() if key.endswith("Tag/stack")
              for v in (values if isinstance(values, list) else [values])}
    assert tagged == {"dev", "sandbox-alice"}
    passed = {r for st in statements(docs) if "iam:PassRole" in actions(st) for r in resources(st)}
    assert passed == {f"arn:aws:iam::{ACCOUNT}:role/ai-gateway-{stack}-*" for stack in ("dev", "sandbox-alice")}


def test_a_role_of_two_stacks_grants_exactly_what_two_roles_of_one_stack_would() -> None:
    """Sharing a role merges the stacks' statements (tag conditions list both stacks) without
    widening: no action reaches a resource or a tag value that neither stack alone had."""
    alone = [grants(deploy_documents(TABLE, [s], "aws", ACCOUNT, STATE)) for s in DEV_CLASS]
    assert grants(deploy_documents(TABLE, DEV_CLASS, "aws", ACCOUNT, STATE)) == alone[0] | alone[1]
    assert grants(preview_documents(TABLE, DEV_CLASS, "aws", ACCOUNT, STATE)) == (
        grants(preview_documents(TABLE, [SCOPES[0]], "aws", ACCOUNT, STATE))
        | grants(preview_documents(TABLE, [SANDBOX], "aws", ACCOUNT, STATE)))


def test_documents_fit_iam_limits_with_every_type() -> None:
    for docs in ([deploy_documents(TABLE, [s], "aws-us-gov", SAMPLE_ACCOUNT, STATE) for s in SCOPES]
                 + [preview_documents(TABLE, SCOPES, "aws-us-gov", SAMPLE_ACCOUNT, STATE)]):
        assert len(docs) <= MANAGED_POLICIES_PER_ROLE
        assert all(size(d) <= MANAGED_POLICY_LIMIT for d in docs)


def test_three_stacks_in_one_class_fit_iam_limits_with_every_type() -> None:
    zones = ("Z0123456789DEVEXAMPLE", "Z0123456789PRODEXAMPLE")
    three = [Scope(Naming("ai-gateway", s), "us-east-1", zones) for s in ("dev", "sandbox-alice", "sandbox-bobby")]
    for docs in (deploy_documents(TABLE, three, "aws-us-gov", SAMPLE_ACCOUNT, STATE),
                 preview_documents(TABLE, [*three, *SCOPES[1:]], "aws-us-gov", SAMPLE_ACCOUNT, STATE)):
        assert len(docs) <= MANAGED_POLICIES_PER_ROLE
        assert all(size(d) <= MANAGED_POLICY_LIMIT for d in docs)
    docs = deploy_documents(TABLE, three, "aws", ACCOUNT, STATE)
    assert grants(docs) == set().union(*(grants(deploy_documents(TABLE, [s], "aws", ACCOUNT, STATE)) for s in three))


ZONES = ("Z0123456789DEVEXAMPLE", "Z0123456789PRODEXAMPLE")


@pytest.mark.parametrize(("inventory", "role", "stacks"), [
    (bootstrap_baseline, "dev", REPOSITORY_ROLES["dev"]), (three_classes, "dev", ["dev", "sandbox-alice"]),
    (three_classes, "staging", ["eu-staging"]),
])
def test_synthesized_roles_carry_the_rendered_documents(inventory, role, stacks) -> None:
    inv = inventory()
    types = granted_types("stacks")
    scopes = [Scope(Naming("ai-gateway", stack), "us-east-1", ZONES) for stack in stacks]
    bucket = inv.outputs["stateBucket"]
    state = StateAccess(f"arn:aws:s3:::{bucket}", inv.outputs["kmsKeyArn"], "ai-gateway")
    assert documents(inv, f"deploy-{role}") == deploy_documents(types, scopes, "aws", ACCOUNT, state)
    granted = {a for st in statements(documents(inv, f"deploy-{role}")) for a in actions(st)}
    # Types only planned (not yet in a stack) are not granted.
    assert "s3:PutObject" in granted and "ec2:CreateVpc" in granted and "firehose:CreateDeliveryStream" not in granted
    route53 = [st for st in statements(documents(inv, f"deploy-{role}"))
               if "route53:ChangeResourceRecordSets" in actions(st)]
    assert route53 and all("hostedzone/Z0123456789" in r for st in route53 for r in resources(st))


# --- the image mirror (bin/mirror-images in the deploy job) ------------------------------------------

MIRROR_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
                  "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
                  "ecr:UploadLayerPart")


def _allows(docs, action: str, resource: str) -> bool:
    """An unconditioned Allow of the action on the resource (how the table scopes repositories)."""
    return any(st["Effect"] == "Allow" and action in actions(st) and "Condition" not in st
               and any(fnmatch.fnmatchcase(resource, p) for p in resources(st)) for st in statements(docs))


def _repository(stack: str) -> str:
    return f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/ai-gateway-{stack}-images"


@pytest.mark.parametrize(("role", "own", "foreign"), [
    ([SCOPES[0]], ["dev"], ["prod", "sandbox-alice"]), (DEV_CLASS, ["dev", "sandbox-alice"], ["prod"]),
    ([SCOPES[1]], ["prod"], ["dev", "sandbox-alice"]),
], ids=["dev", "dev+sandbox-alice", "prod"])
def test_a_deploy_role_can_mirror_into_its_own_repositories_only(role, own, foreign) -> None:
    """Whatever types the role is granted (here: none but the state), the mirror's pushes reach
    the stack's own repositories and no other stack's."""
    docs = deploy_documents([], role, "aws", ACCOUNT, STATE)
    for action in MIRROR_ACTIONS:
        for stack in own:
            assert _allows(docs, action, _repository(stack)), (action, stack)
        for stack in foreign:
            assert not _allows(docs, action, _repository(stack)), (action, stack)
        assert not any(action in actions(st) and st["Resource"] == "*" for st in statements(docs)), action
    assert _allows(docs, "ecr:GetAuthorizationToken", "*")  # the login token exists only on "*"


def test_the_repository_key_is_usable_through_ecr_only_and_the_preview_role_cannot_push() -> None:
    """Pushes to the KMS-encrypted repository: ECR encrypts under the grant it creates on the key
    with the repository, which the repository's table row allows through ECR (kms:ViaService) on
    the stack's tagged keys only."""
    docs = deploy_documents(granted_types("stacks"), [SCOPES[0]], "aws", ACCOUNT, STATE)
    kms = [st for st in statements(docs) if "kms:CreateGrant" in actions(st)
           and "ecr.us-east-1.amazonaws.com" in json.dumps(st.get("Condition", {}))]
    assert kms and all({"kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"} <= set(actions(st)) for st in kms)
    for st in kms:
        condition = st["Condition"]["StringEquals"]
        assert condition["aws:ResourceTag/stack"] == "dev" and condition["kms:ViaService"] == "ecr.us-east-1.amazonaws.com"
    preview = preview_documents(TABLE, [*SCOPES, SANDBOX], "aws", ACCOUNT, STATE)
    granted = {a for st in statements(preview) for a in actions(st)}
    assert not granted & set(MIRROR_ACTIONS)
