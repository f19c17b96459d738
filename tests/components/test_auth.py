"""Auth component: user pool, domain, resource server, M2M clients, issuer and outputs."""

from __future__ import annotations

import json
import re
import runpy

import pytest
from hypothesis import given, strategies as st

from components.auth import cognito_domain_prefix, reserved_domain_word
from tests.support import ENTRY, PLAIN_HTTP_BEDROCK_ONLY, baseline, gateway_config, run_stack, stack_values
from tools.fakes import ACCOUNT_ID
from tools.harness import SECRET_PLACEHOLDER, UNKNOWN, run_program

POOL = "aws:cognito/userPool:UserPool"
CLIENT = "aws:cognito/userPoolClient:UserPoolClient"
DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain"
SERVER = "aws:cognito/resourceServer:ResourceServer"
LISTENER = "aws:lb/listener:Listener"
INVOKE = "https://gateway.internal/invoke"
ADMIN = "https://gateway.internal/admin"


def clients(inv):
    return {c.inputs["name"]: c for c in inv.of_type(CLIENT)}


def m2m_clients(inv):
    """The machine clients (the dev stack's SSO people's client is tested in test_sso.py)."""
    return {name: c for name, c in clients(inv).items() if not name.endswith("-people")}


@pytest.mark.parametrize("stack, protection, protected", [("dev", "INACTIVE", False), ("prod", "ACTIVE", True)])
def test_user_pool_is_admin_only_and_protected_in_prod(stack, protection, protected):
    pool = baseline(stack).one(POOL)
    assert pool.inputs["name"] == f"ai-gateway-{stack}-users"
    assert pool.inputs["deletionProtection"] == protection
    assert pool.inputs["adminCreateUserConfig"] == {"allowAdminCreateUserOnly": True}
    assert pool.protect is protected


def test_domain_defaults_to_project_stack_account_and_can_be_set():
    inv = baseline("dev")
    domain = inv.one(DOMAIN)
    assert domain.inputs["domain"] == f"ai-gateway-dev-{ACCOUNT_ID}"
    assert domain.inputs["userPoolId"] == inv.outputs["userPoolId"]
    custom = run_stack("dev", {"auth": {"domainPrefix": "acme-llm", "teamClients": {}}})
    assert custom.one(DOMAIN).inputs["domain"] == "acme-llm"
    assert custom.outputs["tokenEndpoint"] == "https://acme-llm.auth.us-east-1.amazoncognito.com/oauth2/token"


