"""The control plane's serverless parts: Lambda, API Gateway, EventBridge Scheduler, AppConfig."""

from __future__ import annotations

import re

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import HOURS_PER_MONTH, SECONDS_PER_MONTH

RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
MINUTES = {"minute": 1, "hour": 60, "day": 1440}


def lambda_function(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Requests and GB-seconds (ARM64 is cheaper per GB-second)."""
    a = ctx.assumptions
    arch = "arm" if "arm64" in (res.inputs.get("architectures") or []) else "x86"
    memory_gb = int(res.inputs.get("memorySize") or 128) / 1024
    invocations = a.lambda_invocations_per_function
    return [
        Charge("requests", invocations / 1e6, "lambda.million_requests", "variable", f"{invocations:,} invocations"),
        Charge("compute", invocations * a.lambda_duration_ms / 1000 * memory_gb, f"lambda.{arch}.gb_second",
               "variable", f"{a.lambda_duration_ms:g} ms x {memory_gb:g} GB, {arch.upper()}"),
    ]


def rest_api(res: Resource, ctx: PricingContext) -> list[Charge]:
    """REST API requests (the admin API)."""
    requests = ctx.assumptions.admin_api_requests_per_month
    return [Charge("REST API requests", requests / 1e6, "apigateway.rest_million_requests", "variable",
                   f"{requests:,} requests (assumption)")]


def api_stage(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A stage costs nothing unless it has a cache cluster."""
    if not res.inputs.get("cacheClusterEnabled"):
        return []
    size = str(res.inputs.get("cacheClusterSize") or "0.5")
    return [Charge(f"cache ({size} GB)", HOURS_PER_MONTH, f"apigateway.cache_hour.{size}", "fixed", "730 h")]


def schedule(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Invocations: computed for ``rate()``, assumed for ``cron()``."""
    expression = str(res.inputs.get("scheduleExpression", "")).strip()
    match = RATE.match(expression)
    if match:
        unit = match.group(2).rstrip("s")
        per_month = HOURS_PER_MONTH * 60 / (int(match.group(1)) * MINUTES[unit])
        basis = expression
    else:
        per_month = ctx.assumptions.cron_invocations_per_month
        basis = f"{expression or 'one-time'}: {per_month:,} invocations (assumption)"
    return [Charge("invocations", per_month / 1e6, "scheduler.million_invocations", "variable", basis)]


def appconfig_environment(res: Resource, ctx: PricingContext) -> list[Charge]:
    """The AppConfig agent in every task polls each profile, and receives each new version."""
    a = ctx.assumptions
    profiles = ctx.facts.appconfig_profiles.get(str(res.inputs.get("applicationId", "")), 1)
    tasks = ctx.total_tasks
    polls = tasks * profiles * SECONDS_PER_MONTH / a.appconfig_poll_seconds
    return [
        Charge("configuration requests", polls, "appconfig.request", "variable",
               f"{tasks} task(s) x {profiles} profile(s), every {a.appconfig_poll_seconds} s"),
        Charge("configurations received", tasks * profiles * a.appconfig_deployments_per_month,
               "appconfig.configuration_received", "variable",
               f"{a.appconfig_deployments_per_month} new versions x {tasks} task(s) x {profiles} profile(s)"),
    ]


PRICERS = {
    "aws:lambda/function:Function": lambda_function,
    "aws:apigateway/restApi:RestApi": rest_api,
    "aws:apigateway/stage:Stage": api_stage,
    "aws:scheduler/schedule:Schedule": schedule,
    "aws:appconfig/environment:Environment": appconfig_environment,
}
