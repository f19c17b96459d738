"""Service settings: the Fargate task and its scaling."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .errors import FieldProblem
from .images import AGENTGATEWAY_IMAGE, COLLECTOR_IMAGE, DIGEST_PINNED_IMAGE
from .model import SettingsModel

FARGATE_MEMORY_BY_CPU = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}


CONFIG_SIDECARS_MEMORY_MIB = 256
"""Memory of the AppConfig agent and the config check container together (128 MiB each)."""
MIN_GATEWAY_MEMORY_MIB = 256


class ServiceSettings(SettingsModel):
    """ECS Fargate service running agentgateway and the ADOT collector."""

    image: str = AGENTGATEWAY_IMAGE
    """agentgateway image, pinned by digest (``repo@sha256:...``)."""
    collector_image: str = COLLECTOR_IMAGE
    """ADOT collector image, pinned by digest."""
    cpu: Literal[256, 512, 1024, 2048, 4096, 8192, 16384] = 1024
    """Task CPU units. Default 1024."""
    memory: int = 2048
    """Task memory in MiB; must suit cpu (Fargate combinations). Default 2048."""
    collector_cpu: Annotated[int, Field(ge=128, le=1024)] = 256
    """CPU units reserved for the collector sidecar. Default 256."""
    collector_memory: Annotated[int, Field(ge=128, le=2048)] = 256
    """Memory (MiB) reserved for the collector sidecar. Default 256."""
    architecture: Literal["X86_64", "ARM64"] = "X86_64"
    """CPU architecture of the tasks; ARM64 Fargate costs about 20% less per vCPU and GB (both pinned
    images must then be multi-architecture). Default X86_64."""
    min_capacity: Annotated[int, Field(ge=1, le=100)] = 2
    """Minimum running tasks (autoscaling floor); each task of the default size (1 vCPU, 2 GiB) costs
    about $36 a month on X86_64. Default 2."""
    max_capacity: Annotated[int, Field(ge=1, le=200)] = 6
    """Maximum running tasks. Default 6."""
    cpu_target_percent: Annotated[int, Field(ge=10, le=95)] = 70
    """Target average CPU for scaling. Default 70."""
    requests_per_target: Annotated[int, Field(ge=10, le=100_000)] = 500
    """Target ALB requests per task per minute for scaling. Default 500."""
    stop_timeout_seconds: Annotated[int, Field(ge=2, le=120)] = 120
    """Seconds a stopping gateway container gets to finish streams. Default 120 (Fargate maximum)."""
    log_level: Literal["error", "warn", "info", "debug"] = "info"
    """agentgateway log level. Default info."""
    ecr_keep_images: Annotated[int, Field(ge=1, le=1000)] = 20
    """Images kept in the per-stack ECR repository. Default 20."""

    @field_validator("image", "collector_image")
    @classmethod
    def _digest_pinned(cls, v: str) -> str:
        if not DIGEST_PINNED_IMAGE.match(v):
            raise ValueError("must be pinned by digest (repository@sha256:<64 hex>), not a tag")
        return v

    @model_validator(mode="after")
    def _sizes(self) -> "ServiceSettings":
        if self.memory not in FARGATE_MEMORY_BY_CPU[self.cpu]:
            allowed = FARGATE_MEMORY_BY_CPU[self.cpu]
            raise FieldProblem("memory", f"{self.memory} MiB is not valid with cpu {self.cpu} (allowed {allowed[0]}-{allowed[-1]})")
        if self.collector_cpu >= self.cpu:
            raise FieldProblem("collectorCpu", "the collector's reservation must leave room for the gateway")
        gateway_memory = self.memory - self.collector_memory - CONFIG_SIDECARS_MEMORY_MIB
        if gateway_memory < MIN_GATEWAY_MEMORY_MIB:
            raise FieldProblem("collectorMemory", f"leaves the gateway {gateway_memory} MiB of {self.memory} (the"
                                                  f" config sidecars take {CONFIG_SIDECARS_MEMORY_MIB}); it needs"
                                                  f" {MIN_GATEWAY_MEMORY_MIB}")
        if self.min_capacity > self.max_capacity:
            raise FieldProblem("minCapacity", f"{self.min_capacity} is above maxCapacity {self.max_capacity}")
        return self
