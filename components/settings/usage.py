"""Usage metering: the aggregator that turns the gateway's access log into per-team counters."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .model import SettingsModel


class UsageSettings(SettingsModel):
    """Per-team and per-model request, token and cost counters from the access log (DynamoDB)."""

    enabled: bool = True
    """Count usage: a subscription filter on the gateway log group feeds the aggregator Lambda,
    which also publishes per-team metrics for the dashboard. Budgets and chargeback need it. Default true."""
    reserved_concurrency: Annotated[int, Field(ge=1, le=20)] = 2
    """Aggregator instances at most (batches beyond wait in Lambda's queue, nothing is lost). Default 2."""
