"""A team's budget against its month-to-date counters (pure).

Spend is ``costUsd`` against ``monthlyUsd``; with ``monthlyTokens``, tokens (input + output) too;
the budget's use is the larger share. A threshold is crossed when the use reaches it; at 100 %
an ``action: block`` budget makes the team ``over-budget``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

BLOCK_PERCENT = 100
ACTIONS = ("alert", "block")


@dataclass(frozen=True)
class Budget:
    """A team's budget item, as the evaluation needs it."""

    monthly_usd: Decimal
    monthly_tokens: Optional[int]
    thresholds: tuple[int, ...]
    action: str


@dataclass(frozen=True)
class Use:
    """Month-to-date spend and tokens, and the share of the budget used (percent)."""

    cost_usd: Decimal
    tokens: int
    percent: Decimal


def parse_budget(item: Mapping[str, Any], default_thresholds: Sequence[int]) -> Optional[Budget]:
    """The budget of a control item, or None when it sets no positive monthly amount."""
    usd = Decimal(str(item.get("monthlyUsd", 0)))
    tokens = item.get("monthlyTokens")
    tokens = int(tokens) if tokens not in (None, "") and int(tokens) > 0 else None
    if usd <= 0 and tokens is None:
        return None
    raw = item.get("thresholds") or list(default_thresholds)
    thresholds = tuple(sorted({int(t) for t in raw if 0 < int(t) <= 1000}))
    action = item.get("action", "alert")
    return Budget(monthly_usd=usd, monthly_tokens=tokens, thresholds=thresholds,
                  action=action if action in ACTIONS else "alert")


def month_use(budget: Budget, counters: Optional[Mapping[str, Any]]) -> Use:
    """How much of ``budget`` the month's counters (a usage item, or None) have used."""
    counters = counters or {}
    cost = Decimal(str(counters.get("costUsd", 0)))
    tokens = int(counters.get("inputTokens", 0)) + int(counters.get("outputTokens", 0))
    shares = []
    if budget.monthly_usd > 0:
        shares.append(cost * 100 / budget.monthly_usd)
    if budget.monthly_tokens:
        shares.append(Decimal(tokens) * 100 / budget.monthly_tokens)
    return Use(cost_usd=cost, tokens=tokens, percent=max(shares))


def crossed(budget: Budget, use: Use) -> list[int]:
    """The thresholds the use has reached, lowest first."""
    return [t for t in budget.thresholds if use.percent >= t]


def must_block(budget: Budget, use: Use) -> bool:
    """Whether the team is to be refused for the rest of the month."""
    return budget.action == "block" and use.percent >= BLOCK_PERCENT


def alert_text(team: str, month: str, threshold: int, budget: Budget, use: Use, *, blocked: bool) -> tuple[str, str]:
    """(subject, message) of a threshold alert."""
    subject = f"Budget {threshold}% reached: team {team}, {month}"[:99]
    lines = [
        f"Team {team} has used {use.percent.quantize(Decimal('0.1'))}% of its {month} budget.",
        f"Spend: {use.cost_usd.quantize(Decimal('0.01'))} USD of {budget.monthly_usd} USD.",
    ]
    if budget.monthly_tokens:
        lines.append(f"Tokens (input + output): {use.tokens} of {budget.monthly_tokens}.")
    lines.append(f"Threshold: {threshold}%. Action at 100%: {budget.action}.")
    if blocked:
        lines.append("The team is now over budget: the gateway refuses its requests until the month ends"
                     " or its budget is raised and its status set back to active.")
    return subject, "\n".join(lines)