def test_resource_server_has_invoke_and_admin_scopes():
    server = baseline("prod").one(SERVER)
    assert server.inputs["identifier"] == "https://gateway.internal"
    assert sorted(s["scopeName"] for s in server.inputs["scopes"]) == ["admin", "invoke"]
    custom = run_stack("prod", {"auth": {"resourceServerIdentifier": "https://llm.example.com"}})
    assert custom.one(SERVER).inputs["identifier"] == "https://llm.example.com"
    assert custom.outputs["invokeScope"] == "https://llm.example.com/invoke"
    assert clients(custom)["ai-gateway-prod-m2m"].inputs["allowedOauthScopes"] == ["https://llm.example.com/invoke"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_default_client_is_client_credentials_only_with_invoke_scope(stack):
    inv = baseline(stack)
    client = clients(inv)[f"ai-gateway-{stack}-m2m"]
    assert client.inputs == {
        "name": f"ai-gateway-{stack}-m2m",
        "userPoolId": inv.outputs["userPoolId"],
        "generateSecret": True,
        "allowedOauthFlows": ["client_credentials"],
        "allowedOauthFlowsUserPoolClient": True,
        "allowedOauthScopes": [INVOKE],
        "explicitAuthFlows": ["ALLOW_REFRESH_TOKEN_AUTH"],
        "preventUserExistenceErrors": "ENABLED",
        "enableTokenRevocation": True,
        "accessTokenValidity": 60,
        "tokenValidityUnits": {"accessToken": "minutes"},
    }
    # The scope comes from the resource server, so the client is created after it.
    assert client.property_dependencies["allowedOauthScopes"] == [inv.one(SERVER).urn]


def test_team_clients_get_their_own_scopes_and_token_lifetime():
    inv = baseline("dev")  # platform: invoke+admin, data-science: invoke
    by_name = m2m_clients(inv)
    assert set(by_name) == {"ai-gateway-dev-m2m", "ai-gateway-dev-team-platform", "ai-gateway-dev-team-data-science"}
    assert by_name["ai-gateway-dev-team-platform"].inputs["allowedOauthScopes"] == [INVOKE, ADMIN]
    assert by_name["ai-gateway-dev-team-data-science"].inputs["allowedOauthScopes"] == [INVOKE]
    for c in by_name.values():
        assert c.inputs["allowedOauthFlows"] == ["client_credentials"] and c.inputs["generateSecret"] is True
    longer = run_stack("dev", {"auth": {"accessTokenMinutes": 15, "teamClients": {"ml": {"scopes": ["invoke"]}}}})
    by_name = m2m_clients(longer)
    assert set(by_name) == {"ai-gateway-dev-m2m", "ai-gateway-dev-team-ml"}
    assert {c.inputs["accessTokenValidity"] for c in by_name.values()} == {15}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_issuer_is_this_stacks_pool_everywhere_it_is_used(stack):
    inv = baseline(stack)
    pool_id = inv.outputs["userPoolId"]
    assert re.fullmatch(r"us-east-1_[a-z0-9]{9}", pool_id)
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert inv.outputs["issuer"] == issuer
    # The ALB validates tokens of this pool, requiring the invoke scope.
    https = next(lst for lst in inv.of_type(LISTENER) if lst.inputs.get("port") == 443)
    jwt = https.inputs["defaultActions"][0]["jwtValidation"]
    assert jwt["issuer"] == issuer and jwt["jwksEndpoint"] == f"{issuer}/.well-known/jwks.json"
    assert INVOKE in str(jwt["additionalClaims"])


def test_outputs_with_client_secrets_redacted():
    inv = baseline("dev")
    out = inv.outputs
    assert out["defaultClientSecret"] == SECRET_PLACEHOLDER
    assert out["teamClientSecrets"] == SECRET_PLACEHOLDER
    assert set(out["teamClientIds"]) == {"platform", "data-science"}
    assert out["defaultClientId"] not in out["teamClientIds"].values()
    assert out["invokeScope"] == INVOKE
    assert out["tokenEndpoint"] == f"https://ai-gateway-dev-{ACCOUNT_ID}.auth.us-east-1.amazoncognito.com/oauth2/token"
    assert "fake-client-secret" not in str(inv.to_json())


def test_without_jwt_validation_nothing_validates_tokens():
    inv = run_stack("dev", PLAIN_HTTP_BEDROCK_ONLY)
    assert all(a["type"] != "jwt-validation" for lst in inv.of_type(LISTENER) for a in lst.inputs["defaultActions"])
    published = json.dumps(gateway_config(inv))
    assert "jwtAuth" not in published and "authorization" not in published
    assert "jwtAuth" in json.dumps(gateway_config(baseline("dev")))  # the check above can fail
    assert inv.one(POOL)  # the pool and clients still exist (the control plane and clients use them)


def test_preview_leaves_pool_derived_values_unknown():
    inv = baseline("dev", preview=True)
    assert inv.outputs["issuer"] == UNKNOWN
    assert inv.outputs["defaultClientSecret"] in (SECRET_PLACEHOLDER, UNKNOWN)


# --- pure helpers -----------------------------------------------------------------------------------


@given(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,90}[a-z0-9])?", fullmatch=True), st.from_regex(r"[0-9]{12}", fullmatch=True))
def test_default_domain_prefix_fits_cognito_and_keeps_the_account(prefix, account):
    domain = cognito_domain_prefix(prefix, account)
    assert len(domain) <= 63 and domain == domain.lower()
    assert domain.endswith(f"-{account}")
    assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", domain)
    assert cognito_domain_prefix(prefix, account) == domain  # stable


def test_reserved_words_are_detected():
    assert reserved_domain_word("my-aws-gateway-dev") == "aws"
    assert reserved_domain_word("ai-gateway-prod") is None


def test_a_project_name_cognito_refuses_asks_for_a_domain_prefix():
    values, secret_keys = stack_values("dev")
    run = lambda cfg: run_program(lambda: runpy.run_path(ENTRY, run_name="__main__"),  # noqa: E731
                                  project="aws-llm", stack="dev", config=cfg, secret_keys=secret_keys)
    with pytest.raises(Exception, match="auth.domainPrefix.*'aws'"):
        run(values)
    values["ai-gateway:auth"] = '{"domainPrefix": "llm-gw-dev"}'
    assert run(values).one(DOMAIN).inputs["domain"] == "llm-gw-dev"


def test_team_client_descriptions_and_scopes_reach_the_outputs():
    from tests.support import baseline

    teams = baseline("dev").outputs["teamClients"]
    assert teams["platform"]["scopes"] == ["invoke", "admin"]
    assert teams["platform"]["description"] == "Platform team smoke tests"
    assert teams["data-science"] == {"clientId": baseline("dev").outputs["teamClientIds"]["data-science"],
                                     "scopes": ["invoke"], "description": "Notebooks"}
