"""PLACEHOLDER, replaced by branch ``adminfn`` at merge: the admin API's real router lives there.

It exists so this branch's synth can build and deploy the admin function's zip
(``functions.admin_api.handler.handler``). It answers the public health check and refuses every
other route with 501 in the API's error shape; it makes no AWS call.
"""

from __future__ import annotations

import json
from typing import Any

from functions.shared.log import make_logger, service_name

from .routes import PUBLIC

logger = make_logger(service_name("admin-api"))


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway (REST, proxy integration) event -> response."""
    route = (event.get("httpMethod"), event.get("resource"))
    if route in {(r.method, r.path) for r in PUBLIC}:
        return _response(200, {"status": "ok"})
    logger.info("route not implemented by the placeholder", extra={"method": route[0], "resource": route[1]})
    return _response(501, {"error": {"code": "NotImplemented", "message": "placeholder handler", "details": {}}})
