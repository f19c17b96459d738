"""Bootstrap settings: one validated pydantic model, the only reader of the bootstrap's config.

Keys live in the ``ai-gateway-bootstrap:`` namespace of ``bootstrap/Pulumi.<stack>.yaml``.
Invalid settings raise :class:`SettingsError` with one line, ``ai-gateway-bootstrap:<key>:
<problem>``; ``__main__`` turns it into ``pulumi.RunError`` and the offline synth exits 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Optional, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from components.naming import Naming
from components.settings import SettingsError as StackSettingsError
from components.settings.environments import ENVIRONMENTS
from components.settings.loader import parse_config_value
from tools.stack_config import StackFileError
from tools.stack_names import StackNameError, parse_stack_name
from tools.stacks import ROOT as REPOSITORY_ROOT
from tools.stacks import environment_of, stack_names

NAMESPACE = "ai-gateway-bootstrap"
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
NAME = r"^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$"


class SettingsError(Exception):
    """An invalid bootstrap setting; ``str()`` is one line naming the key."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        label = key if ":" in key else f"{NAMESPACE}:{key}"
        super().__init__(f"{label}: {problem}")


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True,
                              use_attribute_docstrings=True)


class GithubSettings(_Model):
    """Which repository CI runs in, and its OIDC provider."""

    repository: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")]
    """``owner/name`` of the repository whose workflows may assume the roles (exact case: the
    token's ``sub`` claim is compared case-sensitively). Required."""
    oidc_provider_arn: Optional[Annotated[str, Field(
        pattern=r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$")]] = None
    """Use the account's existing GitHub OIDC provider (an account has at most one per URL).
    Default: create it."""


class StateBackendSettings(_Model):
    """The S3 bucket and KMS key for ``pulumi login s3://...`` and ``--secrets-provider awskms://...``."""

    enabled: bool = True
    """Create them. Turn off when the stacks live in Pulumi Cloud. Default true."""
    noncurrent_version_days: Annotated[int, Field(ge=7, le=3650)] = 90
    """Days an overwritten state file version is kept (each update writes one). Default 90."""


class PermissionsSettings(_Model):
    """What the deploy roles may manage."""

    resource_types: Literal["stacks", "all"] = "stacks"
    """``stacks``: the types the gateway stacks contain today (bootstrap/resource-types.json);
    ``all``: every type of the reviewed table, including the control plane's. Default stacks."""
    hosted_zone_ids: list[Annotated[str, Field(pattern=r"^Z[A-Z0-9]{4,32}$")]] = []
    """Route 53 zones the stacks may write records in (certificate validation, alias).
    Default: any zone of the account."""


class BootstrapSettings(_Model):
    """Every setting of one bootstrap stack."""

    gateway_project: Annotated[str, Field(pattern=NAME)] = "ai-gateway"
    """Project name of the gateway (``name`` in the root Pulumi.yaml). Default ai-gateway."""
    deploy_roles: Optional[dict[str, list[str]]] = None
    """Deploy roles by environment class (``dev``, ``staging``, ``prod``: also the GitHub environment
    whose jobs may assume the role), each with the gateway stacks it deploys, e.g.
    ``{dev: [dev, sandbox-alice], staging: [eu-staging], prod: [prod]}``. A stack whose stack file
    declares another class is refused. Default: one role per class that has stack files in the
    repository, listing them (``python -m tools.stacks``)."""
    github: GithubSettings
    """GitHub repository and OIDC provider. Required."""
    state_backend: StateBackendSettings = StateBackendSettings()
    """Self-managed state backend."""
    permissions: PermissionsSettings = PermissionsSettings()
    """Deploy permissions."""


@dataclass(frozen=True)
class LoadedSettings:
    """Validated settings, the region, the bootstrap's own naming, and the resolved deploy roles."""

    settings: BootstrapSettings
    region: str
    naming: Naming
    deploy_roles: Mapping[str, tuple[str, ...]]
    """Environment class -> the stacks its deploy role deploys, in class order (dev, staging, prod)."""
    uncovered: tuple[str, ...] = ()
    """Stacks of the repository that no deploy role lists: the workflows would preview and deploy
    them with these roles, which cannot (another account's bootstrap may cover them)."""

    @property
    def stacks(self) -> tuple[str, ...]:
        """Every stack of every deploy role (what the preview role reads)."""
        return tuple(stack for stacks in self.deploy_roles.values() for stack in stacks)


RepositoryStacks = Mapping[str, Sequence[str]]
"""Stack names by the environment class their stack files declare (``tools.stacks.by_environment``)."""


def repository_stacks(root: Path = REPOSITORY_ROOT) -> dict[str, list[str]]:
    """The repository's stacks by environment class, read as the deploy workflow reads them."""
    found: dict[str, list[str]] = {env: [] for env in ENVIRONMENTS}
    for name in stack_names(root):
        try:
            found[environment_of(name, root)].append(name)
        except (StackFileError, StackNameError, StackSettingsError) as err:
            detail = str(err).removeprefix(f"Pulumi.{name}.yaml: ")
            raise SettingsError("deployRoles", f"cannot read the environment class of Pulumi.{name}.yaml "
                                               f"({detail})") from None
    return found


def resolve_deploy_roles(explicit: Optional[Mapping[str, Sequence[str]]],
                         repository: RepositoryStacks) -> dict[str, tuple[str, ...]]:
    """The deploy roles: the explicit setting, or one per class with stacks in the repository."""
    source = explicit if explicit is not None else {env: repository.get(env, []) for env in ENVIRONMENTS
                                                     if repository.get(env)}
    if not source:
        raise SettingsError("deployRoles", "names no deploy role" if explicit is not None else
                            "the repository has no stack files (Pulumi.<stack>.yaml) to derive it from; set it")
    for env, stacks in source.items():
        _check_role(env, stacks)
    roles = {env: tuple(source[env]) for env in ENVIRONMENTS if env in source}
    _check_once(roles)
    _check_classes(roles, repository)
    return roles


def _check_role(env: str, stacks: Sequence[str]) -> None:
    if env not in ENVIRONMENTS:
        raise SettingsError(f"deployRoles.{env}", f"is not an environment class ({', '.join(ENVIRONMENTS)})")
    if not stacks:
        raise SettingsError(f"deployRoles.{env}", f"lists no stack (leave {env} out for no {env} deploy role)")
    for stack in stacks:
        if not _bare_stack_name(stack):
            raise SettingsError(f"deployRoles.{env}", f"{stack!r} is not a bare Pulumi stack name (letters, digits, "
                                                      "'-', '_', '.', at most 100 characters; no organization)")


def _bare_stack_name(name: str) -> bool:
    try:
        return parse_stack_name(name).organization is None
    except StackNameError:
        return False


def _check_once(roles: Mapping[str, Sequence[str]]) -> None:
    seen: dict[str, str] = {}
    for env, stacks in roles.items():
        for stack in stacks:
            if stack in seen:
                where = "twice" if seen[stack] == env else f"under {seen[stack]} too"
                raise SettingsError(f"deployRoles.{env}", f"lists {stack!r} {where}: a stack belongs to one class")
            seen[stack] = env


def _check_classes(roles: Mapping[str, Sequence[str]], repository: RepositoryStacks) -> None:
    """A deploy role deploys only stacks of its own class (the deploy workflow checks the same)."""
    declared = {stack: env for env, stacks in repository.items() for stack in stacks}
    for env, stacks in roles.items():
        for stack in stacks:
            other = declared.get(stack, env)
            if other != env:
                raise SettingsError(f"deployRoles.{env}", f"{stack!r} is a {other} stack (Pulumi.{stack}.yaml declares "
                                                          f"ai-gateway:environment: {other}); list it under {other}")


def check_apart(project: str, roles: Mapping[str, Sequence[str]], own: Naming) -> None:
    """No stack's names may fall under another stack's prefix (its grants would reach them), nor
    under the bootstrap's own names or the reverse (a deploy role could rewrite its own permissions)."""
    scopes = [(env, stack, Naming(project, stack).prefix) for env, stacks in roles.items() for stack in stacks]
    for env_a, a, pa in scopes:
        for env_b, b, pb in scopes:
            if a == b or not (pb + "-").startswith(pa + "-"):
                continue
            if pa == pb:
                raise SettingsError("deployRoles", f"{a!r} ({env_a}) and {b!r} ({env_b}) have the same names "
                                                   f"({pa}-...); rename one of them")
            raise SettingsError("deployRoles", f"{a!r} ({env_a}) is a prefix of {b!r} ({env_b}): {a}'s grants on "
                                               f"{pa}-* would reach {b}'s resources ({pb}-...); rename one of them")
        if (own.prefix + "-").startswith(pa + "-") or (pa + "-").startswith(own.prefix + "-"):
            raise SettingsError("deployRoles", f"the bootstrap stack's names ({own.prefix}-...) overlap the deploy "
                                               f"scope of stack {a!r} ({pa}-...); rename the bootstrap stack")


_TOP_LEVEL = frozenset(f.alias or to_camel(n) for n, f in BootstrapSettings.model_fields.items())


def _error(err: ValidationError) -> SettingsError:
    first = err.errors(include_url=False)[0]
    key = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    if first["type"] == "extra_forbidden":
        return SettingsError(key, "unknown setting")
    if first["type"] == "missing":
        return SettingsError(key, "is required")
    msg = first["msg"]
    msg = msg[len("Value error, "):] if msg.startswith("Value error, ") else msg[0].lower() + msg[1:]
    return SettingsError(key, msg)


def parse_settings(config: Mapping[str, Any], project: str, stack: str,
                   repository: Optional[RepositoryStacks] = None) -> LoadedSettings:
    """Validate a bootstrap stack's config map against the repository's stacks (by class; default:
    read from the stack files of this repository). Raises :class:`SettingsError` on the first problem."""
    region = config.get("aws:region")
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise SettingsError("aws:region", "is required (`pulumi config set aws:region us-east-1`)"
                            if region is None else f"{region!r} is not an AWS region")
    data: dict[str, Any] = {}
    for full_key, raw in config.items():
        if not full_key.startswith(f"{NAMESPACE}:"):
            continue
        key = full_key[len(NAMESPACE) + 1:]
        if key == "environments":
            raise SettingsError(key, "replaced by deployRoles (environment class -> the stacks its role deploys, "
                                     "e.g. {dev: [dev], prod: [prod]}); remove it to derive the roles from the "
                                     "repository's stack files")
        if key not in _TOP_LEVEL:
            raise SettingsError(key, "unknown setting")
        data[key] = parse_config_value(key, raw, floats=False, error=SettingsError)
    try:
        settings = BootstrapSettings.model_validate(data)
    except ValidationError as err:
        raise _error(err) from None
    repository = repository_stacks() if repository is None else repository
    roles = resolve_deploy_roles(settings.deploy_roles, repository)
    naming = Naming(settings.gateway_project, stack)
    check_apart(settings.gateway_project, roles, naming)
    listed = {s for stacks in roles.values() for s in stacks}
    uncovered = tuple(sorted(s for stacks in repository.values() for s in stacks if s not in listed))
    return LoadedSettings(settings=settings, region=region, naming=naming, deploy_roles=roles, uncovered=uncovered)


def load_from_pulumi() -> LoadedSettings:
    """Read the running program's config (CLI or mocks) and validate it."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return parse_settings(config, pulumi.get_project(), pulumi.get_stack())
