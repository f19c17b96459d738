"""ECS: task definition containers, service networking and deployments, cluster insights."""

from __future__ import annotations

import re
from typing import Any, Callable

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .plaintext import name_looks_secret, value_looks_secret
from .values import Pending, SecretValueError, as_list, get, json_document, present, text

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"

DIGEST_PINNED = re.compile(r"@sha256:[0-9a-f]{64}$")

ContainerCheck = Callable[[Any, str, ReportViolation], None]


def _container_name(container: Any, index: int) -> str:
    return text(get(container, "name")) or f"#{index}"


def _each_container(args: ResourceValidationArgs, report: ReportViolation, check: ContainerCheck) -> None:
    """Run ``check(container, name, report)`` on every container; unknown values in one
    container do not stop the others from being checked."""
    containers = json_document(args.props.get("containerDefinitions"), "containerDefinitions")
    pending = Pending()
    for index, container in enumerate(as_list(containers)):
        with pending.attempt():
            check(container, _container_name(container, index), report)
    pending.settle()


def _container_policy(name: str, description: str, severity: Severity, remediation: str,
                      check: ContainerCheck, **extra: Any):
    return resource_policy(
        name=name, description=description, severity=severity, remediation=remediation,
        types={TASK_DEFINITION},
        validate=lambda args, report: _each_container(args, report, check),
        **extra,
    )


# --- containers ---------------------------------------------------------------------------------

def _readonly_root(container: Any, name: str, report: ReportViolation) -> None:
    if get(container, "readonlyRootFilesystem") is not True:
        report(f"Container '{name}' has a writable root filesystem.", None)


readonly_root = _container_policy(
    "aws-ecs-task-readonly-root-filesystem",
    "Every container runs with a read-only root filesystem.",
    Severity.MEDIUM,
    "Set readonlyRootFilesystem: true on every container and mount an empty task volume at the "
    "paths it must write (e.g. /tmp).",
    _readonly_root,
    tags=["container"],
)


def _not_privileged(container: Any, name: str, report: ReportViolation) -> None:
    if get(container, "privileged") is True:
        report(f"Container '{name}' is privileged.", None)


not_privileged = _container_policy(
    "aws-ecs-task-not-privileged",
    "No container runs privileged.",
    Severity.HIGH,
    "Remove privileged: true; grant specific Linux capabilities only if one is truly needed.",
    _not_privileged,
    tags=["container"],
)


ECR_REPOSITORY = "aws:ecr/repository:Repository"
_ECR_IMAGE = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/(?P<name>[a-z0-9._/-]+):(?P<tag>[A-Za-z0-9._-]+)$")


def _immutable_repositories(resources: list[PolicyResource], task: PolicyResource) -> set[str]:
    """Names of the stack's immutable ECR repositories the task's containers are computed from."""
    names = set()
    for repository in by_type(resources, {ECR_REPOSITORY}):
        if property_depends_on(task, "containerDefinitions", repository) and \
                text(get(repository.props, "imageTagMutability")) == "IMMUTABLE":
            names.add(text(get(repository.props, "name")) or "")
    return names


