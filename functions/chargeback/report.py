"""The monthly chargeback report (pure): per team, the month's totals and per-model breakdown and
the change from the month before, as CSV and as a Markdown summary.

Input is the usage table's month items (``TEAM#<team>`` / ``MONTH#<YYYY-MM>`` and
``MONTH#<YYYY-MM>#MODEL#<model>``) of the two months. Money stays ``Decimal``; the CSV writes
costs with 6 decimals, the summary with 2.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping, Optional

from functions.shared import store

ALL_MODELS = "(all)"
CSV_COLUMNS = ("month", "team", "model", "requests", "inputTokens", "outputTokens", "cacheReadTokens",
               "cacheWriteTokens", "costUsd", "previousCostUsd", "changeUsd", "changePercent")


def _zero() -> dict[str, Decimal]:
    return {name: Decimal(0) for name in store.COUNTERS}


@dataclass
class TeamMonth:
    """One team's month: the totals and each model's."""

    total: dict[str, Decimal] = field(default_factory=_zero)
    models: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def previous_month(month: str) -> str:
    """``2026-01`` -> ``2025-12``."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def month_totals(items: Iterable[Mapping[str, Any]], month: str) -> dict[str, TeamMonth]:
    """team -> its month, from usage items (other items are ignored)."""
    period = store.month_period(month)
    teams: dict[str, TeamMonth] = {}
    for item in items:
        pk, sk = str(item.get(store.PK, "")), str(item.get(store.SK, ""))
        if not pk.startswith("TEAM#") or not (sk == period or sk.startswith(f"{period}#MODEL#")):
            continue
        team = teams.setdefault(pk[len("TEAM#"):], TeamMonth())
        values = {name: Decimal(str(item.get(name, 0))) for name in store.COUNTERS}
        if sk == period:
            team.total = values
        else:
            team.models[sk[len(f"{period}#MODEL#"):]] = values
    return teams


def _change(current: Decimal, previous: Decimal) -> tuple[Decimal, Optional[Decimal]]:
    change = current - previous
    percent = None if previous == 0 else (change * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return change, percent


def _usd(value: Decimal, places: str = "0.000001") -> str:
    return str(value.quantize(Decimal(places), ROUND_HALF_UP))


def rows(month: str, current: Mapping[str, TeamMonth], previous: Mapping[str, TeamMonth]) -> list[dict[str, str]]:
    """The CSV rows: per team a total row (model ``(all)``), then one per model, teams by name.

    A team with usage only in the previous month appears with zero totals (its change is the drop).
    """
    result = []
    for team in sorted(set(current) | set(previous)):
        now, before = current.get(team, TeamMonth()), previous.get(team, TeamMonth())
        entries = [(ALL_MODELS, now.total, before.total)]
        entries += [(model, now.models[model], before.models.get(model, _zero())) for model in sorted(now.models)]
        for model, values, old in entries:
            change, percent = _change(values["costUsd"], old["costUsd"])
            result.append({
                "month": month, "team": team, "model": model,
                **{name: str(int(values[name])) for name in store.COUNTERS if name != "costUsd"},
                "costUsd": _usd(values["costUsd"]), "previousCostUsd": _usd(old["costUsd"]),
                "changeUsd": _usd(change), "changePercent": "" if percent is None else str(percent),
            })
    return result


def csv_text(report_rows: Iterable[Mapping[str, str]]) -> str:
    """The rows as CSV (header first, ``\\n`` line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in report_rows:
        writer.writerow(dict(row))
    return out.getvalue()


def summary_markdown(month: str, current: Mapping[str, TeamMonth], previous: Mapping[str, TeamMonth]) -> str:
    """A readable summary: the month's total, a table of teams by spend, each team's top models."""
    total = sum((t.total["costUsd"] for t in current.values()), Decimal(0))
    before = sum((t.total["costUsd"] for t in previous.values()), Decimal(0))
    change, percent = _change(total, before)
    share = "" if percent is None else ", " + _signed(percent, "0.1") + " %"
    lines = [f"# Chargeback {month}", "",
             f"Total spend: {_usd(total, '0.01')} USD ({_signed(change)} USD{share} from {previous_month(month)}).", "",
             "| Team | Requests | Input tokens | Output tokens | Spend (USD) | Change (USD) | Change |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    teams = sorted(set(current) | set(previous),
                   key=lambda t: (-current.get(t, TeamMonth()).total["costUsd"], t))
    for team in teams:
        now, old = current.get(team, TeamMonth()).total, previous.get(team, TeamMonth()).total
        team_change, team_percent = _change(now["costUsd"], old["costUsd"])
        relative = "new" if team_percent is None else _signed(team_percent, "0.1") + " %"
        lines.append(f"| {team} | {int(now['requests'])} | {int(now['inputTokens'])} | {int(now['outputTokens'])}"
                     f" | {_usd(now['costUsd'], '0.01')} | {_signed(team_change)} | {relative} |")
    for team in teams:
        models = current.get(team, TeamMonth()).models
        if models:
            top = sorted(models.items(), key=lambda m: (-m[1]["costUsd"], m[0]))[:5]
            lines += ["", f"## {team}", ""]
            lines += [f"- {model}: {int(v['requests'])} requests, {_usd(v['costUsd'], '0.01')} USD" for model, v in top]
    if not teams:
        lines.append("| (no usage) | 0 | 0 | 0 | 0.00 | 0.00 | |")
    return "\n".join(lines) + "\n"


def _signed(value: Decimal, places: str = "0.01") -> str:
    text = _usd(value, places)
    return text if text.startswith("-") else f"+{text}"
