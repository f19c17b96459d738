"""Deploy roles in the bootstrap settings: one per environment class, listing its gateway stacks,
derived from the repository's stack files unless set, and checked against them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bootstrap.settings import SettingsError, parse_settings, repository_stacks
from tests.support import ROOT
from tools.stacks import by_environment

PROJECT = "ai-gateway-bootstrap"
BASE = {"aws:region": "us-east-1", f"{PROJECT}:github": json.dumps({"repository": "example-org/ai-gateway"})}
REPOSITORY = {"dev": ["dev", "sandbox-alice"], "staging": ["eu-staging"], "prod": ["prod"]}
"""A repository with four stack files: two dev-class, one staging-class, one prod-class."""


def loaded(deploy_roles=None, *, repository=REPOSITORY, stack: str = "example"):
    """Parse the minimal config, with ``deployRoles`` when given, against a repository's stacks."""
    config = dict(BASE)
    if deploy_roles is not None:
        config[f"{PROJECT}:deployRoles"] = json.dumps(deploy_roles)
    return parse_settings(config, PROJECT, stack, repository)


def stack_file(source: str, environment: str) -> str:
    """A repository stack file re-declared as another environment class (logs kept long enough)."""
    text = (ROOT / f"Pulumi.{source}.yaml").read_text()
    text = text.replace(f"ai-gateway:environment: {source}", f"ai-gateway:environment: {environment}")
    return "\n".join(line for line in text.splitlines() if "logRetentionDays" not in line) + "\n"


# --- the default ------------------------------------------------------------------------------------

def test_default_is_one_role_per_class_with_stacks_listing_them() -> None:
    assert loaded().deploy_roles == {"dev": ("dev", "sandbox-alice"), "staging": ("eu-staging",), "prod": ("prod",)}
    assert loaded(repository={"dev": ["dev"], "staging": [], "prod": ["prod"]}).deploy_roles == {
        "dev": ("dev",), "prod": ("prod",)}
    assert loaded().uncovered == ()


def test_default_is_read_from_this_repositorys_stack_files() -> None:
    expected = {env: tuple(stacks) for env, stacks in by_environment().items() if env != "all" and stacks}
    assert expected and parse_settings(BASE, PROJECT, "example").deploy_roles == expected


def test_default_follows_the_classes_the_stack_files_declare(tmp_path: Path) -> None:
    for name, source, environment in [("dev", "dev", "dev"), ("sandbox-alice", "dev", "dev"),
                                      ("eu-staging", "dev", "staging"), ("prod", "prod", "prod")]:
        (tmp_path / f"Pulumi.{name}.yaml").write_text(stack_file(source, environment))
    repository = repository_stacks(tmp_path)
    assert repository == REPOSITORY
    assert loaded(repository=repository).deploy_roles == {
        "dev": ("dev", "sandbox-alice"), "staging": ("eu-staging",), "prod": ("prod",)}


def test_an_unreadable_stack_file_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.broken.yaml").write_text(stack_file("dev", "qa"))
    with pytest.raises(SettingsError, match=r"^ai-gateway-bootstrap:deployRoles: cannot read the environment "
                                            r"class of Pulumi\.broken\.yaml \(ai-gateway:environment: "):
        repository_stacks(tmp_path)


def test_a_repository_without_stack_files_needs_the_setting() -> None:
    with pytest.raises(SettingsError, match="^ai-gateway-bootstrap:deployRoles: the repository has no stack files"):
        loaded(repository={"dev": [], "staging": [], "prod": []})


# --- an explicit setting ------------------------------------------------------------------------------

def test_explicit_roles_override_the_default_in_class_order() -> None:
    settings = loaded({"prod": ["prod"], "dev": ["dev", "sandbox-bob"]})
    assert list(settings.deploy_roles.items()) == [("dev", ("dev", "sandbox-bob")), ("prod", ("prod",))]
    assert settings.stacks == ("dev", "sandbox-bob", "prod")
    assert settings.uncovered == ("eu-staging", "sandbox-alice"), "repository stacks no role deploys"


