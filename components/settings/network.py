"""Network settings: VPC, subnets, NAT, endpoints, or an existing VPC."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator, model_validator

from .errors import FieldProblem
from .model import IPv4Cidr, SettingsModel

INTERFACE_ENDPOINT_SERVICES = (
    "ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts", "monitoring",
    "xray", "kms",
)


DEFAULT_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs", "secretsmanager", "bedrock-runtime", "sts")
"""Interface endpoints of a created VPC when ``interfaceEndpoints`` is unset."""
_SUBNET_ID = Annotated[str, Field(pattern=r"^subnet-[0-9a-f]{8,17}$")]
_CREATED_VPC_ONLY = {"cidr": "cidr", "az_count": "azCount", "nat_gateway_per_az": "natGatewayPerAz"}


class ExistingVpc(SettingsModel):
    """Bring your own VPC: the stack creates no VPC, subnets, NAT gateways, routes or flow logs.

    The VPC must give the private subnets a way to ECR, CloudWatch Logs, Secrets Manager, STS,
    Bedrock, Cognito (the JWKS) and the keyed providers' APIs on 443: a NAT route, or VPC endpoints
    (the stack creates those listed in ``network.interfaceEndpoints`` in the private subnets; the
    VPC needs DNS support and DNS hostnames on for their private DNS names).
    """

    vpc_id: Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")]
    """Id of the existing VPC (``vpc-...``). Required."""
    public_subnet_ids: Annotated[list[_SUBNET_ID], Field(min_length=2)]
    """Subnets of the load balancer (``subnet-...``, at least two, in different AZs; private ones
    for an ``edge.internal`` load balancer are taken from privateSubnetIds). Required."""
    private_subnet_ids: Annotated[list[_SUBNET_ID], Field(min_length=2)]
    """Subnets of the gateway tasks (``subnet-...``, at least two, in different AZs), with a route to
    the internet (NAT) or VPC endpoints for every service the tasks call. Required."""

    @model_validator(mode="after")
    def _distinct(self) -> "ExistingVpc":
        for key, ids in (("publicSubnetIds", self.public_subnet_ids), ("privateSubnetIds", self.private_subnet_ids)):
            if len(set(ids)) != len(ids):
                raise FieldProblem(key, "lists a subnet twice")
        both = sorted(set(self.public_subnet_ids) & set(self.private_subnet_ids))
        if both:
            raise FieldProblem("privateSubnetIds", f"{', '.join(both)} is also a public subnet; tasks and the"
                                                   " load balancer need separate subnets")
        return self


class NetworkSettings(SettingsModel):
    """VPC, subnets, NAT, endpoints and flow logs."""

    cidr: IPv4Cidr = ipaddress.IPv4Network("10.0.0.0/16")
    """VPC CIDR (a /16 to /20) of the created VPC. Default ``10.0.0.0/16``."""
    az_count: Annotated[int, Field(ge=2, le=3)] = 2
    """Availability zones the created VPC spreads subnets over (2 or 3). Default 2."""
    nat_gateway_per_az: Optional[bool] = None
    """One NAT gateway per AZ (an AZ outage keeps egress) instead of one shared; each costs about
    $32.85 a month plus $0.045/GB and an address (us-east-1). Default: true in prod, false in dev and
    staging."""
    interface_endpoints: Optional[list[Literal[INTERFACE_ENDPOINT_SERVICES]]] = None  # type: ignore[valid-type]
    """Interface VPC endpoints to create in the private subnets; each costs about $7.30 a month per AZ
    plus $0.01/GB (us-east-1), and keeps that traffic off the NAT gateway and the internet. Default:
    ecr.api, ecr.dkr, logs, secretsmanager, bedrock-runtime and sts in a created VPC of a staging or
    prod stack; none in dev (the NAT path carries the same traffic; six endpoints in two AZs would
    be $88 a month) and none in an existing VPC (whose network team usually runs its own). The S3
    gateway endpoint (free) is created with a created VPC."""
    existing: Optional[ExistingVpc] = None
    """Use an existing VPC instead of creating one (then cidr, azCount and natGatewayPerAz do not
    apply and are refused). Default: create one."""

    def endpoint_services(self, *, environment_default: bool) -> tuple[str, ...]:
        """The interface endpoints to create: as listed, else the default when the VPC is created and
        the environment wants endpoints by default (``environment_default``), else none."""
        if self.interface_endpoints is not None:
            return tuple(self.interface_endpoints)
        return DEFAULT_INTERFACE_ENDPOINTS if self.existing is None and environment_default else ()

    @model_validator(mode="after")
    def _existing_takes_no_vpc_settings(self) -> "NetworkSettings":
        if self.existing is not None:
            for field_name, key in _CREATED_VPC_ONLY.items():
                if field_name in self.model_fields_set:
                    raise FieldProblem(key, "applies only to a VPC the stack creates; with network.existing"
                                            " the stack creates none, so remove it")
        return self

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
    def _unique(cls, v: Optional[list[str]]) -> Optional[list[str]]:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("lists a service twice")
        return v
