"""Read ``Pulumi.<stack>.yaml`` the way the CLI hands config to a program."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .harness import SECRET_PLACEHOLDER


class StackFileError(Exception):
    """The stack file is missing or not valid YAML of the expected shape (one-line message)."""


@dataclass(frozen=True)
class StackConfig:
    """A stack's config as the CLI would pass it: strings, structured values as JSON text."""

    values: dict[str, str]
    secret_keys: frozenset[str]


def _contains_secure(value: Any) -> bool:
    if isinstance(value, dict):
        return set(value) == {"secure"} or any(_contains_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secure(v) for v in value)
    return False


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def load_stack_config(root: Path, stack: str) -> StackConfig:
    """Parse ``Pulumi.<stack>.yaml`` under ``root``. Encrypted ``secure:`` values become a placeholder."""
    path = root / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise StackFileError(f"{path.name}: no such stack file")
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise StackFileError(f"{path.name}: not valid YAML{where}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("config", {}), dict):
        raise StackFileError(f"{path.name}: expected a mapping with a `config:` mapping")
    values: dict[str, str] = {}
    secret: set[str] = set()
    for key, value in (doc.get("config") or {}).items():
        key = str(key)
        if ":" not in key:
            raise StackFileError(f"{path.name}: config key {key!r} needs a namespace (for example ai-gateway:{key})")
        if _contains_secure(value):
            secret.add(key)
        value = _redact(value)
        if isinstance(value, (dict, list)):
            values[key] = json.dumps(value)
        elif isinstance(value, bool):
            values[key] = "true" if value else "false"
        else:
            values[key] = "" if value is None else str(value)
    return StackConfig(values=values, secret_keys=frozenset(secret))
