"""The AWS AppConfig control-plane calls the functions make, over a boto3 client the caller injects.

The wrapper is deliberately thin: one method per API call, plain dataclasses out, no decisions
(those are pure functions in the caller). Tests pass a moto-backed client, a botocore ``Stubber``
one, or both behind a router, because moto 5.2.5 implements hosted versions but neither
ListHostedConfigurationVersions nor anything about environments and deployments.

boto3 is not a dependency of the zips: the Lambda runtime provides it, and
:func:`appconfig_client` imports it only when a real client is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Optional

DEPLOYMENTS_PAGE = 50
"""ListDeployments' largest page."""


@dataclass(frozen=True)
class HostedVersion:
    """One hosted configuration version of a profile."""

    number: int
    description: str
    """What the publisher stores here: the content hash, ``sha256:<hex>``."""


@dataclass(frozen=True)
class Deployment:
    """One deployment to an environment, from ListDeployments, GetDeployment or StartDeployment."""

    number: int
    state: str
    """``VALIDATING``, ``DEPLOYING``, ``BAKING``, ``COMPLETE``, ``ROLLING_BACK``, ``ROLLED_BACK``, ``REVERTED``."""
    version: str
    """The configuration version deployed (a hosted version number as text)."""
    profile_id: Optional[str]
    """None when a ListDeployments summary does not carry it (GetDeployment always does)."""
    events: tuple[str, ...] = ()
    """GetDeployment's event log descriptions, newest first (why a deployment rolled back)."""


def appconfig_client() -> Any:
    """A boto3 AppConfig client for the Lambda's region (boto3 imported here, from the runtime)."""
    import boto3

    return boto3.client("appconfig")


def error_code(error: BaseException) -> Optional[str]:
    """The AWS error code of a botocore ``ClientError`` (``ConflictException``), else None."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return (response.get("Error") or {}).get("Code")
    return None


def is_conflict(error: BaseException) -> bool:
    """Whether AppConfig refused a call because the resource changed under it (HTTP 409)."""
    return error_code(error) == "ConflictException"


class AppConfig:
    """The calls on one AppConfig application, over an injected client."""

    def __init__(self, client: Any, application_id: str) -> None:
        self._client = client
        self.application_id = application_id

    def latest_hosted_version(self, profile_id: str) -> Optional[HostedVersion]:
        """The profile's newest hosted version, or None when it has none.

        Relies on ListHostedConfigurationVersions listing newest first (not stated by the API
        reference). If that were wrong, the ``LatestVersionNumber`` lock of
        :meth:`create_hosted_version` would make the create fail rather than fork history.
        """
        response = self._client.list_hosted_configuration_versions(
            ApplicationId=self.application_id, ConfigurationProfileId=profile_id, MaxResults=1
        )
        items = response.get("Items") or []
        if not items:
            return None
        return HostedVersion(number=int(items[0]["VersionNumber"]), description=items[0].get("Description", ""))

    def create_hosted_version(
        self, profile_id: str, content: str, description: str, latest_version: Optional[int]
    ) -> HostedVersion:
        """Store ``content`` (JSON text) as the profile's next hosted version.

        ``latest_version`` is the number the caller saw as newest (None: it saw none); AppConfig
        refuses the create with ConflictException when another version was created since.
        """
        params: dict[str, Any] = {
            "ApplicationId": self.application_id,
            "ConfigurationProfileId": profile_id,
            "Content": content.encode("utf-8"),
            "ContentType": "application/json",
            "Description": description,
        }
        if latest_version is not None:
            params["LatestVersionNumber"] = latest_version
        response = self._client.create_hosted_configuration_version(**params)
        return HostedVersion(number=int(response["VersionNumber"]), description=response.get("Description", description))

    def deployments(self, environment_id: str) -> Iterator[Deployment]:
        """The environment's deployments, newest first (ListDeployments' documented order), page by page."""
        token: Optional[str] = None
        while True:
            params: dict[str, Any] = {
                "ApplicationId": self.application_id,
                "EnvironmentId": environment_id,
                "MaxResults": DEPLOYMENTS_PAGE,
            }
            if token:
                params["NextToken"] = token
            response = self._client.list_deployments(**params)
            for item in response.get("Items") or []:
                yield _deployment(item)
            token = response.get("NextToken")
            if not token:
                return

    def get_deployment(self, environment_id: str, number: int) -> Deployment:
        """One deployment, with its profile and event log."""
        response = self._client.get_deployment(
            ApplicationId=self.application_id, EnvironmentId=environment_id, DeploymentNumber=number
        )
        return _deployment(response)

    def start_deployment(
        self,
        environment_id: str,
        profile_id: str,
        version: int,
        strategy_id: str,
        description: str,
        latest_deployment: Optional[int],
    ) -> Deployment:
        """Start deploying hosted ``version`` of ``profile_id`` with ``strategy_id``.

        ``latest_deployment`` is the environment's newest deployment number the caller saw (None:
        none); AppConfig answers ConflictException when another deployment started since, or while
        one is still in progress.
        """
        params: dict[str, Any] = {
            "ApplicationId": self.application_id,
            "EnvironmentId": environment_id,
            "DeploymentStrategyId": strategy_id,
            "ConfigurationProfileId": profile_id,
            "ConfigurationVersion": str(version),
            "Description": description,
        }
        if latest_deployment is not None:
            params["LatestDeploymentNumber"] = latest_deployment
        return _deployment(self._client.start_deployment(**params))


def _deployment(item: dict[str, Any]) -> Deployment:
    events = tuple(e.get("Description", "") for e in item.get("EventLog") or [])
    return Deployment(
        number=int(item["DeploymentNumber"]),
        state=str(item["State"]),
        version=str(item.get("ConfigurationVersion", "")),
        profile_id=item.get("ConfigurationProfileId"),
        events=events,
    )
