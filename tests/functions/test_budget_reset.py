"""The monthly reset lifts budget blocks and publishes once."""

from __future__ import annotations

import pytest
from moto import mock_aws

from functions.budget_reset import handler as reset_handler

from .usage_world import CONTROL_TABLE, PUBLISHER, World


@pytest.fixture
def world(aws_credentials, monkeypatch):
    monkeypatch.setenv("CONTROL_TABLE", CONTROL_TABLE)
    monkeypatch.setenv("PUBLISHER_FUNCTION", PUBLISHER)
    with mock_aws():
        yield World()


def test_the_reset_lifts_every_over_budget_team_and_publishes_once(world):
    world.put_team("alpha", status="over-budget", version=4)
    world.put_team("beta", status="over-budget")
    world.put_team("gamma", status="suspended")
    world.put_team("delta")
    world.put_budget("alpha", usd="10", action="block")  # budget items are no teams
    world.expect_publish("budget-reset", "budget-reset")
    result = reset_handler.handler({}, None, clients=world.clients)
    assert result == {"lifted": ["alpha", "beta"], "published": True}
    world.stubber.assert_no_pending_responses()
    assert world.team("alpha")["status"] == "active" and world.team("alpha")["version"] == 5
    assert world.team("gamma")["status"] == "suspended" and world.team("delta")["version"] == 1


def test_nothing_over_budget_publishes_nothing(world):
    world.put_team("alpha")
    assert reset_handler.handler({}, None, clients=world.clients) == {"lifted": [], "published": False}
    world.stubber.assert_no_pending_responses()


def test_a_failed_publish_keeps_the_blocks_and_the_retry_lifts_them(world):
    world.put_team("alpha", status="over-budget")
    world.expect_publish_failure()
    with pytest.raises(Exception):
        reset_handler.handler({}, None, clients=world.clients)
    assert world.team("alpha")["status"] == "over-budget"
    world.expect_publish("budget-reset", "budget-reset")
    assert reset_handler.handler({}, None, clients=world.clients)["lifted"] == ["alpha"]
    assert world.team("alpha")["status"] == "active"


def test_block_then_reset_round_trip(world, monkeypatch):
    from functions.usage_aggregator import handler as aggregator

    from .usage_world import NOW, USAGE_TABLE, batch, request
    for name, value in {"USAGE_TABLE": USAGE_TABLE, "METRICS_NAMESPACE": "AIGateway", "BUDGETS_ENABLED": "true",
                        "BUDGET_TOPIC_ARN": world.topic_arn, "DEFAULT_THRESHOLDS": "100"}.items():
        monkeypatch.setenv(name, value)
    world.put_team("alpha")
    world.put_budget("alpha", usd="5", action="block")
    world.expect_publish("budget", "budget-enforcer")
    aggregator.handler(batch([request("alpha", cost="5")]), None, clients=world.clients, now=lambda: NOW)
    assert world.team("alpha")["status"] == "over-budget"
    world.expect_publish("budget-reset", "budget-reset")
    reset_handler.handler({}, None, clients=world.clients)
    assert world.team("alpha")["status"] == "active" and world.team("alpha")["version"] == 3
