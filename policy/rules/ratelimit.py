"""Global rate limits: the counters' cache is encrypted and private to the rate-limit service, and the
service runs hardened (docs/adr/0015)."""

from __future__ import annotations

from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .graph import by_type, property_depends_on
from .meta import Severity, resource_policy, stack_policy
from .values import Pending, as_list, get, json_document, present, text

SERVERLESS_CACHE = "aws:elasticache/serverlessCache:ServerlessCache"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
CACHE_TYPES = frozenset({SERVERLESS_CACHE, REPLICATION_GROUP})
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
CACHE_CLIENT_ENV = "REDIS_URL"
"""envoyproxy/ratelimit's setting naming its cache: the container that has it is the rate-limit service."""
ROOT_USERS = frozenset({"", "0", "root"})


def _check_cache_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    props = args.props
    if not present(props, "kmsKeyId"):
        report("The cache is not encrypted with a customer-managed KMS key (kmsKeyId is unset).", None)
    # A serverless cache accepts TLS connections only; a node-based one must say so itself.
    if args.resource_type == REPLICATION_GROUP:
        if get(props, "transitEncryptionEnabled") is not True:
            report("The cache accepts connections without TLS (transitEncryptionEnabled is not true).", None)
        if get(props, "atRestEncryptionEnabled") is not True:
            report("The cache's data is not encrypted at rest (atRestEncryptionEnabled is not true).", None)


cache_encrypted = resource_policy(
    name="aws-elasticache-encrypted",
    description="Every ElastiCache cache is encrypted at rest with a customer-managed key and in transit (TLS).",
    severity=Severity.HIGH,
    remediation="Give the cache kmsKeyId (a stack CMK); use a serverless cache (TLS only) or set "
                "transitEncryptionEnabled and atRestEncryptionEnabled on a replication group.",
    types=CACHE_TYPES,
    validate=_check_cache_encrypted,
    tags=["ratelimit", "encryption"],
)


def _task_groups(resources: list[PolicyResource]) -> list[PolicyResource]:
    """Security groups of this stack's ECS services: where the rate-limit sidecar runs (its
    container's own hardening is ``aws-ecs-rate-limit-service-hardened``). Read from the graph, so
    a preview of a new stack decides it too."""
    services = by_type(resources, {SERVICE})
    return [g for g in by_type(resources, {SECURITY_GROUP})
            if any(property_depends_on(s, "networkConfiguration", g) for s in services)]


def _is_rate_limit_service(container: Any) -> bool:
    return any(text(get(env, "name")) == CACHE_CLIENT_ENV for env in as_list(get(container, "environment")))


def _check_cache_isolated(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    allowed = _task_groups(resources)
    for cache in by_type(resources, CACHE_TYPES):
        groups = [g for g in by_type(resources, {SECURITY_GROUP}) if property_depends_on(cache, "securityGroupIds", g)]
        if not groups:
            report("The cache is in no security group of this stack (the VPC's default group would apply).", cache.urn)
            continue
        for group in groups:
            if as_list(group.props.get("ingress")):
                report(f"The cache's security group {group.name} has inline ingress rules.", group.urn)
            for rule in by_type(resources, {INGRESS_RULE, SG_RULE}):
                if not property_depends_on(rule, "securityGroupId", group):
                    continue
                if rule.resource_type == SG_RULE and text(get(rule.props, "type")) != "ingress":
                    continue
                source = "referencedSecurityGroupId" if rule.resource_type == INGRESS_RULE else "sourceSecurityGroupId"
                peers = [g for g in allowed if property_depends_on(rule, source, g)]
                if not peers:
                    report(f"Ingress rule {rule.name} lets something other than the rate-limit service's tasks'"
                           " security group reach the cache.", rule.urn)


cache_isolated = stack_policy(
    name="aws-elasticache-only-from-rate-limit-service",
    description="A cache's security groups admit only the security group of the ECS tasks (where the "
                "rate-limit sidecar runs): no CIDR, no other group, no inline rules.",
    severity=Severity.HIGH,
    remediation="Put the cache in its own security group whose single ingress rule references the rate-limit "
                "service's tasks' security group on the cache port.",
    types=CACHE_TYPES | {SECURITY_GROUP, INGRESS_RULE, SG_RULE, SERVICE},
    validate=_check_cache_isolated,
    tags=["ratelimit", "network"],
)


def _check_service_hardened(args: ResourceValidationArgs, report: ReportViolation) -> None:
    containers = json_document(args.props.get("containerDefinitions"), "containerDefinitions")
    pending = Pending()
    for container in as_list(containers):
        with pending.attempt():
            if not _is_rate_limit_service(container):
                continue
            name = text(get(container, "name")) or "?"
            user = (text(get(container, "user")) or "").split(":")[0]
            if user in ROOT_USERS:
                report(f"Rate-limit container '{name}' runs as root (set user to a non-root uid).", None)
            if get(container, "readonlyRootFilesystem") is not True:
                report(f"Rate-limit container '{name}' has a writable root filesystem.", None)
            env = {text(get(e, "name")): text(get(e, "value")) for e in as_list(get(container, "environment"))}
            if env.get("REDIS_TLS") != "true":
                report(f"Rate-limit container '{name}' talks to its cache without TLS (REDIS_TLS is not true).", None)
    pending.settle()


service_hardened = resource_policy(
    name="aws-ecs-rate-limit-service-hardened",
    description="The rate-limit service's container runs as a non-root user with a read-only root filesystem "
                "and reaches its cache over TLS.",
    severity=Severity.HIGH,
    remediation="Set user to a non-root uid (65532), readonlyRootFilesystem: true and REDIS_TLS=true on the "
                "container that has REDIS_URL.",
    types={TASK_DEFINITION},
    validate=_check_service_hardened,
    tags=["ratelimit", "container"],
)

POLICIES = [cache_encrypted, cache_isolated, service_hardened]
