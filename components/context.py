"""What every component needs to know about the stack it is part of."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .naming import Naming
from .settings import StackSettings


@dataclass(frozen=True)
class StackContext:
    """Settings, names and the account coordinates (account id and partition resolve at deploy)."""

    settings: StackSettings
    naming: Naming
    region: str
    account_id: pulumi.Output[str]
    partition: pulumi.Output[str]

    @property
    def prod(self) -> bool:
        """Whether stateful resources are protected and kept longest (the prod environment class)."""
        return self.settings.profile.protect_stateful
