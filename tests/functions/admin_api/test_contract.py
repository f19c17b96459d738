"""The admin function's contracts: its routes, its scope check, its AWS calls and its OpenAPI document."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from functions.admin_api import permissions
from functions.admin_api.app import build_app
from functions.admin_api.routes import PUBLIC, ROUTES
from tools import admin_openapi

from .world import CONTROL, USAGE, INVOKE_SCOPE

IAM_ACTION = {("lambda", "Invoke"): "lambda:InvokeFunction"}
ROLE_OF_SERVICE = {"cognito-idp": "userPool", "lambda": "publisher", "appconfig": "appconfig"}


def _path(route_path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: {"{team}": "payments", "{provider}": "anthropic",
                                           "{model}": "claude-3-5-haiku-20241022"}[m.group(0)], route_path)


def test_the_router_registers_exactly_the_routes_of_the_contract():
    app = build_app(lambda: None)
    assert sorted(app.registered_routes) == sorted(ROUTES)
    document = json.loads(admin_openapi.render())
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert documented == set(ROUTES)


def test_the_committed_openapi_document_is_current_and_every_reference_resolves():
    text = admin_openapi.render()
    assert admin_openapi.DOCUMENT.read_text() == text, "run: python -m tools.admin_openapi"
    document = json.loads(text)
    refs = set(re.findall(r'"#/components/schemas/([A-Za-z]+)"', text))
    assert refs <= set(document["components"]["schemas"])
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert ("security" in op) == ((method.upper(), path) not in PUBLIC)
            assert "422" not in op["responses"] or (method, path) == ("post", "/teams")


@pytest.mark.parametrize("route", [r for r in ROUTES if r not in PUBLIC], ids=lambda r: f"{r.method} {r.path}")
def test_every_method_but_the_health_check_refuses_a_token_without_the_admin_scope(world, route):
    for claims in ({"client_id": "team-client", "scope": INVOKE_SCOPE}, {"client_id": "x", "scope": "gw/admins gw/admin2"},
                   {}):
        answer = world.call(route.method, _path(route.path), {} if route.method in ("POST", "PUT", "PATCH") else None,
                            claims=claims)
        assert answer.status == 403 and answer.body["error"]["code"] == "forbidden"
    assert world.calls == [] and world.audits() == []


def test_the_health_check_needs_no_token(world):
    answer = world.call("GET", "/health", claims={})
    assert answer.status == 200 and answer.body == {"status": "ok"}


def test_an_unknown_path_is_a_404_in_the_error_shape(world):
    answer = world.call("GET", "/nothing-here")
    assert answer.status == 404 and set(answer.body["error"]) == {"code", "message", "details"}


def _tour(world) -> None:
    """Every route, with the branches that call AWS (create, rotate, retire, delete, publish, status)."""
    ok = lambda answer, *codes: answer.status in (codes or (200,)) or pytest.fail(repr(answer))  # noqa: E731
    ok(world.call("GET", "/health"))
    created = world.call("POST", "/teams", {"name": "payments"}, headers={"Idempotency-Key": "tour"})
    ok(created, 201)
    ok(world.call("GET", "/teams"))
    ok(world.call("GET", "/teams/payments"))
    ok(world.call("PATCH", "/teams/payments", {"tier": "premium"}, headers={"If-Match": '"1"'}))
    ok(world.call("POST", "/teams/payments/secret", {}))
    ok(world.call("POST", "/teams/payments/secret", {"retire": created.body["clientIds"][0]}))
    ok(world.call("PUT", "/teams/payments/budget", {"monthlyUsd": "10"}), 201)
    ok(world.call("GET", "/teams/payments/budget"))
    ok(world.call("DELETE", "/teams/payments/budget"), 204)
    ok(world.call("GET", "/prices"))
    ok(world.call("PUT", "/prices/anthropic/claude-3-5-haiku-20241022", {"rates": {"input": "1"}}), 201)
    ok(world.call("GET", "/prices/anthropic/claude-3-5-haiku-20241022"))
    ok(world.call("DELETE", "/prices/anthropic/claude-3-5-haiku-20241022"), 204)
    ok(world.call("GET", "/routing"))
    ok(world.call("PUT", "/routing", {"fallbackGroups": [["anthropic"], ["bedrock"]]}))
    ok(world.call("GET", "/usage", query={"granularity": "day", "start": "2026-12-01", "end": "2026-12-02"}))
    world.stub_config_status()
    ok(world.call("GET", "/config"))
    ok(world.call("POST", "/config/dry-run", {"deleteTeams": ["payments"]}))
    ok(world.call("DELETE", "/teams/payments"), 204)


def test_the_calls_a_tour_of_every_route_makes_are_exactly_the_declared_permissions(world):
    world.put_usage("payments", "DAY#2026-12-01", requests=1, costUsd=Decimal("0.1"))
    world.calls.clear()
    _tour(world)
    made: dict[str, set[str]] = {}
    for service, operation, table in world.calls:
        if service == "dynamodb":
            role = {CONTROL: "controlTable", USAGE: "usageTable"}[table]
        else:
            role = ROLE_OF_SERVICE[service]
        made.setdefault(role, set()).add(IAM_ACTION.get((service, operation), f"{service}:{operation}"))
    assert {role: tuple(sorted(actions)) for role, actions in made.items()} == {
        role: tuple(sorted(actions)) for role, actions in permissions.CALLS.items()}
