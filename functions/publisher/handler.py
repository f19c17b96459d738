"""Lambda entry point of the publisher (``functions.publisher.handler.handler``).

Environment: ``APPLICATION_ID``, ``ENVIRONMENT_ID``, ``GATEWAY_PROFILE_ID``, ``CATALOG_PROFILE_ID``,
``IMMEDIATE_STRATEGY_ID``, ``GUARDED_STRATEGY_ID``, ``DEFAULT_STRATEGY`` (``immediate`` or
``guarded``) and ``PROVIDED_ENV`` (comma-separated env var names the gateway task provides);
optionally ``CONTROL_TABLE``, which turns on the store mode (:mod:`functions.publisher.store_mode`).
Event and result: :mod:`functions.publisher.request` and :meth:`Publisher.publish`.

boto3 comes from the Lambda runtime and is imported only when the first client is created.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from functions.shared.appconfig import AppConfig, appconfig_client
from functions.shared.log import make_logger, service_name
from functions.shared.store_snapshot import save_documents
from functions.shared.tables import Table, dynamodb_client

from .deadline import Deadline
from .publish import Publisher
from .request import prepare
from .settings import PublisherSettings
from .store_mode import resolve

logger = make_logger(service_name("publisher"))


@lru_cache(maxsize=1)
def _client() -> Any:
    return appconfig_client()  # one client per container


@lru_cache(maxsize=1)
def _dynamodb() -> Any:
    return dynamodb_client()


def handler(event: Any, context: Any) -> dict[str, dict[str, Any]]:
    """Publish the event's base and overlay to this stack's AppConfig environment."""
    settings = PublisherSettings.from_env()
    deadline = Deadline.for_context(context)
    try:
        # Render and check before a client exists: an invalid publish never reaches AppConfig.
        control_table = os.environ.get("CONTROL_TABLE", "").strip()
        if control_table:
            table = Table(_dynamodb(), control_table)
            resolved = resolve(event, table)
            if resolved.reason is not None:
                logger.info("publishing the store", extra={"reason": resolved.reason, "actor": resolved.actor})
            prepared = prepare(resolved.event, settings.default_strategy, settings.provided_env)
            if resolved.save is not None:  # only documents that rendered and passed the checks
                save_documents(table, resolved.save.base, resolved.save.overlay, datetime.now(timezone.utc))
        else:
            prepared = prepare(event, settings.default_strategy, settings.provided_env)
        publisher = Publisher(AppConfig(_client(), settings.application_id), settings, deadline, logger)
        return publisher.deliver(prepared)
    except Exception as error:
        logger.error("publish failed", extra={"error": type(error).__name__, "reason": str(error)[:500]})
        raise
