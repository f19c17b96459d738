"""Bootstrap settings: one validated pydantic model, the only reader of the bootstrap's config.

Keys live in the ``ai-gateway-bootstrap:`` namespace of ``bootstrap/Pulumi.<stack>.yaml``.
Invalid settings raise :class:`SettingsError` with one line, ``ai-gateway-bootstrap:<key>:
<problem>``; ``__main__`` turns it into ``pulumi.RunError`` and the offline synth exits 2.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from components.naming import Naming

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


class _Problem(ValueError):
    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(problem)


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
    environments: Annotated[list[Annotated[str, Field(pattern=NAME)]], Field(min_length=1)] = ["dev", "prod"]
    """GitHub environments, one deploy role each; each deploys the gateway stack of the same name.
    Default dev and prod."""
    github: GithubSettings
    """GitHub repository and OIDC provider. Required."""
    state_backend: StateBackendSettings = StateBackendSettings()
    """Self-managed state backend."""
    permissions: PermissionsSettings = PermissionsSettings()
    """Deploy permissions."""

    @model_validator(mode="after")
    def _names_apart(self) -> "BootstrapSettings":
        if len(set(self.environments)) != len(self.environments):
            raise _Problem("environments", "lists an environment twice")
        prefixes = {env: Naming(self.gateway_project, env).prefix for env in self.environments}
        for a, pa in prefixes.items():
            for b, pb in prefixes.items():
                if a != b and (pb + "-").startswith(pa + "-"):
                    raise _Problem("environments", f"{a!r} is a prefix of {b!r}: the {a} deploy role could "
                                                   f"manage {b}'s resources ({pb}-...)")
        return self


@dataclass(frozen=True)
class LoadedSettings:
    """Validated settings, the region, and the bootstrap's own naming."""

    settings: BootstrapSettings
    region: str
    naming: Naming

    def check_apart(self) -> None:
        """The bootstrap's own names (roles, policies) must not fall under any deploy scope,
        or a deploy role could rewrite its own permissions."""
        own = self.naming.prefix + "-"
        for env in self.settings.environments:
            scope = Naming(self.settings.gateway_project, env).prefix + "-"
            if own.startswith(scope) or scope.startswith(own):
                raise SettingsError("environments", f"the bootstrap stack's names ({self.naming.prefix}-...) overlap "
                                                    f"the {env} deploy scope ({scope}...); rename the bootstrap stack")


_TOP_LEVEL = frozenset(f.alias or to_camel(n) for n, f in BootstrapSettings.model_fields.items())


def _parse(key: str, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(key, f"is not valid structured config ({exc.msg})") from None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return raw


def _error(err: ValidationError) -> SettingsError:
    first = err.errors(include_url=False)[0]
    key = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
    problem = (first.get("ctx") or {}).get("error")
    if isinstance(problem, _Problem):
        return SettingsError(f"{key}.{problem.key}" if key else problem.key, problem.problem)
    if first["type"] == "extra_forbidden":
        return SettingsError(key, "unknown setting")
    if first["type"] == "missing":
        return SettingsError(key, "is required")
    msg = first["msg"]
    msg = msg[len("Value error, "):] if msg.startswith("Value error, ") else msg[0].lower() + msg[1:]
    return SettingsError(key, msg)


def parse_settings(config: Mapping[str, Any], project: str, stack: str) -> LoadedSettings:
    """Validate a bootstrap stack's config map. Raises :class:`SettingsError` on the first problem."""
    region = config.get("aws:region")
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise SettingsError("aws:region", "is required (`pulumi config set aws:region us-east-1`)"
                            if region is None else f"{region!r} is not an AWS region")
    data: dict[str, Any] = {}
    for full_key, raw in config.items():
        if not full_key.startswith(f"{NAMESPACE}:"):
            continue
        key = full_key[len(NAMESPACE) + 1:]
        if key not in _TOP_LEVEL:
            raise SettingsError(key, "unknown setting")
        data[key] = _parse(key, raw)
    try:
        settings = BootstrapSettings.model_validate(data)
    except ValidationError as err:
        raise _error(err) from None
    loaded = LoadedSettings(settings=settings, region=region, naming=Naming(settings.gateway_project, stack))
    loaded.check_apart()
    return loaded


def load_from_pulumi() -> LoadedSettings:
    """Read the running program's config (CLI or mocks) and validate it."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return parse_settings(config, pulumi.get_project(), pulumi.get_stack())
