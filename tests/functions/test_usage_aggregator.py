"""The usage aggregator over access-log lines built from the renderer's own field names."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from moto import mock_aws

from functions.shared import store
from functions.usage_aggregator import envelope, handler as aggregator, ledger, lines
from functions.usage_aggregator.counting import MAX_TRANSACTION_ACTIONS, chunks, counter_keys
from functions.usage_aggregator.metrics import TEAM_COST, TEAM_REQUESTS, TEAM_TOKENS, team_totals
from gateway_config.model import GatewayBase, GatewayOverlay
from gateway_config.render import LOG_FIELDS, access_log_fields

from .conftest import BASE
from .usage_world import NOW, USAGE_TABLE, World, access_line, batch, request

DAY, MONTH = store.day_period("2026-12-02"), store.month_period("2026-12")


def _env(monkeypatch, *, budgets: bool = False) -> None:
    monkeypatch.setenv("USAGE_TABLE", USAGE_TABLE)
    monkeypatch.setenv("METRICS_NAMESPACE", "AIGateway")
    monkeypatch.setenv("BUDGETS_ENABLED", "true" if budgets else "false")


@pytest.fixture
def world(aws_credentials, monkeypatch):
    _env(monkeypatch)
    with mock_aws():
        yield World()


def run(world: World, event):
    return aggregator.handler(event, None, clients=world.clients, now=lambda: NOW)


# --- the field names ----------------------------------------------------------------------------


def test_every_field_the_aggregator_reads_is_one_the_rendered_config_adds_to_the_access_log():
    overlay = GatewayOverlay.model_validate({"teams": [{"name": "alpha", "clientIds": ["client-alpha"]}]})
    added = set(access_log_fields(GatewayBase.model_validate(BASE), overlay))
    read = {LOG_FIELDS[f] for f in (*lines.TOKEN_FIELDS.values(), "cost_usd", "team", "model", "response_model")}
    assert read <= added, read - added
    assert LOG_FIELDS["scope"] == "scope"  # written by agentgateway itself on every access log


# --- parsing --------------------------------------------------------------------------------------


def test_a_line_becomes_its_teams_usage_with_numbers_as_numbers_or_strings():
    event = envelope.LogEvent("e1", int(NOW.timestamp() * 1000),
                              request("alpha", input_tokens="120", output_tokens=30.0, cost="0.0042",
                                      cached_input_tokens=7, cache_write_tokens=None))
    usage = lines.parse(event)
    assert usage.team == "alpha" and usage.model == "claude-sonnet-4" and usage.day == "2026-12-02"
    assert dict(usage.counters) == {"requests": 1, "inputTokens": 120, "outputTokens": 30, "cacheReadTokens": 7,
                                    "cacheWriteTokens": 0, "costUsd": Decimal("0.0042")}


def test_absent_fields_count_zero_and_a_missing_model_falls_back_to_the_response_model():
    line = access_line(team="alpha", response_model="claude-haiku")
    usage = lines.parse(envelope.LogEvent("e1", 0, line))
    assert usage.model == "claude-haiku"
    assert usage.counters["inputTokens"] == 0 and usage.counters["costUsd"] == 0


def test_a_line_without_team_counts_under_unknown():
    usage = lines.parse(envelope.LogEvent("e1", 0, request(None, client="client-nobody")))
    assert usage.team == store.UNKNOWN_TEAM and usage.unknown


@pytest.mark.parametrize("message", [
    "not json", "[1, 2]",
    request("alpha", input_tokens=-1), request("alpha", input_tokens=True), request("alpha", input_tokens=1.5),
    request("alpha", cost="lots"), request("alpha", cost=float("inf")), request("alpha", cost=[1]),
    access_line(team=7), access_line(team="a#b"),
])
def test_malformed_access_lines_are_refused(message):
    with pytest.raises(lines.MalformedLine):
        lines.parse(envelope.LogEvent("e1", 0, message))


def test_lines_that_are_not_access_logs_are_ignored():
    line = json.dumps({LOG_FIELDS["scope"]: "agentgateway::state_manager", LOG_FIELDS["message"]: "reloaded"})
    assert lines.parse(envelope.LogEvent("e1", 0, line)) is None


def test_an_event_that_is_no_subscription_event_is_refused():
    for bad in ({}, {"awslogs": {"data": "%%%"}}, {"awslogs": {"data": "aGVsbG8="}}):
        with pytest.raises(envelope.BadEnvelope):
            envelope.decode(bad)


# --- transactions ---------------------------------------------------------------------------------


def test_chunks_never_exceed_the_transaction_limit_and_keep_every_request():
    usages = [lines.parse(envelope.LogEvent(f"e{i}", 0, request(f"team{i % 7}", model=f"m{i % 5}")))
              for i in range(300)]
    groups = chunks(usages)
    assert sum(len(g) for g in groups) == 300
    for group in groups:
        distinct = {k for u in group for k in counter_keys(u)}
        assert len(group) + len(distinct) <= MAX_TRANSACTION_ACTIONS


# --- the handler against moto ---------------------------------------------------------------------


def test_a_batch_adds_day_and_month_counters_per_team_and_per_model(world):
    summary = run(world, batch([request("alpha", cost=0.01), request("alpha", cost="0.02", model="gpt-x"),
                                request("beta", input_tokens=5, output_tokens=5, cost=0)]))
    assert summary["counted"] == 3 and summary["duplicates"] == 0
    for period in (DAY, MONTH):
        alpha = world.counters("alpha", period)
        assert (alpha["requests"], alpha["inputTokens"], alpha["outputTokens"]) == (2, 200, 100)
        assert alpha["costUsd"] == Decimal("0.03")
        assert world.counters("alpha", period, "gpt-x")["costUsd"] == Decimal("0.02")
        assert world.counters("alpha", period, "claude-sonnet-4")["requests"] == 1
        assert world.counters("beta", period)["inputTokens"] == 5


def test_a_replayed_batch_does_not_count_twice(world):
    event = batch([request("alpha"), request("alpha"), request("beta")])
    run(world, event)
    again = run(world, event)
    assert again["counted"] == 0 and again["duplicates"] == 3
    assert world.counters("alpha", MONTH)["requests"] == 2
    assert world.counters("beta", DAY)["requests"] == 1


def test_a_batch_overlapping_a_counted_one_counts_only_its_new_events(world):
    run(world, batch([request("alpha"), request("alpha")], start_id=1))
    summary = run(world, batch([request("alpha"), request("alpha"), request("alpha")], start_id=2))
    assert (summary["counted"], summary["duplicates"]) == (2, 1)
    assert world.counters("alpha", MONTH)["requests"] == 4


def test_a_batch_that_failed_halfway_is_completed_by_its_retry(world, monkeypatch):
    # 120 requests of distinct models need several transactions; the second one fails.
    messages = [request("alpha", model=f"model-{i}") for i in range(120)]
    original = world.ddb.transact_write_items
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("connection reset")
        return original(**kwargs)

    monkeypatch.setattr(world.ddb, "transact_write_items", flaky)
    with pytest.raises(RuntimeError):
        run(world, batch(messages))
    partial = world.counters("alpha", MONTH)["requests"]
    assert 0 < partial < 120
    summary = run(world, batch(messages))  # Lambda's retry of the same event
    assert summary["duplicates"] == partial and summary["counted"] == 120 - partial
    assert world.counters("alpha", MONTH)["requests"] == 120
    assert world.counters("alpha", DAY, "model-119")["requests"] == 1


def test_a_conflict_with_a_concurrent_transaction_is_retried(world, monkeypatch):
    from botocore.exceptions import ClientError

    original = world.ddb.transact_write_items
    state = {"failed": False}

    def conflicting(**kwargs):
        if not state["failed"]:
            state["failed"] = True
            reasons = [{"Code": "None"}] * (len(kwargs["TransactItems"]) - 1) + [{"Code": "TransactionConflict"}]
            raise ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "conflict"},
                               "CancellationReasons": reasons}, "TransactWriteItems")
        return original(**kwargs)

    monkeypatch.setattr(world.ddb, "transact_write_items", conflicting)
    monkeypatch.setattr(ledger.time, "sleep", lambda s: None)
    assert run(world, batch([request("alpha")]))["counted"] == 1
    assert world.counters("alpha", MONTH)["requests"] == 1


def test_malformed_lines_are_counted_and_skipped_and_unknown_clients_count_under_unknown(world, capsys):
    summary = run(world, batch(["garbage", request("alpha", input_tokens="many"), request(None), request("alpha"),
                                json.dumps({"scope": "agentgateway::proxy", "message": "started"})]))
    assert (summary["malformed"], summary["counted"], summary["unknown"], summary["ignored"]) == (2, 2, 1, 1)
    assert world.counters(store.UNKNOWN_TEAM, MONTH)["requests"] == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    source = next(r for r in records if r.get("source") == "usage-aggregator")
    assert (source["MalformedLines"], source["UnknownTeamRequests"]) == ([2.0], [1.0])
    unknown = next(r for r in records if r.get("team") == store.UNKNOWN_TEAM)
    assert unknown[TEAM_REQUESTS] == [1.0]


def test_per_team_emf_metrics_carry_tokens_cost_and_requests_of_counted_requests_only(world, capsys):
    event = batch([request("alpha", input_tokens=10, output_tokens=5, cost="0.5"), request("alpha", cost="0.25")])
    run(world, event)
    run(world, event)  # the replay adds nothing to the metrics either
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    alpha = [r for r in records if r.get("team") == "alpha"]
    assert len(alpha) == 1
    assert alpha[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["team"]]
    assert alpha[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "AIGateway"
    assert (alpha[0][TEAM_REQUESTS], alpha[0][TEAM_TOKENS], alpha[0][TEAM_COST]) == ([2.0], [165.0], [0.75])


def test_team_totals_add_input_and_output_tokens():
    usages = [lines.parse(envelope.LogEvent("e1", 0, request("a", input_tokens=3, output_tokens=4, cost="1.5")))]
    assert team_totals(usages) == {"a": {TEAM_REQUESTS: 1.0, TEAM_TOKENS: 7.0, TEAM_COST: 1.5}}


def test_a_control_message_counts_nothing(world):
    summary = run(world, batch([], message_type=envelope.CONTROL_MESSAGE))
    assert summary == {"messageType": "CONTROL_MESSAGE", "events": 0}
    assert world.log.calls == []


def test_markers_expire_after_seven_days(world):
    run(world, batch([request("alpha")], start_id=42))
    from functions.shared.dynamo import from_item, to_item
    marker = from_item(world.ddb.get_item(TableName=USAGE_TABLE, Key=to_item(store.usage_event_key(f"{42:056d}")))["Item"])
    assert marker[store.TTL] == int(NOW.timestamp()) + 7 * 86400
