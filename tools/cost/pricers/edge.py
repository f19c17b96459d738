"""Load balancer (hours, LCUs, public addresses, egress to clients) and the WAF web ACL."""

from __future__ import annotations

from ..context import PricingContext
from ..inventory import Resource
from ..model import Charge
from ..traffic import HOURS_PER_MONTH

LCU_NEW_CONNECTIONS_PER_SECOND = 25
LCU_ACTIVE_CONNECTIONS = 3_000
LCU_GB_PER_HOUR = 1.0
PAID_RULE_GROUPS = ("AWSManagedRulesBotControlRuleSet", "AWSManagedRulesATPRuleSet", "AWSManagedRulesACFPRuleSet",
                    "AWSManagedRulesAntiDDoSRuleSet")


def lcu_per_hour(ctx: PricingContext) -> float:
    """LCUs of an average hour: the largest of the new-connection, active-connection and bytes dimensions.

    Rule evaluations stay within the 10 free rules (listeners only have default actions).
    """
    a, t = ctx.assumptions, ctx.traffic
    new_connections = t.requests_per_second * a.new_connection_share / LCU_NEW_CONNECTIONS_PER_SECOND
    active = t.requests_per_second * a.request_seconds / LCU_ACTIVE_CONNECTIONS
    processed = t.client_gb / HOURS_PER_MONTH / LCU_GB_PER_HOUR
    return max(new_connections, active, processed)


def load_balancer(res: Resource, ctx: PricingContext) -> list[Charge]:
    """An application load balancer."""
    internet_facing = not res.inputs.get("internal", False)
    nodes = len(res.inputs.get("subnets") or [])
    charges = [
        Charge("load balancer hours", HOURS_PER_MONTH, "alb.hour", "fixed", "730 h"),
        Charge("LCU-hours", lcu_per_hour(ctx) * HOURS_PER_MONTH, "alb.lcu_hour", "variable",
               "largest LCU dimension of an average hour x 730 h"),
    ]
    if internet_facing:
        charges += [
            Charge("public IPv4 addresses", HOURS_PER_MONTH * nodes, "public_ipv4.hour", "fixed",
                   f"730 h x {nodes} (one per AZ)"),
            Charge("egress to clients", ctx.traffic.response_gb, "data_transfer_out.gb", "variable",
                   "response bytes to internet clients"),
        ]
    return charges


def web_acl(res: Resource, ctx: PricingContext) -> list[Charge]:
    """A WAF web ACL: the ACL, one fee per rule or rule group, and inspected requests."""
    rules = res.inputs.get("rules") or []
    names = [str(r.get("name", "")) for r in rules]
    paid = [n for n in names if n in PAID_RULE_GROUPS]
    basis = f"{len(rules)} rules" + (f"; paid groups {', '.join(paid)} not priced" if paid else "")
    return [
        Charge("web ACL", 1, "waf.web_acl_month", "fixed", "1 ACL"),
        Charge("rules and rule groups", len(rules), "waf.rule_month", "fixed", basis),
        Charge("inspected requests", ctx.traffic.requests / 1e6, "waf.million_requests", "variable",
               "every request reaching the ALB"),
    ]


PRICERS = {
    "aws:lb/loadBalancer:LoadBalancer": load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": load_balancer,
    "aws:wafv2/webAcl:WebAcl": web_acl,
}
