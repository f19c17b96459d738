"""One publish: render and check, then for each profile (catalog first) a hosted version and a deployment.

Per profile:

1. the newest hosted version is reused when its Description is this content's hash, else a new one
   is created with ``LatestVersionNumber`` as an optimistic lock (a conflict re-reads and retries);
2. the version is deployed unless it is already the profile's live deployment; AppConfig takes one
   deployment per environment at a time, so the publisher waits while the environment's newest
   deployment is busy (``StartDeployment`` carries ``LatestDeploymentNumber`` as the lock), retries
   a ConflictException with backoff, then waits until its own deployment leaves DEPLOYING.

Every wait goes through the :class:`~functions.publisher.deadline.Deadline`, so the publish gives
up with :class:`~functions.publisher.deadline.PublishTimeout` before the Lambda's time runs out.
One log line per decision, with ids, versions and hashes; never the content.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Optional

from functions.shared.appconfig import AppConfig, Deployment, is_conflict

from .deadline import Deadline
from .decisions import backoff, environment_busy, failed, finished, needs_deployment, reusable_version
from .request import Prepared, prepare
from .settings import GUARDED_PROFILES, PUBLISH_ORDER, PublisherSettings

DEPLOYMENT_SCAN_LIMIT = 200
"""How far back ListDeployments is read to find a profile's newest deployment. Older than that is
treated as not deployed: deploying the same version again is harmless, a scan of years is not."""


class DeploymentFailed(RuntimeError):
    """A deployment the publisher started rolled back (or was reverted)."""


@dataclass(frozen=True)
class ProfileResult:
    """What a publish did to one profile."""

    version: int
    sha256: str
    deployment: Optional[int]
    """The deployment this publish started, None when the version was live already."""
    changed: bool
    """A hosted version was created or a deployment started."""

    def as_json(self) -> dict[str, Any]:
        """The handler's JSON for this profile."""
        return {"version": self.version, "sha256": self.sha256, "deployment": self.deployment, "changed": self.changed}


