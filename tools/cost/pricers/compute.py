"""ECS on Fargate: task vCPU and memory at minimum and maximum capacity, Container Insights, ECR."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import HOURS_PER_MONTH

INCLUDED_EPHEMERAL_GB = 20


def ecs_service(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Fargate task-hours of the service's task definition, and the X-Ray traces its tasks send."""
    task = ctx.facts.task_definitions.get(res.urn)
    if task is None:
        raise ValueError(f"{res.name}: no task definition in the inventory matches {res.inputs.get('taskDefinition')!r}")
    arch = "arm" if str(task.get("runtimePlatform", "cpuArchitecture", default="X86_64")).upper() == "ARM64" else "x86"
    vcpu = int(task.inputs.get("cpu", 0)) / 1024
    memory_gb = int(task.inputs.get("memory", 0)) / 1024
    tasks = ctx.tasks_of(res)
    task_hours = tasks * HOURS_PER_MONTH
    label = f"{tasks} task(s) x 730 h, {arch.upper()}"
    charges = [
        Charge("Fargate vCPU", vcpu * task_hours, f"fargate.{arch}.vcpu_hour", "fixed", f"{vcpu:g} vCPU x {label}"),
        Charge("Fargate memory", memory_gb * task_hours, f"fargate.{arch}.gb_hour", "fixed", f"{memory_gb:g} GB x {label}"),
    ]
    extra = int(task.get("ephemeralStorage", "sizeInGiB", default=INCLUDED_EPHEMERAL_GB)) - INCLUDED_EPHEMERAL_GB
    if extra > 0:
        charges.append(Charge("Fargate ephemeral storage", extra * task_hours, "fargate.ephemeral_gb_hour", "fixed",
                              f"{extra} GB above the included 20 GB x {label}"))
    if ctx.facts.traces_exported:
        ratio = ctx.trace_sampling_ratio
        charges.append(Charge("X-Ray traces recorded", ctx.traffic.requests * ratio / 1e6, "xray.million_traces",
                              "variable", f"requests x sampling {ratio:g}"))
    return charges


def ecs_cluster(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Container Insights metrics of the cluster's tasks (the cluster itself is free)."""
    mode = next((s.get("value") for s in res.inputs.get("settings") or [] if s.get("name") == "containerInsights"),
                "disabled")
    if mode not in ("enabled", "enhanced"):
        return []
    metrics = ctx.assumptions.container_insights_metrics_per_task * ctx.total_tasks
    key = "container_insights.enhanced_metric_month" if mode == "enhanced" else "cloudwatch.custom_metric_month"
    return [Charge(f"Container Insights ({mode}) metrics", metrics, key, "fixed",
                   f"{ctx.assumptions.container_insights_metrics_per_task} metrics x {ctx.total_tasks} task(s)")]


def ecr_repository(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Image storage (basic scanning on push is free)."""
    return [Charge("image storage", ctx.assumptions.ecr_storage_gb, "ecr.storage_gb_month", "variable",
                   "images kept (assumption)")]


PRICERS = {
    "aws:ecs/service:Service": ecs_service,
    "aws:ecs/cluster:Cluster": ecs_cluster,
    "aws:ecr/repository:Repository": ecr_repository,
}
