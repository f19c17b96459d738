"""Everything a pricer may read: the inventory, its facts, prices, assumptions and the scenario."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .assumptions import Assumptions
from .facts import StackFacts
from .inventory import Resource, StackInventory
from .prices import PriceTable
from .traffic import Traffic

Scenario = Literal["min", "max"]

DEFAULT_TRACE_SAMPLING = 0.1
"""X-Ray sampling when neither the task definition nor the assumptions say (the settings' default)."""


@dataclass(frozen=True)
class PricingContext:
    """The inputs of every pricer. Pricers run once per scenario (minimum and maximum capacity)."""

    inventory: StackInventory
    facts: StackFacts
    prices: PriceTable
    assumptions: Assumptions
    traffic: Traffic
    scenario: Scenario

    def tasks_of(self, service: Resource) -> int:
        """Tasks an ECS service runs in this scenario."""
        capacity = self.facts.capacities.get(service.urn)
        if capacity is None:
            return 0
        return capacity.minimum if self.scenario == "min" else capacity.maximum

    @property
    def total_tasks(self) -> int:
        """Tasks of all ECS services in this scenario."""
        return self.facts.total_tasks(self.scenario)

    @property
    def trace_sampling_ratio(self) -> float:
        """Share of requests traced: the assumption, else the gateway config, else the default."""
        if self.assumptions.trace_sampling_ratio is not None:
            return self.assumptions.trace_sampling_ratio
        if self.facts.trace_sampling_ratio is not None:
            return self.facts.trace_sampling_ratio
        return DEFAULT_TRACE_SAMPLING

    def has_endpoint(self, service: str) -> bool:
        """Whether the VPC has an interface endpoint for an AWS service (``logs``)."""
        return service in self.facts.interface_endpoints

    def task_log_gb(self) -> float:
        """Log bytes the tasks ship to CloudWatch Logs per month (access, collector, EMF)."""
        a = self.assumptions
        per_task = a.collector_log_gb_per_task + a.emf_log_gb_per_task
        return self.traffic.access_log_gb + per_task * self.total_tasks

    def nat_gb(self) -> float:
        """Gigabytes through NAT: internet providers, plus Bedrock and logs without their endpoints."""
        gb = self.traffic.internet_provider_gb
        if not self.has_endpoint("bedrock-runtime"):
            gb += self.traffic.bedrock_gb
        if not self.has_endpoint("logs"):
            gb += self.task_log_gb()
        return gb

    def endpoint_gb(self, service: str) -> float:
        """Gigabytes an interface endpoint carries for the gateway's traffic."""
        if service == "bedrock-runtime":
            return self.traffic.bedrock_gb
        if service == "logs":
            return self.task_log_gb()
        return 0.0
