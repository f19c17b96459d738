"""Facts about a stack that pricers need from more than one resource.

Examples: how many tasks an ECS service runs (its scaling target), which interface endpoints
carry which traffic, how many NAT gateways share the NAT traffic, how long an S3 bucket keeps
its objects. Computed once per inventory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ..published import published_documents
from .inventory import Resource, StackInventory

ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SCALING_TARGET = "aws:appautoscaling/target:Target"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
SUBNET = "aws:ec2/subnet:Subnet"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
LAMBDA = "aws:lambda/function:Function"
APPCONFIG_PROFILE = "aws:appconfig/configurationProfile:ConfigurationProfile"


@dataclass(frozen=True)
class Capacity:
    """Tasks an ECS service runs at its autoscaling floor and ceiling."""

    minimum: int
    maximum: int


@dataclass
class StackFacts:
    """Cross-resource facts of one inventory."""

    capacities: dict[str, Capacity] = field(default_factory=dict)
    """ECS service URN -> capacity."""
    task_definitions: dict[str, Resource] = field(default_factory=dict)
    """ECS service URN -> the task definition it runs."""
    interface_endpoints: set[str] = field(default_factory=set)
    """Short service names with an interface endpoint (``logs``, ``bedrock-runtime``)."""
    nat_count: int = 0
    private_subnets: int = 0
    trace_sampling_ratio: Optional[float] = None
    """Read from the gateway base the deploy publishes (the publisher Invocation's input), when there is one."""
    traces_exported: bool = False
    lambda_functions: int = 0
    alb_log_buckets: dict[str, int] = field(default_factory=dict)
    """Bucket name -> load balancer nodes (subnets) that deliver access logs to it."""
    firehose_buckets: set[str] = field(default_factory=set)
    expiration_days: dict[str, int] = field(default_factory=dict)
    """Bucket name -> days after which its lifecycle expires current objects."""
    appconfig_profiles: dict[str, int] = field(default_factory=dict)
    """AppConfig application id -> configuration profiles."""

    @classmethod
    def of(cls, inv: StackInventory) -> "StackFacts":
        """Collect the facts of an inventory."""
        facts = cls()
        facts._services(inv)
        facts.interface_endpoints = {
            str(r.inputs.get("serviceName", "")).split(".", 3)[-1]
            for r in inv.of_type(VPC_ENDPOINT) if r.inputs.get("vpcEndpointType") == "Interface"
        }
        facts.nat_count = len(inv.of_type(NAT_GATEWAY))
        facts.private_subnets = sum(1 for r in inv.of_type(SUBNET) if r.get("tags", "tier") == "private")
        facts.lambda_functions = len(inv.of_type(LAMBDA))
        facts._buckets(inv)
        facts._read_published_base(inv)
        for profile in inv.of_type(APPCONFIG_PROFILE):
            app = str(profile.inputs.get("applicationId", ""))
            facts.appconfig_profiles[app] = facts.appconfig_profiles.get(app, 0) + 1
        return facts

    def _services(self, inv: StackInventory) -> None:
        by_family = {str(t.inputs.get("family")): t for t in inv.of_type(TASK_DEFINITION)}
        targets = {str(t.inputs.get("resourceId", "")).rsplit("/", 1)[-1]: t for t in inv.of_type(SCALING_TARGET)
                   if t.inputs.get("serviceNamespace") == "ecs"}
        for service in inv.of_type(ECS_SERVICE):
            family = str(service.inputs.get("taskDefinition", "")).rsplit("/", 1)[-1].split(":")[0]
            task = by_family.get(family)
            if task is None and len(by_family) == 1:
                task = next(iter(by_family.values()))
            if task is not None:
                self.task_definitions[service.urn] = task
                self._read_gateway_config(task)
            target = targets.get(str(service.inputs.get("name", "")))
            desired = int(service.inputs.get("desiredCount", 1) or 0)
            if target is not None:
                self.capacities[service.urn] = Capacity(int(target.inputs.get("minCapacity", desired)),
                                                        int(target.inputs.get("maxCapacity", desired)))
            else:
                self.capacities[service.urn] = Capacity(desired, desired)

    def _read_gateway_config(self, task: Resource) -> None:
        raw = task.inputs.get("containerDefinitions")
        if isinstance(raw, str):  # the collector config (with its exporters) is inside
            self.traces_exported = self.traces_exported or "awsxray" in raw

    def _read_published_base(self, inv: StackInventory) -> None:
        documents = published_documents(inv)
        base = documents.get("base") if documents else None
        if isinstance(base, dict) and isinstance(base.get("traceSamplingRatio"), (int, float)):
            self.trace_sampling_ratio = float(base["traceSamplingRatio"])

    def _buckets(self, inv: StackInventory) -> None:
        for lb in inv.of_type(LOAD_BALANCER):
            logs: Any = lb.inputs.get("accessLogs") or {}
            if logs.get("enabled") and logs.get("bucket"):
                self.alb_log_buckets[str(logs["bucket"])] = len(lb.inputs.get("subnets") or [])
        for stream in inv.of_type(FIREHOSE):
            arn = stream.get("extendedS3Configuration", "bucketArn", default="")
            if arn:
                self.firehose_buckets.add(str(arn).rsplit(":", 1)[-1])
        for rule_set in inv.of_type(LIFECYCLE):
            days = [rule.get("expiration", {}).get("days") for rule in rule_set.inputs.get("rules") or []
                    if rule.get("status") == "Enabled" and (rule.get("expiration") or {}).get("days")]
            if days:
                self.expiration_days[str(rule_set.inputs.get("bucket"))] = max(days)

    def total_tasks(self, scenario: str) -> int:
        """Tasks of every ECS service at minimum (``min``) or maximum (``max``) capacity."""
        return sum(c.minimum if scenario == "min" else c.maximum for c in self.capacities.values())