def test_a_stack_listed_under_another_class_than_its_stack_file_declares() -> None:
    with pytest.raises(SettingsError) as exc:
        loaded({"dev": ["dev", "eu-staging"], "prod": ["prod"]})
    assert str(exc.value) == ("ai-gateway-bootstrap:deployRoles.dev: 'eu-staging' is a staging stack "
                              "(Pulumi.eu-staging.yaml declares ai-gateway:environment: staging); list it under staging")
    with pytest.raises(SettingsError, match=r"^ai-gateway-bootstrap:deployRoles\.staging: 'prod' is a prod stack"):
        parse_settings({**BASE, f"{PROJECT}:deployRoles": json.dumps({"staging": ["prod"]})}, PROJECT, "example")


@pytest.mark.parametrize(("deploy_roles", "message"), [
    ({"qa": ["qa"]}, "deployRoles.qa: is not an environment class (dev, staging, prod)"),
    ({"dev": []}, "deployRoles.dev: lists no stack (leave dev out for no dev deploy role)"),
    ({}, "deployRoles: names no deploy role"),
    ("dev", "deployRoles: input should be a valid dictionary"),
    ({"dev": "dev"}, "deployRoles.dev: input should be a valid list"),
    ({"dev": ["org/dev"]}, "deployRoles.dev: 'org/dev' is not a bare Pulumi stack name"),
    ({"dev": ["dev sandbox"]}, "deployRoles.dev: 'dev sandbox' is not a bare Pulumi stack name"),
    ({"dev": ["dev", "dev"]}, "deployRoles.dev: lists 'dev' twice: a stack belongs to one class"),
    ({"dev": ["sandbox-bob"], "staging": ["sandbox-bob"]},
     "deployRoles.staging: lists 'sandbox-bob' under dev too: a stack belongs to one class"),
    ({"dev": ["dev"], "prod": ["dev-eu"]},
     "deployRoles: 'dev' (dev) is a prefix of 'dev-eu' (prod): dev's grants on ai-gateway-dev-* would reach dev-eu's"),
    ({"dev": ["dev", "dev-eu"]}, "deployRoles: 'dev' (dev) is a prefix of 'dev-eu' (dev)"),
    ({"dev": ["Sandbox"], "staging": ["sandbox"]},
     "deployRoles: 'Sandbox' (dev) and 'sandbox' (staging) have the same names (ai-gateway-sandbox-...)"),
    ({"dev": ["example-dev"]}, "deployRoles: the bootstrap stack's names (ai-gateway-example-...) overlap the deploy "
                               "scope of stack 'example-dev'"),
    ({"dev": ["example"]}, "deployRoles: the bootstrap stack's names (ai-gateway-example-...) overlap"),
])
def test_invalid_deploy_roles_are_one_line(deploy_roles, message) -> None:
    with pytest.raises(SettingsError) as exc:
        loaded(deploy_roles)
    text = str(exc.value)
    assert text.startswith(f"ai-gateway-bootstrap:{message}") and "\n" not in text, text


def test_the_bootstrap_stack_must_not_share_a_gateway_stacks_names() -> None:
    with pytest.raises(SettingsError, match=r"^ai-gateway-bootstrap:deployRoles: the bootstrap stack's names "
                                            r"\(ai-gateway-prod-\.\.\.\) overlap the deploy scope of stack 'prod'"):
        loaded(stack="prod")


def test_the_old_environments_setting_says_what_replaced_it() -> None:
    with pytest.raises(SettingsError, match=r"^ai-gateway-bootstrap:environments: replaced by deployRoles"):
        parse_settings({**BASE, f"{PROJECT}:environments": '["dev", "prod"]'}, PROJECT, "example", REPOSITORY)
