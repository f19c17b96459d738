"""Live configuration: how config changes reach running gateways (AppConfig + the agent sidecar)."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator

from .images import check_pinned_image, mirrored_tag
from .model import SettingsModel

APPCONFIG_AGENT_VERSION = "2.0.13147"
"""AppConfig Agent release mirrored by default (a tag seen pinned publicly; no public source pins
its digest, so the image is mirrored into the stack's immutable repository, see docs/live-config.md)."""
APPCONFIG_AGENT_SOURCE = "public.ecr.aws/aws-appconfig/aws-appconfig-agent"


class LiveConfigSettings(SettingsModel):
    """AppConfig delivery of the gateway config and model catalog to running tasks."""

    agent_image: str = f"ecr:aws-appconfig-agent-{APPCONFIG_AGENT_VERSION}"
    """AppConfig Agent image: ``repository@sha256:<digest>``, or ``ecr:<tag>`` for a tag in this
    stack's immutable ECR repository (mirrored by ``bin/mirror-images``, which verifies the digest).
    Default ``ecr:aws-appconfig-agent-2.0.13147``."""
    poll_interval_seconds: Annotated[int, Field(ge=15, le=3600)] = 15
    """How often each task's agent asks AppConfig for a new version (AppConfig's minimum is 15). Default 15."""
    deployment_strategy: Optional[Literal["immediate", "guarded"]] = None
    """``immediate``: every task gets a new version on its next poll, no bake; ``guarded``: the same,
    then AppConfig watches the config-sync and 5xx alarms for ``bakeMinutes`` and rolls back if
    either fires (and the next publish waits for the bake). Applies to what ``pulumi up`` publishes;
    control-plane changes (admin API, budgets) always go out immediately. Default: guarded in prod,
    immediate otherwise."""
    bake_minutes: Annotated[int, Field(ge=1, le=10)] = 3
    """How long the guarded strategy watches the alarms after a deployment (at most 10: the next
    publish waits out a bake, inside the publisher's 15-minute Lambda limit). Default 3."""

    @field_validator("agent_image")
    @classmethod
    def _pinned(cls, v: str) -> str:
        return check_pinned_image(v)

    @property
    def mirrored_tag(self) -> Optional[str]:
        """The tag in the stack's repository when the agent image is mirrored there."""
        return mirrored_tag(self.agent_image)
