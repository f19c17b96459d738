"""Teams through the handler: create (Cognito client, secret once, idempotency), list, get, update, rotate, delete."""

from __future__ import annotations

import pytest

from functions.shared import store

from .world import INVOKE_SCOPE


def _create(world, name="payments", **extra):
    return world.call("POST", "/teams", {"name": name, **extra}, headers=extra.pop("headers", None) or {})


def test_create_makes_a_client_credentials_client_with_the_invoke_scope_and_shows_the_secret_once(world):
    created = world.call("POST", "/teams", {"name": "payments", "tier": "premium", "models": ["b", "a"],
                                            "limits": {"requestsPerMinute": 60}})
    assert created.status == 201 and created.headers["etag"] == '"1"'
    body = created.body
    assert body["clientSecret"] and body["models"] == ["a", "b"] and body["limits"] == {"requestsPerMinute": 60}
    client = world.cognito.describe_user_pool_client(UserPoolId=world.pool_id, ClientId=body["clientIds"][0])
    client = client["UserPoolClient"]
    assert client["AllowedOAuthFlows"] == ["client_credentials"]
    assert client["AllowedOAuthScopes"] == [INVOKE_SCOPE]
    assert client["ClientName"] == "gw-dev-team-payments"
    stored = world.deps.control.get(store.team_key("payments"))
    assert body["clientSecret"] not in repr(stored)
    assert "clientSecret" not in world.call("GET", "/teams/payments").body
    assert world.publishes() == [{"source": "store", "reason": "team payments created", "actor": "admin-client-1"}]
    (line,) = world.audits()
    assert line["action"] == "team.create" and line["before"] is None and line["after"]["name"] == "payments"
    assert body["clientSecret"] not in "".join(world.audit_lines)


def test_the_same_idempotency_key_and_body_replays_without_the_secret_and_another_body_is_422(world):
    first = world.call("POST", "/teams", {"name": "payments"}, headers={"Idempotency-Key": "k-1"})
    again = world.call("POST", "/teams", {"name": "payments"}, headers={"Idempotency-Key": "k-1"})
    assert again.status == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.body["clientIds"] == first.body["clientIds"] and again.body["clientSecret"] is None
    assert len(world.cognito.list_user_pool_clients(UserPoolId=world.pool_id, MaxResults=60)["UserPoolClients"]) == 1
    other = world.call("POST", "/teams", {"name": "other"}, headers={"Idempotency-Key": "k-1"})
    assert other.status == 422 and other.body["error"]["code"] == "idempotency_key_reused"
    assert world.call("POST", "/teams", {"name": "x"}, headers={"Idempotency-Key": "bad key"}).status == 400


def test_a_failed_create_releases_its_idempotency_key(world):
    assert world.call("POST", "/teams", {"name": "payments", "tier": "gold"},
                      headers={"Idempotency-Key": "k-2"}).status == 400
    assert world.deps.control.get(store.idempotency_key("k-2")) is None


@pytest.mark.parametrize("body, where", [({"name": "Bad Name"}, "body.name"), ({"name": "ok", "colour": "red"}, "body.colour"),
                                         ({}, "body.name"), ({"name": "ok", "limits": {"tokensPerDay": 0}}, "body.limits")])
def test_an_invalid_body_is_400_with_the_problem(world, body, where):
    answer = world.call("POST", "/teams", body)
    assert answer.status == 400 and answer.body["error"]["code"] == "invalid_request"
    assert any(p["location"].startswith(where) for p in answer.body["error"]["details"]["problems"])


def test_unknown_tier_is_400_and_an_existing_or_stack_team_is_409(world):
    assert world.call("POST", "/teams", {"name": "x", "tier": "gold"}).body["error"]["details"] == {
        "tiers": ["premium", "standard"]}
    assert world.call("POST", "/teams", {"name": "payments"}).status == 201
    assert world.call("POST", "/teams", {"name": "payments"}).status == 409
    stack_team = world.call("POST", "/teams", {"name": "alpha"})
    assert stack_team.status == 409 and "stack settings" in stack_team.body["error"]["message"]


