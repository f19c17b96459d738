"""The SSO pre-token trigger: a person's IdP groups to the admin scope and the ``team`` claim.

Events follow the V2 shape of the Cognito developer guide (``user-pool-lambda-pre-token-generation``:
``version: "2"``, ``triggerSource``, ``callerContext``, ``request.userAttributes``,
``request.groupConfiguration``, ``request.scopes``, ``response.claimsAndScopeOverrideDetails: null``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from components.settings.sso import GroupMapping, mappings_json
from functions.pre_token import handler as trigger
from functions.pre_token.mapping import (
    SELF_SERVICE_SCOPE,
    MalformedGroups,
    Rule,
    decide,
    parse_groups,
)
from gateway_config.teams import TEAM_CLAIM

INVOKE = "https://gateway.internal/invoke"
ADMIN = "https://gateway.internal/admin"
RULES = [
    {"group": "contractors"},  # refuses: first, and grants nothing
    {"group": "gateway-admins", "team": "platform", "admin": True},
    {"group": "auditors", "admin": True},
    {"group": "data-science", "team": "data-science"},
    {"group": "ml", "team": "ml"},
]
ENV = {"GROUP_MAPPINGS": mappings_json([GroupMapping.model_validate(r) for r in RULES]),
       "INVOKE_SCOPE": INVOKE, "ADMIN_SCOPE": ADMIN}

EVENT: dict[str, Any] = {
    "version": "2",
    "triggerSource": "TokenGeneration_HostedAuth",
    "region": "us-east-1",
    "userPoolId": "us-east-1_EXAMPLE",
    "userName": "corp_jane@example.com",
    "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "1example23456789"},
    "request": {
        "userAttributes": {
            "sub": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
            "cognito:user_status": "EXTERNAL_PROVIDER",
            "email": "jane@example.com",
            "identities": json.dumps([{"userId": "jane@example.com", "providerName": "corp", "providerType": "SAML",
                                       "issuer": "https://idp.example.com", "primary": "true",
                                       "dateCreated": "1733000000000"}]),
            "custom:groups": "[data-science, everyone]",
        },
        "groupConfiguration": {"groupsToOverride": ["us-east-1_EXAMPLE_corp"], "iamRolesToOverride": [],
                               "preferredRole": None},
        "scopes": ["openid", "email"],
    },
    "response": {"claimsAndScopeOverrideDetails": None},
}


def _run(groups: Any = "[data-science, everyone]", **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(EVENT)
    if groups is None:
        event["request"]["userAttributes"].pop("custom:groups")
    else:
        event["request"]["userAttributes"]["custom:groups"] = groups
    event.update(changes)
    result = trigger.handler(event, None, environ=ENV)
    assert {k: v for k, v in result.items() if k != "response"} == {k: v for k, v in event.items() if k != "response"}
    return result["response"]["claimsAndScopeOverrideDetails"]


def test_a_mapped_person_gets_the_team_claim_and_the_invoke_scope_but_not_admin():
    details = _run()
    access = details["accessTokenGeneration"]
    assert access["claimsToAddOrOverride"] == {TEAM_CLAIM: "data-science"}
    assert access["scopesToAdd"] == [INVOKE]
    assert set(access["scopesToSuppress"]) == {ADMIN, SELF_SERVICE_SCOPE}
    assert details["idTokenGeneration"] == {"claimsToSuppress": ["custom:groups"]}


def test_an_admin_group_adds_the_admin_scope_and_its_team():
    access = _run('["gateway-admins","data-science"]')["accessTokenGeneration"]
    assert access["claimsToAddOrOverride"] == {TEAM_CLAIM: "platform"}
    assert access["scopesToAdd"] == [INVOKE, ADMIN]
    assert access["scopesToSuppress"] == [SELF_SERVICE_SCOPE]


def test_admin_without_a_team_cannot_call_the_gateway():
    access = _run("auditors")["accessTokenGeneration"]
    assert access["scopesToAdd"] == [ADMIN]
    assert INVOKE in access["scopesToSuppress"]
    assert access["claimsToSuppress"] == [TEAM_CLAIM] and "claimsToAddOrOverride" not in access


def test_first_match_wins_in_rule_order_not_in_the_order_of_the_groups():
    # ml is listed first by the IdP, but data-science comes first in the rules.
    assert _run("ml,data-science")["accessTokenGeneration"]["claimsToAddOrOverride"] == {TEAM_CLAIM: "data-science"}
    # A rule that grants nothing decides too: contractors get nothing, whatever else they are in.
    access = _run("[gateway-admins, contractors]")["accessTokenGeneration"]
    assert access["scopesToAdd"] == [] and set(access["scopesToSuppress"]) == {INVOKE, ADMIN, SELF_SERVICE_SCOPE}


@pytest.mark.parametrize("groups", [None, "", "[]", "everyone", "Data-Science"])
def test_an_unmapped_person_gets_no_team_and_no_admin(groups):
    access = _run(groups)["accessTokenGeneration"]
    assert access["scopesToAdd"] == []
    assert set(access["scopesToSuppress"]) == {INVOKE, ADMIN, SELF_SERVICE_SCOPE}
    assert access["claimsToSuppress"] == [TEAM_CLAIM]


@pytest.mark.parametrize("groups", ["[gateway-admins", '["gateway-admins", 3]', '["gateway-admins"', "a]b,gateway-admins",
                                    "gateway-admins\x00", "x" * 2049, '{"gateway-admins": 1}'])
def test_a_malformed_groups_attribute_fails_closed(groups):
    access = _run(groups)["accessTokenGeneration"]
    assert access["scopesToAdd"] == [] and ADMIN in access["scopesToSuppress"]


def test_refresh_and_other_sign_in_sources_are_mapped_the_same_way():
    for source in ("TokenGeneration_RefreshTokens", "TokenGeneration_Authentication"):
        assert _run(triggerSource=source)["accessTokenGeneration"]["claimsToAddOrOverride"] == {TEAM_CLAIM: "data-science"}


def test_a_version_one_event_is_refused():
    with pytest.raises(ValueError, match="V2_0"):
        _run(version="1")


def test_the_trigger_needs_its_environment():
    from functions.shared.env import MissingEnvironment

    with pytest.raises(MissingEnvironment, match="GROUP_MAPPINGS"):
        trigger.handler(copy.deepcopy(EVENT), None, environ={"INVOKE_SCOPE": INVOKE, "ADMIN_SCOPE": ADMIN})


def test_the_settings_and_the_trigger_agree_on_the_rules_format():
    rules = [GroupMapping.model_validate(r) for r in RULES]
    parsed = [Rule.model_validate(r) for r in json.loads(mappings_json(rules))]
    assert [(r.group, r.team, r.admin) for r in parsed] == [(r.group, r.team, r.admin) for r in rules]


def test_the_spellings_of_a_group_list():
    assert parse_groups('["a b", "c"]') == ("a b", "c")
    assert parse_groups("[a b, c]") == ("a b", "c")
    assert parse_groups(" a b ,c,, ") == ("a b", "c")
    with pytest.raises(MalformedGroups):
        parse_groups(["a"])


_group = st.text(st.characters(blacklist_characters=',[]"', blacklist_categories=("Cc", "Cs")), min_size=1,
                 max_size=12).map(str.strip).filter(bool)


@hsettings(max_examples=40, deadline=None)
@given(rules=st.lists(st.tuples(_group, st.sampled_from([None, "t1", "t2"]), st.booleans()), max_size=6,
                      unique_by=lambda r: r[0]),
       groups=st.lists(_group, max_size=6))
def test_the_decision_is_the_first_rule_whose_group_is_held(rules, groups):
    as_rules = [Rule(group=g, team=t, admin=a) for g, t, a in rules]
    decision = decide(as_rules, parse_groups(json.dumps(groups)))
    assert decide(as_rules, parse_groups("[" + ", ".join(groups) + "]")) == decision
    matches = [i for i, (g, _, _) in enumerate(rules) if g in groups]
    if not matches:
        assert (decision.team, decision.admin, decision.rule) == (None, False, None)
    else:
        first = rules[matches[0]]
        assert (decision.team, decision.admin, decision.rule) == (first[1], first[2], matches[0])
