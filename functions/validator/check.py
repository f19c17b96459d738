"""What the validator decides, as pure functions of the event and the settings.

AppConfig invokes the validator with ``{"applicationId", "configurationProfileId",
"configurationVersion", "content": <base64>, "uri"}`` and fails the deployment when the function
raises. The gateway profile gets ``gateway_config.checks.config_problems`` (schema, every ``${VAR}``
provided by the task, host:port, durations, CEL paths, empty blocks), the catalog profile
``catalog_problems``. The schema validators are built once per container (the lazy cache in
``gateway_config.checks``), so only a cold start pays for compiling the 337 KB schema.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from gateway_config.checks import catalog_problems, config_problems

from functions.shared.env import name_list, read_env

ENV_VARS = ("VALIDATES", "APPLICATION_ID", "PROVIDED_ENV")
EVENT_KEYS = ("applicationId", "configurationProfileId", "content")
KINDS = ("gateway", "catalog")


class ConfigurationRejected(Exception):
    """A configuration AppConfig must not deploy; the message lists every problem found."""


@dataclass(frozen=True)
class ValidatorSettings:
    """Which file this function checks, for which application, and the env var names the task provides.

    One function per profile: a profile names its validator by ARN, so the function cannot know the
    profile's id; it knows what it was attached to check instead (``VALIDATES``).
    """

    kind: str
    application_id: str
    provided_env: frozenset[str]

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "ValidatorSettings":
        """Read :data:`ENV_VARS` (``MissingEnvironment`` names every unset one)."""
        env = read_env(ENV_VARS, environ, may_be_empty=("PROVIDED_ENV",))
        if env["VALIDATES"] not in KINDS:
            raise ValueError(f"VALIDATES must be one of {', '.join(KINDS)}, got {env['VALIDATES']!r}")
        return cls(env["VALIDATES"], env["APPLICATION_ID"], name_list(env["PROVIDED_ENV"]))


def check_application(application_id: str, settings: ValidatorSettings) -> None:
    """:class:`ConfigurationRejected` unless the event comes from this stack's application."""
    if application_id != settings.application_id:
        raise ConfigurationRejected(
            f"configuration of application {application_id!r} refused: this validator checks the "
            f"{settings.kind} profile of application {settings.application_id!r} only"
        )


def decode_content(content: Any) -> tuple[Optional[str], list[str]]:
    """The configuration text from the event's base64 ``content``, or the problems that prevent it."""
    if not isinstance(content, str):
        return None, [f"content must be base64 text, got {type(content).__name__}"]
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as error:
        return None, [f"content is not base64: {error}"]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        return None, [f"content is not UTF-8: {error}"]


def problems(event: Any, settings: ValidatorSettings) -> tuple[str, list[str]]:
    """``(profile kind, problems)`` for one validator event; raises for an event that is not one."""
    if not isinstance(event, Mapping) or any(key not in event for key in EVENT_KEYS):
        raise ConfigurationRejected(f"not an AppConfig validator event: it needs {', '.join(EVENT_KEYS)}")
    check_application(str(event["applicationId"]), settings)
    kind = settings.kind
    text, found = decode_content(event["content"])
    if text is None:
        return kind, found
    if kind == "gateway":
        return kind, config_problems(text, settings.provided_env)
    return kind, catalog_problems(text)


def rejection(kind: str, event: Mapping[str, Any], found: list[str]) -> ConfigurationRejected:
    """The exception AppConfig records: which file and version, and every problem."""
    what = "gateway config" if kind == "gateway" else "model catalog"
    listed = "; ".join(f"({i}) {p}" for i, p in enumerate(found, start=1))
    return ConfigurationRejected(
        f"{what} version {event.get('configurationVersion', '?')} rejected, {len(found)} problem(s): {listed}"
    )
