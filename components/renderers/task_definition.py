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

In ``rateLimit.mode`` global, two more (docs/adr/0015):

- ``ratelimit-config`` (the envoyproxy/ratelimit image, whose Alpine base has a shell): writes the
  service's static config (:func:`ratelimit_config_yaml`, from its environment) to the
  ``ratelimit-data`` volume and exits. ECS bind volumes are root-owned 0755, so it writes as uid 0,
  with every capability dropped and a read-only root; the service only reads the file.
- ``ratelimit`` (envoyproxy/ratelimit): gRPC on ``127.0.0.1:8081`` for the gateway (same task, same
  network namespace), counters in the Valkey cache over TLS (cluster mode: a serverless cache is a
  cluster), rate-limit headers named like agentgateway's own; runs as uid 65532 with a read-only
  root and the volume read-only; health check on its HTTP port. Restarted in place when it exits.
  The gateway waits for it to be HEALTHY when requests fail closed, to START when they fail open
  (a cache outage must not keep tasks from serving then).

The ADOT v0.47.0 image runs as its own non-root user: its Dockerfile (``cmd/awscollector/Dockerfile``
at the tag) creates ``aoc`` with uid 4317 and ends in ``USER aoc``; the task definition states that
uid explicitly. With ``RUN_IN_CONTAINER=True`` (set by the image) and a config from the environment
it writes nothing to disk, so it gets no writable volume.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from components.renderers.agentgateway_config import (
    CATALOG_FILE, CONFIG_DIR, GATEWAY_CONFIG_FILE, GATEWAY_PORT, RATELIMIT_GRPC_PORT, READINESS_ADDR,
)
from gateway_config.model import RateLimitBase
from gateway_config.ratelimit import LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER
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
RATELIMIT = "ratelimit"
RATELIMIT_CONFIG = "ratelimit-config"
RATELIMIT_VOLUME = "ratelimit-data"
RATELIMIT_DATA_DIR = "/data"
RATELIMIT_SUBDIRECTORY = "ratelimit"
RATELIMIT_CONFIG_FILE = f"{RATELIMIT_DATA_DIR}/{RATELIMIT_SUBDIRECTORY}/config/config.yaml"
RATELIMIT_CONFIG_ENV = "RATELIMIT_CONFIG"
RATELIMIT_USER = "65532:65532"
RATELIMIT_HTTP_PORT = 8080
RATELIMIT_INIT_MEMORY_MIB = 16
VOLUMES = (CONFIG_VOLUME, GATEWAY_TMP_VOLUME, AGENT_TMP_VOLUME)
RATELIMIT_VOLUMES = (RATELIMIT_VOLUME,)
RATE_LIMIT_DOMAIN = RateLimitBase.model_fields["domain"].default
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
    ratelimit_image: Optional[str] = None
    """Global rate limits: the envoyproxy/ratelimit image, resolved."""
    ratelimit_cache: Optional[str] = None
    """Global rate limits: ``host:port`` of the Valkey cache."""


def volumes(settings: StackSettings) -> tuple[str, ...]:
    """The task's volumes (the rate-limit config volume only in global mode)."""
    return VOLUMES + (RATELIMIT_VOLUMES if settings.ratelimit_sidecar else ())


def ratelimit_config_yaml(domain: str) -> str:
    """The rate-limit service's whole config: the domain and no descriptors. Every limit arrives
    with the request (``limitOverride``), which the service honours only for a domain it knows."""
    return f"domain: {domain}\n"


