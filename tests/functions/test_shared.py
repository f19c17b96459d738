"""The shared lib: settings from the environment, the AppConfig wrapper's calls, the logger."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from functions.publisher.settings import ENV_VARS, PublisherSettings
from functions.shared.appconfig import AppConfig, HostedVersion, error_code, is_conflict
from functions.shared.env import MissingEnvironment, name_list, read_env
from functions.shared.log import service_name

from .conftest import REGION, publisher_environ


def test_every_missing_variable_is_named_in_one_error():
    with pytest.raises(MissingEnvironment) as error:
        read_env(("A", "B", "C", "D"), {"B": "x", "C": "  "})
    assert str(error.value) == "environment variable(s) not set: A, C, D"
    assert read_env(("A", "L"), {"A": " v ", "L": ""}, may_be_empty=("L",)) == {"A": "v", "L": ""}


def test_name_lists():
    assert name_list(" A, B,,C ,") == {"A", "B", "C"}
    assert name_list("") == frozenset()


def test_publisher_settings_name_what_is_missing_or_wrong():
    with pytest.raises(MissingEnvironment) as error:
        PublisherSettings.from_env({})
    assert str(error.value) == f"environment variable(s) not set: {', '.join(ENV_VARS)}"
    with pytest.raises(ValueError, match="DEFAULT_STRATEGY='canary': use one of immediate, guarded"):
        PublisherSettings.from_env(publisher_environ("app0001", "gw00001", "cat0001", DEFAULT_STRATEGY="canary"))
    settings = PublisherSettings.from_env(publisher_environ("app0001", "gw00001", "cat0001", PROVIDED_ENV="A,B"))
    assert settings.profile_ids == {"catalog": "cat0001", "gateway": "gw00001"}
    assert settings.provided_env == {"A", "B"}


@pytest.fixture
def stubbed(aws_credentials):
    client = boto3.client("appconfig", region_name=REGION)
    with Stubber(client) as stubber:
        yield AppConfig(client, "app0001"), stubber
        stubber.assert_no_pending_responses()


def test_create_sends_json_with_the_hash_and_the_lock(stubbed):
    appconfig, stubber = stubbed
    expected = {"ApplicationId": "app0001", "ConfigurationProfileId": "prof001", "Content": b'{"a": 1}\n',
                "ContentType": "application/json", "Description": "sha256:ab", "LatestVersionNumber": 4}
    stubber.add_response("create_hosted_configuration_version",
                         {"VersionNumber": 5, "Description": "sha256:ab"}, expected)
    assert appconfig.create_hosted_version("prof001", '{"a": 1}\n', "sha256:ab", 4) == HostedVersion(5, "sha256:ab")


def test_a_stale_lock_is_a_conflict(stubbed):
    appconfig, stubber = stubbed
    stubber.add_client_error("create_hosted_configuration_version", "ConflictException",
                             "latest version is 6", 409)
    with pytest.raises(Exception) as error:
        appconfig.create_hosted_version("prof001", "{}", "sha256:ab", 4)
    assert is_conflict(error.value) and error_code(error.value) == "ConflictException"
    assert not is_conflict(ValueError("x")) and error_code(ValueError("x")) is None


def test_deployments_are_read_page_by_page(stubbed):
    appconfig, stubber = stubbed
    base = {"ApplicationId": "app0001", "EnvironmentId": "env0001", "MaxResults": 50}
    stubber.add_response("list_deployments", {"Items": [{"DeploymentNumber": 3, "State": "COMPLETE",
                                                         "ConfigurationVersion": "2"}], "NextToken": "t"}, base)
    stubber.add_response("list_deployments", {"Items": [{"DeploymentNumber": 2, "State": "ROLLED_BACK",
                                                         "ConfigurationVersion": "1",
                                                         "ConfigurationProfileId": "prof001"}]},
                         {**base, "NextToken": "t"})
    found = list(appconfig.deployments("env0001"))
    assert [(d.number, d.state, d.version, d.profile_id) for d in found] == [
        (3, "COMPLETE", "2", None), (2, "ROLLED_BACK", "1", "prof001")]


def test_no_hosted_version_yet(stubbed):
    appconfig, stubber = stubbed
    stubber.add_response("list_hosted_configuration_versions", {"Items": []},
                         {"ApplicationId": "app0001", "ConfigurationProfileId": "prof001", "MaxResults": 1})
    assert appconfig.latest_hosted_version("prof001") is None


def test_the_service_name_follows_the_functions_environment(monkeypatch):
    monkeypatch.delenv("POWERTOOLS_SERVICE_NAME", raising=False)
    assert service_name("publisher") == "publisher"
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "config-publisher")
    assert service_name("publisher") == "config-publisher"
