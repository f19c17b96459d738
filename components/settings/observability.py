"""Observability settings: logs, metrics, traces, alarms."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field, field_validator

from .model import SettingsModel, check_retention


class AlarmSettings(SettingsModel):
    """Alarm thresholds."""

    error_rate_percent: Annotated[float, Field(gt=0, le=100)] = 5.0
    """5xx responses as a percentage of requests. Default 5."""
    p99_latency_seconds: Annotated[float, Field(gt=0, le=4000)] = 60.0
    """p99 target response time. Default 60 (LLM streams are long)."""
    evaluation_minutes: Annotated[int, Field(ge=1, le=60)] = 5
    """Minutes a threshold must be breached. Default 5."""


class ObservabilitySettings(SettingsModel):
    """Logs, metrics, dashboard and alarms."""

    log_retention_days: Optional[int] = None
    """Retention of every log group. Default and minimum: 30 days in dev, 90 in staging, 365 in prod."""
    metrics_namespace: Annotated[str, Field(pattern=r"^[A-Za-z0-9._/#:-]{1,255}$")] = "AIGateway"
    """CloudWatch namespace of the gateway's token and cost metrics. Default AIGateway."""
    trace_sampling_ratio: Annotated[float, Field(ge=0, le=1)] = 0.1
    """Share of requests traced to X-Ray. Default 0.1."""
    alarm_topic_arns: list[Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$")]] = []
    """Existing SNS topics for alarm actions. Default: create an encrypted topic."""
    alarms: AlarmSettings = AlarmSettings()
    """Alarm thresholds."""

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, v: Optional[int]) -> Optional[int]:
        return check_retention(v)
