"""The AppConfig Lambda validator: the renderer's own output passes, anything agentgateway would refuse fails."""

from __future__ import annotations

import base64
import json

import pytest

from functions.publisher.request import render_for_publish
from functions.shared.env import MissingEnvironment
from functions.validator.check import ConfigurationRejected
from functions.validator.handler import handler

from .conftest import event

GATEWAY_ID = "gw00001"
CATALOG_ID = "cat0001"
APPLICATION_ID = "app0001"
KIND = {GATEWAY_ID: "gateway", CATALOG_ID: "catalog"}
RENDERED = render_for_publish(event())


@pytest.fixture(autouse=True)
def validator_env(monkeypatch):
    monkeypatch.setenv("APPLICATION_ID", APPLICATION_ID)
    monkeypatch.setenv("PROVIDED_ENV", "ANTHROPIC_API_KEY, OTHER_KEY")


def validator_event(profile_id: str, text: str, version: str = "7", application_id: str = APPLICATION_ID) -> dict:
    """What AppConfig sends the validator attached to ``profile_id``."""
    return {"applicationId": application_id, "configurationProfileId": profile_id, "configurationVersion": version,
            "content": base64.b64encode(text.encode()).decode(), "uri": f"hosted://{profile_id}"}


@pytest.fixture
def validate(monkeypatch):
    """Call the function the stack attaches to the event's profile (``VALIDATES`` says which file it checks)."""
    def call(evt: dict) -> dict:
        monkeypatch.setenv("VALIDATES", KIND.get(evt.get("configurationProfileId"), "gateway"))
        return handler(evt, None)
    return call


def test_accepts_the_rendered_config_and_catalog(validate):
    assert validate(validator_event(GATEWAY_ID, RENDERED.config_json)) == {"valid": True, "profile": "gateway"}
    assert validate(validator_event(CATALOG_ID, RENDERED.catalog_json)) == {"valid": True, "profile": "catalog"}


def test_rejects_a_config_the_schema_refuses(validate):
    config = json.loads(RENDERED.config_json)
    config["binds"][0]["port"] = "eighty"
    with pytest.raises(ConfigurationRejected) as error:
        validate(validator_event(GATEWAY_ID, json.dumps(config), version="12"))
    message = str(error.value)
    assert message.startswith("gateway config version 12 rejected, 1 problem(s): (1) schema: binds/0/port:")


def test_rejects_a_config_naming_an_env_var_the_task_does_not_provide(monkeypatch, validate):
    monkeypatch.setenv("PROVIDED_ENV", "OTHER_KEY")
    with pytest.raises(ConfigurationRejected, match="references env var\\(s\\) the task does not provide: ANTHROPIC_API_KEY"):
        validate(validator_event(GATEWAY_ID, RENDERED.config_json))


def test_lists_every_problem(validate):
    config = json.loads(RENDERED.config_json)
    config["frontendPolicies"]["accessLog"]["add"]["x"] = "jwt.sub + ${SECRET_TOKEN}"
    config["frontendPolicies"]["http"]["http1IdleTimeout"] = "soon"
    with pytest.raises(ConfigurationRejected) as error:
        validate(validator_event(GATEWAY_ID, json.dumps(config)))
    message = str(error.value)
    assert "SECRET_TOKEN" in message and "'soon' is not a Go duration" in message and "(2)" in message


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (base64.b64encode(b'{"binds": [').decode(), "gateway config is not JSON"),
        ("not base64!", "content is not base64"),
        (base64.b64encode(b"\xff\xfe{}").decode(), "content is not UTF-8"),
    ],
)
def test_rejects_a_body_that_is_not_a_json_document(content, problem, validate):
    bad = {**validator_event(GATEWAY_ID, ""), "content": content}
    with pytest.raises(ConfigurationRejected, match=problem):
        validate(bad)


def test_rejects_a_bad_catalog(validate):
    catalog = json.loads(RENDERED.catalog_json)
    provider = next(iter(catalog["providers"].values()))
    next(iter(provider["models"].values()))["rates"]["input"] = 3  # prices are decimal strings
    with pytest.raises(ConfigurationRejected, match="model catalog version 7 rejected, 1 problem\\(s\\): \\(1\\) schema:"):
        validate(validator_event(CATALOG_ID, json.dumps(catalog)))
    with pytest.raises(ConfigurationRejected, match="model catalog is not JSON"):
        validate(validator_event(CATALOG_ID, "providers: {}"))


def test_a_function_attached_to_one_profile_refuses_the_other_file(validate):
    with pytest.raises(ConfigurationRejected, match="schema"):
        validate(validator_event(CATALOG_ID, RENDERED.config_json))
    with pytest.raises(ConfigurationRejected, match="schema"):
        validate(validator_event(GATEWAY_ID, RENDERED.catalog_json))


def test_rejects_another_application_and_a_malformed_event(validate):
    with pytest.raises(ConfigurationRejected, match="application 'other01' refused: this validator checks the gateway"):
        validate(validator_event(GATEWAY_ID, RENDERED.config_json, application_id="other01"))
    with pytest.raises(ConfigurationRejected, match="not an AppConfig validator event"):
        validate({"configurationProfileId": GATEWAY_ID})


def test_a_missing_or_wrong_setting_is_named(monkeypatch):
    monkeypatch.delenv("APPLICATION_ID")
    monkeypatch.delenv("PROVIDED_ENV")
    monkeypatch.delenv("VALIDATES", raising=False)
    with pytest.raises(MissingEnvironment, match="not set: VALIDATES, APPLICATION_ID, PROVIDED_ENV"):
        handler(validator_event(GATEWAY_ID, RENDERED.config_json), None)
    monkeypatch.setenv("APPLICATION_ID", APPLICATION_ID)
    monkeypatch.setenv("PROVIDED_ENV", "")
    monkeypatch.setenv("VALIDATES", "routes")
    with pytest.raises(ValueError, match="VALIDATES must be one of gateway, catalog"):
        handler(validator_event(GATEWAY_ID, RENDERED.config_json), None)
