"""AppConfig for the publisher tests: moto where it has the operation, botocore's Stubber where it has not.

moto 5.2.5 implements applications, configuration profiles and Create/Get hosted configuration
versions, but not ListHostedConfigurationVersions, environments, strategies or deployments
(``test_moto_still_lacks_what_the_stubs_stand_in_for`` checks that, so the split is revisited
when moto grows them). A Stubber intercepts every call of the client it is attached to, so the two
cannot share one client: :class:`RoutedClient` sends each operation to the client that has it.
The Stubber's queue is strict and ordered, so the expected calls also assert the order of the
publisher's steps (catalog first, no deployment started when none is needed).
"""

from __future__ import annotations

import datetime
from typing import Any, Optional

import boto3
from botocore.stub import Stubber

from functions.shared.appconfig import DEPLOYMENTS_PAGE

STUBBED = frozenset({"list_hosted_configuration_versions", "list_deployments", "get_deployment", "start_deployment"})
STARTED_AT = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


class RoutedClient:
    """A client-shaped object: :data:`STUBBED` operations go to the stubbed client, the rest to moto."""

    def __init__(self, moto_client: Any, stubbed_client: Any) -> None:
        self._moto = moto_client
        self._stubbed = stubbed_client
        self.stubbed_operations = set(STUBBED)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stubbed if name in self.stubbed_operations else self._moto, name)


class World:
    """One AppConfig application (moto) with a gateway and a catalog profile, and the stubbed calls."""

    def __init__(self, region: str, environment_id: str) -> None:
        self.moto = boto3.client("appconfig", region_name=region)
        self.stubbed = boto3.client("appconfig", region_name=region)
        self.stubber = Stubber(self.stubbed)
        self.client = RoutedClient(self.moto, self.stubbed)
        self.environment_id = environment_id
        self.application_id = self.moto.create_application(Name="ai-gateway-test")["Id"]
        self.profile_ids = {
            kind: self.moto.create_configuration_profile(
                ApplicationId=self.application_id, Name=kind, LocationUri="hosted", Type="AWS.Freeform"
            )["Id"]
            for kind in ("gateway", "catalog")
        }
        self.created: list[dict[str, Any]] = []
        self.moto.meta.events.register(
            "provide-client-params.appconfig.CreateHostedConfigurationVersion", self._record_create
        )

    def _record_create(self, params: dict[str, Any], **_: Any) -> None:
        self.created.append({k: v for k, v in params.items() if k != "Content"})

    # --- what moto holds ----------------------------------------------------------------

    def hosted(self, kind: str, number: int) -> tuple[str, str]:
        """``(content, description)`` of a hosted version stored in moto."""
        version = self.moto.get_hosted_configuration_version(
            ApplicationId=self.application_id, ConfigurationProfileId=self.profile_ids[kind], VersionNumber=number
        )
        return version["Content"].read().decode(), version["Description"]

    def store(self, kind: str, content: str, description: str) -> int:
        """Put a hosted version into moto directly (state from an earlier publish)."""
        return self.moto.create_hosted_configuration_version(
            ApplicationId=self.application_id, ConfigurationProfileId=self.profile_ids[kind],
            Content=content.encode(), ContentType="application/json", Description=description,
        )["VersionNumber"]

    # --- expected stubbed calls, in order ------------------------------------------------

    def expect_create_conflict(self, kind: str, message: str) -> None:
        """The next create of a hosted version is refused (stubbed: moto ignores the lock)."""
        self.client.stubbed_operations.add("create_hosted_configuration_version")
        self.stubber.add_client_error("create_hosted_configuration_version", "ConflictException", message, 409)

    def expect_latest_version(self, kind: str, number: Optional[int] = None, description: str = "") -> None:
        items = [] if number is None else [{
            "ApplicationId": self.application_id, "ConfigurationProfileId": self.profile_ids[kind],
            "VersionNumber": number, "Description": description, "ContentType": "application/json",
        }]
        self.stubber.add_response(
            "list_hosted_configuration_versions", {"Items": items},
            {"ApplicationId": self.application_id, "ConfigurationProfileId": self.profile_ids[kind], "MaxResults": 1},
        )

    def summary(self, number: int, kind: str, version: int, state: str) -> dict[str, Any]:
        """A ListDeployments item."""
        return {"DeploymentNumber": number, "ConfigurationProfileId": self.profile_ids[kind],
                "ConfigurationName": kind, "ConfigurationVersion": str(version), "State": state,
                "StartedAt": STARTED_AT}

    def expect_deployments(self, *items: dict[str, Any], next_token: Optional[str] = None,
                           token: Optional[str] = None) -> None:
        params = {"ApplicationId": self.application_id, "EnvironmentId": self.environment_id,
                  "MaxResults": DEPLOYMENTS_PAGE}
        if token:
            params["NextToken"] = token
        response: dict[str, Any] = {"Items": list(items)}
        if next_token:
            response["NextToken"] = next_token
        self.stubber.add_response("list_deployments", response, params)

    def deployment(self, number: int, kind: str, version: int, state: str,
                   events: tuple[str, ...] = ()) -> dict[str, Any]:
        """A GetDeployment/StartDeployment response."""
        return {
            "ApplicationId": self.application_id, "EnvironmentId": self.environment_id,
            "ConfigurationProfileId": self.profile_ids[kind], "DeploymentNumber": number,
            "ConfigurationName": kind, "ConfigurationVersion": str(version), "State": state,
            "EventLog": [{"EventType": "ROLLBACK_COMPLETED", "TriggeredBy": "APPCONFIG", "Description": d,
                          "OccurredAt": STARTED_AT} for d in events],
        }

    def expect_get(self, number: int, kind: str, version: int, state: str, events: tuple[str, ...] = ()) -> None:
        self.stubber.add_response(
            "get_deployment", self.deployment(number, kind, version, state, events),
            {"ApplicationId": self.application_id, "EnvironmentId": self.environment_id, "DeploymentNumber": number},
        )

    def start_params(self, kind: str, version: int, strategy_id: str, digest: str,
                     latest: Optional[int]) -> dict[str, Any]:
        params = {
            "ApplicationId": self.application_id, "EnvironmentId": self.environment_id,
            "DeploymentStrategyId": strategy_id, "ConfigurationProfileId": self.profile_ids[kind],
            "ConfigurationVersion": str(version), "Description": f"{kind} {digest}",
        }
        if latest is not None:
            params["LatestDeploymentNumber"] = latest
        return params

    def expect_start(self, kind: str, version: int, strategy_id: str, digest: str, latest: Optional[int],
                     number: int, state: str = "DEPLOYING") -> None:
        self.stubber.add_response(
            "start_deployment", self.deployment(number, kind, version, state),
            self.start_params(kind, version, strategy_id, digest, latest),
        )

    def expect_start_conflict(self, kind: str, version: int, strategy_id: str, digest: str,
                              latest: Optional[int], message: str) -> None:
        self.stubber.add_client_error(
            "start_deployment", service_error_code="ConflictException", service_message=message,
            http_status_code=409, expected_params=self.start_params(kind, version, strategy_id, digest, latest),
        )
