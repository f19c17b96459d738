"""The publisher's decisions, as pure functions of what AppConfig reported (no client, no clock)."""

from __future__ import annotations

from typing import Iterator, Optional

from functions.shared.appconfig import Deployment, HostedVersion

IN_PROGRESS = frozenset({"VALIDATING", "DEPLOYING"})
"""A deployment that has not reached its targets yet."""
BUSY = IN_PROGRESS | {"BAKING", "ROLLING_BACK"}
"""States that keep the environment from taking another deployment (one at a time, bake included)."""
FAILED = frozenset({"ROLLING_BACK", "ROLLED_BACK", "REVERTED"})
"""A deployment whose version is not (or no longer) what the targets receive."""
LIVE = frozenset({"VALIDATING", "DEPLOYING", "BAKING", "COMPLETE"})
"""A deployment whose version is, or is becoming, what the targets receive."""


def reusable_version(latest: Optional[HostedVersion], digest: str) -> Optional[int]:
    """The latest hosted version's number when it already holds content with hash ``digest``."""
    if latest is not None and latest.description == digest:
        return latest.number
    return None


def needs_deployment(latest_for_profile: Optional[Deployment], version: int) -> bool:
    """Whether hosted ``version`` must be deployed: not when it is deployed or on its way already.

    ``latest_for_profile`` is the environment's newest deployment of this profile (None: never
    deployed). A version whose deployment rolled back or was reverted is deployed again.
    """
    if latest_for_profile is None:
        return True
    return not (latest_for_profile.version == str(version) and latest_for_profile.state in LIVE)


def environment_busy(latest: Optional[Deployment]) -> bool:
    """Whether the environment's newest deployment still blocks a new one."""
    return latest is not None and latest.state in BUSY


def finished(deployment: Deployment) -> bool:
    """Whether a deployment we started has left VALIDATING/DEPLOYING (COMPLETE, BAKING or a failure)."""
    return deployment.state not in IN_PROGRESS


def failed(deployment: Deployment) -> bool:
    """Whether a deployment ended (or is ending) without its version reaching the targets."""
    return deployment.state in FAILED


def backoff(initial: float = 1.0, factor: float = 2.0, cap: float = 10.0) -> Iterator[float]:
    """Poll and retry delays in seconds: 1, 2, 4, 8, 10, 10, ... (bounded; the deadline ends the wait).

    No jitter: one publisher runs per deploy or admin change, and the conflicts it meets come from
    deployments, not from a crowd of identical clients.
    """
    delay = initial
    while True:
        yield min(delay, cap)
        delay = min(delay * factor, cap)
