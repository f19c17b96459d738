"""Chargeback: the monthly per-team report (CSV and summary) in S3, announced on SNS."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from .budgets import Email
from .model import SettingsModel


class ChargebackSettings(SettingsModel):
    """The monthly chargeback report of the previous month's usage."""

    enabled: bool = True
    """Write the report on the 1st of each month to the reports bucket. Needs ``usage.enabled``. Default true."""
    report_emails: list[Email] = []
    """Addresses subscribed to the report announcement (each confirms by email). Default none."""
    retention_days: Annotated[int, Field(ge=90, le=3650)] = 730
    """Days a report is kept in the bucket (older versions 30 days more). Default 730."""

    @field_validator("report_emails")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len({e.lower() for e in v}) != len(v):
            raise ValueError("addresses must be distinct")
        return v
