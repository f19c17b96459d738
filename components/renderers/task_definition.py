"""The gateway task's container definitions as a pure function (ECS ``containerDefinitions`` JSON).

Four containers, sharing a ``config`` volume at ``/config`` (docs/adr/0013):

- ``config-agent`` (AWS AppConfig Agent): polls this stack's two AppConfig profiles every
  ``liveConfig.pollIntervalSeconds`` and writes them to ``/config/gateway.json`` and
  ``/config/catalog.json`` (``MANIFEST`` with ``writeTo``; ``PREFETCH_LIST`` so the first fetch
  happens at start). Not essential (a stopped agent only freezes the config the task serves) but
  restarted by ECS when it exits.
- ``config-check`` (the agentgateway image, idle: no listeners): its health check runs
  ``agentgateway --validate-only -f /config/gateway.json``, the real binary's full validation of
  the file the gateway will read, as the gateway's user. It turns HEALTHY only once the agent has
  written a file that parses, converts and can be read by uid 65532, and the gateway starts only
  then (``dependsOn: HEALTHY``): the gateway never serves before it has a valid config, whatever the
  agent image contains (no public source describes it, so its own health cannot be relied on).
- ``gateway`` (agentgateway): ``-f /config/gateway.json``, which it watches and hot-reloads
  (250 ms debounce; an invalid file leaves the last good config serving); the catalog file is
  watched on its own. The part of ``config`` read only at start (addresses, logging) is hashed into
  a label, so changing it replaces the tasks. Data port 8787 and readiness port 15021 (the ALB health check); provider keys
  injected from Secrets Manager by ARN under the env names the config references; runs as the
  image's non-root user with a read-only root filesystem, ``/config`` read-only and a writable
  ``/tmp``; ``stopTimeout`` lets in-flight streams finish.
- ``collector`` (ADOT): config in ``AOT_CONFIG_CONTENT``; not essential; health check with the
  image's own ``/healthcheck``. The gateway starts after it (``dependsOn`` START).

The ADOT v0.47.0 image runs as its own non-root user: its Dockerfile (``cmd/awscollector/Dockerfile``
at the tag) creates ``aoc`` with uid 4317 and ends in ``USER aoc``; the task definition states that
uid explicitly. With ``RUN_IN_CONTAINER=True`` (set by the image) and a config from the environment
it writes nothing to disk, so it gets no writable volume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from components.renderers.agentgateway_config import (
    CATALOG_FILE, CONFIG_DIR, GATEWAY_CONFIG_FILE, GATEWAY_PORT, READINESS_ADDR,
)
from components.settings import StackSettings
from components.settings.service import CONFIG_SIDECARS_MEMORY_MIB

GATEWAY = "gateway"
COLLECTOR = "collector"
CONFIG_AGENT = "config-agent"
CONFIG_CHECK = "config-check"
READINESS_PORT = int(READINESS_ADDR.rsplit(":", 1)[1])
GATEWAY_TMP_VOLUME = "gateway-tmp"
AGENT_TMP_VOLUME = "agent-tmp"
CONFIG_VOLUME = "config"
VOLUMES = (CONFIG_VOLUME, GATEWAY_TMP_VOLUME, AGENT_TMP_VOLUME)
GATEWAY_USER = "65532:65532"
"""``nonroot`` of the Chainguard ``glibc-dynamic`` base the agentgateway image is built on."""
COLLECTOR_USER = "4317:4317"
"""``aoc``, the user the ADOT collector image creates and runs as (uid and gid 4317)."""
AGENTGATEWAY_BINARY = "/app/agentgateway"
"""The agentgateway image's entrypoint binary (``ENTRYPOINT ["/app/agentgateway"]``)."""
IDLE_AGENTGATEWAY = json.dumps({"config": {"adminAddr": "off", "statsAddr": "off", "readinessAddr": "off"}},
                               separators=(",", ":"))
"""An agentgateway config with no listeners and no admin, stats or readiness ports: the check
container only has to stay up so its health check can run."""
NOFILE_LIMIT = 65536
"""Open files per gateway process: two sockets per proxied stream, plus upstream pools."""
COLLECTOR_CONFIG_ENV = "AOT_CONFIG_CONTENT"
SIDECAR_MEMORY_MIB = CONFIG_SIDECARS_MEMORY_MIB // 2
"""Hard memory limit of the agent and of the check container each."""
MAX_TASK_DEFINITION_BYTES = 64 * 1024
"""ECS rejects a task definition larger than 64 KiB."""


@dataclass(frozen=True)
class TaskRenderContext:
    """Plain values resolved from Outputs by the gateway service."""

    region: str
    collector_config_yaml: str
    gateway_log_group: str
    collector_log_group: str
    secrets: Mapping[str, str]
    """Env var name -> secret ARN (provider API keys)."""
    agent_image: str
    """The AppConfig Agent image, resolved (``<stack repository>:<tag>`` or ``repo@sha256:...``)."""
    agent_manifest: Mapping[str, Any]
    """The agent's ``MANIFEST``: ``"<application>:<environment>:<profile>"`` -> ``{"writeTo": {"path"}}``."""
    poll_interval_seconds: int
    startup_fingerprint: str
    """:func:`gateway_config.startup_fingerprint` of the published base (a label on the gateway)."""


STARTUP_LABEL = "ai-gateway.startup-config"
"""Docker label holding the hash of the config the gateway reads only at start: when it changes,
the task definition changes and ECS replaces the tasks (a reload would not apply it)."""


