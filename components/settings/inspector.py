"""Amazon Inspector enhanced scanning of the account's ECR images (an account-wide toggle)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import model_validator

from .errors import FieldProblem
from .model import SettingsModel

ScanFrequency = Literal["CONTINUOUS_SCAN", "SCAN_ON_PUSH"]


class InspectorSettings(SettingsModel):
    """Amazon Inspector enhanced ECR scanning (the original's toggle).

    Inspector and the registry's scanning configuration exist once per account and region, not
    per stack: exactly one stack of an account and region may manage them, the others leave
    ``manage`` off (two managing stacks would overwrite each other, and Inspector's enabler turns
    off every resource type it is not told about).
    """

    manage: bool = False
    """This stack turns on Inspector enhanced scanning of ECR images for its account and region, and
    owns the registry scanning configuration (one rule, every repository). Left in place when the
    stack is destroyed. Default false (account-wide: opt in from one stack)."""
    scan_frequency: Optional[ScanFrequency] = None
    """How images are re-scanned: CONTINUOUS_SCAN (also when new CVEs are published) or SCAN_ON_PUSH.
    Default: CONTINUOUS_SCAN in prod, SCAN_ON_PUSH otherwise. Only with manage."""

    @model_validator(mode="after")
    def _frequency_needs_manage(self) -> "InspectorSettings":
        if self.scan_frequency is not None and not self.manage:
            raise FieldProblem("scanFrequency", "only applies when inspector.manage is true (this stack"
                                                " owns the account's scanning configuration)")
        return self
