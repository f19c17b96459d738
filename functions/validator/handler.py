"""Lambda entry point of the AppConfig validator (``functions.validator.handler.handler``).

Environment: ``VALIDATES`` (``gateway`` or ``catalog``: the stack attaches one function to each
profile), ``APPLICATION_ID``, ``PROVIDED_ENV`` (comma-separated env var names the gateway task
provides). Raising fails the AppConfig deployment; the return value is
informational. AppConfig gives a validator 15 s including start-up (docs: Lambda validators).
"""

from __future__ import annotations

from typing import Any

from functions.shared.log import make_logger, service_name

from .check import ConfigurationRejected, ValidatorSettings, problems, rejection

logger = make_logger(service_name("validator"))


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Check the configuration in ``event``; raise ``ConfigurationRejected`` listing its problems."""
    settings = ValidatorSettings.from_env()
    try:
        kind, found = problems(event, settings)
    except ConfigurationRejected as error:
        logger.info("event rejected", extra={"reason": str(error)[:300]})
        raise
    context_fields = {"profile": kind, "profile_id": event.get("configurationProfileId"),
                      "version": event.get("configurationVersion"), "problems": len(found)}
    if found:
        logger.info("configuration rejected", extra={**context_fields, "first_problem": found[0][:300]})
        raise rejection(kind, event, found)
    logger.info("configuration accepted", extra=context_fields)
    return {"valid": True, "profile": kind}
