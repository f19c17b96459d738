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
RENDERED = render_for_publish(event())


@pytest.fixture(autouse=True)
def validator_env(monkeypatch):
    monkeypatch.setenv("GATEWAY_PROFILE_ID", GATEWAY_ID)
    monkeypatch.setenv("CATALOG_PROFILE_ID", CATALOG_ID)
    monkeypatch.setenv("PROVIDED_ENV", "ANTHROPIC_API_KEY, OTHER_KEY")


def validator_event(profile_id: str, text: str, version: str = "7") -> dict:
    """What AppConfig sends the validator."""
    return {"applicationId": "app0001", "configurationProfileId": profile_id, "configurationVersion": version,
            "content": base64.b64encode(text.encode()).decode(), "uri": f"hosted://{profile_id}"}


def test_accepts_the_rendered_config_and_catalog():
    assert handler(validator_event(GATEWAY_ID, RENDERED.config_json), None) == {"valid": True, "profile": "gateway"}
    assert handler(validator_event(CATALOG_ID, RENDERED.catalog_json), None) == {"valid": True, "profile": "catalog"}


def test_rejects_a_config_the_schema_refuses():
    config = json.loads(RENDERED.config_json)
    config["binds"][0]["port"] = "eighty"
    with pytest.raises(ConfigurationRejected) as error:
        handler(validator_event(GATEWAY_ID, json.dumps(config), version="12"), None)
    message = str(error.value)
    assert message.startswith("gateway config version 12 rejected, 1 problem(s): (1) schema: binds/0/port:")


def test_rejects_a_config_naming_an_env_var_the_task_does_not_provide(monkeypatch):
    monkeypatch.setenv("PROVIDED_ENV", "OTHER_KEY")
    with pytest.raises(ConfigurationRejected, match="references env var\\(s\\) the task does not provide: ANTHROPIC_API_KEY"):
        handler(validator_event(GATEWAY_ID, RENDERED.config_json), None)


def test_lists_every_problem():
    config = json.loads(RENDERED.config_json)
    config["frontendPolicies"]["accessLog"]["add"]["x"] = "jwt.sub + ${SECRET_TOKEN}"
    config["frontendPolicies"]["http"]["http1IdleTimeout"] = "soon"
    with pytest.raises(ConfigurationRejected) as error:
        handler(validator_event(GATEWAY_ID, json.dumps(config)), None)
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
def test_rejects_a_body_that_is_not_a_json_document(content, problem):
    bad = {**validator_event(GATEWAY_ID, ""), "content": content}
    with pytest.raises(ConfigurationRejected, match=problem):
        handler(bad, None)


def test_rejects_a_bad_catalog():
    catalog = json.loads(RENDERED.catalog_json)
    provider = next(iter(catalog["providers"].values()))
    next(iter(provider["models"].values()))["rates"]["input"] = 3  # prices are decimal strings
    with pytest.raises(ConfigurationRejected, match="model catalog version 7 rejected, 1 problem\\(s\\): \\(1\\) schema:"):
        handler(validator_event(CATALOG_ID, json.dumps(catalog)), None)
    with pytest.raises(ConfigurationRejected, match="model catalog is not JSON"):
        handler(validator_event(CATALOG_ID, "providers: {}"), None)


def test_the_gateway_checks_are_not_applied_to_the_catalog_or_the_other_way_round():
    with pytest.raises(ConfigurationRejected, match="schema"):
        handler(validator_event(CATALOG_ID, RENDERED.config_json), None)
    with pytest.raises(ConfigurationRejected, match="schema"):
        handler(validator_event(GATEWAY_ID, RENDERED.catalog_json), None)


def test_rejects_an_unknown_profile_and_a_malformed_event():
    with pytest.raises(ConfigurationRejected, match="unknown configuration profile 'zzz0001'"):
        handler(validator_event("zzz0001", RENDERED.config_json), None)
    with pytest.raises(ConfigurationRejected, match="not an AppConfig validator event"):
        handler({"configurationProfileId": GATEWAY_ID}, None)


def test_a_missing_setting_is_named(monkeypatch):
    monkeypatch.delenv("GATEWAY_PROFILE_ID")
    monkeypatch.delenv("PROVIDED_ENV")
    with pytest.raises(MissingEnvironment, match="not set: GATEWAY_PROFILE_ID, PROVIDED_ENV"):
        handler(validator_event(GATEWAY_ID, RENDERED.config_json), None)
