"""Lambda entry point of the admin API (``functions.admin_api.handler.handler``).

Environment: :data:`functions.admin_api.settings.ENV_VARS`. API Gateway's Cognito authorizer has
checked the token and the method's ``authorizationScopes``; the handler checks the admin scope
again (defense in depth: a method deployed without scopes, or moto, which accepts any scope,
would otherwise let an invoke token in) and answers 403 without it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping, Optional

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.shared.log import make_logger, service_name

from .app import build_app
from .claims import claims_of, has_scope
from .deps import Deps, from_env
from .errors import error_body
from .routes import PUBLIC, Route

logger = make_logger(service_name("admin-api"))


def is_public(event: Mapping[str, Any]) -> bool:
    """Whether the request is for a method without authorization (the health check)."""
    return Route(str(event.get("httpMethod", "")).upper(), str(event.get("resource") or event.get("path") or "")) in PUBLIC


def forbidden() -> dict[str, Any]:
    """The 403 answer for a token without the admin scope."""
    return {"statusCode": 403, "headers": {"Content-Type": "application/json"}, "isBase64Encoded": False,
            "body": error_body("forbidden", "the access token does not carry the admin scope")}


def make_handler(get_deps: Callable[[], Deps]) -> Callable[[Mapping[str, Any], Any], dict[str, Any]]:
    """A handler over ``get_deps`` (the Lambda's uses the environment; tests pass moto and Stubber clients)."""
    app: Optional[APIGatewayRestResolver] = None

    def handle(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        nonlocal app
        if not is_public(event):
            deps = get_deps()
            if not has_scope(claims_of(event), deps.settings.admin_scope):
                deps.logger.warning("refused: no admin scope", extra={"path": event.get("path"),
                                                                     "client_id": claims_of(event).get("client_id")})
                return forbidden()
        if app is None:
            app = build_app(get_deps)
        try:
            return app.resolve(dict(event), context)
        except Exception as error:  # a bug or an AWS failure: log it, never leak a trace to the caller
            logger.exception("request failed", extra={"error": type(error).__name__})
            return {"statusCode": 500, "headers": {"Content-Type": "application/json"}, "isBase64Encoded": False,
                    "body": error_body("internal", "the request failed; see the function's logs")}

    return handle


@lru_cache(maxsize=1)
def _deps() -> Deps:
    return from_env(logger)  # one set of clients per container


handler = make_handler(_deps)
"""The Lambda handler."""

__all__ = ["handler", "make_handler"]
