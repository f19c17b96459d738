"""Lambda entry point of the publisher (``functions.publisher.handler.handler``).

Environment: ``APPLICATION_ID``, ``ENVIRONMENT_ID``, ``GATEWAY_PROFILE_ID``, ``CATALOG_PROFILE_ID``,
``IMMEDIATE_STRATEGY_ID``, ``GUARDED_STRATEGY_ID``, ``DEFAULT_STRATEGY`` (``immediate`` or
``guarded``) and ``PROVIDED_ENV`` (comma-separated env var names the gateway task provides).
Event and result: :mod:`functions.publisher.request` and :meth:`Publisher.publish`.

boto3 comes from the Lambda runtime and is imported only when the first client is created.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from functions.shared.appconfig import AppConfig, appconfig_client
from functions.shared.log import make_logger, service_name

from .deadline import Deadline
from .publish import Publisher
from .request import prepare
from .settings import PublisherSettings

logger = make_logger(service_name("publisher"))


@lru_cache(maxsize=1)
def _client() -> Any:
    return appconfig_client()  # one client per container


def handler(event: Any, context: Any) -> dict[str, dict[str, Any]]:
    """Publish the event's base and overlay to this stack's AppConfig environment."""
    settings = PublisherSettings.from_env()
    deadline = Deadline.for_context(context)
    try:
        # Render and check before a client exists: an invalid publish never reaches AppConfig.
        prepared = prepare(event, settings.default_strategy, settings.provided_env)
        publisher = Publisher(AppConfig(_client(), settings.application_id), settings, deadline, logger)
        return publisher.deliver(prepared)
    except Exception as error:
        logger.error("publish failed", extra={"error": type(error).__name__, "reason": str(error)[:500]})
        raise
