"""Settings errors: one line naming the key (``ai-gateway:<key>: <problem>``)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

NAMESPACE = "ai-gateway"
"""This project's config namespace."""


class SettingsError(Exception):
    """An invalid stack setting. ``str()`` is one line: ``ai-gateway:<key>: <problem>``."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        label = key if ":" in key else f"{NAMESPACE}:{key}" if key else NAMESPACE
        super().__init__(f"{label}: {problem}")


class FieldProblem(ValueError):
    """A validator's problem with a named (camelCase) sibling key."""

    def __init__(self, key: str, problem: str):
        self.key = key
        self.problem = problem
        super().__init__(problem)


def error_key(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    return ".".join(parts)


def to_settings_error(err: ValidationError) -> SettingsError:
    first = err.errors(include_url=False)[0]
    key = error_key(first["loc"])
    ctx_error = (first.get("ctx") or {}).get("error")
    if isinstance(ctx_error, FieldProblem):
        key = f"{key}.{ctx_error.key}" if key else ctx_error.key
        return SettingsError(key, ctx_error.problem)
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        return SettingsError(key, "unknown setting")
    if msg.startswith("Value error, "):  # our own validators' words, kept as written
        return SettingsError(key, msg[len("Value error, "):])
    return SettingsError(key, msg[0].lower() + msg[1:] if msg else msg)
