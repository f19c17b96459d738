"""What the routes work with: settings, the two tables, the AWS clients, the logger and the clock.

Built once per container from the environment (:func:`from_env`, boto3 imported there); tests
build one over moto and Stubber clients.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from functions.shared.appconfig import AppConfig
from functions.shared.tables import Table

from .settings import AdminSettings


def stdout_line(line: str) -> None:
    """Write one line to stdout (Lambda sends it to the function's log group as one event)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


@dataclass
class Deps:
    """Everything a route needs besides the request."""

    settings: AdminSettings
    control: Table
    usage: Table
    cognito: Any
    """A ``cognito-idp`` client."""
    lambda_client: Any
    appconfig: AppConfig
    logger: Any
    now: Callable[[], datetime] = field(default=utc_now)
    audit_sink: Callable[[str], None] = field(default=stdout_line)
    """Where audit lines go (stdout; the audit helper ships the log group's lines to Firehose)."""


def from_env(logger: Any) -> Deps:
    """The function's dependencies from its environment (one set of clients per container)."""
    import boto3

    settings = AdminSettings.from_env()
    dynamodb = boto3.client("dynamodb")
    return Deps(settings=settings, control=Table(dynamodb, settings.control_table),
                usage=Table(dynamodb, settings.usage_table), cognito=boto3.client("cognito-idp"),
                lambda_client=boto3.client("lambda"),
                appconfig=AppConfig(boto3.client("appconfig"), settings.application_id), logger=logger)
