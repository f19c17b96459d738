"""Usage: the aggregator's counters (usage table), per team and per model, by day or by month."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Iterable, Optional

from functions.shared import store
from functions.shared.dynamo import plain
from functions.shared.store_snapshot import NoStackDocuments, load_documents

from .deps import Deps
from .errors import bad_request
from .models import Usage
from .reply import Reply

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
MAX_DAYS = 366
MAX_MONTHS = 24
_FIELDS = {"requests": "requests", "inputTokens": "input_tokens", "outputTokens": "output_tokens",
           "cacheReadTokens": "cache_read_tokens", "cacheWriteTokens": "cache_write_tokens"}


def counters(item: Optional[dict[str, Any]], period: str, team: Optional[str] = None,
             model: Optional[str] = None) -> dict[str, Any]:
    """A counter item as :class:`Usage` JSON (zeros for a missing item)."""
    item = item or {}
    values = {name: int(item.get(attr, 0)) for attr, name in _FIELDS.items()}
    cost = Decimal(item.get("costUsd", 0))
    return Usage(period=period, team=team, model=model, cost_usd=_money(cost), **values).json_dict()


def _money(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text


def month_to_date(deps: Deps, team: str) -> dict[str, Any]:
    """The team's counters for the current month."""
    month = deps.now().strftime("%Y-%m")
    period = store.month_period(month)
    return counters(deps.usage.get(store.usage_key(team, period)), period)


def period_bounds(granularity: str, start: Optional[str], end: Optional[str], today: date) -> tuple[str, str]:
    """Validated ``start``/``end`` (defaults: this month, or the month to date by day)."""
    if granularity == "day":
        pattern, default_start, default_end = DAY, today.replace(day=1).isoformat(), today.isoformat()
    else:
        pattern, default_start, default_end = MONTH, today.strftime("%Y-%m"), today.strftime("%Y-%m")
    start, end = start or default_start, end or default_end
    for name, value in (("start", start), ("end", end)):
        if not pattern.match(value):
            raise bad_request(f"{name}={value!r}: use {'YYYY-MM-DD' if granularity == 'day' else 'YYYY-MM'}"
                              f" for granularity {granularity}")
    try:
        first, last = (date.fromisoformat(v if granularity == "day" else v + "-01") for v in (start, end))
    except ValueError:
        raise bad_request(f"start={start!r}/end={end!r}: not a calendar date") from None
    if first > last:
        raise bad_request("start is after end")
    span = (last - first).days + 1 if granularity == "day" else (last.year - first.year) * 12 + last.month - first.month + 1
    limit = MAX_DAYS if granularity == "day" else MAX_MONTHS
    if span > limit:
        raise bad_request(f"the period spans {span} {granularity}s; at most {limit}")
    return start, end


def _team_names(deps: Deps) -> list[str]:
    names = {plain(i)["name"] for i in deps.control.scan_all(store.TEAM_SK)}
    try:
        names |= {t["name"] for t in load_documents(deps.control).overlay.get("teams") or []}
    except NoStackDocuments:
        pass
    return sorted(names | {store.UNKNOWN_TEAM})


def report(deps: Deps, team: Optional[str], granularity: str, start: Optional[str], end: Optional[str],
           by_model: bool) -> Reply:
    """Counters of one team (or every team, and ``unknown``) for the period, optionally per model."""
    if granularity not in ("day", "month"):
        raise bad_request(f"granularity={granularity!r}: day or month")
    first, last = period_bounds(granularity, start, end, deps.now().date())
    prefix = store.day_period if granularity == "day" else store.month_period
    teams: Iterable[str] = [team] if team else _team_names(deps)
    rows = []
    for name in teams:
        for item in deps.usage.query_all(store.usage_key(name, prefix(first))[store.PK],
                                         sk_between=(prefix(first), prefix(last) + "~")):
            period, _, model = item[store.SK].partition("#MODEL#")
            if bool(model) == by_model:
                rows.append(counters(item, period, name, model or None))
    return Reply(200, {"granularity": granularity, "start": first, "end": last, "items": rows})
