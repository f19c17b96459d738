"""Budgets: month-to-date spend against each team's budget, alerts, and blocking at 100 %."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from .model import SettingsModel

EMAIL = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
Email = Annotated[str, Field(pattern=EMAIL, max_length=254)]
"""An email address an SNS subscription can confirm."""


class BudgetsSettings(SettingsModel):
    """Budget checks after each usage batch (budgets themselves are set through the admin API)."""

    enabled: bool = True
    """Check budgets: alerts on the usage notices topic, ``action: block`` teams refused at 100 %
    until the monthly reset. Needs ``usage.enabled``. Default true."""
    alert_emails: list[Email] = []
    """Addresses subscribed to budget alerts (each confirms by email). Default none."""
    default_thresholds: list[Annotated[int, Field(ge=1, le=1000)]] = [50, 80, 100]
    """Percent thresholds of a budget that names none. Default 50, 80, 100."""

    @field_validator("default_thresholds")
    @classmethod
    def _thresholds(cls, v: list[int]) -> list[int]:
        if not v:
            raise ValueError("name at least one threshold")
        if len(set(v)) != len(v):
            raise ValueError("thresholds must be distinct")
        return sorted(v)

    @field_validator("alert_emails")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len({e.lower() for e in v}) != len(v):
            raise ValueError("addresses must be distinct")
        return v
