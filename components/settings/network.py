"""Network settings: VPC, subnets, NAT, endpoints, or an existing VPC."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator

from .model import SettingsModel

INTERFACE_ENDPOINT_SERVICES = (
    "ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts", "monitoring",
    "xray", "kms",
)


class ExistingVpc(SettingsModel):
    """Bring your own VPC: when set, the stack creates no network resources."""

    vpc_id: Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
    """Id of the existing VPC."""
    public_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]], Field(min_length=2)]
    """Subnets for the load balancer (at least two, in different AZs)."""
    private_subnet_ids: Annotated[list[Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]], Field(min_length=2)]
    """Subnets for the gateway tasks; they need a route to the internet (NAT) or VPC endpoints."""


class NetworkSettings(SettingsModel):
    """VPC, subnets, NAT, endpoints and flow logs."""

    cidr: ipaddress.IPv4Network = ipaddress.IPv4Network("10.0.0.0/16")
    """VPC CIDR (a /16 to /20). Default ``10.0.0.0/16``."""
    az_count: Annotated[int, Field(ge=2, le=3)] = 2
    """Availability zones to spread subnets over (2 or 3). Default 2."""
    nat_gateway_per_az: Optional[bool] = None
    """One NAT gateway per AZ (resilient) instead of one shared. Default: true in prod, false otherwise."""
    interface_endpoints: list[Literal[INTERFACE_ENDPOINT_SERVICES]] = [  # type: ignore[valid-type]
        "ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts",
    ]
    """Interface VPC endpoints to create (the S3 gateway endpoint is always created)."""
    existing: Optional[ExistingVpc] = None
    """Use an existing VPC instead of creating one. Default: create one."""

    @field_validator("cidr")
    @classmethod
    def _cidr_size(cls, v: ipaddress.IPv4Network) -> ipaddress.IPv4Network:
        if not 16 <= v.prefixlen <= 20:
            raise ValueError("must be a /16 to /20 network")
        if not v.is_private:
            raise ValueError("must be a private (RFC 1918) range")
        return v

    @field_validator("interface_endpoints")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("lists a service twice")
        return v
