"""Usage reports, the config status (AppConfig through Stubber) and the dry run."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from functions.shared import store


def test_usage_by_day_per_team_and_per_model_for_a_period(world):
    world.call("POST", "/teams", {"name": "payments"})
    world.put_usage("payments", "DAY#2026-12-01", requests=3, inputTokens=30, costUsd=Decimal("0.5"))
    world.put_usage("payments", "DAY#2026-12-02", requests=4, outputTokens=8)
    world.put_usage("payments", "DAY#2026-12-02", "claude", requests=4)
    world.put_usage("payments", "DAY#2026-12-03", requests=100)
    world.put_usage("unknown", "DAY#2026-12-01", requests=1)
    daily = world.call("GET", "/usage", query={"team": "payments", "granularity": "day", "start": "2026-12-01",
                                               "end": "2026-12-02"})
    assert daily.status == 200
    assert [(u["period"], u["requests"], u["costUsd"]) for u in daily.body["items"]] == [
        ("DAY#2026-12-01", 3, "0.5"), ("DAY#2026-12-02", 4, "0")]
    per_model = world.call("GET", "/usage", query={"team": "payments", "granularity": "day", "start": "2026-12-02",
                                                   "end": "2026-12-02", "byModel": "true"})
    assert [(u["model"], u["requests"]) for u in per_model.body["items"]] == [("claude", 4)]
    everyone = world.call("GET", "/usage", query={"granularity": "day", "start": "2026-12-01", "end": "2026-12-01"})
    assert [(u["team"], u["requests"]) for u in everyone.body["items"]] == [("payments", 3), ("unknown", 1)]


def test_usage_by_month_defaults_to_this_month(world):
    world.put_usage("alpha", "MONTH#2026-12", requests=5)
    world.put_usage("alpha", "MONTH#2026-11", requests=7)
    answer = world.call("GET", "/usage", query={"team": "alpha"})
    assert answer.body["start"] == answer.body["end"] == "2026-12"
    assert [u["requests"] for u in answer.body["items"]] == [5]
    both = world.call("GET", "/usage", query={"team": "alpha", "start": "2026-11"})
    assert [u["requests"] for u in both.body["items"]] == [7, 5]


@pytest.mark.parametrize("query", [{"granularity": "week"}, {"granularity": "day", "start": "2026-12"},
                                   {"start": "2026-12", "end": "2026-11"}, {"granularity": "day", "start": "2025-01-01",
                                                                            "end": "2026-12-01"},
                                   {"granularity": "day", "start": "2026-02-30"}, {"team": "Bad!"}])
def test_usage_refuses_bad_periods(world, query):
    assert world.call("GET", "/usage", query=query).status == 400


def test_config_status_reports_each_profiles_version_and_deployment(world):
    world.stub_config_status()
    answer = world.call("GET", "/config")
    assert answer.status == 200
    assert answer.body["gateway"] == {"profileId": "gw00001", "latestVersion": 7, "latestSha256": "sha256:" + "ab" * 32,
                                      "deploymentNumber": 12, "deployedVersion": "7", "deploymentState": "COMPLETE"}
    assert answer.body["catalog"]["deploymentNumber"] == 11 and answer.body["catalog"]["deploymentState"] == "BAKING"
    world.appconfig_stub.assert_no_pending_responses()


def test_dry_run_answers_the_diff_and_writes_nothing(world):
    world.call("POST", "/teams", {"name": "payments"})
    before_calls = len(world.invocations)
    run = world.call("POST", "/config/dry-run", {"teams": [{"name": "payments", "status": "suspended"}],
                                                  "prices": [{"provider": "anthropic", "model": "claude-3-5-haiku-20241022",
                                                              "rates": {"input": "0.7"}}]})
    assert run.status == 200 and run.body["changed"] is True
    assert "team_suspended" in run.body["diff"]["gateway"]
    changed = [line for line in run.body["diff"]["catalog"].splitlines()
               if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    assert [line[0] + line[1:].strip() for line in changed] == ['-"input": "0.8",', '+"input": "0.7",']
    assert run.body["sha256"]["gateway"].startswith("sha256:")
    assert world.call("GET", "/teams/payments").body["status"] == "active"
    assert len(world.invocations) == before_calls and world.audits()[-1]["action"] == "team.create"
    unchanged = world.call("POST", "/config/dry-run", {})
    assert unchanged.body == {"changed": False, "sha256": unchanged.body["sha256"], "diff": {"gateway": "", "catalog": ""}}


@pytest.mark.parametrize("change, status", [({"routing": {"fallbackGroups": [["openai"]]}}, 400),
                                            ({"teams": [{"name": "ghost", "status": "suspended"}]}, 404),
                                            ({"deleteTeams": ["ghost"]}, 404),
                                            ({"prices": [{"provider": "nope", "model": "m", "rates": {"input": "1"}}]}, 400),
                                            ({"unknown": 1}, 400)])
def test_dry_run_refuses_what_a_write_would_refuse(world, change, status):
    assert world.call("POST", "/config/dry-run", change).status == status


def test_without_stack_documents_the_routes_that_need_the_base_are_409(aws_credentials):
    from moto import mock_aws

    from .world import World

    with mock_aws():
        world = World(seed_documents=False)
        answer = world.call("POST", "/teams", {"name": "payments"})
        assert answer.status == 409 and answer.body["error"]["code"] == "stack_not_published"
        assert world.call("GET", "/routing").status == 409
        assert world.call("GET", "/prices").status == 200
        assert world.deps.control.get(store.team_key("payments")) is None
        assert json.loads(json.dumps(world.call("GET", "/teams").body)) == {"items": [], "nextCursor": None}
