"""Stack names as the Pulumi CLI accepts them: ``stack``, ``org/stack`` or ``org/project/stack``.

Pulumi allows letters, digits, ``-``, ``_`` and ``.`` in a stack name (at most 100 characters);
the stack's settings live in ``Pulumi.<stack>.yaml`` whatever the organization. A name is checked
before it is used in a path or passed anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_PART = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class StackNameError(ValueError):
    """A stack name Pulumi would refuse (one-line message)."""


@dataclass(frozen=True)
class StackName:
    """A parsed, valid stack name."""

    stack: str
    organization: Optional[str] = None
    project: Optional[str] = None

    @property
    def stack_file(self) -> str:
        """The stack's settings file: ``Pulumi.<stack>.yaml``."""
        return f"Pulumi.{self.stack}.yaml"


def parse_stack_name(text: str, *, project: Optional[str] = None) -> StackName:
    """Parse ``[org/[project/]]stack``; ``project`` (from Pulumi.yaml) must match a qualified name's."""
    parts = text.split("/")
    if len(parts) > 3 or not all(_PART.match(p) and p not in (".", "..") for p in parts):
        raise StackNameError(f"stack: {text!r} is not a valid stack name (letters, digits, '-', '_', '.',"
                             " at most 100 characters; optionally qualified as org/stack or org/project/stack)")
    if len(parts) == 3 and project is not None and parts[1] != project:
        raise StackNameError(f"stack: {text!r} names project {parts[1]!r}, but this is project {project!r}")
    organization = parts[0] if len(parts) >= 2 else None
    return StackName(stack=parts[-1], organization=organization, project=parts[1] if len(parts) == 3 else None)
