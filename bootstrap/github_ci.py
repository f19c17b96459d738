"""GithubCi: the GitHub OIDC provider, the read-only preview role and one deploy role per
environment class, with permissions rendered from the reviewed table (``permissions.py``).

- preview role: trusted only for ``repo:<owner>/<repo>:pull_request``; metadata reads of every
  listed gateway stack, the stacks' state (read) and the secrets key (decrypt);
- deploy role ``<class>``: trusted only for ``repo:<owner>/<repo>:environment:<class>``; manages the
  resources of the gateway stacks listed for the class (names ``<project>-<stack>-...``, tags
  ``project``/``stack``), reads and writes those stacks' state only.
"""

from __future__ import annotations

import json
from typing import Callable, Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.naming import Naming

from .documents import (
    GITHUB_OIDC_URL,
    MANAGED_POLICIES_PER_ROLE,
    SAMPLE_ACCOUNT,
    STS_AUDIENCE,
    WORST_CASE_PARTITION,
    Scope,
    StateAccess,
    StatementTooLarge,
    deploy_documents,
    environment_subject,
    github_trust_policy,
    preview_documents,
    pull_request_subject,
)
from .settings import LoadedSettings, SettingsError

MAX_SESSION_SECONDS = 3600


def stack_scopes(loaded: LoadedSettings) -> dict[str, Scope]:
    """What the table's placeholders mean for each listed gateway stack, by stack name."""
    settings = loaded.settings
    zones = tuple(settings.permissions.hosted_zone_ids)
    return {stack: Scope(Naming(settings.gateway_project, stack), loaded.region, zones) for stack in loaded.stacks}


def sample_state(project: str, bucket_name: str, region: str) -> StateAccess:
    """State ARNs as long as the real ones (worst-case partition, 12-digit account, key UUID), to
    plan the policy split before the real ARNs are known."""
    key_id = f"{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}"
    return StateAccess(f"arn:{WORST_CASE_PARTITION}:s3:::{bucket_name}",
                       f"arn:{WORST_CASE_PARTITION}:kms:{region}:{SAMPLE_ACCOUNT}:key/{key_id}", project)


def policy_counts(loaded: LoadedSettings, types: Sequence[str], state: StateAccess | None) -> dict[str, int]:
    """How many managed policies each CI role needs (``deploy-<class>``, ``preview``).

    Planned with sample values before any resource exists, so a role with more stacks than its
    policies can hold is a settings error, not a half-finished update."""
    scopes = stack_scopes(loaded)
    advice = "list fewer stacks" + (", or grant permissions.resourceTypes: stacks"
                                    if loaded.settings.permissions.resource_types == "all" else "")
    counts: dict[str, int] = {}
    for env, stacks in loaded.deploy_roles.items():
        counts[f"deploy-{env}"] = _planned(f"deployRoles.{env}", f"the {env} deploy role", advice, lambda s=stacks: (
            deploy_documents(types, [scopes[stack] for stack in s], WORST_CASE_PARTITION, SAMPLE_ACCOUNT, state)))
    counts["preview"] = _planned("deployRoles", "the preview role (every listed stack)", advice, lambda: (
        preview_documents(types, list(scopes.values()), WORST_CASE_PARTITION, SAMPLE_ACCOUNT, state)))
    return counts


def _planned(key: str, what: str, advice: str, documents: Callable[[], list]) -> int:
    try:
        count = len(documents())
    except StatementTooLarge as err:
        raise SettingsError(key, f"{what} does not fit IAM's policy size limit ({err}): {advice}") from None
    if count > MANAGED_POLICIES_PER_ROLE:
        raise SettingsError(key, f"{what} would need {count} managed policies, more than the "
                                 f"{MANAGED_POLICIES_PER_ROLE} IAM attaches to a role by default: {advice}")
    return count


class GithubCi(pulumi.ComponentResource):
    """OIDC provider (or the existing one), preview role, deploy roles and their policies."""

    def __init__(self, name: str, loaded: LoadedSettings, types: Sequence[str], counts: Mapping[str, int],
                 account_id: pulumi.Output[str], partition: pulumi.Output[str], state: "StateHandles | None",
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway-bootstrap:ci:GithubCi", name, None, opts)
        settings, naming = loaded.settings, loaded.naming
        child = pulumi.ResourceOptions(parent=self)
        repo = settings.github.repository

        if settings.github.oidc_provider_arn:
            self.provider_arn: pulumi.Output[str] = pulumi.Output.from_input(settings.github.oidc_provider_arn)
        else:
            provider = aws.iam.OpenIdConnectProvider(
                f"{name}-github-oidc", url=GITHUB_OIDC_URL, client_id_lists=[STS_AUDIENCE],
                opts=pulumi.ResourceOptions(parent=self, protect=True))
            self.provider_arn = provider.arn

        scopes = stack_scopes(loaded)

        def role(role_name: str, subject: str, description: str) -> aws.iam.Role:
            return aws.iam.Role(
                f"{name}-{role_name}", name=naming.physical(role_name), description=description,
                max_session_duration=MAX_SESSION_SECONDS,
                assume_role_policy=self.provider_arn.apply(lambda arn: json.dumps(github_trust_policy(arn, subject))),
                opts=child)

        def attach(role_name: str, role_: aws.iam.Role, render) -> list[aws.iam.Policy]:
            inputs = [partition, account_id] + ([state.bucket_arn, state.key_arn] if state else [])
            count = counts[role_name]
            policies = []
            for index in range(count):
                policy = aws.iam.Policy(
                    f"{name}-{role_name}-{index + 1}", name=naming.physical(f"{role_name}-{index + 1}"),
                    description=f"{role_name} permissions, part {index + 1} of {count} (bootstrap/permissions.py)",
                    policy=pulumi.Output.all(*inputs).apply(lambda a, i=index: json.dumps(render(*a)[i])),
                    opts=child)
                aws.iam.RolePolicyAttachment(f"{name}-{role_name}-{index + 1}", role=role_.name, policy_arn=policy.arn,
                                             opts=child)
                policies.append(policy)
            return policies

        def state_of(args: tuple) -> StateAccess | None:
            return StateAccess(args[0], args[1], settings.gateway_project) if state else None

        self.preview_role = role("preview", pull_request_subject(repo),
                                 f"Read-only pulumi preview of {settings.gateway_project} from pull requests of {repo}")
        all_scopes = list(scopes.values())
        attach("preview", self.preview_role,
               lambda part, acct, *st: preview_documents(types, all_scopes, part, acct, state_of(st)))

        self.deploy_roles: dict[str, aws.iam.Role] = {}
        for env, stacks in loaded.deploy_roles.items():
            own = [scopes[stack] for stack in stacks]
            # The description names the setting, not the stacks: adding a stack changes only policies.
            deploy = role(f"deploy-{env}", environment_subject(repo, env),
                          f"pulumi up of the {env}-class {settings.gateway_project} stacks "
                          f"(bootstrap deployRoles.{env}) from the {env} environment of {repo}")
            attach(f"deploy-{env}", deploy,
                   lambda part, acct, *st, o=own: deploy_documents(types, o, part, acct, state_of(st)))
            self.deploy_roles[env] = deploy

        self.register_outputs({"previewRoleArn": self.preview_role.arn,
                               "deployRoleArns": {env: r.arn for env, r in self.deploy_roles.items()}})


class StateHandles:
    """The state backend's ARNs as the CI roles need them."""

    def __init__(self, bucket_arn: pulumi.Output[str], key_arn: pulumi.Output[str]):
        self.bucket_arn = bucket_arn
        self.key_arn = key_arn