def _check_image_pinned(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for task in by_type(args.resources, {TASK_DEFINITION}):
        with pending.attempt():
            immutable = _immutable_repositories(args.resources, task)
            containers = json_document(task.props.get("containerDefinitions"), "containerDefinitions")
            each = Pending()
            for index, container in enumerate(as_list(containers)):
                with each.attempt():
                    _check_one_image(container, _container_name(container, index), immutable, task.urn, report)
            each.settle()
    pending.settle()


def _check_one_image(container: Any, name: str, immutable: set[str], urn: str, report: ReportViolation) -> None:
    image = text(get(container, "image")) or ""
    if DIGEST_PINNED.search(image):
        return
    ecr = _ECR_IMAGE.match(image)
    if ecr and ecr.group("name") in immutable:
        return  # a tag of this stack's immutable repository can never move
    report(f"Container '{name}' image '{image}' is not pinned: reference it by digest (@sha256:<64 hex>)"
           " or by a tag of an immutable ECR repository of this stack.", urn)


image_digest = stack_policy(
    name="aws-ecs-task-image-digest",
    description="Every container image is pinned: by digest, or by a tag of an immutable ECR repository "
                "of this stack (a tag there can never be re-pointed).",
    severity=Severity.HIGH,
    remediation="Reference images as repository@sha256:<digest> (the bump workflow keeps the digest current), "
                "or mirror the image into the stack's IMMUTABLE repository and reference that tag; a tag "
                "elsewhere can be re-pointed to different code between two deployments.",
    types={TASK_DEFINITION, ECR_REPOSITORY},
    validate=_check_image_pinned,
    tags=["supply-chain"],
)


def _logging(container: Any, name: str, report: ReportViolation) -> None:
    if not present(container, "logConfiguration", "logDriver"):
        report(f"Container '{name}' has no logConfiguration; its output is lost.", None)


container_logging = _container_policy(
    "aws-ecs-task-logging",
    "Every container ships its logs (logConfiguration with a log driver).",
    Severity.MEDIUM,
    "Give each container logConfiguration {logDriver: awslogs, options: {awslogs-group, "
    "awslogs-region, awslogs-stream-prefix}} pointing at an encrypted log group.",
    _logging,
    tags=["logging"],
)


def _check_plaintext_secrets(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = [str(n) for n in as_list(args.get_config().get("allowedNames"))]

    def check(container: Any, name: str, report: ReportViolation) -> None:
        for variable in as_list(get(container, "environment")):
            var_name = text(get(variable, "name")) or ""
            if name_looks_secret(var_name, allowed):
                report(f"Container '{name}' sets {var_name} in plain environment; inject it from "
                       "Secrets Manager with secrets[].valueFrom.", None)
            elif value_looks_secret(text(get(variable, "value"))):
                report(f"Container '{name}' environment {var_name} holds a value that looks like a "
                       "credential.", None)

    try:
        _each_container(args, report, check)
    except SecretValueError:
        # The whole definition became a Pulumi secret: some secret value flows into it.
        report("containerDefinitions is a secret, i.e. a secret value is embedded in the task "
               "definition; inject secrets with secrets[].valueFrom (an ARN) instead.", None)


no_plaintext_secrets = resource_policy(
    name="aws-ecs-task-no-plaintext-secrets",
    description="No credentials in container environment variables (by name or by value).",
    severity=Severity.HIGH,
    remediation="Move the value to Secrets Manager and reference it in the container's "
                "secrets: [{name, valueFrom: <secret ARN>}]; environment values are visible to "
                "anyone who can describe the task definition.",
    types={TASK_DEFINITION},
    validate=_check_plaintext_secrets,
    config={"allowedNames": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "Environment variable names exempt from the name heuristic.",
    }},
    tags=["secrets"],
)


# --- service --------------------------------------------------------------------------------------

def _check_no_public_ip(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(args.props.get("networkConfiguration"), "assignPublicIp") is True:
        report("The service assigns public IPs to its tasks; run them in private subnets behind "
               "the load balancer.", None)


no_public_ip = resource_policy(
    name="aws-ecs-service-no-public-ip",
    description="ECS services do not give tasks public IP addresses.",
    severity=Severity.HIGH,
    remediation="Set network_configuration.assign_public_ip=False and use private subnets with "
                "a NAT gateway or VPC endpoints for egress.",
    types={SERVICE},
    validate=_check_no_public_ip,
    tags=["network"],
)


def _check_circuit_breaker(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    controller = text(get(props.get("deploymentController"), "type")) or "ECS"
    if controller != "ECS":
        return  # CodeDeploy / external deployments roll back by their own means
    breaker = props.get("deploymentCircuitBreaker")
    if get(breaker, "enable") is not True or get(breaker, "rollback") is not True:
        report("The deployment circuit breaker is not enabled with rollback; a bad image keeps "
               "replacing healthy tasks.", None)


circuit_breaker = resource_policy(
    name="aws-ecs-service-circuit-breaker",
    description="ECS services roll back failed deployments (circuit breaker with rollback).",
    severity=Severity.MEDIUM,
    remediation="Set deployment_circuit_breaker={'enable': True, 'rollback': True}.",
    types={SERVICE},
    validate=_check_circuit_breaker,
    tags=["availability"],
)


def _check_no_exec(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.props.get("enableExecuteCommand") is True:
        report("ECS Exec is enabled: anyone with ecs:ExecuteCommand gets a shell next to the "
               "provider API keys.", None)


no_exec = resource_policy(
    name="aws-ecs-service-no-exec",
    description="ECS Exec (interactive shells into tasks) is disabled.",
    severity=Severity.MEDIUM,
    remediation="Set enable_execute_command=False (turn it on temporarily, in dev, when debugging).",
    types={SERVICE},
    validate=_check_no_exec,
    tags=["access"],
)


# --- cluster --------------------------------------------------------------------------------------

def _check_container_insights(args: ResourceValidationArgs, report: ReportViolation) -> None:
    for setting in as_list(args.props.get("settings")):
        if get(setting, "name") == "containerInsights" and get(setting, "value") in ("enabled", "enhanced"):
            return
    report("Container Insights is not enabled on the cluster.", None)


container_insights = resource_policy(
    name="aws-ecs-cluster-container-insights",
    description="ECS clusters have Container Insights enabled (or enhanced).",
    severity=Severity.MEDIUM,
    remediation="Set settings=[{'name': 'containerInsights', 'value': 'enhanced'}] on the cluster.",
    types={CLUSTER},
    validate=_check_container_insights,
    tags=["monitoring"],
)


POLICIES = [no_public_ip, circuit_breaker, no_exec, container_insights, readonly_root,
            not_privileged, no_plaintext_secrets, image_digest, container_logging]
