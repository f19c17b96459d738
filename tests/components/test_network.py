"""Network component: VPC, subnets, NAT layout, flow logs, default SG, endpoints, existing VPC."""

from __future__ import annotations

import ipaddress
import json
import runpy

import pytest

from components.renderers.subnets import plan_subnets
from components.settings.network import DEFAULT_INTERFACE_ENDPOINTS
from tests.support import ENTRY, baseline, run_stack, stack_values
from tools.harness import GatewayMocks, run_program

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG = "aws:ec2/securityGroup:SecurityGroup"

EXISTING = {
    "vpcId": "vpc-0123456789abcdef0",
    "publicSubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    "privateSubnetIds": ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
}


def _network_children(inv):
    net = inv.one("ai-gateway:network:Network")
    return [r for r in inv.resources if r.parent == net.urn]


def _subnets(inv, tier):
    """Subnets of one tier in AZ order (registration order is not deterministic)."""
    return sorted((s for s in inv.of_type(SUBNET) if s.inputs["tags"]["tier"] == tier), key=lambda s: s.name)


def _network_settings(stack):
    values, _ = stack_values(stack)
    return json.loads(values["ai-gateway:network"])


def test_vpc_has_dns_and_the_stack_cidr():
    for stack, cidr in (("dev", "10.20.0.0/16"), ("prod", "10.30.0.0/16")):
        vpc = baseline(stack).one(VPC)
        assert vpc.inputs["cidrBlock"] == cidr
        assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True


@pytest.mark.parametrize("stack,azs,nats", [("dev", 2, 1), ("prod", 3, 3)])
def test_subnet_and_nat_counts_per_environment(stack, azs, nats):
    inv = baseline(stack)
    assert len(_subnets(inv, "public")) == azs and len(_subnets(inv, "private")) == azs
    assert len(inv.of_type(NAT)) == nats and len(inv.of_type(EIP)) == nats
    assert all(e.inputs["domain"] == "vpc" for e in inv.of_type(EIP))
    # one public route table plus one private route table per AZ
    assert len(inv.of_type(ROUTE_TABLE)) == 1 + azs
    assert len(inv.of_type("aws:ec2/internetGateway:InternetGateway")) == 1
    plan = plan_subnets(inv.one(VPC).inputs["cidrBlock"], azs)
    assert [s.inputs["cidrBlock"] for s in _subnets(inv, "public")] == list(plan.public)
    assert [s.inputs["cidrBlock"] for s in _subnets(inv, "private")] == list(plan.private)
    assert [s.inputs["availabilityZone"] for s in _subnets(inv, "private")] == [f"us-east-1{c}" for c in "abc"[:azs]]
    assert not any(s.inputs["mapPublicIpOnLaunch"] for s in inv.of_type(SUBNET))


def _default_routes(inv, prefix):
    return sorted((r for r in inv.of_type(ROUTE) if r.name.startswith(prefix) and r.inputs["destinationCidrBlock"] == "0.0.0.0/0"),
                  key=lambda r: r.name)


def test_nat_gateways_sit_in_public_subnets_and_private_routes_use_them():
    for stack in ("dev", "prod"):
        inv = baseline(stack)
        public_urns = {s.urn for s in _subnets(inv, "public")}
        nats = sorted(inv.of_type(NAT), key=lambda n: n.name)
        for nat in nats:
            assert nat.property_dependencies["subnetId"][0] in public_urns
            assert inv.one("aws:ec2/internetGateway:InternetGateway").urn in nat.dependencies
        private_routes = _default_routes(inv, "network-private-")
        targets = [r.property_dependencies["natGatewayId"] for r in private_routes]
        if stack == "dev":  # one shared NAT gateway
            assert all(t == [nats[0].urn] for t in targets)
        else:  # each AZ's private route goes to the NAT gateway of its own AZ
            assert targets == [[n.urn] for n in nats]
        (public_route,) = _default_routes(inv, "network-public-")
        assert public_route.property_dependencies["gatewayId"] == [inv.one("aws:ec2/internetGateway:InternetGateway").urn]


def _wide_network():
    """Three AZs, a NAT gateway in each, no interface endpoints: one run for the tests of each knob."""
    return run_stack("dev", {"network": {**_network_settings("dev"), "natGatewayPerAz": True, "azCount": 3,
                                         "interfaceEndpoints": []}})


def test_nat_per_az_and_az_count_overrides():
    inv = _wide_network()
    assert len(inv.of_type(NAT)) == 3 and len(_subnets(inv, "private")) == 3


