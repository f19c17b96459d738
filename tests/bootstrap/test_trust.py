"""Trust policies: no CI role can be assumed outside the configured repository and environment."""

from __future__ import annotations

import fnmatch
from typing import Any, Mapping

import pytest

from bootstrap.documents import (
    GITHUB_OIDC_HOST,
    environment_subject,
    github_trust_policy,
    pull_request_subject,
)

from .support import REPOSITORY_ROLES, THREE_CLASSES, bootstrap_baseline, run_bootstrap, three_classes, trust

REPO = "example-org/ai-gateway"
PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def assumable(policy: Mapping[str, Any], provider: str, claims: Mapping[str, str]) -> bool:
    """Whether a web-identity token with these claims may assume the role (Allow statements with
    StringEquals/StringLike conditions, as STS evaluates them; anything else denies)."""
    for st in policy["Statement"]:
        if st["Effect"] != "Allow" or st["Action"] != "sts:AssumeRoleWithWebIdentity":
            continue
        if st["Principal"] != {"Federated": provider}:
            continue
        ok = True
        for operator, block in st.get("Condition", {}).items():
            for key, wanted in block.items():
                value = claims.get(key.split(":", 1)[1] if key.startswith(GITHUB_OIDC_HOST) else key)
                options = wanted if isinstance(wanted, list) else [wanted]
                if operator == "StringEquals":
                    ok &= value in options
                elif operator == "StringLike":
                    ok &= value is not None and any(fnmatch.fnmatchcase(value, o) for o in options)
                else:
                    ok = False
        if ok:
            return True
    return False


def token(sub: str, aud: str = "sts.amazonaws.com") -> dict[str, str]:
    return {"sub": sub, "aud": aud}


OTHER_TOKENS = [
    token("repo:example-org/ai-gateway:ref:refs/heads/main"),
    token("repo:example-org/ai-gateway:ref:refs/heads/feature"),
    token("repo:example-org/ai-gateway-fork:pull_request"),
    token("repo:other-org/ai-gateway:pull_request"),
    token("repo:example-org/ai-gateway:environment:staging"),
    token("repo:Example-Org/ai-gateway:pull_request"),
    token("repo:example-org/ai-gateway:pull_request", aud="https://github.com/example-org"),
    token("repo:example-org/ai-gateway:environment:prod", aud="https://github.com/example-org"),
]


def test_subject_formats() -> None:
    assert pull_request_subject(REPO) == "repo:example-org/ai-gateway:pull_request"
    assert environment_subject(REPO, "prod") == "repo:example-org/ai-gateway:environment:prod"


def test_trust_policy_is_exact() -> None:
    policy = github_trust_policy(PROVIDER, "repo:o/r:pull_request")
    [st] = policy["Statement"]
    assert st["Principal"] == {"Federated": PROVIDER}
    assert st["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert st["Condition"] == {"StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com",
                                                f"{GITHUB_OIDC_HOST}:sub": "repo:o/r:pull_request"}}


def test_preview_role_only_for_pull_requests_of_the_repository() -> None:
    policy = trust(bootstrap_baseline(), "preview")
    assert assumable(policy, PROVIDER, token("repo:example-org/ai-gateway:pull_request"))
    for claims in OTHER_TOKENS + [token("repo:example-org/ai-gateway:environment:dev"),
                                  token("repo:example-org/ai-gateway:environment:prod")]:
        assert not assumable(policy, PROVIDER, claims), claims
    assert not assumable(policy, PROVIDER.replace("123456789012", "210987654321"),
                         token("repo:example-org/ai-gateway:pull_request"))


def environment_token(name: str) -> dict[str, str]:
    return token(f"repo:example-org/ai-gateway:environment:{name}")


@pytest.mark.parametrize(("inventory", "env"), [
    *((bootstrap_baseline, env) for env in REPOSITORY_ROLES),
    *((three_classes, env) for env in THREE_CLASSES),
])
def test_deploy_role_only_for_its_environment_class(inventory, env: str) -> None:
    """Trust follows the class, whatever stacks the role deploys: the GitHub environment is the
    class's (a stack name is never an environment the role trusts)."""
    policy = trust(inventory(), f"deploy-{env}")
    own = environment_token(env)
    assert assumable(policy, PROVIDER, own)
    others = [environment_token(e) for e in ("dev", "staging", "prod") if e != env]
    stacks = [environment_token(s) for stacks in THREE_CLASSES.values() for s in stacks if s != env]
    for claims in [t for t in OTHER_TOKENS if t != own] + others + stacks + [
            token("repo:example-org/ai-gateway:pull_request")]:
        assert not assumable(policy, PROVIDER, claims), claims


@pytest.mark.parametrize(("inventory", "roles"), [
    (bootstrap_baseline, sorted([*(f"ci-deploy-{env}" for env in REPOSITORY_ROLES), "ci-preview"])),
    (three_classes, ["ci-deploy-dev", "ci-deploy-prod", "ci-deploy-staging", "ci-preview"]),
])
def test_every_role_of_the_stack_is_federated_to_github_only(inventory, roles) -> None:
    inv = inventory()
    found = inv.of_type("aws:iam/role:Role")
    assert sorted(r.name for r in found) == roles, "one deploy role per class, not per stack"
    for role in found:
        for st in trust(inv, role.name.removeprefix("ci-"))["Statement"]:
            assert set(st["Principal"]) == {"Federated"}
            assert set(st["Condition"]) == {"StringEquals"}, "no wildcard matching in a trust condition"


def test_existing_oidc_provider_is_trusted_and_not_created() -> None:
    existing = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    inv = run_bootstrap({"github": {"repository": REPO, "oidcProviderArn": existing}})
    assert not inv.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert trust(inv, "preview")["Statement"][0]["Principal"] == {"Federated": existing}
    assert inv.outputs["oidcProviderArn"] == existing
