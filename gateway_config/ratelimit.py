"""Per-team rate limits in the data plane, in agentgateway v1.4.1's two forms (docs/adr/0015).

A team's limits are its own ``limits``, field by field over its tier's (:func:`effective_limits`).
Only active teams get a rule: a suspended or over-budget team is refused anyway (``directResponse``,
which runs after the rate limits). A caller of no team exists only when the overlay has no
teams (with teams, authorization refuses it first); it gets the limits of ``rateLimit.defaultTier``.

``local`` (:func:`local_rate_limit`): ``localRateLimit`` with one conditional entry per team.
agentgateway gives each entry one token bucket, shared by every request that selects it, in each
task: an entry shared by two teams would be one bucket for both, so every team gets its own entry
(even teams with equal numbers), and more than 64 entries (agentgateway's cap) is a ``ValueError``,
never a truncation. An entry holds one bucket of one kind and the first matching entry wins, so
local limits count requests per minute only. The limit is per task (N tasks allow N times it) and
every reload of the config file refills every bucket.

``global`` (:func:`remote_rate_limit`): ``remoteRateLimit`` to envoyproxy/ratelimit beside the
gateway, one descriptor per kind of limit, keyed by the limit's name and the caller's team (or,
with no teams in the overlay, its client id), each carrying its numbers in ``limitOverride`` so
the service's own config stays static: it declares the domain and nothing else (an override is
honoured only for a known domain: ``src/config/config_impl.go`` ``GetLimit``). Token limits are
counted on completion (agentgateway's default cost ``llm.totalTokens``); a request is refused
once a window's count is over.

What a limited caller sees: ``429`` with ``x-ratelimit-limit``/``-remaining``/``-reset`` (local:
agentgateway's own headers; global: the service's, renamed to the same names) and ``retry-after``
(the listener's response transformation copies ``x-ratelimit-reset`` into it on a 429 that has no
``retry-after`` yet). The body cannot name the limit: agentgateway's local 429 body is its fixed
``rate limit exceeded``, and the service sends no body; the access log's ``rate_limit`` field does.
"""

from __future__ import annotations

from typing import Any, Optional

from . import cel
from .model import GatewayBase, GatewayOverlay, Limits, Team
from .teams import MAX_CONDITIONAL_ENTRIES, caller_team_expression, members_condition

WINDOW = "60s"
"""The local buckets' fill interval: requests per minute."""
LIMIT_HEADER = "x-ratelimit-limit"
REMAINING_HEADER = "x-ratelimit-remaining"
RESET_HEADER = "x-ratelimit-reset"
RETRY_AFTER = "retry-after"
KINDS = (
    # (limit name = descriptor value, Limits field, agentgateway type, unit of the override)
    ("requests_per_minute", "requests_per_minute", "requests", "minute"),
    ("tokens_per_minute", "tokens_per_minute", "tokens", "minute"),
    ("tokens_per_day", "tokens_per_day", "tokens", "day"),
)
LIMIT_KEY = "limit"
TEAM_KEY = "team"
CLIENT_KEY = "client"
FAILURE_MODES = {"open": "failOpen", "closed": "failClosed"}


def effective_limits(base: GatewayBase, team: Team) -> Limits:
    """The team's limits: its own, field by field over its tier's."""
    tier = base.tiers.get(team.tier)
    tier_limits = tier.limits if tier is not None else Limits()
    return team.limits.over(tier_limits) if team.limits is not None else tier_limits


def default_limits(base: GatewayBase) -> Limits:
    """What a caller of no team gets: the default tier's limits."""
    assert base.rate_limit is not None
    tier = base.rate_limit.default_tier
    return base.tiers[tier].limits if tier is not None else Limits()


def _caller_team(base: GatewayBase, overlay: GatewayOverlay) -> Optional[str]:
    """The caller's team as CEL (:func:`~gateway_config.teams.caller_team_expression`); None
    without JWT validation or without teams."""
    if base.jwt is None:
        return None
    return caller_team_expression(overlay.teams, base.jwt.user_client_ids)


def _limited_teams(overlay: GatewayOverlay) -> list[Team]:
    return sorted((t for t in overlay.teams if t.status == "active"), key=lambda t: t.name)


def local_rate_limit(base: GatewayBase, overlay: GatewayOverlay) -> Optional[dict[str, Any]]:
    """``localRateLimit`` (conditional, one entry per active team with a request limit); None when
    no caller has one. ``ValueError`` when more entries than agentgateway allows are needed."""
    assert base.rate_limit is not None and base.rate_limit.mode == "local"
    users = base.jwt.user_client_ids if base.jwt is not None else []
    entries: list[dict[str, Any]] = []
    if overlay.teams:
        for team in _limited_teams(overlay):
            rpm = effective_limits(base, team).requests_per_minute
            if rpm is not None:
                entries.append({"condition": members_condition([team], users), **_bucket(rpm)})
    else:
        rpm = default_limits(base).requests_per_minute
        if rpm is not None:
            entries.append(_bucket(rpm))
    if len(entries) > MAX_CONDITIONAL_ENTRIES:
        raise ValueError(f"teams: {len(entries)} teams have their own request limit; agentgateway's local rate"
                         f" limits hold {MAX_CONDITIONAL_ENTRIES} rules (one bucket each): use rateLimit.mode global")
    return {"conditional": entries} if entries else None


