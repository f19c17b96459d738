"""The gateway task's container definitions as a pure function (ECS ``containerDefinitions`` JSON).

Two containers:

- ``gateway`` (agentgateway): config inline with ``-c``; data port 8787 and readiness port 15021
  (the ALB health check; ``/healthz/ready``); provider keys injected from Secrets Manager by ARN
  under the env names the config references; runs as the image's non-root user with a read-only
  root filesystem and a writable ``/tmp``; no container health check (the image has no shell and
  no probe binary; the ALB checks readiness); ``stopTimeout`` lets in-flight streams finish.
- ``collector`` (ADOT): config in ``AOT_CONFIG_CONTENT``; not essential (losing telemetry must
  not stop traffic); health check with the image's own ``/healthcheck`` binary against the
  ``health_check`` extension. The gateway starts after it (``dependsOn`` START) so the first
  spans and scrapes are not lost, and ECS stops the gateway first on shutdown.

The ADOT v0.47.0 image runs as its own non-root user: its Dockerfile (``cmd/awscollector/Dockerfile``
at the tag) creates ``aoc`` with uid 4317 and ends in ``USER aoc``. The task definition states that
uid explicitly, so the non-root promise is visible to review and policy rather than inherited. With
``RUN_IN_CONTAINER=True`` (set by the image) and a config from the environment, the collector
writes nothing to disk, so its root filesystem is read-only and it gets no writable volume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from components.renderers.agentgateway_config import GATEWAY_PORT, READINESS_ADDR
from components.settings import StackSettings

GATEWAY = "gateway"
COLLECTOR = "collector"
READINESS_PORT = int(READINESS_ADDR.rsplit(":", 1)[1])
GATEWAY_TMP_VOLUME = "gateway-tmp"
VOLUMES = (GATEWAY_TMP_VOLUME,)
GATEWAY_USER = "65532:65532"
"""``nonroot`` of the Chainguard ``glibc-dynamic`` base the agentgateway image is built on."""
COLLECTOR_USER = "4317:4317"
"""``aoc``, the user the ADOT collector image creates and runs as (uid and gid 4317)."""
NOFILE_LIMIT = 65536
"""Open files per gateway process: two sockets per proxied stream, plus upstream pools."""
COLLECTOR_CONFIG_ENV = "AOT_CONFIG_CONTENT"
MAX_TASK_DEFINITION_BYTES = 64 * 1024
"""ECS rejects a task definition larger than 64 KiB."""


@dataclass(frozen=True)
class TaskRenderContext:
    """Plain values resolved from Outputs by the gateway service."""

    region: str
    gateway_config_yaml: str
    collector_config_yaml: str
    gateway_log_group: str
    collector_log_group: str
    secrets: Mapping[str, str]
    """Env var name -> secret ARN (provider API keys)."""


def _awslogs(group: str, region: str, prefix: str) -> dict[str, Any]:
    return {
        "logDriver": "awslogs",
        "options": {"awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix},
    }


def container_definitions(settings: StackSettings, ctx: TaskRenderContext) -> list[dict[str, Any]]:
    """Both containers of the task, as ECS expects them."""
    svc = settings.service
    gateway: dict[str, Any] = {
        "name": GATEWAY,
        "image": svc.image,
        "essential": True,
        "command": ["-c", ctx.gateway_config_yaml],
        "cpu": svc.cpu - svc.collector_cpu,
        "memory": svc.memory - svc.collector_memory,
        "portMappings": [
            {"name": "http", "containerPort": GATEWAY_PORT, "protocol": "tcp"},
            {"name": "readiness", "containerPort": READINESS_PORT, "protocol": "tcp"},
        ],
        "user": GATEWAY_USER,
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": GATEWAY_TMP_VOLUME, "containerPath": "/tmp", "readOnly": False}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        "ulimits": [{"name": "nofile", "softLimit": NOFILE_LIMIT, "hardLimit": NOFILE_LIMIT}],
        "stopTimeout": svc.stop_timeout_seconds,
        "dependsOn": [{"containerName": COLLECTOR, "condition": "START"}],
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, GATEWAY),
    }
    if ctx.secrets:
        gateway["secrets"] = [{"name": env, "valueFrom": arn} for env, arn in sorted(ctx.secrets.items())]
    collector: dict[str, Any] = {
        "name": COLLECTOR,
        "image": svc.collector_image,
        "essential": False,
        "cpu": svc.collector_cpu,
        "memory": svc.collector_memory,
        "environment": [
            {"name": COLLECTOR_CONFIG_ENV, "value": ctx.collector_config_yaml},
            {"name": "AWS_REGION", "value": ctx.region},
        ],
        "user": COLLECTOR_USER,
        "readonlyRootFilesystem": True,
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        "healthCheck": {"command": ["CMD", "/healthcheck"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 15},
        "logConfiguration": _awslogs(ctx.collector_log_group, ctx.region, COLLECTOR),
    }
    return [gateway, collector]


def container_definitions_json(settings: StackSettings, ctx: TaskRenderContext) -> str:
    """``containerDefinitions`` text; raises ``ValueError`` when it would not fit in a task definition."""
    text = json.dumps(container_definitions(settings, ctx), separators=(",", ":"))
    if len(text.encode()) > MAX_TASK_DEFINITION_BYTES - 4096:  # leave room for the rest of the request
        raise ValueError(f"containerDefinitions is {len(text.encode())} bytes; ECS allows 64 KiB per task definition")
    return text
