"""Reading resource properties the way the engine hands them to policies.

Props are ``Mapping``/``Sequence`` proxies (never ``dict``/``list``) with camelCase wire names,
numbers as floats and nested policy documents as JSON strings. Unknown values (``pulumi
preview``) raise ``UnknownValueError`` when read: the CLI turns that into an advisory "can't run
policy during preview", the offline checker into a "cannot decide" entry. ``Pending`` lets a rule
finish every check it *can* decide before re-raising, so an unknown in one container does not
hide a violation in the next one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Iterator, Optional

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)

__all__ = [
    "InvalidDocument", "Pending", "SECRET_PLACEHOLDER", "SecretValueError", "UnknownValueError",
    "as_list", "get", "has", "is_list", "is_map", "is_unknown", "json_document", "number", "peek",
    "present", "text",
]

SECRET_PLACEHOLDER = "[secret]"
"""What the offline inventory writes instead of a secret value (the CLI sees the plaintext)."""

UNKNOWN_SENTINELS = frozenset({
    UNKNOWN_STRING_VALUE, UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_ARRAY_VALUE,
    UNKNOWN_OBJECT_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE,
})


class SecretValueError(UnknownValueError):
    """A value replaced by the secret placeholder in an offline inventory: it cannot be inspected.

    It subclasses ``UnknownValueError`` so both the CLI runtime and the offline checker treat it
    as "cannot decide" rather than as compliant or violating.
    """

    def __init__(self, props: list[str]) -> None:  # pylint: disable=super-init-not-called
        Exception.__init__(self)
        self.unknown_type_sentinel = UNKNOWN_STRING_VALUE
        self.props = props
        self.message = f"secret value at .{'.'.join(props)} can't be inspected offline"


class InvalidDocument(Exception):
    """A property that must hold a JSON document does not parse; reported as a violation."""

    def __init__(self, label: str) -> None:
        super().__init__(f"{label} is not a valid JSON document")
        self.label = label


def is_unknown(value: Any) -> bool:
    """True for the engine's sentinels of values not known until the update runs."""
    return isinstance(value, str) and value in UNKNOWN_SENTINELS


def is_map(value: Any) -> bool:
    """A JSON object (a plain mapping or the engine's mapping proxy)."""
    return isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    """A JSON array (a plain sequence or the engine's list proxy), not a string."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def get(value: Any, *path: Any) -> Any:
    """Walk mapping keys / list indexes; None when any step is missing.

    Reading an unknown value on the way raises ``UnknownValueError`` (the proxies do that).
    """
    current = value
    for step in path:
        if isinstance(step, int):
            if not is_list(current) or not -len(current) <= step < len(current):
                return None
            current = current[step]
        else:
            if not is_map(current):
                return None
            current = current.get(step)
        if current is None:
            return None
    return current


def present(value: Any, *path: Any) -> bool:
    """Whether a value is set (not None/empty string). An unknown value *is* set: it only says
    the value is computed, e.g. a bucket name that comes from another resource."""
    try:
        found = get(value, *path)
    except UnknownValueError:
        return True
    return found is not None and found != ""


def peek(container: Any, key: Any) -> Any:
    """Read one mapping key / list index without raising for an unknown value: the engine's
    sentinel string comes back instead, for rules that can decide without it."""
    try:
        if is_list(container):
            return container[key] if -len(container) <= key < len(container) else None
        return container.get(key) if is_map(container) else None
    except UnknownValueError as exc:
        return exc.unknown_type_sentinel


def has(value: Any, key: str) -> bool:
    """Whether a mapping sets ``key`` to a non-null value (an empty block ``{}`` counts).

    Unlike ``present``, an unknown value raises ``UnknownValueError``: use it where the block's
    presence itself decides compliance (``overrideAction.count``, ``action.block``).
    """
    if not is_map(value) or key not in set(iter(value)):
        return False
    return value.get(key) is not None


def as_list(value: Any) -> list[Any]:
    """A list of the elements of a JSON array; a single value becomes a one-element list."""
    if value is None:
        return []
    if is_list(value):
        return [value[i] for i in range(len(value))]
    return [value]


def text(value: Any) -> Optional[str]:
    """The value as a string, or None when it is not one."""
    return value if isinstance(value, str) else None


def number(value: Any) -> Optional[float]:
    """A JSON number as float (the engine sends every number as a float), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def json_document(value: Any, label: str) -> Any:
    """Parse a JSON document property (IAM/bucket/key policies, ``containerDefinitions``).

    Returns None for an absent value; raises ``UnknownValueError`` for an unknown one,
    ``SecretValueError`` for the offline secret placeholder and ``InvalidDocument`` when it does
    not parse. The parsed document is wrapped so that unknowns nested inside it (possible when
    an inventory writer substitutes them) raise on access with a path under ``label``.
    """
    if value is None:
        return None
    if is_unknown(value):
        raise UnknownValueError(value, [label])
    if isinstance(value, str):
        if value == SECRET_PLACEHOLDER:
            raise SecretValueError([label])
        if not value.strip():
            return None
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise InvalidDocument(label) from exc
        return unknown_checking_proxy({label: parsed})[label]
    # Already structured (a program passed a dict instead of a JSON string).
    return value


class Pending:
    """Remembers the first unknown value met while a rule keeps checking what it can decide.

    >>> pending = Pending()
    >>> for container in containers:
    ...     with pending.attempt():
    ...         check(container)
    >>> pending.settle()   # re-raises the first UnknownValueError, if any
    """

    def __init__(self) -> None:
        self.error: Optional[UnknownValueError] = None

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """Run a block; an ``UnknownValueError`` inside it is remembered instead of raised."""
        try:
            yield
        except UnknownValueError as exc:
            if self.error is None:
                self.error = exc

    def settle(self) -> None:
        """Raise the first remembered unknown value (after all decidable reports were made)."""
        if self.error is not None:
            raise self.error
