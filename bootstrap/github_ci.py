"""GithubCi: the GitHub OIDC provider, the read-only preview role and one deploy role per
environment, with permissions rendered from the reviewed table (``permissions.py``).

- preview role: trusted only for ``repo:<owner>/<repo>:pull_request``; metadata reads of every
  gateway stack, the stacks' state (read) and the secrets key (decrypt);
- deploy role ``<env>``: trusted only for ``repo:<owner>/<repo>:environment:<env>``; manages the
  resources of gateway stack ``<env>`` (names ``<project>-<env>-...``, tags ``project``/``stack``),
  reads and writes that stack's state only.
"""

from __future__ import annotations

import json
from typing import Sequence

import pulumi
import pulumi_aws as aws

from components.naming import Naming

from .documents import (
    GITHUB_OIDC_URL,
    SAMPLE_ACCOUNT,
    STS_AUDIENCE,
    WORST_CASE_PARTITION,
    Scope,
    StateAccess,
    deploy_documents,
    environment_subject,
    github_trust_policy,
    preview_documents,
    pull_request_subject,
)
from .settings import LoadedSettings

MAX_SESSION_SECONDS = 3600


class GithubCi(pulumi.ComponentResource):
    """OIDC provider (or the existing one), preview role, deploy roles and their policies."""

    def __init__(self, name: str, loaded: LoadedSettings, types: Sequence[str], account_id: pulumi.Output[str],
                 partition: pulumi.Output[str], state: "StateHandles | None",
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

        scopes = {env: Scope(Naming(settings.gateway_project, env), loaded.region,
                             tuple(settings.permissions.hosted_zone_ids)) for env in settings.environments}
        sample_state = state.sample(naming, loaded.region) if state else None

        def role(role_name: str, subject: str, description: str) -> aws.iam.Role:
            return aws.iam.Role(
                f"{name}-{role_name}", name=naming.physical(role_name), description=description,
                max_session_duration=MAX_SESSION_SECONDS,
                assume_role_policy=self.provider_arn.apply(lambda arn: json.dumps(github_trust_policy(arn, subject))),
                opts=child)

        def attach(role_name: str, role_: aws.iam.Role, count: int, render) -> list[aws.iam.Policy]:
            inputs = [partition, account_id] + ([state.bucket_arn, state.key_arn] if state else [])
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
        preview_count = len(preview_documents(types, all_scopes, WORST_CASE_PARTITION, SAMPLE_ACCOUNT, sample_state))
        attach("preview", self.preview_role, preview_count,
               lambda part, acct, *st: preview_documents(types, all_scopes, part, acct, state_of(st)))

        self.deploy_roles: dict[str, aws.iam.Role] = {}
        for env, scope in scopes.items():
            deploy = role(f"deploy-{env}", environment_subject(repo, env),
                          f"pulumi up of {settings.gateway_project} stack {env} from the {env} environment of {repo}")
            count = len(deploy_documents(types, [scope], WORST_CASE_PARTITION, SAMPLE_ACCOUNT, sample_state))
            attach(f"deploy-{env}", deploy, count,
                   lambda part, acct, *st, s=scope: deploy_documents(types, [s], part, acct, state_of(st)))
            self.deploy_roles[env] = deploy

        self.register_outputs({"previewRoleArn": self.preview_role.arn,
                               "deployRoleArns": {env: r.arn for env, r in self.deploy_roles.items()}})


class StateHandles:
    """The state backend's ARNs as the CI roles need them, and same-length samples for planning."""

    def __init__(self, bucket_arn: pulumi.Output[str], key_arn: pulumi.Output[str], bucket_name_for):
        self.bucket_arn = bucket_arn
        self.key_arn = key_arn
        self._bucket_name_for = bucket_name_for

    def sample(self, naming: Naming, region: str) -> StateAccess:
        """ARNs as long as the real ones (worst-case partition, 12-digit account, key UUID)."""
        bucket = f"arn:{WORST_CASE_PARTITION}:s3:::{self._bucket_name_for(SAMPLE_ACCOUNT)}"
        key = f"arn:{WORST_CASE_PARTITION}:kms:{region}:{SAMPLE_ACCOUNT}:key/{'0' * 8}-{'0' * 4}-{'0' * 4}-{'0' * 4}-{'0' * 12}"
        return StateAccess(bucket, key, naming.project)
