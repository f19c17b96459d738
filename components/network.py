"""Network: VPC, subnets, NAT, routes, endpoints, flow logs (or an existing VPC). SKELETON: being built."""

from __future__ import annotations

import pulumi

from .context import StackContext
from .observability import Observability


class Network(pulumi.ComponentResource):
    """Public and private subnets across AZs, or pass-through of an existing VPC."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:network:Network", name, None, opts)
        self.vpc_id: pulumi.Output[str] = pulumi.Output.from_input("vpc-skeleton")
        self.vpc_cidr: str = str(ctx.settings.network.cidr)
        self.public_subnet_ids: list[pulumi.Output[str]] = []
        self.private_subnet_ids: list[pulumi.Output[str]] = []
        self.register_outputs({})
