"""Auth: Cognito user pool, resource server, M2M clients, domain. SKELETON: being built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi

from .context import StackContext


@dataclass(frozen=True)
class JwtValidation:
    """What the ALB needs to validate this stack's tokens."""

    issuer: pulumi.Output[str]
    jwks_endpoint: pulumi.Output[str]
    required_scope: pulumi.Output[str]


class Auth(pulumi.ComponentResource):
    """Cognito pool issuing client_credentials tokens for the gateway."""

    def __init__(self, name: str, ctx: StackContext, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:auth:Auth", name, None, opts)
        self.jwt: Optional[JwtValidation] = None
        self.outputs: dict[str, pulumi.Input[object]] = {}
        self.register_outputs({})
