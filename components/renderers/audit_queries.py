"""The audit workgroup's named Athena queries (Athena engine v3, Trino SQL), as pure text.

Every figure comes from the log line itself: the event time is ``time`` (``at`` for admin
changes), the status ``http_status``, the latency the ``duration`` string (``"1234ms"``), parsed
with :data:`DURATION_MS`. Each query also bounds ``dt`` (the arrival day, see
:mod:`components.renderers.audit_tables`) so Athena reads only the days it needs, one day wider
than the event-time window.
"""

from __future__ import annotations

from dataclasses import dataclass

from .audit_tables import ACCESS_TABLE, ADMIN_TABLE

DURATION_MS = "CAST(regexp_extract(duration, '^([0-9]+(?:\\.[0-9]+)?)ms$', 1) AS double)"
"""agentgateway's ``duration`` (``"1234ms"``) as a number of milliseconds (NULL if it is not one)."""


def _since(days: int) -> str:
    """``dt`` bound: the arrival days that can hold events of the last ``days`` days."""
    return f"dt >= date_format(date_add('day', -{days + 1}, current_date), '%Y-%m-%d')"


def _event_since(column: str, days: int) -> str:
    return f"from_iso8601_timestamp({column}) >= date_add('day', -{days}, current_timestamp)"


@dataclass(frozen=True)
class NamedQuery:
    """One saved query: its name, what it answers, the table it reads and its SQL template."""

    name: str
    description: str
    table: str
    template: str

    def sql(self, database: str) -> str:
        """The query against ``database`` (its tables are ``access`` and ``admin_changes``)."""
        return self.template.format(source=f'"{database}"."{self.table}"')


QUERIES: tuple[NamedQuery, ...] = (
    NamedQuery(
        "spend-by-team-and-month",
        "Requests, tokens and cost (USD, from the model catalog) per team and calendar month (UTC), last 13 months.",
        ACCESS_TABLE,
        f"""SELECT coalesce(team, 'unknown') AS team_name,
       date_format(from_iso8601_timestamp("time"), '%Y-%m') AS month,
       count(*) AS requests,
       sum(input_tokens) AS input_token_total,
       sum(output_tokens) AS output_token_total,
       round(sum(cost_usd), 4) AS cost_usd_total
FROM {{source}}
WHERE {_since(400)}
GROUP BY 1, 2
ORDER BY month DESC, cost_usd_total DESC
""",
    ),
    NamedQuery(
        "refusals",
        "Requests the gateway refused (403 forbidden, 429 rate limited) per team, status and reason, last 30 days.",
        ACCESS_TABLE,
        f"""SELECT coalesce(team, 'unknown') AS team_name,
       http_status,
       coalesce(reason, error, '') AS refusal_reason,
       count(*) AS refusal_count,
       min("time") AS first_seen,
       max("time") AS last_seen
FROM {{source}}
WHERE {_since(30)}
  AND {_event_since('"time"', 30)}
  AND http_status IN (403, 429)
GROUP BY 1, 2, 3
ORDER BY refusal_count DESC
""",
    ),
    NamedQuery(
        "admin-changes-by-actor",
        "Every admin-API mutation of the last 90 days, grouped by actor, newest first.",
        ADMIN_TABLE,
        f"""SELECT actor,
       action,
       target,
       at,
       before,
       after
FROM {{source}}
WHERE {_since(90)}
  AND {_event_since('at', 90)}
  AND audit
ORDER BY actor, at DESC
""",
    ),
    NamedQuery(
        "top-models",
        "The 20 most requested models (as answered, else as asked) with provider, tokens and cost, last 30 days.",
        ACCESS_TABLE,
        f"""SELECT coalesce(response_model, model) AS model_name,
       provider,
       count(*) AS requests,
       sum(total_tokens) AS total_token_count,
       round(sum(cost_usd), 4) AS cost_usd_total
FROM {{source}}
WHERE {_since(30)}
  AND {_event_since('"time"', 30)}
  AND coalesce(response_model, model) IS NOT NULL
GROUP BY 1, 2
ORDER BY requests DESC
LIMIT 20
""",
    ),
    NamedQuery(
        "latency-by-provider",
        "Gateway-measured latency per provider (milliseconds from the duration field: mean, p50, p95, p99) "
        "and its 5xx count, last 7 days.",
        ACCESS_TABLE,
        f"""WITH timed AS (
  SELECT provider,
         http_status,
         {DURATION_MS} AS latency_ms
  FROM {{source}}
  WHERE {_since(7)}
    AND {_event_since('"time"', 7)}
    AND provider IS NOT NULL
)
SELECT provider,
       count(*) AS requests,
       round(avg(latency_ms), 1) AS mean_ms,
       approx_percentile(latency_ms, 0.5) AS p50_ms,
       approx_percentile(latency_ms, 0.95) AS p95_ms,
       approx_percentile(latency_ms, 0.99) AS p99_ms,
       count_if(http_status >= 500) AS server_errors
FROM timed
WHERE latency_ms IS NOT NULL
GROUP BY provider
ORDER BY p95_ms DESC
""",
    ),
)
"""The named queries the workgroup saves (docs/audit-log.md shows how to run them)."""
