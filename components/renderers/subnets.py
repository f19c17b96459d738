"""Subnet layout of the VPC as a pure function (no Pulumi).

The VPC is cut into four equal quarters:

- quarters 0, 1, 2 are the **private** subnets of AZ a, b, c (tasks and interface endpoints live
  there; each gets a quarter of the VPC: a /18 of a /16, a /22 of a /20);
- quarter 3 is cut into four again: its first three blocks are the **public** subnets of AZ a, b, c
  (only the load balancer and NAT gateways live there: a /20 of a /16, a /24 of a /20); the last
  block is spare.

Every subnet's position depends only on its AZ index, never on how many AZs are used, so going
from 2 to 3 AZs adds two subnets and moves none (no subnet replacement, no task disruption).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Union

MAX_AZS = 3
"""AZ slots in the layout (quarters 0-2 private, three public blocks in quarter 3)."""
SMALLEST_AWS_SUBNET_PREFIX = 28
"""AWS rejects subnets smaller than a /28."""

Network = Union[str, ipaddress.IPv4Network]


@dataclass(frozen=True)
class SubnetPlan:
    """CIDRs of the public and private subnets, one of each per AZ, in AZ order."""

    vpc: str
    public: tuple[str, ...]
    private: tuple[str, ...]

    @property
    def az_count(self) -> int:
        """How many AZs the plan covers."""
        return len(self.private)


def plan_subnets(vpc_cidr: Network, az_count: int) -> SubnetPlan:
    """Carve ``vpc_cidr`` into ``az_count`` public and ``az_count`` private subnets.

    Raises ``ValueError`` for an AZ count outside 1..3 or a VPC too small for /28 public subnets.
    """
    vpc = ipaddress.IPv4Network(str(vpc_cidr), strict=True)
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1 to {MAX_AZS}, not {az_count}")
    if vpc.prefixlen + 4 > SMALLEST_AWS_SUBNET_PREFIX:
        raise ValueError(f"{vpc} is too small: public subnets would be smaller than /{SMALLEST_AWS_SUBNET_PREFIX}")
    quarters = list(vpc.subnets(prefixlen_diff=2))
    public_blocks = list(quarters[3].subnets(prefixlen_diff=2))
    return SubnetPlan(
        vpc=str(vpc),
        public=tuple(str(b) for b in public_blocks[:az_count]),
        private=tuple(str(q) for q in quarters[:az_count]),
    )


def cidr_slug(cidr: Network) -> str:
    """``10.0.0.0/18`` -> ``10-0-0-0-18``: a CIDR as part of a resource name.

    Rules named after their CIDR (not their list position) survive reordering the list.
    """
    return str(cidr).replace(".", "-").replace("/", "-")
