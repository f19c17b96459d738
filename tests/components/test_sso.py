"""SSO in the dev inventory (the stack file turns it on with a sample SAML provider): the identity
provider, the people's public client, the pre-token trigger with its pool-scoped permission and
the feature plan; the rendered config accepts people; prod has it off. Baselines only (ADR 0014)."""

from __future__ import annotations

import json

import pytest

from components.sso import client_write_attributes, provider_details, sso_outputs_urls
from components.settings.sso import IdentityProvider
from tests.support import baseline, everything_on, gateway_config
from tools.harness import SECRET_PLACEHOLDER

POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
IDP = "aws:cognito/identityProvider:IdentityProvider"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
BRANDING = "aws:cognito/managedLoginBranding:ManagedLoginBranding"


@pytest.fixture(scope="module")
def dev():
    return baseline("dev")


def _people(inv):
    return next(c for c in inv.of_type(CLIENT) if c.inputs["name"] == "ai-gateway-dev-people")


def test_the_dev_pool_has_the_essentials_plan_and_the_v2_trigger(dev):
    pool = dev.one(POOL)
    trigger = dev.one(FUNCTION, "sso-pre-token-function")
    assert pool.inputs["userPoolTier"] == "ESSENTIALS"
    assert pool.inputs["lambdaConfig"] == {"preTokenGenerationConfig": {
        "lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:ai-gateway-dev-pre-token", "lambdaVersion": "V2_0"}}
    assert pool.property_dependencies["lambdaConfig"] == [trigger.urn]
    assert [s["name"] for s in pool.inputs["schemas"]] == ["groups"]
    assert dev.one(DOMAIN).inputs["managedLoginVersion"] == 2


def test_the_dev_inventory_holds_the_sample_saml_provider(dev):
    idp = dev.one(IDP)
    assert idp.inputs["providerName"] == "corp" and idp.inputs["providerType"] == "SAML"
    assert idp.inputs["providerDetails"]["MetadataURL"].startswith("https://idp.example.com/")
    assert idp.inputs["attributeMapping"]["custom:groups"] == "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
    assert idp.inputs["idpIdentifiers"] == ["example.com"]


def test_the_people_client_is_public_code_flow_only_with_identity_scopes(dev):
    people = _people(dev)
    assert people.inputs["generateSecret"] is False
    assert people.inputs["allowedOauthFlows"] == ["code"] and people.inputs["allowedOauthFlowsUserPoolClient"] is True
    assert people.inputs["allowedOauthScopes"] == ["openid", "email", "profile"]
    assert people.inputs["supportedIdentityProviders"] == ["corp"]
    assert people.inputs["callbackUrls"][0] == "http://localhost:8976/callback"
    assert people.inputs["explicitAuthFlows"] == ["ALLOW_REFRESH_TOKEN_AUTH"]
    assert "custom:groups" in people.inputs["writeAttributes"] and "custom:groups" not in people.inputs["readAttributes"]
    branding = dev.one(BRANDING)
    assert branding.property_dependencies["clientId"] == [people.urn]


def test_only_this_pool_may_invoke_the_trigger(dev):
    permission = dev.one(PERMISSION, "sso-trigger-permission")
    trigger = dev.one(FUNCTION, "sso-pre-token-function")
    assert permission.inputs["principal"] == "cognito-idp.amazonaws.com"
    assert permission.inputs["sourceArn"].startswith("arn:aws:cognito-idp:us-east-1:123456789012:userpool/")
    assert permission.property_dependencies["sourceArn"] == [dev.one(POOL).urn]
    assert permission.property_dependencies["function"] == [trigger.urn]
    env = trigger.inputs["environment"]["variables"]
    assert json.loads(env["GROUP_MAPPINGS"])[0] == {"group": "gateway-admins", "team": "platform", "admin": True}
    assert (env["INVOKE_SCOPE"], env["ADMIN_SCOPE"]) == ("https://gateway.internal/invoke", "https://gateway.internal/admin")
    assert trigger.inputs["timeout"] == 5


def test_the_published_config_accepts_the_people_client_and_logs_the_user(dev):
    people_id = dev.outputs["ssoClientId"]
    config = gateway_config(dev)
    membership = config["binds"][0]["listeners"][0]["routes"][0]["policies"]["authorization"]["rules"][1]["require"]
    assert f'(jwt.client_id in ["{people_id}"] && jwt.team in [' in membership
    assert config["frontendPolicies"]["accessLog"]["add"]["user"] == "jwt.sub"
    assert dev.outputs["ssoSamlEntityId"] == f"urn:amazon:cognito:sp:{dev.outputs['userPoolId']}"


def test_prod_has_sso_off():
    prod = baseline("prod")
    assert not prod.of_type(IDP) and not prod.of_type(BRANDING)
    assert "lambdaConfig" not in prod.one(POOL).inputs and "ssoClientId" not in prod.outputs
    assert [s["name"] for s in prod.one(POOL).inputs["schemas"]] == ["groups"]  # declared either way
    assert "user" not in gateway_config(prod)["frontendPolicies"]["accessLog"]["add"]


def test_an_oidc_secret_is_a_pulumi_secret_and_the_endpoints_are_cognitos():
    provider = IdentityProvider.model_validate({"oidc": {"issuer": "https://login.example.com", "clientId": "app",
                                                         "clientSecret": "s3cret"}, "groupsAttribute": "roles"})
    sentinel = object()
    details = provider_details(provider, sentinel)  # type: ignore[arg-type]
    assert details["client_secret"] is sentinel and details["authorize_scopes"] == "openid email profile"
    assert provider.pool_attribute_mapping() == {"custom:groups": "roles", "email": "email", "username": "sub"}
    urls = sso_outputs_urls("d", "eu-west-1")
    assert urls["idpResponse"] == "https://d.auth.eu-west-1.amazoncognito.com/oauth2/idpresponse"
    assert urls["saml2Response"] == "https://d.auth.eu-west-1.amazoncognito.com/saml2/idpresponse"


def test_an_oidc_client_secret_never_reaches_the_inventory():
    inv = everything_on("prod")  # shared with the deploy-permission and price tests
    oidc = next(p for p in inv.of_type(IDP) if p.inputs["providerType"] == "OIDC")
    assert oidc.inputs["providerDetails"] == SECRET_PLACEHOLDER or \
        oidc.inputs["providerDetails"]["client_secret"] == SECRET_PLACEHOLDER
    assert "synth-only-value" not in json.dumps(inv.to_json())


def test_write_attributes_cover_every_mapped_attribute():
    class Ctx:
        class settings:  # noqa: N801
            class sso:  # noqa: N801
                identity_providers = {"a": IdentityProvider.model_validate(
                    {"saml": {"metadataUrl": "https://x"}, "attributeMapping": {"given_name": "gn"}})}

    assert client_write_attributes(Ctx) == ["custom:groups", "given_name"]  # type: ignore[arg-type]
