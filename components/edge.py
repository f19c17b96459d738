"""Edge: ALB, listeners, target group, security groups, WAF, access logs, certificate. SKELETON."""

from __future__ import annotations

from typing import Optional

import pulumi

from .auth import JwtValidation
from .context import StackContext
from .network import Network
from .observability import Observability


class Edge(pulumi.ComponentResource):
    """Everything between a client and the gateway tasks."""

    def __init__(self, name: str, ctx: StackContext, network: Network, observability: Observability,
                 jwt: Optional[JwtValidation], opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:edge:Edge", name, None, opts)
        self.outputs: dict[str, pulumi.Input[object]] = {}
        self.register_outputs({})
