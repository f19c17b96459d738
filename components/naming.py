"""Physical names and tags. Every name embeds project and stack so stacks can share an account."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Naming:
    """Names for one stack of one project."""

    project: str
    stack: str

    @property
    def prefix(self) -> str:
        """``<project>-<stack>``, lower-case, safe for every AWS name we use."""
        return _slug(f"{self.project}-{self.stack}")

    def physical(self, role: str, max_length: int = 64) -> str:
        """``<project>-<stack>-<role>``; shortened with a stable hash when over ``max_length``."""
        name = f"{self.prefix}-{_slug(role)}" if role else self.prefix
        if len(name) <= max_length:
            return name
        digest = hashlib.sha256(name.encode()).hexdigest()[:6]
        return f"{name[: max_length - 7].rstrip('-')}-{digest}"

    def path(self, *parts: str) -> str:
        """``/<project>/<stack>/<parts...>`` for log groups and other path-like names."""
        return "/" + "/".join([_slug(self.project), _slug(self.stack), *parts])

    def tags(self, environment: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Default tags for the AWS provider; the fixed keys win over user-supplied ones."""
        return {
            **dict(extra or {}),
            "project": self.project,
            "stack": self.stack,
            "environment": environment,
            "managed-by": "pulumi",
        }


def _slug(text: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-")


def service_names(naming: Naming) -> tuple[str, str]:
    """(ECS cluster name, ECS service name) of the gateway: known before either exists, so alarms
    and the dashboard can name them without waiting for the service."""
    return naming.physical(""), naming.physical("gateway")
