"""VPC and security groups: flow logs, the default security group, ingress and egress exposure.

Security-group permissions come in four shapes; ``permissions`` reads them all:
``aws:vpc/securityGroupIngressRule`` / ``securityGroupEgressRule`` (one rule per resource, the
form the program uses), ``aws:ec2/securityGroupRule`` (legacy, ``type`` ingress|egress), and the
inline ``ingress``/``egress`` lists of ``aws:ec2/securityGroup`` and
``aws:ec2/defaultSecurityGroup``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .alb import LOAD_BALANCERS
from .graph import by_type, dependents
from .meta import EnforcementLevel, Severity, resource_policy, stack_policy
from .values import Pending, UnknownValueError, as_list, get, is_list, is_unknown, number, text

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_TYPES = frozenset({SECURITY_GROUP, DEFAULT_SECURITY_GROUP, INGRESS_RULE, EGRESS_RULE, SG_RULE})
RULE_TYPES = frozenset({INGRESS_RULE, EGRESS_RULE, SG_RULE})

# Ports that administer or expose internals of a host or service; never reachable from broad
# ranges. Each entry is justified in docs/policy.md.
ADMIN_PORTS = [
    22, 23, 3389, 5985, 5986,           # SSH, Telnet, RDP, WinRM http/https
    2375, 2376,                         # Docker Engine API
    3306, 5432, 1433, 1521,             # MySQL, PostgreSQL, SQL Server, Oracle
    6379, 11211, 27017, 9200,           # Redis, Memcached, MongoDB, OpenSearch/Elasticsearch
    15000, 15020,                       # agentgateway admin UI / config dump, Prometheus stats
    4317, 4318, 13133,                  # ADOT sidecar OTLP gRPC/HTTP receivers, health check
]
WORLD_INGRESS_PORTS = [80, 443]
WORLD_EGRESS_PORTS = [443]
BROAD_PREFIX = {4: 16, 6: 48}  # shorter prefixes than these count as "broad"


@dataclass(frozen=True)
class Permission:
    """One security-group permission, normalised."""

    direction: str              # "ingress" | "egress"
    protocol: str               # "all" | "tcp" | "udp" | "icmp" | other protocol number/name
    from_port: int
    to_port: int
    cidrs: tuple[str, ...]
    where: str                  # for messages: "rule", "ingress[0]"

    def covers(self, port: int) -> bool:
        """Whether traffic to ``port`` (TCP or UDP) is allowed by this permission."""
        if self.protocol == "all":
            return True
        return self.protocol in ("tcp", "udp") and self.from_port <= port <= self.to_port

    def is_exactly(self, ports: set[int]) -> bool:
        """A single TCP port out of ``ports``."""
        return self.protocol == "tcp" and self.from_port == self.to_port and self.from_port in ports

    def describe(self) -> str:
        if self.protocol == "all":
            return "all traffic"
        if self.protocol == "icmp":
            return "ICMP"
        span = str(self.from_port) if self.from_port == self.to_port else f"{self.from_port}-{self.to_port}"
        return f"{self.protocol} {span}"


_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "tcp": "tcp", "17": "udp", "udp": "udp",
              "1": "icmp", "icmp": "icmp", "58": "icmp", "icmpv6": "icmp"}


def _protocol(value: Any) -> str:
    if is_unknown(value):
        raise UnknownValueError(value, ["protocol"])
    raw = str(int(value)) if number(value) is not None else (text(value) or "-1").lower()
    return _PROTOCOLS.get(raw, raw)


def _port(value: Any, default: int) -> int:
    found = number(value)
    return int(found) if found is not None else default


def _permission(direction: str, proto: Any, from_port: Any, to_port: Any,
                cidrs: list[Any], where: str) -> Permission:
    protocol = _protocol(proto)
    for cidr in cidrs:
        if is_unknown(cidr):
            raise UnknownValueError(cidr, [where, "cidr"])
    low, high = (0, 65535) if protocol == "all" else (_port(from_port, 0), _port(to_port, 65535))
    if protocol in ("tcp", "udp") and low == -1:
        low, high = 0, 65535
    return Permission(direction, protocol, low, high, tuple(str(c) for c in cidrs if c), where)


def permissions(resource_type: str, props: Any, direction: str) -> Iterator[Permission]:
    """The ``direction`` permissions a security-group resource declares.

    Unknown fields raise ``UnknownValueError`` when the generator reaches them.
    """
    if resource_type in (INGRESS_RULE, EGRESS_RULE):
        if (resource_type == INGRESS_RULE) == (direction == "ingress"):
            cidrs = [props.get("cidrIpv4"), props.get("cidrIpv6")]
            yield _permission(direction, props.get("ipProtocol"), props.get("fromPort"),
                              props.get("toPort"), cidrs, "rule")
    elif resource_type == SG_RULE:
        if text(props.get("type")) == direction:
            cidrs = as_list(props.get("cidrBlocks")) + as_list(props.get("ipv6CidrBlocks"))
            yield _permission(direction, props.get("protocol"), props.get("fromPort"),
                              props.get("toPort"), cidrs, "rule")
    elif resource_type in (SECURITY_GROUP, DEFAULT_SECURITY_GROUP):
        for index, entry in enumerate(as_list(props.get(direction))):
            cidrs = as_list(get(entry, "cidrBlocks")) + as_list(get(entry, "ipv6CidrBlocks"))
            yield _permission(direction, get(entry, "protocol"), get(entry, "fromPort"),
                              get(entry, "toPort"), cidrs, f"{direction}[{index}]")


def _network(cidr: str) -> Optional[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None


def is_world(cidr: str) -> bool:
    """0.0.0.0/0 or ::/0 (any zero-length prefix)."""
    net = _network(cidr)
    return net is not None and net.prefixlen == 0


def is_broad(cidr: str) -> bool:
    """A range wider than a /16 (IPv4) or /48 (IPv6), the internet included."""
    net = _network(cidr)
    return net is not None and net.prefixlen < BROAD_PREFIX[net.version]


def _each_permission(args: ResourceValidationArgs, direction: str) -> Iterator[Permission]:
    yield from permissions(args.resource_type, args.props, direction)


# --- aws-ec2-sg-no-public-ingress -------------------------------------------------------------

def _check_public_ingress(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = {int(p) for p in as_list(args.get_config().get("allowedPorts"))}
    for perm in _each_permission(args, "ingress"):
        for cidr in perm.cidrs:
            if is_world(cidr) and not perm.is_exactly(allowed):
                report(f"Ingress {perm.where} opens {perm.describe()} to {cidr}; only TCP "
                       f"{'/'.join(str(p) for p in sorted(allowed))} may be open to the internet.", None)


no_public_ingress = resource_policy(
    name="aws-ec2-sg-no-public-ingress",
    description="Security groups allow internet ingress (0.0.0.0/0, ::/0) only to TCP 80 and 443.",
    severity=Severity.HIGH,
    remediation="Restrict the rule to the load balancer's security group "
                "(referenced_security_group_id) or to TCP 443/80 on the ALB security group.",
    types=SG_TYPES - {EGRESS_RULE},
    validate=_check_public_ingress,
    config={"allowedPorts": {
        "type": "array", "items": {"type": "integer"}, "default": WORLD_INGRESS_PORTS,
        "description": "Single TCP ports that may be open to the whole internet.",
    }},
    tags=["network"],
)


# --- aws-ec2-sg-no-admin-ports ----------------------------------------------------------------

def _check_admin_ports(args: ResourceValidationArgs, report: ReportViolation) -> None:
    ports = sorted({int(p) for p in as_list(args.get_config().get("adminPorts"))})
    for perm in _each_permission(args, "ingress"):
        broad = [c for c in perm.cidrs if is_broad(c)]
        exposed = [p for p in ports if perm.covers(p)]
        if broad and exposed:
            report(f"Ingress {perm.where} ({perm.describe()}) exposes administrative port(s) "
                   f"{', '.join(map(str, exposed))} to {', '.join(broad)}.", None)


no_admin_ports = resource_policy(
    name="aws-ec2-sg-no-admin-ports",
    description="No ingress to administrative ports (SSH, RDP, databases, gateway admin/stats, "
                "collector receivers) from broad ranges (wider than /16, or /48 for IPv6).",
    severity=Severity.CRITICAL,
    remediation="Remove the rule; reach tasks with ECS Exec or SSM when debugging, and keep the "
                "gateway's admin (15000) and stats (15020) ports on loopback or SG-referenced only.",
    types=SG_TYPES - {EGRESS_RULE},
    validate=_check_admin_ports,
    config={"adminPorts": {
        "type": "array", "items": {"type": "integer"}, "default": ADMIN_PORTS,
        "description": "Ports that must never be reachable from broad CIDR ranges.",
    }},
    tags=["network"],
)


# --- aws-ec2-sg-egress-https-only (advisory by default) ---------------------------------------

def _check_egress(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = {int(p) for p in as_list(args.get_config().get("allowedPorts"))}
    for perm in _each_permission(args, "egress"):
        for cidr in perm.cidrs:
            if is_world(cidr) and not perm.is_exactly(allowed):
                report(f"Egress {perm.where} allows {perm.describe()} to {cidr}; the gateway only "
                       "needs HTTPS to providers and AWS APIs.", None)


egress_https_only = resource_policy(
    name="aws-ec2-sg-egress-https-only",
    description="Egress to the internet is limited to TCP 443.",
    severity=Severity.MEDIUM,
    remediation="Replace allow-all egress with TCP 443 to 0.0.0.0/0 (providers, AWS APIs via "
                "NAT) plus SG-referenced rules inside the VPC.",
    types=SG_TYPES - {INGRESS_RULE},
    validate=_check_egress,
    enforcement=EnforcementLevel.ADVISORY,
    config={"allowedPorts": {
        "type": "array", "items": {"type": "integer"}, "default": WORLD_EGRESS_PORTS,
        "description": "Single TCP ports allowed to the whole internet.",
    }},
    tags=["network", "exfiltration"],
)


# --- aws-ec2-sg-public-ingress-only-on-lb -----------------------------------------------------

def _groups_of(resource: PolicyResource) -> list[PolicyResource]:
    """The security group(s) a permission belongs to."""
    if resource.resource_type == SECURITY_GROUP:
        return [resource]
    return [d for d in resource.property_dependencies.get("securityGroupId", [])
            if d.resource_type == SECURITY_GROUP]


def _check_public_ingress_on_lb(args: StackValidationArgs, report: ReportViolation) -> None:
    lb_groups = {dep.urn for lb in by_type(args.resources, LOAD_BALANCERS)
                 for dep in lb.property_dependencies.get("securityGroups", [])}
    pending = Pending()
    for resource in by_type(args.resources, {SECURITY_GROUP, INGRESS_RULE, SG_RULE}):
        with pending.attempt():
            open_to_world = any(is_world(c) for p in permissions(resource.resource_type, resource.props, "ingress")
                                for c in p.cidrs)
            if not open_to_world:
                continue
            groups = _groups_of(resource)
            if not groups or any(g.urn not in lb_groups for g in groups):
                report("Internet ingress is opened on a security group that no load balancer of "
                       "this stack uses; only the ALB's security group may face the internet.",
                       resource.urn)
    pending.settle()


public_ingress_only_on_lb = stack_policy(
    name="aws-ec2-sg-public-ingress-only-on-lb",
    description="Only security groups attached to a load balancer accept internet ingress.",
    severity=Severity.HIGH,
    remediation="Open 80/443 only on the ALB security group; let tasks accept traffic from the "
                "ALB security group (referenced_security_group_id), never from 0.0.0.0/0.",
    types=LOAD_BALANCERS | {SECURITY_GROUP, INGRESS_RULE, SG_RULE},
    validate=_check_public_ingress_on_lb,
    tags=["network"],
)


# --- aws-vpc-flow-logs ------------------------------------------------------------------------

def _check_flow_logs(args: StackValidationArgs, report: ReportViolation) -> None:
    for vpc in by_type(args.resources, {VPC}):
        if not dependents(args.resources, {FLOW_LOG}, "vpcId", vpc):
            report("The VPC has no flow log (no FlowLog whose vpcId comes from it).", vpc.urn)


flow_logs = stack_policy(
    name="aws-vpc-flow-logs",
    description="Every VPC the stack creates has a flow log.",
    severity=Severity.MEDIUM,
    remediation="Create aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL', ...) delivering to "
                "an encrypted log group or bucket.",
    types={VPC, FLOW_LOG},
    validate=_check_flow_logs,
    tags=["logging", "network"],
)


# --- aws-vpc-default-security-group-closed ----------------------------------------------------

def _check_default_sg(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for vpc in by_type(args.resources, {VPC}):
        if not dependents(args.resources, {DEFAULT_SECURITY_GROUP}, "vpcId", vpc):
            report("The VPC's default security group is not adopted (no DefaultSecurityGroup for "
                   "it), so it keeps AWS's allow-all rules.", vpc.urn)
    for group in by_type(args.resources, {DEFAULT_SECURITY_GROUP}):
        with pending.attempt():
            for direction in ("ingress", "egress"):
                rules = group.props.get(direction)
                if is_list(rules) and len(rules) > 0:
                    report(f"The default security group has {direction} rules; it must have none.",
                           group.urn)
        for rule in dependents(args.resources, RULE_TYPES, "securityGroupId", group):
            report("A security group rule is attached to the default security group.", rule.urn)
    pending.settle()


default_sg_closed = stack_policy(
    name="aws-vpc-default-security-group-closed",
    description="Each VPC's default security group is adopted and has no rules.",
    severity=Severity.MEDIUM,
    remediation="Add aws.ec2.DefaultSecurityGroup(vpc_id=vpc.id) with no ingress/egress, and "
                "attach resources to purpose-made security groups.",
    types={VPC, DEFAULT_SECURITY_GROUP} | RULE_TYPES,
    validate=_check_default_sg,
    tags=["network"],
)


POLICIES = [flow_logs, default_sg_closed, no_public_ingress, public_ingress_only_on_lb,
            no_admin_ports, egress_https_only]
