"""The admin API's one router: every method of :data:`functions.admin_api.routes.ROUTES`, over one resolver.

Powertools' ``APIGatewayRestResolver`` parses and validates path, query and body with the pydantic
models (``enable_validation``), which also gives the OpenAPI document. Routes call the pure-ish
resource modules (teams, budgets, prices, routing, usage, config) and turn their
:class:`~functions.admin_api.reply.Reply` into a Response; every failure leaves as
``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Callable, Optional

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from . import budgets, config, prices, routing, teams, usage
from .claims import actor_of, claims_of
from .deps import Deps
from .errors import ApiError, error_body
from .models import (Budget, BudgetPut, ConfigStatus, DryRun, DryRunResult, ErrorBody, Price, PriceList, PricePut, Routing,
                     RoutingPut, SecretRotate, SecretRotated, Team, TeamCreate, TeamCreated, TeamDetail, TeamList,
                     TeamUpdate, UsageList)
from .reply import Caller, Reply
from .routes import PUBLIC, ROUTES, Route

JSON = "application/json"
TITLE = "AI gateway admin API"
VERSION = "1.0.0"


def _powertools_path(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def _responses(status: int, model: Optional[type[BaseModel]], description: str) -> dict[int, Any]:
    ok: dict[str, Any] = {"description": description}
    if model is not None:
        ok["content"] = {JSON: {"model": model}}
    errors = {400: "invalid request", 403: "no admin scope", 404: "not found", 409: "conflict",
              412: "stale If-Match", 428: "If-Match required"}
    return {status: ok, **{code: {"description": text, "content": {JSON: {"model": ErrorBody}}}
                           for code, text in errors.items()}}


def _answer(reply: Reply) -> Response:
    body = None if reply.body is None else json.dumps(reply.body, sort_keys=True, default=str)
    return Response(status_code=reply.status, content_type=JSON, body=body, headers=dict(reply.headers))


def build_app(get_deps: Callable[[], Deps]) -> APIGatewayRestResolver:
    """The resolver with every route; ``get_deps`` gives the dependencies (called per request)."""
    app = APIGatewayRestResolver(enable_validation=True)
    registered: list[Route] = []

    def route(method: str, path: str, status: int, model: Optional[type[BaseModel]], summary: str) -> Callable:
        entry = Route(method, path)
        assert entry in ROUTES, f"{method} {path} is not in routes.ROUTES"
        registered.append(entry)
        tag = path.strip("/").split("/")[0]
        return app.route(_powertools_path(path), method, summary=summary, tags=[tag],
                         responses=_responses(status, model, summary), status_code=status)

    def caller() -> Caller:
        event = app.current_event
        return Caller(actor=actor_of(claims_of(event.raw_event)), if_match=event.headers.get("If-Match"),
                      idempotency_key=event.headers.get("Idempotency-Key"))

    @app.exception_handler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return Response(status_code=error.status, content_type=JSON, body=error.body())

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        details = [{"location": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
                    "type": e.get("type", "")} for e in error.errors()]
        return Response(status_code=400, content_type=JSON,
                        body=error_body("invalid_request", "the request does not match the API", {"problems": details}))

    @app.not_found
    def _missing(_: Exception) -> Response:
        return Response(status_code=404, content_type=JSON, body=error_body("no_route", "no such method and path"))

    @route("GET", "/health", 200, None, "Liveness (no authorization)")
    def health():
        return _answer(Reply(200, {"status": "ok"}))

    @route("GET", "/teams", 200, TeamList, "List teams")
    def list_teams(cursor: Annotated[Optional[str], Query()] = None,
                   limit: Annotated[int, Query(ge=1, le=100)] = teams.PAGE):
        return _answer(teams.list_teams(get_deps(), cursor, limit))

    @route("POST", "/teams", 201, TeamCreated, "Create a team (its client secret is in this answer only)")
    def create_team(body: TeamCreate):
        return _answer(teams.create(get_deps(), caller(), body))

    @route("GET", "/teams/{team}", 200, TeamDetail, "Get a team with its month-to-date usage")
    def get_team(team: str):
        return _answer(teams.get(get_deps(), team))

    @route("PATCH", "/teams/{team}", 200, Team, "Update tier, limits, models, or suspend/resume (If-Match)")
    def update_team(team: str, body: TeamUpdate):
        return _answer(teams.update(get_deps(), caller(), team, body))

    @route("DELETE", "/teams/{team}", 204, None, "Delete a team and its clients")
    def delete_team(team: str):
        return _answer(teams.delete(get_deps(), caller(), team))

    @route("POST", "/teams/{team}/secret", 200, SecretRotated, "Rotate: add a client, or retire the old one")
    def rotate_secret(team: str, body: Optional[SecretRotate] = None):
        return _answer(teams.rotate(get_deps(), caller(), team, body or SecretRotate()))

    @route("GET", "/teams/{team}/budget", 200, Budget, "Get a team's budget")
    def get_budget(team: str):
        return _answer(budgets.get(get_deps(), team))

    @route("PUT", "/teams/{team}/budget", 200, Budget, "Set a team's budget (201 when new; If-Match to replace)")
    def put_budget(team: str, body: BudgetPut):
        return _answer(budgets.put(get_deps(), caller(), team, body))

    @route("DELETE", "/teams/{team}/budget", 204, None, "Remove a team's budget")
    def delete_budget(team: str):
        return _answer(budgets.delete(get_deps(), caller(), team))

    @route("GET", "/prices", 200, PriceList, "List effective prices (shipped table, stack and store overrides)")
    def list_prices():
        return _answer(prices.list_prices(get_deps()))

    @route("GET", "/prices/{provider}/{model}", 200, Price, "Get one model's effective price")
    def get_price(provider: str, model: str):
        return _answer(prices.get(get_deps(), provider, model))

    @route("PUT", "/prices/{provider}/{model}", 200, Price, "Set a price override (201 when new; If-Match to replace)")
    def put_price(provider: str, model: str, body: PricePut):
        return _answer(prices.put(get_deps(), caller(), provider, model, body))

    @route("DELETE", "/prices/{provider}/{model}", 204, None, "Remove a price override")
    def delete_price(provider: str, model: str):
        return _answer(prices.delete(get_deps(), caller(), provider, model))

    @route("GET", "/routing", 200, Routing, "Get the routing overrides")
    def get_routing():
        return _answer(routing.get(get_deps()))

    @route("PUT", "/routing", 200, Routing, "Replace the routing overrides (If-Match once they exist)")
    def put_routing(body: RoutingPut):
        return _answer(routing.put(get_deps(), caller(), body))

    @route("GET", "/usage", 200, UsageList, "Usage per team (and model), by day or month")
    def get_usage(team: Annotated[Optional[str], Query(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")] = None,
                  granularity: Annotated[str, Query(pattern="^(day|month)$")] = "month",
                  start: Annotated[Optional[str], Query()] = None, end: Annotated[Optional[str], Query()] = None,
                  by_model: Annotated[bool, Query(alias="byModel")] = False):
        return _answer(usage.report(get_deps(), team, granularity, start, end, by_model))

    @route("GET", "/config", 200, ConfigStatus, "Published version and deployment state")
    def get_config():
        return _answer(config.status(get_deps()))

    @route("POST", "/config/dry-run", 200, DryRunResult, "Render a proposed change and answer the diff")
    def dry_run(body: DryRun):
        return _answer(config.dry_run(get_deps(), body))

    app.registered_routes = tuple(registered)  # type: ignore[attr-defined]  # the contract test reads it
    return app


IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "the ETag read before; required to replace an existing item (428 without, 412 when stale)"}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
                   "description": "same key and body replay the first answer (24 h); another body is a 422"}


def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI document of ``app`` (sorted, newline-terminated), with what the resolver cannot infer:
    the headers, the bearer token, and 400 (not Powertools' 422) for validation errors."""
    text = app.get_openapi_json_schema(title=TITLE, version=VERSION,
                                       description="Teams, budgets, prices, routing, usage and the published "
                                                   "config. Every method but GET /health needs a Cognito access "
                                                   "token with the admin scope.")
    document = json.loads(text)
    document.setdefault("components", {})["securitySchemes"] = {
        "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "a Cognito access token of the stack's pool carrying the admin scope"}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            operation["responses"].pop("422", None)
            if (method.upper(), path) not in PUBLIC:
                operation["security"] = [{"cognito": []}]
            headers = []
            if method in ("patch", "put", "delete") or path.endswith("/secret"):
                headers.append(IF_MATCH)
            if (method, path) == ("post", "/teams"):
                headers.append(IDEMPOTENCY_KEY)
                operation["responses"]["422"] = {"description": "Idempotency-Key reused with another body",
                                                 "content": {JSON: {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            if headers:
                operation["parameters"] = operation.get("parameters", []) + headers
    _prune_schemas(document)
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _prune_schemas(document: dict[str, Any]) -> None:
    """Drop component schemas nothing refers to (Powertools' 422 validation models, once the 422s are gone)."""
    schemas = document["components"].get("schemas", {})
    while True:
        text = json.dumps({k: v for k, v in document.items() if k != "components"}) + json.dumps(
            {name: schema for name, schema in schemas.items()})
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in text]
        if not unused:
            return
        for name in unused:
            del schemas[name]
