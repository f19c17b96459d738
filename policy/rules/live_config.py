"""Live configuration: the gateway serves the file the AppConfig Agent writes, and the agent reads
this stack's configuration only (docs/adr/0013)."""

from __future__ import annotations

import json
import re
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from .documents import is_allow, statements, strings
from .graph import by_type, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .values import Pending, as_list, get, json_document, text

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
APPCONFIG_PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"
AGENTGATEWAY_IMAGE = re.compile(r"(^|/)agentgateway/agentgateway[@:]")
READ_ACTIONS = {"appconfig:getlatestconfiguration", "appconfig:startconfigurationsession"}
CONFIGURATION_ARN = re.compile(
    r"^arn:[a-z-]+:appconfig:[a-z0-9-]+:\d{12}:application/[a-z0-9]+/environment/[a-z0-9]+/configuration/[a-z0-9]+$")


def _option(command: list[str], flag: str) -> str | None:
    for index, part in enumerate(command):
        if part == flag and index + 1 < len(command):
            return command[index + 1]
    return None


def _agent_paths(containers: list[Any]) -> set[str]:
    """Files some container's AppConfig Agent manifest writes (``writeTo.path``)."""
    paths: set[str] = set()
    for container in containers:
        for env in as_list(get(container, "environment")):
            if text(get(env, "name")) != "MANIFEST":
                continue
            try:
                manifest = json.loads(text(get(env, "value")) or "")
            except ValueError:
                continue
            if isinstance(manifest, dict):
                paths |= {str(get(get(v, "writeTo"), "path")) for v in manifest.values() if isinstance(v, dict)}
    return paths


def _check_watched_file(args: ResourceValidationArgs, report: ReportViolation) -> None:
    containers = as_list(json_document(args.props.get("containerDefinitions"), "containerDefinitions"))
    written = _agent_paths(containers)
    by_name = {text(get(c, "name")): c for c in containers}
    pending = Pending()
    for container in containers:
        with pending.attempt():
            image = text(get(container, "image")) or ""
            if not AGENTGATEWAY_IMAGE.search(image) or not as_list(get(container, "portMappings")):
                continue  # not a serving gateway (the idle config-check container has no ports)
            name = text(get(container, "name"))
            command = [text(c) or "" for c in as_list(get(container, "command"))]
            path = _option(command, "-f")
            if path is None or "-c" in command:
                report(f"Container '{name}' does not start from a watched file (-f): an inline config (-c) "
                       "changes only with a new task definition.", None)
                continue
            if path not in written:
                report(f"Container '{name}' reads {path}, which no AppConfig Agent manifest in the task writes.", None)
            gated = [d for d in as_list(get(container, "dependsOn")) if text(get(d, "condition")) == "HEALTHY"
                     and text(get(d, "containerName")) in by_name]
            if not gated:
                report(f"Container '{name}' does not wait for a HEALTHY check of its config (dependsOn): it could "
                       "serve before a valid file exists.", None)
    pending.settle()


watched_file = resource_policy(
    name="aws-ecs-task-config-from-watched-file",
    description="The gateway starts from the file the AppConfig Agent writes, and only once a check of it is healthy.",
    severity=Severity.MEDIUM,
    remediation="Start agentgateway with -f <file>, write that file with the agent's MANIFEST writeTo, and "
                "dependsOn a container whose health check validates it (condition HEALTHY).",
    types={TASK_DEFINITION},
    validate=_check_watched_file,
    tags=["change-safety"],
)


def _check_agent_scope(args: StackValidationArgs, report: ReportViolation) -> None:
    profiles = by_type(args.resources, {APPCONFIG_PROFILE})
    pending = Pending()
    for row in by_type(args.resources, {ROLE_POLICY}):
        with pending.attempt():
            document = json_document(row.props.get("policy"), "policy")
            granted = []
            for statement in statements(document):
                actions = {a.lower() for a in strings(statement, "Action")}
                if is_allow(statement) and (actions & READ_ACTIONS or "appconfig:*" in actions):
                    granted += strings(statement, "Resource")
            if not granted:
                continue
            own = [p for p in profiles if property_depends_on(row, "policy", p)]
            loose = [r for r in granted if not CONFIGURATION_ARN.match(r)]
            if loose:
                report(f"Role policy '{row.name}' lets an AppConfig reader fetch {loose[0]}: name each "
                       "configuration (application/environment/configuration ids), no wildcard.", row.urn)
            elif not own or len(set(granted)) > len(own):
                report(f"Role policy '{row.name}' grants {len(set(granted))} configuration(s) but is computed from "
                       f"{len(own)} configuration profile(s) of this stack: it may read another stack's config.",
                       row.urn)
    pending.settle()


agent_scope = stack_policy(
    name="aws-appconfig-reader-scoped",
    description="Whoever reads live configuration reads this stack's profiles only, each named by id.",
    severity=Severity.HIGH,
    remediation="Grant appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on "
                "application/<id>/environment/<id>/configuration/<profile id> ARNs built from this stack's "
                "application, environment and profiles.",
    types={ROLE_POLICY, APPCONFIG_PROFILE},
    validate=_check_agent_scope,
    tags=["iam", "least-privilege"],
)


POLICIES = [watched_file, agent_scope]