def test_flow_logs_capture_all_traffic_into_the_encrypted_group():
    inv = baseline("prod")
    flow = inv.one("aws:ec2/flowLog:FlowLog")
    vpc = inv.one(VPC)
    group = inv.one("aws:cloudwatch/logGroup:LogGroup", "flow-logs")
    role = inv.one("aws:iam/role:Role", "flow-logs-role")
    assert flow.inputs["trafficType"] == "ALL"
    assert flow.inputs["logDestinationType"] == "cloud-watch-logs"
    assert flow.property_dependencies["vpcId"] == [vpc.urn]
    assert flow.property_dependencies["logDestination"] == [group.urn]
    assert flow.property_dependencies["iamRoleArn"] == [role.urn]
    assert group.inputs["kmsKeyId"]  # encrypted by observability
    policy = inv.one("aws:iam/rolePolicy:RolePolicy", "flow-logs-policy")
    assert policy.urn in flow.dependencies

    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    st, lookup = json.loads(policy.inputs["policy"])["Statement"]
    group_arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{group.inputs['name']}"
    assert st["Resource"] == [group_arn, f"{group_arn}:*"]
    assert sorted(st["Action"]) == sorted(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"])
    assert (lookup["Action"], lookup["Resource"]) == ("logs:DescribeLogGroups", "*")


def test_default_security_group_is_managed_with_no_rules():
    for stack in ("dev", "prod"):
        inv = baseline(stack)
        default = inv.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
        assert default.inputs["ingress"] == [] and default.inputs["egress"] == []
        assert default.property_dependencies["vpcId"] == [inv.one(VPC).urn]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_endpoints_follow_settings(stack):
    inv = baseline(stack)
    # dev: none unless listed (the NAT path carries the traffic); prod: as its stack file lists.
    wanted = _network_settings(stack).get("interfaceEndpoints", [] if stack == "dev" else list(DEFAULT_INTERFACE_ENDPOINTS))
    endpoints = inv.of_type(ENDPOINT)
    s3 = [e for e in endpoints if e.inputs["vpcEndpointType"] == "Gateway"]
    interface = [e for e in endpoints if e.inputs["vpcEndpointType"] == "Interface"]
    assert [e.inputs["serviceName"] for e in s3] == ["com.amazonaws.us-east-1.s3"]
    private_rts = [rt.urn for rt in inv.of_type(ROUTE_TABLE) if rt.name.startswith("network-private-")]
    assert sorted(s3[0].property_dependencies["routeTableIds"]) == sorted(private_rts)
    assert sorted(e.inputs["serviceName"] for e in interface) == sorted(f"com.amazonaws.us-east-1.{svc}" for svc in wanted)
    private_urns = sorted(s.urn for s in _subnets(inv, "private"))
    if not wanted:
        assert not [g for g in inv.of_type(SG) if g.name.endswith("endpoints-sg")]
        return
    sg = inv.one(SG, "endpoints-sg")
    for e in interface:
        assert e.inputs["privateDnsEnabled"] is True
        assert sorted(e.property_dependencies["subnetIds"]) == private_urns
        assert e.property_dependencies["securityGroupIds"] == [sg.urn]


def _endpoint_ingress(inv, sg):
    return [r for r in inv.of_type(INGRESS) if r.property_dependencies["securityGroupId"] == [sg.urn]]


def test_endpoint_security_group_admits_https_from_the_gateway_tasks_only():
    inv = baseline("prod")
    sg = inv.one(SG, "endpoints-sg")
    assert "ingress" not in sg.inputs and "egress" not in sg.inputs  # rules are separate resources
    [rule] = _endpoint_ingress(inv, sg)
    assert rule.property_dependencies["referencedSecurityGroupId"] == [inv.one(SG, "service-sg").urn]
    assert (rule.inputs["ipProtocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 443, 443)
    assert "cidrIpv4" not in rule.inputs
    assert not [r for r in inv.of_type(EGRESS) if r.property_dependencies["securityGroupId"] == [sg.urn]]


def test_existing_vpc_gets_the_interface_endpoints_it_asks_for_in_its_private_subnets():
    inv = run_stack("dev", {"network": {"existing": EXISTING, "interfaceEndpoints": ["logs", "sts"]}})
    endpoints = inv.of_type(ENDPOINT)
    assert sorted(e.inputs["serviceName"] for e in endpoints) == ["com.amazonaws.us-east-1.logs",
                                                                   "com.amazonaws.us-east-1.sts"]
    for endpoint in endpoints:
        assert endpoint.inputs["vpcId"] == EXISTING["vpcId"]
        assert endpoint.inputs["subnetIds"] == EXISTING["privateSubnetIds"]
        assert endpoint.inputs["privateDnsEnabled"] is True
    sg = inv.one(SG, "endpoints-sg")
    assert sg.inputs["vpcId"] == EXISTING["vpcId"]
    [rule] = _endpoint_ingress(inv, sg)
    assert rule.property_dependencies["referencedSecurityGroupId"] == [inv.one(SG, "service-sg").urn]
    service = inv.one("aws:ecs/service:Service")
    assert {e.urn for e in endpoints} <= set(service.dependencies)


def test_the_service_waits_for_the_tasks_way_out():
    for stack in ("dev", "prod"):
        inv = baseline(stack)
        service = set(inv.one("aws:ecs/service:Service").dependencies)
        private_routes = [r for r in inv.of_type("aws:ec2/route:Route") if "private" in r.name]
        assert private_routes and {r.urn for r in private_routes} <= service
        assert {e.urn for e in inv.of_type(ENDPOINT)} <= service
        associations = [r for r in inv.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
                        if "private" in r.name]
        assert {r.urn for r in associations} <= service


def test_no_interface_endpoints_means_no_endpoint_security_group():
    inv = _wide_network()
    assert [e.inputs["vpcEndpointType"] for e in inv.of_type(ENDPOINT)] == ["Gateway"]
    assert not [g for g in inv.of_type(SG) if g.name.endswith("endpoints-sg")]


def test_existing_vpc_creates_no_network_resources():
    inv = run_stack("dev", {"network": {"existing": EXISTING}})
    assert _network_children(inv) == []
    created = {r.type for r in inv.resources if r.type.startswith("aws:ec2/")}
    assert created <= {SG}  # only the edge's ALB and service groups
    assert not inv.of_type("aws:ec2/flowLog:FlowLog")
    assert not [r for r in inv.of_type("aws:iam/role:Role") if "flow-logs" in r.name]
    assert not [g for g in inv.of_type("aws:cloudwatch/logGroup:LogGroup") if "flow-logs" in g.name]
    # the given ids flow into the edge
    alb = inv.one("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["subnets"] == EXISTING["publicSubnetIds"]
    assert inv.one("aws:lb/targetGroup:TargetGroup").inputs["vpcId"] == EXISTING["vpcId"]
    for sg in inv.of_type(SG):
        assert sg.inputs["vpcId"] == EXISTING["vpcId"]


def test_public_attributes():
    box: dict = {}
    for stack, existing in (("prod", None), ("dev", EXISTING)):
        overrides = {"network": {"existing": existing}} if existing else None
        values, secret_keys = stack_values(stack, overrides)
        run_program(lambda: box.update(runpy.run_path(ENTRY, run_name="__main__")),
                    project="ai-gateway", stack=stack, config=values, secret_keys=secret_keys)
        net = box["gateway"].network
        if existing is None:
            plan = plan_subnets("10.30.0.0/16", 3)
            assert net.managed and net.vpc is not None
            assert net.vpc_cidr == "10.30.0.0/16"
            assert net.private_subnet_cidrs == list(plan.private)
            assert net.public_subnet_cidrs == list(plan.public)
            assert len(net.public_subnet_ids) == len(net.private_subnet_ids) == 3
            assert len(net.nat_gateways) == 3 and len(net.private_route_table_ids) == 3
            assert net.endpoint_security_group_id is not None and net.flow_log is not None
        else:
            assert not net.managed and net.vpc is None and net.flow_log is None
            assert net.vpc_cidr is None
            assert net.private_subnet_cidrs == []
            assert len(net.public_subnet_ids) == len(net.private_subnet_ids) == 2


def test_availability_zone_lookup_uses_the_explicit_provider(monkeypatch):
    calls = []
    original = GatewayMocks.call

    def spy(self, args):
        calls.append((args.token, args.provider, dict(args.args)))
        return original(self, args)

    monkeypatch.setattr(GatewayMocks, "call", spy)
    inv = run_stack("dev", fresh=True)  # the spy must see this run's calls
    provider = inv.one("pulumi:providers:aws")
    (az_call,) = [c for c in calls if c[0] == "aws:index/getAvailabilityZones:getAvailabilityZones"]
    assert az_call[1].startswith(provider.urn + "::")
    assert az_call[2]["state"] == "available"
    assert az_call[2]["filters"] == [{"name": "opt-in-status", "values": ["opt-in-not-required"]}]


def test_subnets_fit_the_vpc_for_every_stack():
    for stack in ("dev", "prod"):
        inv = baseline(stack)
        vpc = ipaddress.IPv4Network(inv.one(VPC).inputs["cidrBlock"])
        for s in inv.of_type(SUBNET):
            assert ipaddress.IPv4Network(s.inputs["cidrBlock"]).subnet_of(vpc)
