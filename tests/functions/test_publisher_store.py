"""The publisher's store mode (``CONTROL_TABLE``): the merge, the two events, and the saved stack documents."""

from __future__ import annotations


import boto3
import pytest
from moto import mock_aws

import functions.publisher.handler as handler_module
from functions.publisher.request import InvalidPublish, render_for_publish
from functions.publisher.store_mode import resolve
from functions.shared import overlay_store, store
from functions.shared.dynamo import to_item
from functions.shared.store_snapshot import NoStackDocuments, load_documents, save_documents
from functions.shared.tables import Table

from .admin_api.world import create_tables, CONTROL, NOW
from .appconfig_world import World
from .conftest import ENVIRONMENT_ID, IMMEDIATE_ID, REGION, event, publisher_environ
from .test_publisher import _queue_first_publish

STORE_TEAM = {"name": "payments", "clientIds": ["client-pay-1"], "tier": "standard", "status": "suspended",
              "models": ["m1"], "limits": {"requestsPerMinute": 5}, "version": 3}


# --- the pure merge -----------------------------------------------------------------------------


def test_merge_adds_store_teams_replaces_routing_fields_and_lays_prices_over_the_stacks():
    stack = {"teams": [{"name": "alpha", "clientIds": ["a"]}], "routing": {"modelAliases": {"x": "y"}},
             "prices": {"openai": {"gpt-a": {"input": "1"}, "gpt-b": {"input": "2"}}}}
    merged = overlay_store.merge(stack, [STORE_TEAM, {"name": "empty", "clientIds": []}],
                                 {"fallbackGroups": [["anthropic"]], "version": 1},
                                 [{"provider": "openai", "model": "gpt-a", "rates": {"output": "9"}}])
    assert merged["teams"] == [{"name": "alpha", "clientIds": ["a"]},
                               {"name": "payments", "clientIds": ["client-pay-1"], "tier": "standard",
                                "status": "suspended", "models": ["m1"], "limits": {"requestsPerMinute": 5}}]
    assert merged["routing"] == {"modelAliases": {"x": "y"}, "fallbackGroups": [["anthropic"]]}
    assert merged["prices"] == {"openai": {"gpt-a": {"output": "9"}, "gpt-b": {"input": "2"}}}
    assert stack["routing"] == {"modelAliases": {"x": "y"}}, "the stack overlay is not changed"


def test_merge_refuses_a_team_both_sides_define_and_keeps_an_empty_store_a_no_op():
    with pytest.raises(ValueError, match="alpha is defined by the stack settings and by the store"):
        overlay_store.merge({"teams": [{"name": "alpha", "clientIds": ["a"]}]},
                            [{"name": "alpha", "clientIds": ["b"], "tier": "standard", "status": "active"}], None, [])
    assert overlay_store.merge({"teams": []}, [], None, []) == {"teams": []}


# --- the two events -----------------------------------------------------------------------------


@pytest.fixture
def table(aws_credentials):
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client)
        yield Table(client, CONTROL)


def _put(table: Table, item: dict) -> None:
    table._client.put_item(TableName=table.name, Item=to_item(item))


def test_a_pulumi_event_is_merged_with_the_store_and_its_documents_are_to_be_saved(table):
    _put(table, {**store.team_key("payments"), **STORE_TEAM})
    resolved = resolve(event(strategy="guarded"), table)
    assert [t["name"] for t in resolved.event["overlay"]["teams"]] == ["alpha", "payments"]
    assert resolved.event["strategy"] == "guarded"
    assert resolved.save is not None and resolved.save.overlay == event()["overlay"]
    with pytest.raises(NoStackDocuments):
        load_documents(table)


