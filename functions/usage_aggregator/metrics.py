"""Per-team EMF metrics of a batch (Powertools Metrics): the dashboard's tokens and cost by team.

agentgateway's own metrics carry labels fixed at task start, so they cannot name teams created
later; these come from the counted requests instead (replays are not counted twice). One EMF
record per team, dimension ``team``; one record of the batch's own counts, dimension ``source``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from .lines import Usage

TEAM_DIMENSION = "team"
TEAM_REQUESTS = "TeamRequests"
TEAM_TOKENS = "TeamTokens"
TEAM_COST = "TeamCostUsd"
SOURCE_DIMENSION = "source"
SOURCE = "usage-aggregator"
MALFORMED = "MalformedLines"
DUPLICATES = "DuplicateEvents"
UNKNOWN = "UnknownTeamRequests"

PUBLISHED: dict[str, tuple[str, ...]] = {
    TEAM_REQUESTS: (TEAM_DIMENSION,), TEAM_TOKENS: (TEAM_DIMENSION,), TEAM_COST: (TEAM_DIMENSION,),
    MALFORMED: (SOURCE_DIMENSION,), DUPLICATES: (SOURCE_DIMENSION,), UNKNOWN: (SOURCE_DIMENSION,),
}
"""Every metric :func:`emit` writes (namespace ``METRICS_NAMESPACE``) -> its one dimension set; all
are sums over the period."""


def team_totals(usages: Iterable[Usage]) -> dict[str, dict[str, float]]:
    """team -> {TeamRequests, TeamTokens (input + output), TeamCostUsd} of the counted requests."""
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: {TEAM_REQUESTS: Decimal(0), TEAM_TOKENS: Decimal(0),
                                                                  TEAM_COST: Decimal(0)})
    for u in usages:
        row = totals[u.team]
        row[TEAM_REQUESTS] += 1
        row[TEAM_TOKENS] += Decimal(u.counters["inputTokens"]) + Decimal(u.counters["outputTokens"])
        row[TEAM_COST] += Decimal(u.counters["costUsd"])
    return {team: {name: float(value) for name, value in row.items()} for team, row in sorted(totals.items())}


def emit(namespace: str, counted: Iterable[Usage], *, malformed: int, duplicates: int) -> None:
    """Print the batch's EMF records to stdout (CloudWatch Logs turns them into metrics)."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    counted = list(counted)
    metrics = EphemeralMetrics(namespace=namespace)
    for team, values in team_totals(counted).items():
        metrics.add_dimension(TEAM_DIMENSION, team)
        metrics.add_metric(name=TEAM_REQUESTS, unit=MetricUnit.Count, value=values[TEAM_REQUESTS])
        metrics.add_metric(name=TEAM_TOKENS, unit=MetricUnit.Count, value=values[TEAM_TOKENS])
        metrics.add_metric(name=TEAM_COST, unit=MetricUnit.NoUnit, value=values[TEAM_COST])
        metrics.flush_metrics()
    metrics.add_dimension(SOURCE_DIMENSION, SOURCE)
    metrics.add_metric(name=MALFORMED, unit=MetricUnit.Count, value=malformed)
    metrics.add_metric(name=DUPLICATES, unit=MetricUnit.Count, value=duplicates)
    metrics.add_metric(name=UNKNOWN, unit=MetricUnit.Count, value=sum(1 for u in counted if u.unknown))
    metrics.flush_metrics()
