"""agentgateway's env expansion, and keeping every other ``$`` out of its reach.

agentgateway runs ``shellexpand::full`` over the whole config text, at start and on every reload:
``$NAME`` and ``${NAME}`` (``${NAME:-default}`` too) become the value of the process's env var, an
unset name fails the load, and ``$$`` is a literal ``$``. The config the renderer writes may
reference an env var only through :class:`EnvRef` (the provider API keys the task injects); every
other ``$`` in any string, which can only have come from a user (a model name, an alias), is
doubled by :func:`escape` so it reaches agentgateway as the character it was.
"""

from __future__ import annotations

import re
from typing import Any

_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}|\$([A-Za-z0-9_]+)")


class EnvRef(str):
    """``${NAME}``: the only ``$`` the renderer means (a string subclass, so it serializes as text)."""

    def __new__(cls, name: str) -> "EnvRef":
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            raise ValueError(f"{name!r} is not an environment variable name")
        ref = super().__new__(cls, "${" + name + "}")
        ref.env_name = name  # type: ignore[attr-defined]
        return ref


def escape(value: Any) -> Any:
    """``value`` with ``$`` doubled in every string that is not an :class:`EnvRef` (dict keys too)."""
    if isinstance(value, EnvRef):
        return str(value)
    if isinstance(value, str):
        return value.replace("$", "$$")
    if isinstance(value, dict):
        return {escape(k): escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape(v) for v in value]
    return value


def referenced_env_vars(text: str) -> set[str]:
    """Env var names agentgateway would expand in ``text`` (``$$`` is an escaped ``$``, not a reference)."""
    return {braced or bare for braced, bare in _REFERENCE.findall(text) if braced or bare}


def expanded(text: str, env: dict[str, str]) -> str:
    """``text`` as agentgateway sees it after expansion with ``env`` (``KeyError`` for an unset name)."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return env[match.group(1) or match.group(2)]

    return _REFERENCE.sub(replace, text)
