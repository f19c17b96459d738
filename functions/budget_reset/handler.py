"""Lambda entry point of the monthly budget reset (``functions.budget_reset.handler.handler``).

Invoked by EventBridge Scheduler at 00:00 UTC on the 1st (any event). Environment:
``CONTROL_TABLE``, ``PUBLISHER_FUNCTION``. boto3 comes from the runtime, imported for the clients.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from functions.shared.env import read_env
from functions.shared.log import make_logger, service_name

from .reset import reset

logger = make_logger(service_name("budget-reset"))


@lru_cache(maxsize=None)
def _client(service: str) -> Any:
    import boto3  # the Lambda runtime's

    return boto3.client(service)


def handler(event: Any, context: Any, *, clients: Any = None) -> dict[str, Any]:
    """Lift the month's budget blocks; ``{"lifted": [...], "published": bool}``."""
    env = read_env(("CONTROL_TABLE", "PUBLISHER_FUNCTION"))
    client = clients or _client
    result = reset(client("dynamodb"), client("lambda"), control_table=env["CONTROL_TABLE"],
                   publisher_function=env["PUBLISHER_FUNCTION"], now=lambda: datetime.now(timezone.utc),
                   logger=logger)
    return {"lifted": result.lifted, "published": result.published}
