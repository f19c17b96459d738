"""Budgets, prices and routing through the handler."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from functions.shared import store


@pytest.fixture
def team(world):
    assert world.call("POST", "/teams", {"name": "payments"}).status == 201
    return "payments"


# --- budgets ------------------------------------------------------------------------------------


def test_budget_put_get_replace_and_delete(world, team):
    assert world.call("GET", "/teams/payments/budget").status == 404
    created = world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "250.50", "monthlyTokens": 1000000,
                                                           "thresholds": [80, 50, 80], "action": "block"})
    assert created.status == 201 and created.headers["etag"] == '"1"'
    assert created.body == {"team": "payments", "monthlyUsd": "250.5", "monthlyTokens": 1000000, "thresholds": [50, 80],
                            "action": "block", "etag": '"1"'}
    assert world.call("GET", "/teams/payments/budget").body == created.body
    assert world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "300"}).status == 428
    assert world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "300"}, headers={"If-Match": '"7"'}).status == 412
    replaced = world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "300"}, headers={"If-Match": '"1"'})
    assert replaced.status == 200 and replaced.body["action"] == "alert" and "monthlyTokens" not in replaced.body
    line = world.audits()[-1]
    assert line["action"] == "budget.put" and line["before"]["monthlyUsd"] == "250.5" and line["after"]["monthlyUsd"] == "300"
    assert [p["reason"] for p in world.publishes()] == ["team payments created"], "a budget is not gateway config"
    assert world.call("DELETE", "/teams/payments/budget").status == 204
    assert world.call("DELETE", "/teams/payments/budget").status == 404


@pytest.mark.parametrize("body", [{"monthlyUsd": "1.1234567"}, {"monthlyUsd": 5}, {"monthlyUsd": "-1"},
                                  {"monthlyUsd": "5", "action": "throttle"}, {"monthlyUsd": "5", "thresholds": [0]},
                                  {"monthlyUsd": "5", "thresholds": [101]}])
def test_budget_rejects_bad_amounts_actions_and_thresholds(world, team, body):
    assert world.call("PUT", "/teams/payments/budget", body).status == 400


def test_budget_of_an_unknown_team_is_404(world):
    assert world.call("PUT", "/teams/ghost/budget", {"monthlyUsd": "5"}).status == 404


# --- prices -------------------------------------------------------------------------------------


def test_prices_list_merges_the_shipped_table_and_overrides(world):
    listed = world.call("GET", "/prices").body["items"]
    haiku = next(p for p in listed if p["model"] == "claude-3-5-haiku-20241022")
    assert haiku["source"] == "stack" and haiku["rates"]["input"] == "0.8" and "etag" not in haiku
    put = world.call("PUT", "/prices/anthropic/claude-3-5-haiku-20241022", {"rates": {"input": "0.75"}})
    assert put.status == 201 and put.body["source"] == "stack+override"
    assert put.body["rates"]["input"] == "0.75" and put.body["rates"]["output"] == "4"
    new = world.call("PUT", f"/prices/aws.bedrock/{quote('us.example.model-v1:0', safe='')}",
                     {"rates": {"input": "1", "output": "2.000001"}})
    assert new.status == 201 and new.body["source"] == "override" and new.body["model"] == "us.example.model-v1:0"
    listed = {(p["provider"], p["model"]): p for p in world.call("GET", "/prices").body["items"]}
    assert listed[("aws.bedrock", "us.example.model-v1:0")]["rates"] == {"input": "1", "output": "2.000001"}
    assert [p["reason"] for p in world.publishes()][-1] == "price of aws.bedrock/us.example.model-v1:0 set"


def test_price_get_replace_delete_and_errors(world):
    path = "/prices/anthropic/claude-3-5-haiku-20241022"
    assert world.call("GET", path).status == 200
    assert world.call("GET", "/prices/anthropic/never-heard-of-it").status == 404
    world.call("PUT", path, {"rates": {"output": "3"}})
    assert world.call("GET", path).headers["etag"] == '"1"'
    assert world.call("PUT", path, {"rates": {"output": "3.5"}}).status == 428
    assert world.call("PUT", path, {"rates": {"output": "3.5"}}, headers={"If-Match": '"2"'}).status == 412
    assert world.call("PUT", path, {"rates": {"output": "3.5"}}, headers={"If-Match": '"1"'}).status == 200
    assert world.call("DELETE", path).status == 204
    assert world.call("GET", path).body["source"] == "stack"
    assert world.call("DELETE", path).status == 404
    assert world.audits()[-1]["action"] == "price.delete"


@pytest.mark.parametrize("provider, body", [("mistral", {"rates": {"input": "1"}}), ("openai", {"rates": {"input": "1.0000001"}}),
                                            ("openai", {"rates": {"bogus": "1"}}), ("openai", {"rates": {}}),
                                            ("openai", {"rates": {"input": 1}})])
def test_price_put_refuses_unknown_providers_fields_and_bad_decimals(world, provider, body):
    answer = world.call("PUT", f"/prices/{provider}/gpt-x", body)
    assert answer.status == 400
    assert world.deps.control.get(store.price_key(provider, "gpt-x")) is None


# --- routing ------------------------------------------------------------------------------------


def test_routing_get_put_and_the_412_on_a_lost_update(world):
    current = world.call("GET", "/routing")
    assert current.body == {"enabledProviders": ["bedrock", "anthropic"],
                            "stackFallbackGroups": [["bedrock"], ["anthropic"]]}
    put = world.call("PUT", "/routing", {"fallbackGroups": [["anthropic"], ["bedrock"]],
                                         "modelAliases": {"fast": "claude-3-5-haiku-20241022"}})
    assert put.status == 200 and put.headers["etag"] == '"1"'
    assert world.call("GET", "/routing").body["fallbackGroups"] == [["anthropic"], ["bedrock"]]
    assert world.call("PUT", "/routing", {}).status == 428
    assert world.call("PUT", "/routing", {}, headers={"If-Match": '"0"'}).status == 412
    reset = world.call("PUT", "/routing", {}, headers={"If-Match": '"1"'})
    assert reset.status == 200 and "fallbackGroups" not in reset.body
    assert world.publishes()[-1]["reason"] == "routing changed"
    assert world.audits()[-1]["before"]["modelAliases"] == {"fast": "claude-3-5-haiku-20241022"}


@pytest.mark.parametrize("body, status", [({"fallbackGroups": [["openai"]]}, 400), ({"fallbackGroups": [["mistral"]]}, 400),
                                          ({"fallbackGroups": [["bedrock"], ["bedrock"]]}, 400),
                                          ({"teamProviders": {"payments": "bedrock"}}, 501)])
def test_routing_refuses_providers_the_stack_does_not_enable_and_pinned_providers(world, body, status):
    answer = world.call("PUT", "/routing", body)
    assert answer.status == status
    if status == 400 and "openai" in str(body):
        assert answer.body["error"]["details"] == {"enabledProviders": ["bedrock", "anthropic"]}
    assert world.deps.control.get(store.routing_key()) is None
