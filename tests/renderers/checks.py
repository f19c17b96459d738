"""Checks the agentgateway schema cannot express, shared by the example and property tests."""

from __future__ import annotations

import re
from typing import Any, Iterator

HOST_PORT = re.compile(r"^[^:\s]+:\d{1,5}$")
GO_DURATION = re.compile(r"^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$")
HOST_KEYS = frozenset({"host", "hostOverride", "statsAddr", "readinessAddr"})
DURATION_KEYS = frozenset({"duration", "fillInterval", "requestTimeout", "backendRequestTimeout", "backoff", "maxAge"})
CEL_KEYS = frozenset({"unhealthyExpression", "filter", "condition", "precondition"})
ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_PATH = re.compile(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\s*\()?")
_CEL_WORDS = frozenset({"true", "false", "null", "in"})


def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in a tree of dicts and lists, the root included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))


def is_presence_marker(path: tuple[Any, ...]) -> bool:
    """Empty objects that are settings: ``backendAuth.aws`` and ``provider.<type>``."""
    return (len(path) >= 2 and path[-2:] == ("backendAuth", "aws")) or (len(path) >= 2 and path[-2] == "provider")


def empty_blocks(config: Any) -> list[tuple[Any, ...]]:
    """Paths of empty dicts/lists that are not presence markers."""
    return [p for p, v in walk(config) if isinstance(v, (dict, list)) and not v and not is_presence_marker(p)]


def values_under(config: Any, keys: frozenset[str]) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every dict entry whose key is in ``keys``."""
    return [(p, v) for p, v in walk(config) if p and p[-1] in keys]


def cel_paths(expression: str) -> list[str]:
    """Dotted variable paths an expression reads (string literals and function names ignored)."""
    stripped = _STRING_LITERAL.sub('""', expression)
    return [m.group(1) for m in _PATH.finditer(stripped) if not m.group(2) and m.group(1) not in _CEL_WORDS]


def cel_path_exists(cel_schema: dict[str, Any], path: str) -> bool:
    """Whether ``path`` (``llm.inputTokens``, ``jwt.client_id``) is a variable in agentgateway's CEL schema."""
    node: dict[str, Any] = cel_schema
    for part in path.split("."):
        props = node.get("properties") or {}
        if part in props:
            node = props[part]
            continue
        # Open objects (the JWT claims) accept any member below them.
        return node is not cel_schema and node.get("additionalProperties", False) is not False
    return True
