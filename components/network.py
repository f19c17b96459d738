"""Network: VPC, subnets, NAT, routes, endpoints, flow logs (or an existing VPC).

Layout (created mode):

- one VPC (``network.cidr``, DNS support and hostnames on: interface endpoints' private DNS needs
  both), public and private subnets in ``network.azCount`` AZs, carved by
  :func:`components.renderers.subnets.plan_subnets`;
- an internet gateway and one public route table; NAT gateways (with Elastic IPs) in the public
  subnets: one per AZ when ``settings.nat_gateway_per_az`` (prod default), else one shared;
- one private route table per AZ (default route to its NAT, or the shared one), so switching to
  per-AZ NAT later only changes routes;
- the VPC's default security group taken over with no rules at all (nothing can use it by accident);
- VPC flow logs of ALL traffic to the encrypted ``observability.flow_log_group`` via a role only
  VPC Flow Logs of this account can assume;
- an S3 gateway endpoint on the private route tables (ECR layers come from S3) and interface
  endpoints for ``network.interfaceEndpoints`` in the private subnets, private DNS on, behind a
  security group that only the gateway tasks may reach on 443 (the rule is the Edge's, next to the
  tasks' security group).

Bring your own VPC (``network.existing``): no VPC, subnet, route, NAT or flow log is created; the
given ids pass through, and only the interface endpoints named in ``network.interfaceEndpoints``
(none by default) are created in the given private subnets.

``egress`` lists what must exist before a task can reach the outside (the private default routes
through NAT, the endpoints): the service depends on it, so no task starts before it can pull its
image or fetch the JWKS.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .observability import Observability
from .renderers.network_policies import FLOW_LOGS_SERVICE, flow_logs_permissions, flow_logs_trust_policy
from .renderers.subnets import plan_subnets
from .settings import ExistingVpc



class Network(pulumi.ComponentResource):
    """Public and private subnets across AZs, or pass-through of an existing VPC."""

    vpc_id: pulumi.Output[str]
    vpc_cidr: Optional[str]
    """The created VPC's CIDR; None for an existing VPC (nothing here needs it)."""
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    private_subnet_cidrs: list[str]
    egress: list[pulumi.Resource]
    """Routes and endpoints the tasks' way out depends on (empty for an existing VPC without endpoints)."""

    def __init__(self, name: str, ctx: StackContext, observability: Observability, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:network:Network", name, None, opts)
        settings = ctx.settings.network

        # Handles for other components and tests (None / empty in bring-your-own-VPC mode).
        self.vpc: Optional[aws.ec2.Vpc] = None
        self.availability_zones: list[pulumi.Output[str]] = []
        self.public_subnet_cidrs: list[str] = []
        self.nat_gateways: list[aws.ec2.NatGateway] = []
        self.private_route_table_ids: list[pulumi.Output[str]] = []
        self.flow_log: Optional[aws.ec2.FlowLog] = None
        self.endpoint_security_group_id: Optional[pulumi.Output[str]] = None
        self.interface_endpoints: dict[str, aws.ec2.VpcEndpoint] = {}
        self.egress = []
        self.managed = settings.existing is None
        """Whether this stack owns the VPC (False with ``network.existing``)."""

        if settings.existing is not None:
            self._adopt(settings.existing)
        else:
            self._build(name, ctx, observability)
        self._interface_endpoints(name, ctx)

        self.register_outputs({
            "vpcId": self.vpc_id,
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
        })

    # Bring your own VPC -------------------------------------------------------------------------
    def _adopt(self, existing: ExistingVpc) -> None:
        self.vpc_id = pulumi.Output.from_input(existing.vpc_id)
        self.vpc_cidr = None
        self.public_subnet_ids = [pulumi.Output.from_input(s) for s in existing.public_subnet_ids]
        self.private_subnet_ids = [pulumi.Output.from_input(s) for s in existing.private_subnet_ids]
        # Nothing is created in an existing VPC, so no rule needs the subnets' CIDRs.
        self.private_subnet_cidrs = []

    # Created VPC --------------------------------------------------------------------------------
    def _build(self, name: str, ctx: StackContext, observability: Observability) -> None:
        settings = ctx.settings.network
        naming = ctx.naming
        az_count = settings.az_count
        plan = plan_subnets(settings.cidr, az_count)
        self.vpc_cidr = plan.vpc
        self.public_subnet_cidrs = list(plan.public)
        self.private_subnet_cidrs = list(plan.private)

        # Real AZs of the account (names map to different physical zones per account), without
        # Local/Wavelength zones. The invoke inherits the explicit provider from the parent chain
        # (asserted in tests/components/test_network.py).
        zones = aws.get_availability_zones_output(
            state="available",
            filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.availability_zones = [zones.names.apply(lambda names, i=i: _zone(names, i, az_count)) for i in range(az_count)]

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=plan.vpc,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": naming.physical("vpc")},
            opts=child_opts(self),
        )
        self.vpc = vpc
        self.vpc_id = vpc.id

        # Take over the default security group and strip every rule from it.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": naming.physical("default-do-not-use")},
            opts=child_opts(self),
        )

        igw = aws.ec2.InternetGateway(
            f"{name}-igw", vpc_id=vpc.id, tags={"Name": naming.physical("igw")}, opts=child_opts(self)
        )

        letters = "abc"

        def make_subnet(tier: str, index: int, cidr: str) -> aws.ec2.Subnet:
            role = f"{tier}-{letters[index]}"
            return aws.ec2.Subnet(
                f"{name}-{role}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=self.availability_zones[index],
                map_public_ip_on_launch=False,
                tags={"Name": naming.physical(role), "tier": tier},
                opts=child_opts(self),
            )

        public_subnets = [make_subnet("public", i, plan.public[i]) for i in range(az_count)]
        private_subnets = [make_subnet("private", i, plan.private[i]) for i in range(az_count)]
        self.public_subnet_ids = [s.id for s in public_subnets]
        self.private_subnet_ids = [s.id for s in private_subnets]

        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=vpc.id, tags={"Name": naming.physical("public")}, opts=child_opts(self)
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=child_opts(self),
        )
        for i, subnet in enumerate(public_subnets):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{letters[i]}-rta", route_table_id=public_rt.id, subnet_id=subnet.id, opts=child_opts(self)
            )

        nat_count = az_count if ctx.settings.nat_gateway_per_az else 1
        for i in range(nat_count):
            eip = aws.ec2.Eip(
                f"{name}-nat-{letters[i]}-eip",
                domain="vpc",
                tags={"Name": naming.physical(f"nat-{letters[i]}")},
                opts=child_opts(self, depends_on=[igw]),
            )
            self.nat_gateways.append(aws.ec2.NatGateway(
                f"{name}-nat-{letters[i]}",
                allocation_id=eip.id,
                subnet_id=public_subnets[i].id,
                connectivity_type="public",
                tags={"Name": naming.physical(f"nat-{letters[i]}")},
                opts=child_opts(self, depends_on=[igw]),
            ))

        private_rts: list[aws.ec2.RouteTable] = []
        for i, subnet in enumerate(private_subnets):
            rt = aws.ec2.RouteTable(
                f"{name}-private-{letters[i]}-rt",
                vpc_id=vpc.id,
                tags={"Name": naming.physical(f"private-{letters[i]}")},
                opts=child_opts(self),
            )
            nat = self.nat_gateways[i if nat_count > 1 else 0]
            nat_route = aws.ec2.Route(
                f"{name}-private-{letters[i]}-default",
                route_table_id=rt.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=child_opts(self),
            )
            association = aws.ec2.RouteTableAssociation(
                f"{name}-private-{letters[i]}-rta", route_table_id=rt.id, subnet_id=subnet.id, opts=child_opts(self)
            )
            self.egress += [nat_route, association]
            private_rts.append(rt)
        self.private_route_table_ids = [rt.id for rt in private_rts]

        self._flow_logs(name, ctx, observability, vpc)
        self._gateway_endpoint(name, ctx, vpc, private_rts)

    def _flow_logs(self, name: str, ctx: StackContext, observability: Observability, vpc: aws.ec2.Vpc) -> None:
        group = observability.flow_log_group
        if group is None:  # Observability skips it only for an existing VPC; keep the two in step.
            raise ValueError("observability has no flow-log group but the network creates a VPC")
        role = aws.iam.Role(
            f"{name}-flow-logs-role",
            name=ctx.naming.physical("vpc-flow-logs"),
            description=f"{FLOW_LOGS_SERVICE} delivery to {ctx.naming.path('vpc-flow-logs')}",
            assume_role_policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(flow_logs_trust_policy(a[0], ctx.region, a[1]))
            ),
            opts=child_opts(self),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-flow-logs-policy",
            role=role.id,
            name="write-flow-log-group",
            policy=group.arn.apply(lambda arn: json.dumps(flow_logs_permissions(arn))),
            opts=child_opts(self),
        )
        self.flow_log = aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            tags={"Name": ctx.naming.physical("vpc-flow-log")},
            # Without the permissions in place the first delivery attempts fail.
            opts=child_opts(self, depends_on=[policy]),
        )

    def _gateway_endpoint(self, name: str, ctx: StackContext, vpc: aws.ec2.Vpc, private_rts: list[aws.ec2.RouteTable]) -> None:
        self.egress.append(aws.ec2.VpcEndpoint(
            f"{name}-endpoint-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{ctx.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[rt.id for rt in private_rts],
            tags={"Name": ctx.naming.physical("s3")},
            opts=child_opts(self),
        ))

    def _interface_endpoints(self, name: str, ctx: StackContext) -> None:
        services = ctx.settings.interface_endpoint_services
        if not services:
            return
        # Security groups made by the provider lose AWS's default allow-all egress rule, and no
        # egress rule is added: endpoints only answer (security groups are stateful). The only
        # ingress rule (443 from the gateway tasks' group) is made by the Edge, which owns that group.
        sg = aws.ec2.SecurityGroup(
            f"{name}-endpoints-sg",
            name_prefix=f"{ctx.naming.physical('vpc-endpoints')}-",  # replaceable: see edge.py
            description="Interface VPC endpoints: HTTPS from the gateway tasks only",
            vpc_id=self.vpc_id,
            tags={"Name": ctx.naming.physical("vpc-endpoints")},
            opts=child_opts(self),
        )
        self.endpoint_security_group_id = sg.id
        for service in services:
            self.interface_endpoints[service] = aws.ec2.VpcEndpoint(
                f"{name}-endpoint-{service.replace('.', '-')}",
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{ctx.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=self.private_subnet_ids,
                security_group_ids=[sg.id],
                tags={"Name": ctx.naming.physical(service.replace(".", "-"))},
                opts=child_opts(self),
            )
        self.egress += list(self.interface_endpoints.values())


def _zone(names: list[str], index: int, wanted: int) -> str:
    if len(names) < wanted:
        raise ValueError(f"ai-gateway:network.azCount is {wanted} but the region has only {len(names)} available AZs")
    return names[index]