def test_list_pages_with_an_opaque_cursor(world):
    for name in ("t-a", "t-b", "t-c"):
        assert world.call("POST", "/teams", {"name": name}).status == 201
    seen, cursor = [], None
    while True:
        page = world.call("GET", "/teams", query={"limit": "1", **({"cursor": cursor} if cursor else {})})
        assert page.status == 200
        seen += [t["name"] for t in page.body["items"]]
        cursor = page.body.get("nextCursor")
        if not cursor:
            break
        assert "TEAM#" not in cursor
    assert sorted(seen) == ["t-a", "t-b", "t-c"]
    assert world.call("GET", "/teams", query={"cursor": "garbage"}).status == 400
    assert world.call("GET", "/teams", query={"limit": "0"}).status == 400


def test_get_has_month_to_date_usage_and_404_for_an_unknown_team(world):
    world.call("POST", "/teams", {"name": "payments"})
    world.put_usage("payments", "MONTH#2026-12", requests=12, inputTokens=1000, outputTokens=200,
                    costUsd=__import__("decimal").Decimal("0.012345"))
    world.put_usage("payments", "MONTH#2026-11", requests=99)
    team = world.call("GET", "/teams/payments")
    assert team.headers["etag"] == '"1"'
    assert team.body["monthToDate"] == {"period": "MONTH#2026-12", "requests": 12, "inputTokens": 1000,
                                        "outputTokens": 200, "cacheReadTokens": 0, "cacheWriteTokens": 0,
                                        "costUsd": "0.012345"}
    missing = world.call("GET", "/teams/nobody")
    assert missing.status == 404 and missing.body == {"error": {"code": "not_found", "message": "team nobody does not exist",
                                                                "details": {}}}


def test_update_needs_if_match_refuses_a_stale_one_and_audits_before_and_after(world):
    world.call("POST", "/teams", {"name": "payments"})
    assert world.call("PATCH", "/teams/payments", {"tier": "premium"}).status == 428
    updated = world.call("PATCH", "/teams/payments", {"tier": "premium", "models": ["m1"],
                                                      "limits": {"tokensPerMinute": 5000}}, headers={"If-Match": '"1"'})
    assert updated.status == 200 and updated.headers["etag"] == '"2"'
    assert updated.body["tier"] == "premium" and updated.body["models"] == ["m1"]
    stale = world.call("PATCH", "/teams/payments", {"tier": "standard"}, headers={"If-Match": '"1"'})
    assert stale.status == 412 and stale.body["error"]["details"] == {"currentEtag": '"2"'}
    line = world.audits()[-1]
    assert line["action"] == "team.update" and line["before"]["tier"] == "standard" and line["after"]["tier"] == "premium"
    cleared = world.call("PATCH", "/teams/payments", {"clearModels": True}, headers={"If-Match": '"2"'})
    assert "models" not in cleared.body
    assert world.call("PATCH", "/teams/payments", {}, headers={"If-Match": '"3"'}).status == 400
    assert world.call("PATCH", "/teams/payments", {"tier": "gold"}, headers={"If-Match": '"3"'}).status == 400
    assert world.call("PATCH", "/teams/nobody", {"tier": "premium"}, headers={"If-Match": '"1"'}).status == 404


def test_suspend_and_resume_publish_and_the_gateway_config_refuses_a_suspended_team(world):
    world.call("POST", "/teams", {"name": "payments"})
    suspended = world.call("PATCH", "/teams/payments", {"status": "suspended"}, headers={"If-Match": '"1"'})
    assert suspended.body["status"] == "suspended"
    assert world.audits()[-1]["action"] == "team.suspend"
    resumed = world.call("PATCH", "/teams/payments", {"status": "active"}, headers={"If-Match": '"2"'})
    assert resumed.body["status"] == "active" and world.audits()[-1]["action"] == "team.resume"
    assert [p["reason"] for p in world.publishes()] == ["team payments created", "team payments updated",
                                                       "team payments updated"]
    assert world.call("PATCH", "/teams/payments", {"status": "over-budget"}, headers={"If-Match": '"3"'}).status == 400


