"""The functions' logger: AWS Lambda Powertools, one JSON object per line.

The level comes from ``POWERTOOLS_LOG_LEVEL`` (or ``LOG_LEVEL``) as Powertools reads it, INFO by
default. Log decisions with ids, versions and hashes in ``extra``; never a config's content.
"""

from __future__ import annotations

import os
from typing import IO, Optional

from aws_lambda_powertools import Logger


def service_name(default: str) -> str:
    """``POWERTOOLS_SERVICE_NAME`` when the function's environment sets it, else ``default``."""
    return os.environ.get("POWERTOOLS_SERVICE_NAME") or default


def make_logger(service: str, *, stream: Optional[IO[str]] = None) -> Logger:
    """A Powertools ``Logger`` for ``service`` writing JSON lines to ``stream`` (stdout by default).

    Powertools configures the underlying ``logging`` logger once per service name; a test that
    wants its own stream passes a service name of its own.
    """
    return Logger(service=service, stream=stream, utc=True)