def agent_manifest(application: str, environment: str, gateway_profile: str, catalog_profile: str) -> dict[str, Any]:
    """Which profile the agent writes to which file."""
    return {
        f"{application}:{environment}:{gateway_profile}": {"writeTo": {"path": GATEWAY_CONFIG_FILE}},
        f"{application}:{environment}:{catalog_profile}": {"writeTo": {"path": CATALOG_FILE}},
    }


def prefetch_list(manifest: Mapping[str, Any]) -> str:
    """``PREFETCH_LIST``: the manifest's configurations as the agent's documented paths
    (``/applications/<app>/environments/<env>/configurations/<profile>``), comma-separated."""
    paths = []
    for key in sorted(manifest):
        application, environment, profile = key.split(":")
        paths.append(f"/applications/{application}/environments/{environment}/configurations/{profile}")
    return ",".join(paths)


def _awslogs(group: str, region: str, prefix: str) -> dict[str, Any]:
    return {
        "logDriver": "awslogs",
        "options": {"awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": prefix},
    }


def _secrets(ctx: TaskRenderContext) -> list[dict[str, str]]:
    return [{"name": env, "valueFrom": arn} for env, arn in sorted(ctx.secrets.items())]


def container_definitions(settings: StackSettings, ctx: TaskRenderContext) -> list[dict[str, Any]]:
    """Every container of the task, as ECS expects them."""
    svc = settings.service
    config_ro = {"sourceVolume": CONFIG_VOLUME, "containerPath": CONFIG_DIR, "readOnly": True}
    gateway: dict[str, Any] = {
        "name": GATEWAY,
        "image": svc.image,
        "essential": True,
        "command": ["-f", GATEWAY_CONFIG_FILE],
        "cpu": svc.cpu - svc.collector_cpu,
        "memory": svc.memory - svc.collector_memory - 2 * SIDECAR_MEMORY_MIB,
        "portMappings": [
            {"name": "http", "containerPort": GATEWAY_PORT, "protocol": "tcp"},
            {"name": "readiness", "containerPort": READINESS_PORT, "protocol": "tcp"},
        ],
        "user": GATEWAY_USER,
        "readonlyRootFilesystem": True,
        "mountPoints": [config_ro,
                        {"sourceVolume": GATEWAY_TMP_VOLUME, "containerPath": "/tmp", "readOnly": False}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        "ulimits": [{"name": "nofile", "softLimit": NOFILE_LIMIT, "hardLimit": NOFILE_LIMIT}],
        "stopTimeout": svc.stop_timeout_seconds,
        "dockerLabels": {STARTUP_LABEL: ctx.startup_fingerprint},
        "dependsOn": [{"containerName": COLLECTOR, "condition": "START"},
                      {"containerName": CONFIG_CHECK, "condition": "HEALTHY"}],
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, GATEWAY),
    }
    check: dict[str, Any] = {
        "name": CONFIG_CHECK,
        "image": svc.image,
        "essential": False,
        "command": ["-c", IDLE_AGENTGATEWAY],
        "memory": SIDECAR_MEMORY_MIB,
        "user": GATEWAY_USER,
        "readonlyRootFilesystem": True,
        "mountPoints": [config_ro],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        # The full validation of the file the gateway will load, by the gateway's binary and uid.
        "healthCheck": {"command": ["CMD", AGENTGATEWAY_BINARY, "--validate-only", "-f", GATEWAY_CONFIG_FILE],
                        "interval": 5, "timeout": 5, "retries": 3, "startPeriod": 60},
        "dependsOn": [{"containerName": CONFIG_AGENT, "condition": "START"}],
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, CONFIG_CHECK),
    }
    agent: dict[str, Any] = {
        "name": CONFIG_AGENT,
        "image": ctx.agent_image,
        "essential": False,
        "memory": SIDECAR_MEMORY_MIB,
        "environment": [
            {"name": "MANIFEST", "value": json.dumps(dict(ctx.agent_manifest), separators=(",", ":"), sort_keys=True)},
            {"name": "PREFETCH_LIST", "value": prefetch_list(ctx.agent_manifest)},
            {"name": "POLL_INTERVAL", "value": str(ctx.poll_interval_seconds)},
            {"name": "SERVICE_REGION", "value": ctx.region},
            {"name": "LOG_LEVEL", "value": "info"},
        ],
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": CONFIG_VOLUME, "containerPath": CONFIG_DIR, "readOnly": False},
                        {"sourceVolume": AGENT_TMP_VOLUME, "containerPath": "/tmp", "readOnly": False}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        # Restart in place if it exits after a minute of running (the files it wrote stay).
        "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60},
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, CONFIG_AGENT),
    }
    if ctx.secrets:
        gateway["secrets"] = _secrets(ctx)
        check["secrets"] = _secrets(ctx)  # --validate-only expands the ${VAR}s too
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
    return [agent, check, gateway, collector]


def container_definitions_json(settings: StackSettings, ctx: TaskRenderContext) -> str:
    """``containerDefinitions`` text; raises ``ValueError`` when it would not fit in a task definition."""
    text = json.dumps(container_definitions(settings, ctx), separators=(",", ":"))
    if len(text.encode()) > MAX_TASK_DEFINITION_BYTES - 4096:  # leave room for the rest of the request
        raise ValueError(f"containerDefinitions is {len(text.encode())} bytes; ECS allows 64 KiB per task definition")
    return text
