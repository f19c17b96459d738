"""Bootstrap: the whole bootstrap stack under an explicit, tagged AWS provider."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

from .documents import SAMPLE_ACCOUNT
from .github_ci import GithubCi, StateHandles, policy_counts, sample_state
from .permissions import TABLE
from .settings import LoadedSettings
from .state import StateBackend, bucket_name

TYPES_FILE = Path(__file__).resolve().parent / "resource-types.json"


def granted_types(resource_types: str) -> list[str]:
    """The types the deploy roles get: the stacks' (committed list) or every reviewed one."""
    if resource_types == "all":
        return sorted(TABLE)
    return list(json.loads(TYPES_FILE.read_text())["types"])


class Bootstrap(pulumi.ComponentResource):
    """State backend (unless Pulumi Cloud holds the state) and the GitHub CI roles."""

    def __init__(self, name: str, loaded: LoadedSettings, opts: pulumi.ResourceOptions | None = None):
        settings, naming = loaded.settings, loaded.naming
        types = granted_types(settings.permissions.resource_types)
        sample = (sample_state(naming.project, bucket_name(naming, SAMPLE_ACCOUNT, loaded.region), loaded.region)
                  if settings.state_backend.enabled else None)
        counts = policy_counts(loaded, types, sample)  # settings errors before any resource is registered
        if loaded.uncovered:
            pulumi.log.warn(f"deployRoles: no deploy role lists the repository's stacks {', '.join(loaded.uncovered)}; "
                            "these roles cannot preview or deploy them (another account's bootstrap may)")
        super().__init__("ai-gateway-bootstrap:index:Bootstrap", name, None, opts)
        self.provider = aws.Provider(
            f"{name}-aws", region=loaded.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=naming.tags("bootstrap")),
            opts=pulumi.ResourceOptions(parent=self))
        invoke = pulumi.InvokeOutputOptions(provider=self.provider, parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        partition = aws.get_partition_output(opts=invoke).partition
        child = pulumi.ResourceOptions(parent=self, providers={"aws": self.provider})

        self.state = None
        handles = None
        if settings.state_backend.enabled:
            self.state = StateBackend("state", naming, settings.state_backend, loaded.region, account_id, partition,
                                      opts=child)
            handles = StateHandles(self.state.bucket.arn, self.state.key.arn)
        self.ci = GithubCi("ci", loaded, types, counts, account_id, partition, handles, opts=child)

        deploy_arns = {env: role.arn for env, role in self.ci.deploy_roles.items()}
        variables: dict[str, pulumi.Input[str]] = {"AWS_PREVIEW_ROLE_ARN": self.ci.preview_role.arn,
                                                   "AWS_REGION": loaded.region}
        if self.state:
            variables["PULUMI_BACKEND_URL"] = self.state.backend_url
        self.outputs: dict[str, pulumi.Input[object]] = {
            "region": loaded.region,
            "oidcProviderArn": self.ci.provider_arn,
            "previewRoleArn": self.ci.preview_role.arn,
            "deployRoleArns": deploy_arns,
            "deployRoleStacks": {env: list(stacks) for env, stacks in loaded.deploy_roles.items()},
            "stateBucket": self.state.bucket.bucket if self.state else None,
            "backendUrl": self.state.backend_url if self.state else None,
            "secretsProvider": self.state.secrets_provider if self.state else None,
            "kmsKeyArn": self.state.key.arn if self.state else None,
            "githubRepositoryVariables": variables,
            "githubEnvironmentVariables": {env: {"AWS_DEPLOY_ROLE_ARN": arn} for env, arn in deploy_arns.items()},
            "grantedResourceTypes": types,
        }
        self.register_outputs(self.outputs)
