"""Budgets after each batch: one alert per threshold and month, and the block at 100 %."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from moto import mock_aws

from functions.shared import store
from functions.usage_aggregator import budgets, handler as aggregator
from functions.usage_aggregator.budgets import Budget, Use

from .usage_world import CONTROL_TABLE, NOW, PUBLISHER, USAGE_TABLE, World, batch, request


@pytest.fixture
def world(aws_credentials, monkeypatch):
    with mock_aws():
        w = World()
        for name, value in {"USAGE_TABLE": USAGE_TABLE, "METRICS_NAMESPACE": "AIGateway", "BUDGETS_ENABLED": "true",
                            "CONTROL_TABLE": CONTROL_TABLE, "BUDGET_TOPIC_ARN": w.topic_arn,
                            "PUBLISHER_FUNCTION": PUBLISHER, "DEFAULT_THRESHOLDS": "50,80,100"}.items():
            monkeypatch.setenv(name, value)
        yield w


def run(world: World, event, now=NOW):
    return aggregator.handler(event, None, clients=world.clients, now=lambda: now)


def spend(world: World, team: str, dollars: str, *, start_id: int, requests: int = 1):
    each = Decimal(dollars) / requests
    return run(world, batch([request(team, cost=str(each)) for _ in range(requests)], start_id=start_id))


def thresholds_of(notices) -> list[str]:
    return sorted(n["Subject"].split("%")[0].split()[-1] for n in notices)


# --- pure ---------------------------------------------------------------------------------------


def test_use_is_the_larger_share_of_money_and_tokens():
    budget = Budget(monthly_usd=Decimal(100), monthly_tokens=1000, thresholds=(50,), action="alert")
    use = budgets.month_use(budget, {"costUsd": Decimal("10"), "inputTokens": 500, "outputTokens": 100})
    assert use.percent == Decimal(60) and budgets.crossed(budget, use) == [50]
    money_only = Budget(Decimal(100), None, (50,), "alert")
    use = budgets.month_use(money_only, {"costUsd": Decimal("10"), "inputTokens": 10**9})
    assert use.percent == Decimal(10) and budgets.crossed(money_only, use) == []


def test_a_budget_item_takes_the_default_thresholds_and_ignores_nothing_it_sets():
    b = budgets.parse_budget({"monthlyUsd": Decimal("20"), "action": "block"}, (50, 80, 100))
    assert (b.thresholds, b.action, b.monthly_tokens) == ((50, 80, 100), "block", None)
    own = budgets.parse_budget({"monthlyUsd": 5, "thresholds": [90, 25], "monthlyTokens": 10}, (50,))
    assert own.thresholds == (25, 90) and own.monthly_tokens == 10
    assert budgets.parse_budget({"monthlyUsd": 0}, (50,)) is None


def test_block_only_at_100_percent_with_action_block():
    block = Budget(Decimal(10), None, (100,), "block")
    assert budgets.must_block(block, Use(Decimal(10), 0, Decimal(100)))
    assert not budgets.must_block(block, Use(Decimal("9.99"), 0, Decimal("99.9")))
    assert not budgets.must_block(Budget(Decimal(10), None, (100,), "alert"), Use(Decimal(20), 0, Decimal(200)))


# --- against moto ---------------------------------------------------------------------------------


def test_each_threshold_alerts_once_per_month(world):
    world.put_team("alpha")
    world.put_budget("alpha", usd="10", thresholds=[50, 80, 100])
    spend(world, "alpha", "4", start_id=1)
    assert world.notices() == []
    summary = spend(world, "alpha", "2", start_id=10)  # 60 %
    assert summary["alerts"] == {"alpha": [50]}
    assert thresholds_of(world.notices()) == ["50"]
    spend(world, "alpha", "1", start_id=20)  # 70 %: nothing new
    assert world.notices() == []
    summary = spend(world, "alpha", "5", start_id=30)  # 120 %: 80 and 100 together
    assert summary["alerts"] == {"alpha": [80, 100]} and summary["blocked"] == []  # action alert
    notices = world.notices()
    assert thresholds_of(notices) == ["100", "80"]
    assert notices[0]["MessageAttributes"]["team"]["Value"] == "alpha"
    assert notices[0]["MessageAttributes"]["kind"]["Value"] == "budget-alert"
    spend(world, "alpha", "1", start_id=40)
    assert world.notices() == []
    assert world.team("alpha")["status"] == "active"


def test_a_replayed_batch_does_not_alert_twice(world):
    world.put_team("alpha")
    world.put_budget("alpha", usd="10")
    event = batch([request("alpha", cost="6")], start_id=1)
    run(world, event)
    run(world, event)
    assert thresholds_of(world.notices()) == ["50"]


def test_a_new_month_alerts_again(world):
    world.put_team("alpha")
    world.put_budget("alpha", usd="10")
    spend(world, "alpha", "6", start_id=1)
    world.notices()
    january = NOW.replace(month=12, day=31) + timedelta(days=2)
    summary = run(world, batch([request("alpha", cost="6")], start_id=100, when=january), now=january)
    assert summary["alerts"] == {"alpha": [50]}
    assert "2027-01" in world.notices()[0]["Subject"]


def test_an_alert_that_could_not_be_sent_is_sent_by_the_retry(world, monkeypatch):
    world.put_team("alpha")
    world.put_budget("alpha", usd="10")
    original = world.sns.publish
    monkeypatch.setattr(world.sns, "publish", lambda **kw: (_ for _ in ()).throw(RuntimeError("sns down")))
    event = batch([request("alpha", cost="6")], start_id=1)
    with pytest.raises(RuntimeError):
        run(world, event)
    monkeypatch.setattr(world.sns, "publish", original)
    assert run(world, event)["alerts"] == {"alpha": [50]}  # the counted event is not counted again
    assert thresholds_of(world.notices()) == ["50"]
    assert world.counters("alpha", store.month_period("2026-12"))["requests"] == 1


def test_block_sets_over_budget_and_invokes_the_publisher_asynchronously(world):
    world.put_team("alpha", version=3)
    world.put_budget("alpha", usd="10", thresholds=[80, 100], action="block")
    world.expect_publish("budget", "budget-enforcer")
    summary = spend(world, "alpha", "10", start_id=1)
    assert summary["blocked"] == ["alpha"] and summary["alerts"] == {"alpha": [80, 100]}
    world.stubber.assert_no_pending_responses()
    team = world.team("alpha")
    assert team["status"] == "over-budget" and team["version"] == 4
    hundred = next(n for n in world.notices() if "100%" in n["Subject"])
    assert "refuses its requests" in hundred["Message"]
    # Refused requests keep being logged: no second status change, no second publish.
    again = spend(world, "alpha", "0", start_id=50)
    assert again["blocked"] == [] and world.team("alpha")["version"] == 4


def test_a_failed_publish_request_puts_the_status_back_and_the_retry_blocks(world):
    world.put_team("alpha")
    world.put_budget("alpha", usd="1", action="block")
    world.expect_publish_failure()
    event = batch([request("alpha", cost="2")], start_id=1)
    with pytest.raises(Exception):
        run(world, event)
    assert world.team("alpha")["status"] == "active"
    world.expect_publish("budget", "budget-enforcer")
    assert run(world, event)["blocked"] == ["alpha"]
    world.stubber.assert_no_pending_responses()
    assert world.team("alpha")["status"] == "over-budget"


def test_a_suspended_team_or_a_stack_team_is_not_blocked(world):
    world.put_team("alpha", status="suspended")
    world.put_budget("alpha", usd="1", action="block")
    world.put_budget("platform", usd="1", action="block")  # a stack team: no team item in the store
    summary = run(world, batch([request("alpha", cost="2"), request("platform", cost="2")]))
    assert summary["blocked"] == [] and summary["alerts"] == {"alpha": [50, 80, 100], "platform": [50, 80, 100]}
    assert world.team("alpha")["status"] == "suspended"


def test_monthly_tokens_budget_alerts_on_tokens(world):
    world.put_team("alpha")
    world.put_budget("alpha", usd="1000", thresholds=[50], tokens=1000)
    summary = run(world, batch([request("alpha", input_tokens=400, output_tokens=200, cost="0.01")]))
    assert summary["alerts"] == {"alpha": [50]}


def test_unknown_and_teams_without_budget_are_not_evaluated(world):
    summary = run(world, batch([request(None, cost="100"), request("beta", cost="100")]))
    assert summary["alerts"] == {} and world.notices() == []
    reads = [c for c in world.log.calls if c[1] == "GetItem" and c[2] == CONTROL_TABLE]
    assert len(reads) == 1  # beta's budget only; unknown has none by definition