def _bucket(per_minute: int) -> dict[str, Any]:
    return {"maxTokens": per_minute, "tokensPerFill": per_minute, "fillInterval": WINDOW, "type": "requests"}


def _override(number: int, unit: str) -> str:
    return f'{{"unit": {cel.string(unit)}, "requestsPerUnit": {number}}}'


def descriptors(base: GatewayBase, overlay: GatewayOverlay) -> list[dict[str, Any]]:
    """The descriptor set: per kind of limit that some caller has, ``[limit, team]`` (or
    ``[limit, client]`` without teams) with the caller's numbers as ``limitOverride``. A team
    without that kind of limit is missing from the override's map, so the descriptor fails to
    evaluate for it and is skipped (no limit)."""
    team_expression = _caller_team(base, overlay)
    result = []
    for name, field, kind, unit in KINDS:
        if team_expression is not None:
            numbers = {t.name: getattr(effective_limits(base, t), field) for t in _limited_teams(overlay)}
            numbers = {team: n for team, n in numbers.items() if n is not None}
            if not numbers:
                continue
            key, value = TEAM_KEY, team_expression
            table = cel.expression_map({t: _override(n, unit) for t, n in numbers.items()})
            override = f"{table}[{team_expression}]"
        else:
            number = getattr(default_limits(base), field)
            if number is None:
                continue
            # Without JWT validation there is no client id: every caller shares one counter.
            key, value = (CLIENT_KEY, "jwt.client_id") if base.jwt is not None else (CLIENT_KEY, cel.string("anonymous"))
            override = _override(number, unit)
        result.append({"entries": [{"key": LIMIT_KEY, "value": cel.string(name)}, {"key": key, "value": value}],
                       "type": kind, "limitOverride": override})
    return result


def remote_rate_limit(base: GatewayBase, overlay: GatewayOverlay) -> Optional[dict[str, Any]]:
    """``remoteRateLimit`` to the rate-limit service; None when no caller has a limit."""
    limits = base.rate_limit
    assert limits is not None and limits.mode == "global" and limits.service is not None
    found = descriptors(base, overlay)
    if not found:
        return None
    return {"domain": limits.domain, "host": limits.service, "descriptors": found,
            "failureMode": FAILURE_MODES[limits.failure_mode]}


def route_policies(base: GatewayBase, overlay: GatewayOverlay) -> dict[str, Any]:
    """The rate-limit policy of every route (empty when rate limiting is off or limits nobody)."""
    if base.rate_limit is None:
        return {}
    if base.rate_limit.mode == "local":
        policy = local_rate_limit(base, overlay)
        return {"localRateLimit": policy} if policy else {}
    policy = remote_rate_limit(base, overlay)
    return {"remoteRateLimit": policy} if policy else {}


RETRY_AFTER_EXPRESSION = (f"{cel.string(RETRY_AFTER)} in response.headers ? response.headers[{cel.string(RETRY_AFTER)}]"
                          f" : (response.code == 429 ? response.headers[{cel.string(RESET_HEADER)}] : null)")
"""``retry-after`` of a response: its own if it has one, else, on a 429, the seconds until the
limit's window resets; otherwise null or a failed lookup, and agentgateway sets no header."""


def listener_policies(base: GatewayBase) -> dict[str, Any]:
    """The listener's response transformation that adds ``retry-after`` to a rate-limited 429.
    Gateway-level policies run on every response, the ones a rate limit answers included (a route's
    transformation is chosen after the rate limits and never sees them)."""
    if base.rate_limit is None:
        return {}
    return {"transformations": {"response": {"set": {RETRY_AFTER: RETRY_AFTER_EXPRESSION}}}}


def access_log_fields(base: GatewayBase, overlay: GatewayOverlay, key: str) -> dict[str, str]:
    """The access log's ``rate_limit`` field: on a 429 from a rate limit, the name and number of
    the limit that was hit (``requests_per_minute=100``); absent on every other line (agentgateway
    drops a field whose expression is null or fails)."""
    if base.rate_limit is None:
        return {}
    number = f"response.headers[{cel.string(LIMIT_HEADER)}]"
    if base.rate_limit.mode == "local":
        return {key: _on_429(f"{cel.string('requests_per_minute=')} + {number}")}
    # Global: the service reports the number of the limit that was hit; name it from the
    # caller's limits (the first kind with that number).
    team_expression = _caller_team(base, overlay)
    if team_expression is not None:
        names = {t.name: _names(effective_limits(base, t)) for t in _limited_teams(overlay)}
        names = {team: table for team, table in names.items() if table}
        if not names:
            return {}
        table = cel.expression_map({t: cel.string_map(m) for t, m in names.items()})
        lookup = f"{table}[{team_expression}][{number}]"
    else:
        by_number = _names(default_limits(base))
        if not by_number:
            return {}
        lookup = f"{cel.string_map(by_number)}[{number}]"
    return {key: _on_429(f"{lookup} + {cel.string('=')} + {number}")}


def _on_429(expression: str) -> str:
    # null (and a failed lookup, on a 429 no rate limit answered) leave the field out of the line.
    return f"response.code == 429 ? {expression} : null"


def _names(limits: Limits) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, field, _, _ in KINDS:
        number = getattr(limits, field)
        if number is not None:
            names.setdefault(str(number), name)
    return names