class Publisher:
    """Publishes to one AppConfig environment with the injected client wrapper, deadline and logger."""

    def __init__(self, appconfig: AppConfig, settings: PublisherSettings, deadline: Deadline, logger: Any) -> None:
        self.appconfig = appconfig
        self.settings = settings
        self.deadline = deadline
        self.log = logger

    def publish(self, event: Any) -> dict[str, dict[str, Any]]:
        """Publish ``event``: :func:`prepare` it, then :meth:`deliver` it."""
        return self.deliver(prepare(event, self.settings.default_strategy, self.settings.provided_env))

    def deliver(self, prepared: Prepared) -> dict[str, dict[str, Any]]:
        """Store and deploy a prepared publish; ``{"gateway": {...}, "catalog": {...}}`` (:class:`ProfileResult`).

        Raises ``DeploymentFailed`` when a deployment rolls back, ``PublishTimeout`` when waiting
        would outlast the Lambda, and the client's error for anything else AppConfig refuses.
        """
        self.log.info("rendered", extra={"strategy": prepared.strategy, "sha256": dict(prepared.digests),
                                         "bytes": {k: len(v.encode()) for k, v in prepared.contents.items()}})
        results = {p: self._publish_profile(p, prepared.contents[p], prepared.digests[p],
                                            prepared.strategy if p in GUARDED_PROFILES else "immediate")
                   for p in PUBLISH_ORDER}
        summary = {p: results[p].as_json() for p in ("gateway", "catalog")}
        self.log.info("published", extra={"result": summary})
        return summary

    # --- one profile -----------------------------------------------------------------------

    def _publish_profile(self, profile: str, content: str, digest: str, strategy: str) -> ProfileResult:
        version, created = self._hosted_version(profile, content, digest)
        deployment = self._ensure_deployed(profile, version, digest, strategy)
        return ProfileResult(version=version, sha256=digest, deployment=deployment,
                             changed=created or deployment is not None)

    def _hosted_version(self, profile: str, content: str, digest: str) -> tuple[int, bool]:
        profile_id = self.settings.profile_ids[profile]
        context = {"profile": profile, "profile_id": profile_id, "sha256": digest}
        delays = backoff()
        while True:
            latest = self.appconfig.latest_hosted_version(profile_id)
            reused = reusable_version(latest, digest)
            if reused is not None:
                self.log.info("hosted version reused: same content hash", extra={**context, "version": reused})
                return reused, False
            latest_number = latest.number if latest else None
            try:
                created = self.appconfig.create_hosted_version(profile_id, content, digest, latest_number)
            except Exception as error:
                if not is_conflict(error):
                    raise
                self.log.info("hosted version conflict: another version was created; re-reading",
                              extra={**context, "latest_seen": latest_number})
                self.deadline.sleep(next(delays), f"the {profile} profile's hosted versions to settle")
                continue
            self.log.info("hosted version created", extra={**context, "version": created.number,
                                                          "previous": latest_number})
            return created.number, True

    def _ensure_deployed(self, profile: str, version: int, digest: str, strategy: str) -> Optional[int]:
        profile_id = self.settings.profile_ids[profile]
        environment_id = self.settings.environment_id
        context = {"profile": profile, "profile_id": profile_id, "version": version}
        delays = backoff()
        while True:
            newest, for_profile = self._latest_deployments(profile_id)
            if not needs_deployment(for_profile, version):
                assert for_profile is not None
                self.log.info("deployment not needed: version already live",
                              extra={**context, "deployment": for_profile.number, "state": for_profile.state})
                return None
            if environment_busy(newest):
                assert newest is not None
                self.log.info("environment busy: waiting for its deployment to finish",
                              extra={**context, "deployment": newest.number, "state": newest.state})
                self._wait(newest, environment_busy, f"deployment {newest.number} of environment {environment_id}")
                continue
            started = self._start(profile, version, digest, strategy, newest, for_profile)
            if started is None:  # the environment took another deployment first
                self.deadline.sleep(next(delays), f"environment {environment_id} to accept a deployment")
                continue
            return self._outcome(profile, version, started)

    def _start(self, profile: str, version: int, digest: str, strategy: str, newest: Optional[Deployment],
               for_profile: Optional[Deployment]) -> Optional[Deployment]:
        """StartDeployment locked on ``newest``; None on a ConflictException (logged)."""
        context = {"profile": profile, "profile_id": self.settings.profile_ids[profile], "version": version}
        latest_seen = newest.number if newest else None
        try:
            started = self.appconfig.start_deployment(
                self.settings.environment_id, self.settings.profile_ids[profile], version,
                self.settings.strategy_ids[strategy], f"{profile} {digest}", latest_seen,
            )
        except Exception as error:
            if not is_conflict(error):
                raise
            self.log.info("deployment conflict: the environment took another deployment; retrying",
                          extra={**context, "latest_seen": latest_seen, "error": str(error)[:300]})
            return None
        replaces = None if for_profile is None else {
            "deployment": for_profile.number, "version": for_profile.version, "state": for_profile.state}
        self.log.info("deployment started",
                      extra={**context, "deployment": started.number, "strategy": strategy, "replaces": replaces})
        return started

    def _outcome(self, profile: str, version: int, started: Deployment) -> int:
        """Wait until ``started`` leaves DEPLOYING; its number, or :class:`DeploymentFailed`."""
        done = self._wait(started, lambda d: not finished(d), f"deployment {started.number} of the {profile} profile")
        if failed(done):
            reason = done.events[0] if done.events else "no event recorded"
            raise DeploymentFailed(
                f"deployment {done.number} of the {profile} profile (version {version}) ended {done.state}: {reason}"
            )
        self.log.info("deployment reached its targets", extra={
            "profile": profile, "profile_id": self.settings.profile_ids[profile], "version": version,
            "deployment": done.number, "state": done.state})
        return started.number

    # --- AppConfig reads -------------------------------------------------------------------

    def _latest_deployments(self, profile_id: str) -> tuple[Optional[Deployment], Optional[Deployment]]:
        """The environment's newest deployment, and the newest of ``profile_id`` (None: none found)."""
        newest: Optional[Deployment] = None
        history = self.appconfig.deployments(self.settings.environment_id)
        for deployment in itertools.islice(history, DEPLOYMENT_SCAN_LIMIT):  # never fetches a page past it
            newest = newest or deployment
            if deployment.profile_id is None:  # an older summary format: ask for the details
                deployment = self.appconfig.get_deployment(self.settings.environment_id, deployment.number)
            if deployment.profile_id == profile_id:
                return newest, deployment
        return newest, None

    def _wait(self, deployment: Deployment, keep_waiting: Callable[[Deployment], bool], what: str) -> Deployment:
        """Poll GetDeployment with backoff while ``keep_waiting(deployment)``; the last state seen."""
        delays = backoff()
        while keep_waiting(deployment):
            self.deadline.sleep(next(delays), f"{what} (state {deployment.state})")
            deployment = self.appconfig.get_deployment(self.settings.environment_id, deployment.number)
        return deployment
