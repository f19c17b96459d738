"""Reading a stack's config (from the Pulumi CLI, the mocks or a stack file) into validated settings."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from .errors import NAMESPACE, SettingsError, to_settings_error
from .providers import SECRET_KEYS
from .stack import StackSettings


def parse_config_value(key: str, raw: Any, *, floats: bool = True,
                       error: Callable[[str, str], Exception] = SettingsError) -> Any:
    """A config value as data: the CLI passes strings, structured (object/list) values as JSON text.

    ``error(key, message)`` builds the exception for text that is not valid JSON (each project
    names its own namespace); ``floats`` turns ``1.5`` into a number.
    """
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(key, f"is not valid structured config ({exc.msg})") from None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if floats and re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return raw


_TOP_LEVEL_KEYS = frozenset(f.alias or to_camel(n) for n, f in StackSettings.model_fields.items())


@dataclass(frozen=True)
class LoadedSettings:
    """What the program needs from config: validated settings, the region, secret API keys."""

    settings: StackSettings
    region: str
    api_keys: Mapping[str, Any] = field(default_factory=dict)
    """Provider -> API key given as secret config (a Pulumi secret Output in a real run)."""


REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def parse_settings(config: Mapping[str, Any], secret_keys: frozenset[str] | set[str] = frozenset()) -> LoadedSettings:
    """Validate a stack's config map (``{"ai-gateway:key": value, "aws:region": ...}``).

    Keys of the ``aws`` and ``pulumi`` namespaces belong to the provider and the engine and are not
    read here (but for ``aws:region``); a key of any other namespace is an error (a misspelt
    ``ai-gatway:`` would otherwise be ignored). Raises :class:`SettingsError` on the first problem.
    """
    region = config.get("aws:region")
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise SettingsError("aws:region", "is required (`pulumi config set aws:region us-east-1`)"
                            if region is None else f"{region!r} is not an AWS region")
    data: dict[str, Any] = {}
    api_keys: dict[str, str] = {}
    prefix = f"{NAMESPACE}:"
    for full_key, raw in config.items():
        _check_namespace(full_key)
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        if key in SECRET_KEYS:
            if full_key not in secret_keys:
                raise SettingsError(key, "is a provider API key and must be set with `pulumi config set --secret`")
            if not isinstance(raw, str) or not raw:
                raise SettingsError(key, "must be a non-empty string")
            api_keys[SECRET_KEYS[key]] = raw
            continue
        if full_key in secret_keys and key not in SECRET_HOLDING_KEYS:
            raise SettingsError(key, "is not a secret setting; set it without --secret")
        if key not in _TOP_LEVEL_KEYS:
            raise SettingsError(key, f"unknown setting{_did_you_mean(key, _TOP_LEVEL_KEYS | set(SECRET_KEYS))}")
        data[key] = parse_config_value(key, raw)
    # The model default for edge only exists so the bare class validates; a stack must state its TLS.
    data.setdefault("edge", {})
    try:
        settings = StackSettings.model_validate(data)
    except ValidationError as err:
        raise to_settings_error(err) from None
    for provider in api_keys:
        if not getattr(settings.providers, provider).enabled:
            raise SettingsError(f"{provider}ApiKey", f"is set but providers.{provider} is not enabled")
    _check_certificate_region(settings, region)
    _check_sso_secrets(settings, f"{prefix}sso" in secret_keys)
    return LoadedSettings(settings=settings, region=region, api_keys=api_keys)


SECRET_HOLDING_KEYS = frozenset({"sso"})
"""Structured settings that may hold a secure value (an OIDC provider's client secret)."""


def _check_sso_secrets(settings: StackSettings, secure: bool) -> None:
    """An OIDC client secret must come from secret config (the CLI then reports ``sso`` as secret)."""
    if secure:
        return
    for name, provider in settings.sso.identity_providers.items():
        if provider.oidc is not None:
            raise SettingsError(f"sso.identityProviders.{name}.oidc.clientSecret",
                                "must be a secure value: `pulumi config set --secret --path"
                                f" 'sso.identityProviders.{name}.oidc.clientSecret' <secret>`")


KNOWN_NAMESPACES = (NAMESPACE, "aws", "pulumi")
"""Config namespaces a stack may use: this project's, the AWS provider's and Pulumi's own."""


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _check_namespace(full_key: str) -> None:
    namespace = full_key.split(":", 1)[0]
    if namespace not in KNOWN_NAMESPACES:
        raise SettingsError(full_key, f"unknown config namespace {namespace!r}{_did_you_mean(namespace, KNOWN_NAMESPACES)};"
                                      f" settings of this project are {NAMESPACE}:<key>")


def _check_certificate_region(settings: StackSettings, region: str) -> None:
    arn = settings.edge.certificate_arn
    cert_region = arn.split(":")[3] if arn else region
    if cert_region != region:
        raise SettingsError("edge.certificateArn", f"is a certificate in {cert_region}, but the stack deploys to"
                                                   f" {region}: a load balancer can only use an ACM certificate of its own region")


def load_from_pulumi() -> LoadedSettings:
    """Read the running program's config (CLI or mocks) and validate it.

    The CLI hands the program its config as ``PULUMI_CONFIG`` and the secret key names as
    ``PULUMI_CONFIG_SECRET_KEYS``; tests and the offline synth set them in-process.
    """
    import pulumi
    from pulumi.runtime import config as runtime_config

    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | {k for k in config if runtime_config.is_config_secret(k)}
    loaded = parse_settings(config, secret_keys)
    # API keys stay Pulumi secrets from here on: never a plain string in state or logs.
    keys = {provider: pulumi.Output.secret(value) for provider, value in loaded.api_keys.items()}
    return LoadedSettings(settings=loaded.settings, region=loaded.region, api_keys=keys)
