"""Gateway service: ECR, provider-key secrets, IAM, ECS cluster/task/service, autoscaling. SKELETON."""

from __future__ import annotations

from typing import Any, Mapping

import pulumi

from .auth import Auth
from .context import StackContext
from .edge import Edge
from .network import Network
from .observability import Observability


class GatewayService(pulumi.ComponentResource):
    """agentgateway + ADOT collector on Fargate in the private subnets."""

    def __init__(self, name: str, ctx: StackContext, network: Network, edge: Edge, auth: Auth,
                 observability: Observability, api_keys: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:service:GatewayService", name, None, opts)
        self.outputs: dict[str, pulumi.Input[object]] = {}
        self.register_outputs({})
