"""``sso`` settings: what a stack may write, and the one-line error for what it may not."""

from __future__ import annotations

import json

import pytest

from components.settings import SettingsError, parse_settings
from components.settings.sso import MAPPINGS_ENV_BUDGET, mappings_json

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
SAML = {"saml": {"metadataUrl": "https://idp.example.com/metadata"}}
OIDC = {"oidc": {"issuer": "https://login.example.com", "clientId": "app", "clientSecret": "s3cret"}}
SSO = {"enabled": True, "identityProviders": {"corp": SAML}, "groupMappings": [{"group": "eng", "team": "eng"}]}
SECURE = frozenset({"ai-gateway:sso"})


def cfg(sso, environment="dev"):
    return {"aws:region": "us-east-1", "ai-gateway:environment": environment,
            "ai-gateway:edge": json.dumps({"certificateArn": CERT}), "ai-gateway:sso": json.dumps(sso)}


def ok(sso, environment="dev", secret_keys=frozenset()):
    return parse_settings(cfg(sso, environment), secret_keys).settings.sso


def error(sso, environment="dev", secret_keys=SECURE) -> str:
    with pytest.raises(SettingsError) as exc:
        parse_settings(cfg(sso, environment), secret_keys)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_defaults_are_off_and_essentials():
    sso = parse_settings({"aws:region": "us-east-1", "ai-gateway:edge": json.dumps({"certificateArn": CERT})}).settings.sso
    assert (sso.enabled, sso.feature_plan, sso.cli_port) == (False, "ESSENTIALS", 8976)


def test_a_saml_stack_validates_and_the_cli_redirect_is_always_registered():
    sso = ok({**SSO, "callbackUrls": ["https://app.example.com/cb"]}, "prod")
    assert sso.all_callback_urls == ["http://localhost:8976/callback", "https://app.example.com/cb"]
    assert sso.identity_providers["corp"].pool_attribute_mapping() == {
        "custom:groups": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"}


def test_an_oidc_secret_must_be_secret_config():
    assert error({**SSO, "identityProviders": {"okta": OIDC}}, secret_keys=frozenset()) == (
        "ai-gateway:sso.identityProviders.okta.oidc.clientSecret: must be a secure value: `pulumi config set"
        " --secret --path 'sso.identityProviders.okta.oidc.clientSecret' <secret>`")
    assert ok({**SSO, "identityProviders": {"okta": OIDC}}, secret_keys=SECURE).identity_providers["okta"].kind == "OIDC"
    # Only sso may hold a secret among the structured settings.
    with pytest.raises(SettingsError, match="is not a secret setting"):
        parse_settings({**cfg(SSO), "ai-gateway:auth": "{}"}, {"ai-gateway:auth"})


@pytest.mark.parametrize(("change", "expected"), [
    ({"featurePlan": "LITE"}, "ai-gateway:sso.featurePlan: LITE has no access-token customization"),
    ({"featurePlan": "FREE"}, "ai-gateway:sso.featurePlan: input should be 'LITE', 'ESSENTIALS' or 'PLUS'"),
    ({"identityProviders": {}}, "ai-gateway:sso.identityProviders: SSO needs at least one identity provider"),
    ({"identityProviders": {"x": {}}}, "ai-gateway:sso.identityProviders.x.saml: set exactly one of saml and oidc"),
    ({"identityProviders": {"x": {**SAML, **OIDC}}}, "ai-gateway:sso.identityProviders.x.saml: set exactly one"),
    ({"identityProviders": {"x": {"saml": {}}}}, "ai-gateway:sso.identityProviders.x.saml.metadataUrl: set exactly one"),
    ({"identityProviders": {"x": {"saml": {"metadataFile": "<xml/>"}}}}, "metadataFile: is not SAML metadata"),
    ({"identityProviders": {"x": {"saml": {"metadataUrl": "http://idp/m"}}}}, "sso.identityProviders.x.saml.metadataUrl:"),
    ({"identityProviders": {"Google": SAML}}, "ai-gateway:sso.identityProviders.Google: is a name Cognito reserves"),
    ({"identityProviders": {"corp": SAML, "Corp": SAML}}, "differs from 'corp' only in case"),
    ({"identityProviders": {"a": {**SAML, "idpIdentifiers": ["example.com"]},
                            "b": {**SAML, "idpIdentifiers": ["Example.com"]}}}, "already picks 'a'"),
    ({"identityProviders": {"x": {**SAML, "attributeMapping": {"custom:groups": "g"}}}}, "set groupsAttribute instead"),
    ({"identityProviders": {"x": {**SAML, "attributeMapping": {"username": "sub"}}}}, "attributeMapping.username.[key]"),
    ({"identityProviders": {"x": {"oidc": {**OIDC["oidc"], "scopes": ["email"]}}}}, "oidc.scopes: must include openid"),
    ({"groupMappings": []}, "ai-gateway:sso.groupMappings: with no mapping nobody gets a team or admin"),
    ({"groupMappings": [{"group": "a"}, {"group": "a", "admin": True}]}, "maps group 'a' twice"),
    ({"groupMappings": [{"group": "a", "team": "Not A Team"}]}, "ai-gateway:sso.groupMappings.0.team:"),
    ({"groupMappings": [{"group": "a,b", "team": "t"}]}, "ai-gateway:sso.groupMappings.0.group:"),
    ({"groupMappings": [{"group": "a", "tean": "t"}]}, "ai-gateway:sso.groupMappings.0.tean: unknown setting"),
    ({"groupMappings": [{"group": "g" * 200 + str(i), "team": "t"} for i in range(20)]}, "bytes as the trigger's environment"),
    ({"callbackUrls": ["http://app.example.com/cb"]}, "uses http; only https, or http on localhost"),
    ({"callbackUrls": ["https://a/cb#x"]}, "has a fragment"),
    ({"callbackUrls": ["https://a/cb", "https://a/cb"]}, "lists a URL twice"),
    ({"cliPort": 80}, "ai-gateway:sso.cliPort:"),
    ({"enabled": False}, "ai-gateway:sso.enabled: is false but SSO settings are given"),
])
def test_bad_sso_settings_name_the_key(change, expected):
    assert expected in error({**SSO, **change})


def test_prod_refuses_http_loopback_urls_that_dev_accepts():
    local = {**SSO, "callbackUrls": ["http://localhost:3000/cb"], "logoutUrls": ["http://127.0.0.1:3000/"]}
    assert ok(local).callback_urls == ["http://localhost:3000/cb"]
    assert error(local, "prod").startswith("ai-gateway:sso.callbackUrls: prod accepts only https URLs here")
    assert error({**SSO, "logoutUrls": ["http://127.0.0.1:3000/"]}, "staging").startswith(
        "ai-gateway:sso.logoutUrls: staging accepts only https")


def test_sso_needs_jwt_validation():
    values = {**cfg(SSO), "ai-gateway:edge": json.dumps({"allowPlainHttp": True}),
              "ai-gateway:auth": json.dumps({"jwtValidation": False})}
    with pytest.raises(SettingsError, match="^ai-gateway:sso.enabled: needs auth.jwtValidation"):
        parse_settings(values)


def test_the_mapping_budget_matches_what_the_trigger_receives():
    sso = ok({**SSO, "groupMappings": [{"group": f"group-{i:02}", "team": "t", "admin": i % 2 == 0} for i in range(50)]})
    assert len(mappings_json(list(sso.group_mappings))) <= MAPPINGS_ENV_BUDGET