def ratelimit_environment(cache: str) -> list[dict[str, str]]:
    """The rate-limit service's settings (envoyproxy/ratelimit ``src/settings/settings.go``)."""
    values = {
        "RUNTIME_ROOT": RATELIMIT_DATA_DIR,
        "RUNTIME_SUBDIRECTORY": RATELIMIT_SUBDIRECTORY,
        "RUNTIME_WATCH_ROOT": "false",
        "RUNTIME_IGNOREDOTFILES": "true",
        "HOST": "127.0.0.1",
        "PORT": str(RATELIMIT_HTTP_PORT),
        "GRPC_HOST": "127.0.0.1",
        "GRPC_PORT": str(RATELIMIT_GRPC_PORT),
        "DEBUG_HOST": "127.0.0.1",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "warn",
        "USE_STATSD": "false",
        "BACKEND_TYPE": "redis",
        "REDIS_SOCKET_TYPE": "tcp",
        "REDIS_TYPE": "CLUSTER",
        "REDIS_URL": cache,
        "REDIS_TLS": "true",
        # Cluster mode refuses to start without implicit pipelining (src/redis/driver_impl.go).
        "REDIS_PIPELINE_WINDOW": "150us",
        "REDIS_PIPELINE_LIMIT": "8",
        "LIMIT_RESPONSE_HEADERS_ENABLED": "true",
        "LIMIT_LIMIT_HEADER": LIMIT_HEADER,
        "LIMIT_REMAINING_HEADER": REMAINING_HEADER,
        "LIMIT_RESET_HEADER": RESET_HEADER,
    }
    return [{"name": k, "value": v} for k, v in values.items()]


def ratelimit_containers(settings: StackSettings, ctx: "TaskRenderContext") -> list[dict[str, Any]]:
    """The init container that writes the service's config, and the service."""
    assert ctx.ratelimit_image and ctx.ratelimit_cache
    rl = settings.rate_limit
    write = (f"mkdir -p {RATELIMIT_CONFIG_FILE.rsplit('/', 1)[0]} && "
             f"printf '%s' \"${RATELIMIT_CONFIG_ENV}\" > {RATELIMIT_CONFIG_FILE}")
    init: dict[str, Any] = {
        "name": RATELIMIT_CONFIG,
        "image": ctx.ratelimit_image,
        "essential": False,
        "entryPoint": ["/bin/sh", "-c"],
        "command": [write],
        "environment": [{"name": RATELIMIT_CONFIG_ENV, "value": ratelimit_config_yaml(RATE_LIMIT_DOMAIN)}],
        "memory": RATELIMIT_INIT_MEMORY_MIB,
        "user": "0:0",
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": RATELIMIT_VOLUME, "containerPath": RATELIMIT_DATA_DIR, "readOnly": False}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, RATELIMIT_CONFIG),
    }
    service: dict[str, Any] = {
        "name": RATELIMIT,
        "image": ctx.ratelimit_image,
        "essential": False,
        "entryPoint": ["/bin/ratelimit"],
        "cpu": rl.sidecar_cpu,
        "memory": rl.sidecar_memory - RATELIMIT_INIT_MEMORY_MIB,
        "environment": ratelimit_environment(ctx.ratelimit_cache),
        "user": RATELIMIT_USER,
        "readonlyRootFilesystem": True,
        "mountPoints": [{"sourceVolume": RATELIMIT_VOLUME, "containerPath": RATELIMIT_DATA_DIR, "readOnly": True}],
        "linuxParameters": {"capabilities": {"drop": ["ALL"]}},
        "healthCheck": {"command": ["CMD", "wget", "-q", "-O", "/dev/null",
                                    f"http://127.0.0.1:{RATELIMIT_HTTP_PORT}/healthcheck"],
                        "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 15},
        "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60},
        "dependsOn": [{"containerName": RATELIMIT_CONFIG, "condition": "SUCCESS"}],
        "logConfiguration": _awslogs(ctx.gateway_log_group, ctx.region, RATELIMIT),
    }
    return [init, service]


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
        "cpu": settings.gateway_cpu,
        "memory": settings.gateway_memory,
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
    if not settings.ratelimit_sidecar:
        return [agent, check, gateway, collector]
    fail_closed = settings.rate_limit_failure_mode == "closed"
    gateway["dependsOn"].append({"containerName": RATELIMIT, "condition": "HEALTHY" if fail_closed else "START"})
    return [agent, check, gateway, collector, *ratelimit_containers(settings, ctx)]


def container_definitions_json(settings: StackSettings, ctx: TaskRenderContext) -> str:
    """``containerDefinitions`` text; raises ``ValueError`` when it would not fit in a task definition."""
    text = json.dumps(container_definitions(settings, ctx), separators=(",", ":"))
    if len(text.encode()) > MAX_TASK_DEFINITION_BYTES - 4096:  # leave room for the rest of the request
        raise ValueError(f"containerDefinitions is {len(text.encode())} bytes; ECS allows 64 KiB per task definition")
    return text
