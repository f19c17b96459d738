"""The dashboard's per-team charts: the usage aggregator's EMF metrics (dimension ``team``)."""

from __future__ import annotations

from functions.usage_aggregator import metrics as usage_metrics

from .metrics_catalog import DashboardPanel

TEAM_PANELS: tuple[DashboardPanel, ...] = (
    DashboardPanel("Tokens by team (input + output)", usage_metrics.TEAM_TOKENS, (usage_metrics.TEAM_DIMENSION,)),
    DashboardPanel("Cost by team (USD)", usage_metrics.TEAM_COST, (usage_metrics.TEAM_DIMENSION,)),
    DashboardPanel("Requests by team", usage_metrics.TEAM_REQUESTS, (usage_metrics.TEAM_DIMENSION,)),
)
"""Charts of every team's tokens, cost and requests (a SEARCH finds teams created after the deploy)."""


def usage_panels(usage_enabled: bool) -> tuple[DashboardPanel, ...]:
    """The per-team charts when usage is metered, else none."""
    return TEAM_PANELS if usage_enabled else ()