def test_a_store_event_renders_the_saved_documents_with_the_store(table):
    with pytest.raises(NoStackDocuments, match="pulumi up"):
        resolve({"source": "store", "reason": "r", "actor": "a"}, table)
    save_documents(table, event()["base"], event()["overlay"], NOW)
    _put(table, {**store.price_key("anthropic", "claude-x"), "provider": "anthropic", "model": "claude-x",
                 "rates": {"input": "1"}, "version": 1})
    resolved = resolve({"source": "store", "reason": "price set", "actor": "admin-1"}, table)
    assert resolved.save is None and (resolved.reason, resolved.actor) == ("price set", "admin-1")
    assert resolved.event["overlay"]["prices"] == {"anthropic": {"claude-x": {"input": "1"}}}
    assert resolved.event["base"] == event()["base"]
    assert resolved.event["strategy"] == "immediate"  # never held behind a bake, whatever the default
    with pytest.raises(InvalidPublish, match="unknown store event key"):
        resolve({"source": "store", "base": {}}, table)


# --- the handler --------------------------------------------------------------------------------


@pytest.fixture
def appconfig(aws_credentials):
    with mock_aws():
        world = World(REGION, ENVIRONMENT_ID)
        client = boto3.client("dynamodb", region_name=REGION)
        create_tables(client)
        with world.stubber:
            yield world, client
        world.stubber.assert_no_pending_responses()


def _environment(monkeypatch, world: World, dynamodb, **extra: str) -> None:
    environ = publisher_environ(world.application_id, world.profile_ids["gateway"], world.profile_ids["catalog"],
                                **extra)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler_module, "_client", lambda: world.client)
    monkeypatch.setattr(handler_module, "_dynamodb", lambda: dynamodb)


def test_the_handler_saves_the_documents_and_publishes_them_merged_with_the_store(appconfig, monkeypatch):
    world, dynamodb = appconfig
    table = Table(dynamodb, CONTROL)
    _put(table, {**store.team_key("payments"), **STORE_TEAM})
    _environment(monkeypatch, world, dynamodb, CONTROL_TABLE=CONTROL)
    merged = {"base": event()["base"], "overlay": overlay_store.merge(event()["overlay"], [STORE_TEAM], None, [])}
    _queue_first_publish(world, render_for_publish(merged).sha256(), IMMEDIATE_ID)
    result = handler_module.handler(event(), None)
    assert result["gateway"]["sha256"] == render_for_publish(merged).sha256()["gateway"]
    saved = load_documents(table)
    assert (saved.base, saved.overlay) == (event()["base"], event()["overlay"])
    gateway_config = world.hosted("gateway", 1)[0]
    assert "client-pay-1" in gateway_config and "team_suspended" in gateway_config


def test_a_pulumi_event_that_fails_its_checks_saves_nothing(appconfig, monkeypatch):
    world, dynamodb = appconfig
    _environment(monkeypatch, world, dynamodb, CONTROL_TABLE=CONTROL)
    bad = event()
    bad["base"]["routing"]["fallbackGroups"] = [["openai"]]
    with pytest.raises(InvalidPublish):
        handler_module.handler(bad, None)
    with pytest.raises(NoStackDocuments):
        load_documents(Table(dynamodb, CONTROL))


def test_without_a_control_table_a_store_event_is_refused_as_before(appconfig, monkeypatch):
    world, dynamodb = appconfig
    _environment(monkeypatch, world, dynamodb)
    monkeypatch.delenv("CONTROL_TABLE", raising=False)
    monkeypatch.setattr(handler_module, "_dynamodb", lambda: pytest.fail("no table without CONTROL_TABLE"))
    with pytest.raises(InvalidPublish, match="unknown event key"):
        handler_module.handler({"source": "store", "reason": "x", "actor": "y"}, None)


def test_a_store_event_deploys_immediately_where_pulumi_publishes_are_guarded(appconfig, monkeypatch):
    world, dynamodb = appconfig
    table = Table(dynamodb, CONTROL)
    save_documents(table, event()["base"], event()["overlay"], NOW)
    _put(table, {**store.team_key("payments"), **STORE_TEAM})
    _environment(monkeypatch, world, dynamodb, CONTROL_TABLE=CONTROL, DEFAULT_STRATEGY="guarded")
    merged = {"base": event()["base"], "overlay": overlay_store.merge(event()["overlay"], [STORE_TEAM], None, [])}
    _queue_first_publish(world, render_for_publish(merged).sha256(), IMMEDIATE_ID)
    handler_module.handler({"source": "store", "reason": "budget exhausted", "actor": "usage-aggregator"}, None)
