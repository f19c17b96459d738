"""The gateway accepts people: with SSO the base names the people's client, the team rules take a
person's team from the token's ``team`` claim on that client only, and the access log names the user."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.renderers.agentgateway_config import GatewayRenderContext, gateway_base, settings_overlay
from components.renderers.audit_tables import access_columns
from gateway_config import checks, render
from gateway_config.model import GatewayOverlay
from gateway_config.render import LOG_FIELDS
from tests.renderers.strategies import CERTIFICATE_ARN, load

PEOPLE = "people0client0id0000000000"
SSO = {"enabled": True, "identityProviders": {"corp": {"saml": {"metadataUrl": "https://idp.example.com/metadata"}}},
       "groupMappings": [{"group": "ml", "team": "ml"}]}
KEYS = {"anthropic": "ANTHROPIC_API_KEY"}


def _settings(sso: dict[str, Any] | None = SSO) -> Any:
    values: dict[str, Any] = {"edge": {"certificateArn": CERTIFICATE_ARN},
                              "providers": {"bedrock": {"enabled": True}, "anthropic": {"enabled": True}},
                              "routing": {"fallbackGroups": [["bedrock"], ["anthropic"]]},
                              "auth": {"teamClients": {"ml": {"models": ["claude-sonnet"]}, "ops": {"status": "suspended"}}}}
    if sso is not None:
        values["sso"] = sso
    return load(values).settings


def _ctx(people: tuple[str, ...] = (PEOPLE,)) -> GatewayRenderContext:
    return GatewayRenderContext(region="us-east-1", jwt_issuer="https://cognito-idp.us-east-1.amazonaws.com/pool",
                                provider_key_env=KEYS, default_client_id="default0client",
                                team_client_ids={"ml0client": "ml", "ops0client": "ops"}, user_client_ids=people)


@pytest.fixture(scope="module")
def rendered() -> dict[str, Any]:
    settings = _settings()
    return render(gateway_base(settings, _ctx()), settings_overlay(settings, _ctx())).config


def _policies(config: dict[str, Any]) -> dict[str, Any]:
    return config["binds"][0]["listeners"][0]["routes"][0]["policies"]


def test_the_base_names_the_people_client_only_with_sso():
    assert gateway_base(_settings(), _ctx()).jwt.user_client_ids == [PEOPLE]
    assert gateway_base(_settings(None), _ctx(())).jwt.user_client_ids == []
    with pytest.raises(ValueError, match="user_client_ids"):
        gateway_base(_settings(), _ctx(()))
    with pytest.raises(ValueError, match="user_client_ids"):
        gateway_base(_settings(None), _ctx())


def test_a_person_of_a_team_is_authorized_by_the_claim_on_the_people_client(rendered):
    rules = [r["require"] for r in _policies(rendered)["authorization"]["rules"]]
    assert rules[0].startswith('(" " + jwt.scope + " ").contains(')
    membership = rules[1]
    # Machine clients by id, people by their claim, and the claim only on the people's client.
    assert membership.startswith('(jwt.client_id in ["default0client", "ml0client", "ops0client"] || ')
    assert f'(jwt.client_id in ["{PEOPLE}"] && jwt.team in ["default", "ml", "ops"])' in membership


def test_refusals_reach_people_of_a_suspended_team_and_people_asking_for_another_model(rendered):
    entries = _policies(rendered)["directResponse"]["conditional"]
    suspended = next(e for e in entries if "team_suspended" in e["body"])
    assert suspended["status"] == 403
    assert suspended["condition"] == (f'(jwt.client_id in ["ops0client"] || (jwt.client_id in ["{PEOPLE}"]'
                                      ' && jwt.team in ["ops"]))')
    allow_list = next(e for e in entries if "model_not_allowed" in e["body"])
    assert allow_list["condition"] == (f'(jwt.client_id in ["ml0client"] || (jwt.client_id in ["{PEOPLE}"]'
                                       ' && jwt.team in ["ml"])) && !(coalesce(json(request.body).model, "")'
                                       ' in ["claude-sonnet"])')


def test_an_over_budget_team_of_the_store_refuses_its_people_with_429():
    settings = _settings()
    overlay = GatewayOverlay.model_validate({"teams": [
        {"name": "ml", "clientIds": ["ml0client"], "status": "over-budget"},
        {"name": "store-only", "clientIds": ["store0client"]}]})
    config = render(gateway_base(settings, _ctx()), overlay).config
    first = _policies(config)["directResponse"]["conditional"][0]
    assert first["status"] == 429 and f'jwt.team in ["ml"]' in first["condition"]
    membership = _policies(config)["authorization"]["rules"][1]["require"]
    assert 'jwt.team in ["ml", "store-only"]' in membership


def test_the_access_log_names_the_team_by_claim_and_the_user_by_subject(rendered):
    added = rendered["frontendPolicies"]["accessLog"]["add"]
    assert added[LOG_FIELDS["user"]] == "jwt.sub"
    assert added[LOG_FIELDS["team"]].startswith(f'(jwt.client_id in ["{PEOPLE}"] ? jwt.team : ')
    without = _settings(None)
    plain = render(gateway_base(without, _ctx(())), settings_overlay(without, _ctx(()))).config
    assert LOG_FIELDS["user"] not in plain["frontendPolicies"]["accessLog"]["add"]
    # The audit table has the column on every stack (null where SSO is off).
    assert "user" in [c.name for c in access_columns(include_bodies=False)]


def test_the_rendered_config_with_people_passes_every_check(rendered):
    assert checks.config_problems(json.dumps(rendered), KEYS.values()) == []