def test_rotation_adds_a_second_client_then_retires_the_old_one(world):
    first = world.call("POST", "/teams", {"name": "payments"}).body
    old = first["clientIds"][0]
    rotated = world.call("POST", "/teams/payments/secret", {})
    assert rotated.status == 200 and rotated.body["clientSecret"] and rotated.body["clientId"] != old
    assert rotated.body["clientIds"] == [old, rotated.body["clientId"]]
    again = world.call("POST", "/teams/payments/secret", {})
    assert again.status == 409 and again.body["error"]["details"]["clientIds"] == rotated.body["clientIds"]
    assert world.call("POST", "/teams/payments/secret", {"retire": "nope"}).status == 404
    stale = world.call("POST", "/teams/payments/secret", {"retire": old}, headers={"If-Match": '"1"'})
    assert stale.status == 412
    retired = world.call("POST", "/teams/payments/secret", {"retire": old}, headers={"If-Match": '"2"'})
    assert retired.body["clientIds"] == [rotated.body["clientId"]] and retired.body["retired"] == old
    clients = world.cognito.list_user_pool_clients(UserPoolId=world.pool_id, MaxResults=60)["UserPoolClients"]
    assert [c["ClientId"] for c in clients] == [rotated.body["clientId"]]
    last = world.call("POST", "/teams/payments/secret", {"retire": rotated.body["clientId"]})
    assert last.status == 409
    assert [a["action"] for a in world.audits()][-2:] == ["team.secret.rotate", "team.secret.retire"]


def test_delete_removes_the_clients_the_team_and_its_budget_and_publishes(world):
    created = world.call("POST", "/teams", {"name": "payments"}).body
    world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "100"})
    assert world.call("DELETE", "/teams/payments", headers={"If-Match": '"9"'}).status == 412
    assert world.call("DELETE", "/teams/payments").status == 204
    assert world.call("GET", "/teams/payments").status == 404
    assert world.deps.control.get(store.budget_key("payments")) is None
    assert world.cognito.list_user_pool_clients(UserPoolId=world.pool_id, MaxResults=60)["UserPoolClients"] == []
    assert world.publishes()[-1]["reason"] == "team payments deleted"
    line = world.audits()[-1]
    assert line["action"] == "team.delete" and line["after"] is None and line["before"]["clientIds"] == created["clientIds"]
    assert world.call("DELETE", "/teams/payments").status == 404


def test_a_team_the_publisher_could_not_render_is_refused_before_its_client_exists(world):
    from functions.shared.dynamo import to_item

    for n in range(64):  # agentgateway takes 64 conditional entries: one per distinct allow-list
        world.dynamodb.put_item(TableName=world.settings.control_table, Item=to_item({
            **store.team_key(f"t{n}"), "name": f"t{n}", "clientIds": [f"client-{n}"], "tier": "standard",
            "status": "active", "models": [f"model-{n}"], "createdAt": "x", "updatedAt": "x", "version": 1}))
    refused = world.call("POST", "/teams", {"name": "one-more", "models": ["model-new"]})
    assert refused.status == 400 and "does not render" in refused.body["error"]["message"]
    assert world.cognito.list_user_pool_clients(UserPoolId=world.pool_id, MaxResults=60)["UserPoolClients"] == []
    assert world.call("POST", "/teams", {"name": "shares-a-list", "models": ["model-1"]}).status == 201


def test_rotation_takes_no_body_and_a_create_without_one_is_400(world):
    world.call("POST", "/teams", {"name": "payments"})
    assert world.call("POST", "/teams/payments/secret").body["clientSecret"]
    missing = world.call("POST", "/teams", None)
    assert missing.status == 400 and missing.body["error"]["details"]["problems"][0]["location"] == "body"


def test_team_limits_set_through_the_api_reach_the_rendered_descriptors(world):
    from functions.admin_api.rendering import StoreItems, render
    from functions.shared.store_snapshot import load_documents

    world.call("POST", "/teams", {"name": "payments", "limits": {"requestsPerMinute": 42}})
    patched = world.call("PATCH", "/teams/payments", {"limits": {"requestsPerMinute": 7, "tokensPerDay": 9000}},
                         headers={"If-Match": '"1"'})
    assert patched.status == 200 and patched.body["limits"] == {"requestsPerMinute": 7, "tokensPerDay": 9000}
    config = render(load_documents(world.deps.control), StoreItems.read(world.deps)).config
    remote = config["binds"][0]["listeners"][0]["routes"][0]["policies"]["remoteRateLimit"]
    overrides = {d["entries"][0]["value"]: d["limitOverride"] for d in remote["descriptors"]}
    assert '"payments": {"unit": "minute", "requestsPerUnit": 7}' in overrides['"requests_per_minute"']
    assert '"payments": {"unit": "day", "requestsPerUnit": 9000}' in overrides['"tokens_per_day"']
    too_big = world.call("PATCH", "/teams/payments", {"limits": {"tokensPerDay": 10**10}}, headers={"If-Match": '"2"'})
    assert too_big.status == 400
