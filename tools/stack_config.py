"""Read ``Pulumi.<stack>.yaml`` the way the Pulumi CLI hands config to a program.

The CLI parses stack files with a YAML 1.2 reader (Go's yaml.v3): only ``true``/``false`` are
booleans (``on``, ``off``, ``yes``, ``no`` are strings), dates stay strings, and a key defined twice
in one mapping is an error. PyYAML follows YAML 1.1 and lets the last duplicate win, so the loader
here is adjusted to read a file exactly as the CLI would: what passes offline passes for real.
"""

from __future__ import annotations

import json
import re
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


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, mark: Any):
        super().__init__(f"key {key!r} is defined twice")
        self.key = key
        self.problem_mark = mark


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core booleans, no timestamps, and duplicate keys refused."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def parse_yaml(text: str) -> Any:
    """Parse YAML as the Pulumi CLI does (see the module docstring)."""
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506 - a SafeLoader subclass


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
        doc = parse_yaml(path.read_text()) or {}
    except _DuplicateKey as exc:
        raise StackFileError(f"{path.name}: line {exc.problem_mark.line + 1}: key {exc.key!r} is defined twice"
                             " (the Pulumi CLI refuses duplicate keys)") from None
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
