"""A function's settings from its environment: every missing name reported in one error."""

from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional


class MissingEnvironment(RuntimeError):
    """One or more required environment variables are unset (or empty when they must not be)."""


def read_env(
    names: Iterable[str],
    environ: Optional[Mapping[str, str]] = None,
    *,
    may_be_empty: Iterable[str] = (),
) -> dict[str, str]:
    """``name -> value`` for each of ``names``; raises :class:`MissingEnvironment` naming all the missing.

    A name in ``may_be_empty`` must be set but may be the empty string (a list with no entries).
    """
    environ = os.environ if environ is None else environ
    empty_ok = set(may_be_empty)
    values: dict[str, str] = {}
    missing: list[str] = []
    for name in names:
        value = environ.get(name)
        if value is None or (value.strip() == "" and name not in empty_ok):
            missing.append(name)
        else:
            values[name] = value.strip()
    if missing:
        raise MissingEnvironment(f"environment variable(s) not set: {', '.join(missing)}")
    return values


def name_list(value: str) -> frozenset[str]:
    """The names of a comma-separated list (``"A, B,,C"`` -> ``{"A", "B", "C"}``)."""
    return frozenset(part.strip() for part in value.split(",") if part.strip())
