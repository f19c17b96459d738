"""Writing CEL expressions from data without letting the data change the expression."""

from __future__ import annotations

import json
from typing import Iterable, Mapping


def string(value: str) -> str:
    """A CEL string literal for ``value`` (JSON string escapes are valid CEL escapes)."""
    return json.dumps(value)


def string_list(values: Iterable[str]) -> str:
    """A CEL list literal of strings, sorted so the same set always renders the same."""
    return "[" + ", ".join(string(v) for v in sorted(set(values))) + "]"


def string_map(mapping: Mapping[str, str]) -> str:
    """A CEL map literal of strings, sorted by key."""
    return expression_map({k: string(v) for k, v in mapping.items()})


def expression_map(mapping: Mapping[str, str]) -> str:
    """A CEL map literal from string keys to CEL expressions (written as given), sorted by key."""
    return "{" + ", ".join(f"{string(k)}: {v}" for k, v in sorted(mapping.items())) + "}"
