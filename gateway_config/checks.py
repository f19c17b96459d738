"""The checks a config must pass before it reaches a gateway: the tests and the validator Lambda run
these same functions.

- the official JSON Schema of the pinned agentgateway release (vendored in ``reference``);
- every ``${VAR}`` it references is one the task provides (an unset name fails the whole load);
- what the schema cannot see: ``host:port`` targets, Go durations, CEL variable paths against
  agentgateway's CEL schema, no empty blocks;
- the model catalog against the schema's ``Catalog`` definition.

``jsonschema`` is imported when a schema check runs, so rendering alone needs no validator.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from .expand import referenced_env_vars

HOST_PORT = re.compile(r"^[^:\s]+:\d{1,5}$")
GO_DURATION = re.compile(r"^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$")
HOST_KEYS = frozenset({"host", "hostOverride", "statsAddr", "readinessAddr"})
DURATION_KEYS = frozenset({"duration", "fillInterval", "requestTimeout", "backendRequestTimeout", "backoff",
                           "maxAge", "http1IdleTimeout"})
CEL_KEYS = frozenset({"unhealthyExpression", "filter", "condition", "precondition", "require", "allow", "deny",
                      "limitOverride", "cost"})
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
    return len(path) >= 2 and (path[-2:] == ("backendAuth", "aws") or path[-2] == "provider")


def empty_blocks(config: Any) -> list[tuple[Any, ...]]:
    """Paths of empty dicts/lists that are not presence markers."""
    return [p for p, v in walk(config) if isinstance(v, (dict, list)) and not v and not is_presence_marker(p)]


def values_under(config: Any, keys: frozenset[str]) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every dict entry whose key is in ``keys``."""
    return [(p, v) for p, v in walk(config) if p and p[-1] in keys]


def cel_expressions(config: Any) -> list[str]:
    """Every CEL expression of a gateway config (policy conditions and rules, access-log fields)."""
    expressions = [v for _, v in values_under(config, CEL_KEYS) if isinstance(v, str)]
    add = (((config.get("frontendPolicies") or {}).get("accessLog") or {}).get("add") or {}) if isinstance(config, dict) else {}
    # Rate-limit descriptor values and header transformations are CEL too.
    for path, value in walk(config):
        if isinstance(value, str) and len(path) >= 3 and (
                (path[-1] == "value" and "descriptors" in path and path[-3] == "entries")
                or path[-2] in ("set", "add") and "transformations" in path):
            expressions.append(value)
    return expressions + [v for v in add.values() if isinstance(v, str)]


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
        # Open objects (the JWT claims, request.body) accept any member below them.
        return node is not cel_schema and node.get("additionalProperties", False) is not False
    return True


@lru_cache(maxsize=1)
def _config_validator() -> Any:
    from jsonschema import Draft202012Validator

    import reference

    return Draft202012Validator(reference.agentgateway_config_schema())


@lru_cache(maxsize=1)
def _catalog_validator() -> Any:
    from jsonschema import Draft202012Validator

    import reference

    schema = reference.agentgateway_config_schema()
    return Draft202012Validator({"$ref": "#/$defs/Catalog", "$defs": schema["$defs"]})


def _schema_problems(validator: Any, document: Any) -> list[str]:
    from jsonschema.exceptions import best_match

    errors = list(validator.iter_errors(document))
    if not errors:
        return []
    worst = best_match(errors)
    where = "/".join(map(str, worst.absolute_path)) or "(top)"
    return [f"schema: {where}: {worst.message[:300]}"]


def _parse(text: str, what: str) -> tuple[Any, list[str]]:
    try:
        return json.loads(text), []
    except ValueError as exc:
        return None, [f"{what} is not JSON: {exc}"]


def config_problems(text: str, provided_env: Iterable[str]) -> list[str]:
    """Why the gateway config ``text`` must not be delivered (empty when it may)."""
    import reference

    config, problems = _parse(text, "gateway config")
    if problems:
        return problems
    problems += _schema_problems(_config_validator(), config)
    missing = sorted(referenced_env_vars(text) - set(provided_env))
    if missing:
        problems.append(f"references env var(s) the task does not provide: {', '.join(missing)}")
    for path, value in values_under(config, HOST_KEYS):
        if isinstance(value, str) and not HOST_PORT.match(value):
            problems.append(f"{'/'.join(map(str, path))}: {value!r} is not host:port")
    for path, value in values_under(config, DURATION_KEYS):
        if isinstance(value, str) and not GO_DURATION.match(value):
            problems.append(f"{'/'.join(map(str, path))}: {value!r} is not a Go duration")
    cel_schema = reference.agentgateway_cel_schema()
    for expression in cel_expressions(config):
        unknown = [p for p in cel_paths(expression) if not cel_path_exists(cel_schema, p)]
        if unknown:
            problems.append(f"CEL {expression[:120]!r} reads {', '.join(unknown)}, which agentgateway does not define")
    empty = empty_blocks(config)
    if empty:
        problems.append(f"empty block at {'/'.join(map(str, empty[0]))} (agentgateway rejects some, e.g. request: null)")
    return problems


def catalog_problems(text: str) -> list[str]:
    """Why the model catalog ``text`` must not be delivered (empty when it may)."""
    catalog, problems = _parse(text, "model catalog")
    return problems or _schema_problems(_catalog_validator(), catalog)
