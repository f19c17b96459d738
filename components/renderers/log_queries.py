"""Saved CloudWatch Logs Insights queries over agentgateway's JSON access log.

Field names come from :data:`gateway_config.render.LOG_FIELDS` (read from
agentgateway v1.4.1): flat JSON keys, some with dots, hence the backticks.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from gateway_config.render import LOG_FIELDS


def insights_field(logical: str) -> str:
    """The Logs Insights reference to an access-log field (backticks for keys with dots)."""
    key = LOG_FIELDS[logical]
    return f"`{key}`" if "." in key else key


_f = insights_field
RATE_LIMIT_SERVICE_FAILED = "ratelimit service failed"
"""The start of agentgateway v1.4.1's warning when a ``ShouldRateLimit`` call fails
(``crates/agentgateway/src/http/remoteratelimit.rs``: ``"ratelimit service failed (domain: {}): {:?}; {}"``)."""
RATE_LIMIT_ERROR_FILTER = f'{{ $.{LOG_FIELDS["message"]} = "{RATE_LIMIT_SERVICE_FAILED}*" }}'
"""The metric filter pattern that counts those lines (JSON filter, prefix match)."""
RATE_LIMIT_ERRORS_METRIC = "RateLimitServiceErrors"
"""Published by the gateway log group's metric filter (global rate limits only)."""
REQUEST_LINES = f'filter {_f("scope")} = "request"'
"""Keeps only access-log lines (agentgateway also logs startup and errors to the same group)."""
_DURATION_MS = f"parse {_f('duration')} /(?<duration_ms>[0-9.]+)ms/"

QUERIES: Mapping[str, str] = MappingProxyType({
    "errors": "\n".join([
        f"fields @timestamp, {_f('status')} as status, {_f('path')} as path, {_f('provider')} as provider,"
        f" {_f('model')} as model, {_f('reason')} as reason, {_f('error')} as error, {_f('client_id')} as client",
        f"| {REQUEST_LINES}",
        "| filter status >= 500 or ispresent(error)",
        "| sort @timestamp desc",
        "| limit 200",
    ]),
    "slow-requests": "\n".join([
        f"fields @timestamp, {_f('path')} as path, {_f('provider')} as provider, {_f('model')} as model,"
        f" {_f('output_tokens')} as output_tokens",
        f"| {REQUEST_LINES}",
        f"| {_DURATION_MS}",
        "| filter duration_ms > 30000",
        "| sort duration_ms desc",
        "| limit 100",
    ]),
    "tokens-by-model": "\n".join([
        REQUEST_LINES,
        f"| filter ispresent({_f('total_tokens')})",
        f"| stats sum({_f('input_tokens')}) as input_tokens, sum({_f('output_tokens')}) as output_tokens,"
        f" sum({_f('cached_input_tokens')}) as cached_tokens, sum({_f('total_tokens')}) as total_tokens,"
        f" count(*) as requests by {_f('provider')}, {_f('model')}",
        "| sort total_tokens desc",
    ]),
    "requests-by-client": "\n".join([
        REQUEST_LINES,
        f"| stats count(*) as requests, sum({_f('total_tokens')}) as total_tokens,"
        f" sum({_f('status')} >= 400) as errors by {_f('client_id')}",
        "| sort requests desc",
    ]),
    "throttled-requests": "\n".join([
        REQUEST_LINES,
        f"| filter {_f('status')} = 429",
        f"| stats count(*) as throttled by bin(5m), {_f('provider')}, {_f('client_id')}",
        "| sort throttled desc",
    ]),
    "throttled-by-team": "\n".join([
        # A 429 a rate limit answered carries the access log's rate_limit field ("<limit>=<number>").
        REQUEST_LINES,
        f"| filter {_f('status')} = 429 and ispresent({_f('rate_limit')})",
        f"| stats count(*) as throttled by {_f('team')}, {_f('rate_limit')}",
        "| sort throttled desc",
    ]),
    "rate-limit-service-errors": "\n".join([
        # agentgateway's words when the rate-limit service call fails (http/remoteratelimit.rs).
        f"fields @timestamp, {_f('message')} as message",
        f"| filter {_f('message')} like /{RATE_LIMIT_SERVICE_FAILED}/",
        "| sort @timestamp desc",
        "| limit 200",
    ]),
    "latency-by-provider": "\n".join([
        REQUEST_LINES,
        f"| {_DURATION_MS}",
        "| stats pct(duration_ms, 50) as p50_ms, pct(duration_ms, 90) as p90_ms, pct(duration_ms, 99) as p99_ms,"
        f" count(*) as requests by {_f('provider')}",
    ]),
    "config-reload-errors": "\n".join([
        # agentgateway's own words when a new gateway config or model catalog file does not load
        # (state_manager.rs, llm/cost/mod.rs): the task keeps serving the last good one.
        f"fields @timestamp, {_f('scope')} as scope, {_f('message')} as message",
        f"| filter {_f('level')} = \"error\"",
        f"| filter {_f('message')} like /Failed to reload config/ or {_f('message')} like /failed to reload model catalog/",
        "| sort @timestamp desc",
        "| limit 200",
    ]),
    "error-rate-by-provider": "\n".join([
        REQUEST_LINES,
        f"| stats count(*) as requests, sum({_f('status')} >= 500) as errors, 100 * sum({_f('status')} >= 500) / count(*)"
        f" as error_pct by {_f('provider')}",
        "| sort error_pct desc",
    ]),
})
"""Query name -> Logs Insights query text (saved under ``<project>-<stack>/<name>``)."""
