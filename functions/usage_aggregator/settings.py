"""The aggregator's environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from functions.shared.env import read_env

REQUIRED = ("USAGE_TABLE", "METRICS_NAMESPACE", "BUDGETS_ENABLED")
BUDGET_NAMES = ("CONTROL_TABLE", "BUDGET_TOPIC_ARN", "PUBLISHER_FUNCTION", "DEFAULT_THRESHOLDS")


@dataclass(frozen=True)
class AggregatorSettings:
    """Where to count, where metrics go, and (with budgets on) what to check against."""

    usage_table: str
    metrics_namespace: str
    budgets_enabled: bool
    control_table: str = ""
    topic_arn: str = ""
    publisher_function: str = ""
    default_thresholds: tuple[int, ...] = ()

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "AggregatorSettings":
        """``USAGE_TABLE``, ``METRICS_NAMESPACE``, ``BUDGETS_ENABLED`` (``true``/``false``); with
        budgets, ``CONTROL_TABLE``, ``BUDGET_TOPIC_ARN``, ``PUBLISHER_FUNCTION`` and
        ``DEFAULT_THRESHOLDS`` (comma-separated percents)."""
        env = read_env(REQUIRED, environ)
        enabled = env["BUDGETS_ENABLED"].lower() == "true"
        if not enabled:
            return cls(env["USAGE_TABLE"], env["METRICS_NAMESPACE"], False)
        budget = read_env(BUDGET_NAMES, environ)
        thresholds = tuple(int(p) for p in budget["DEFAULT_THRESHOLDS"].split(",") if p.strip())
        return cls(env["USAGE_TABLE"], env["METRICS_NAMESPACE"], True, budget["CONTROL_TABLE"],
                   budget["BUDGET_TOPIC_ARN"], budget["PUBLISHER_FUNCTION"], thresholds)
