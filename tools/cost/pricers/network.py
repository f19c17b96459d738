"""NAT gateways, public IPv4 addresses and interface endpoints."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import HOURS_PER_MONTH


def nat_gateway(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Hours, its share of the NAT traffic, cross-AZ hops to a shared NAT, internet egress."""
    share = 1 / max(ctx.facts.nat_count, 1)
    gb = ctx.nat_gb() * share
    charges = [
        Charge("NAT gateway hours", HOURS_PER_MONTH, "nat_gateway.hour", "fixed", "730 h"),
        Charge("NAT data processed", gb, "nat_gateway.gb", "variable",
               f"1/{max(ctx.facts.nat_count, 1)} of the NAT traffic (providers, and Bedrock/logs without endpoints)"),
    ]
    subnets = ctx.facts.private_subnets
    if 0 < ctx.facts.nat_count < subnets:
        remote = (subnets - ctx.facts.nat_count) / subnets
        charges.append(Charge("cross-AZ transfer to a shared NAT", gb * remote * 2, "cross_az.gb", "variable",
                              f"{remote:.0%} of its traffic comes from other AZs, billed both ways"))
    charges.append(Charge("internet egress to providers", ctx.traffic.internet_egress_gb * share,
                          "data_transfer_out.gb", "variable", "request bytes to non-Bedrock providers"))
    return charges


def elastic_ip(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A public IPv4 address, billed hourly whether attached or idle."""
    return [Charge("public IPv4 address", HOURS_PER_MONTH, "public_ipv4.hour", "fixed", "730 h")]


def vpc_endpoint(res: Resource, ctx: PricingContext) -> list[Charge]:
    """Interface endpoints: hours per AZ (one per subnet) and data processed. Gateway ones are free."""
    if res.inputs.get("vpcEndpointType") != "Interface":
        return []
    service = str(res.inputs.get("serviceName", "")).split(".", 3)[-1]
    azs = len(res.inputs.get("subnetIds") or [])
    return [
        Charge(f"{service} endpoint hours", HOURS_PER_MONTH * azs, "interface_endpoint.az_hour", "fixed",
               f"730 h x {azs} AZ"),
        Charge(f"{service} endpoint data", ctx.endpoint_gb(service), "interface_endpoint.gb", "variable",
               "gateway traffic to this service" if ctx.endpoint_gb(service) else "control-plane calls only (negligible)"),
    ]


PRICERS = {
    "aws:ec2/natGateway:NatGateway": nat_gateway,
    "aws:ec2/eip:Eip": elastic_ip,
    "aws:ec2/vpcEndpoint:VpcEndpoint": vpc_endpoint,
}
