"""Reading IAM-style policy documents (identity, trust and resource policies).

A document arrives as a JSON string; ``Statement`` may be one object or a list, and
``Action``/``Resource``/``Principal`` values may be a string or a list. Unknown values raise
``UnknownValueError`` when read (see ``meta.json_document``).
"""

from __future__ import annotations

import re
from typing import Any

from .values import UnknownValueError, as_list, get, is_map, is_unknown

_SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.IGNORECASE)


def statements(document: Any) -> list[Any]:
    """The document's statements (a single statement object counts as a list of one)."""
    return as_list(get(document, "Statement"))


def strings(statement: Any, key: str) -> list[str]:
    """``Action``/``Resource``/... as a list of strings."""
    values = []
    for value in as_list(get(statement, key)):
        if is_unknown(value):
            raise UnknownValueError(value, [key])
        values.append(str(value))
    return values


def is_allow(statement: Any) -> bool:
    """Whether the statement's ``Effect`` is ``Allow`` (only Allow statements grant anything)."""
    return get(statement, "Effect") == "Allow"


def is_wildcard_action(action: str) -> bool:
    """``*`` or ``service:*``."""
    return action == "*" or bool(_SERVICE_WILDCARD.match(action))


def has_condition(statement: Any, key: str | None = None) -> bool:
    """Whether the statement has a condition (on ``key``, under any operator, if given)."""
    condition = get(statement, "Condition")
    if not is_map(condition) or len(condition) == 0:
        return False
    if key is None:
        return True
    wanted = key.lower()
    return any(is_map(condition[op]) and any(str(k).lower() == wanted for k in condition[op])
               for op in condition)


def is_public_principal(principal: Any) -> bool:
    """``"*"``, ``{"AWS": "*"}`` or any principal map listing ``*``."""
    if principal == "*":
        return True
    if is_map(principal):
        return any("*" in [str(v) for v in as_list(principal[kind])] for kind in principal)
    return False


def principals(statement: Any, kind: str) -> list[str]:
    """The principals of one kind (``AWS``, ``Service``, ``Federated``) a statement names."""
    principal = get(statement, "Principal")
    return [str(v) for v in as_list(get(principal, kind))] if is_map(principal) else []
