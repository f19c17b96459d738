"""Stacks priced by hand and compared with the estimator; totals are the sums of their rows.

Expected amounts are written out from the price table's figures (us-east-1) and the default
assumptions, so a change to either shows up here as a deliberate edit.
"""

from __future__ import annotations

import pytest

from tests.cost.fragments import doc, resource, variant_doc, with_resources
from tools.cost import Assumptions, estimate
from tools.cost.model import cents
from tools.cost.render import to_json

GB = 2**30
NAT = "aws:ec2/natGateway:NatGateway"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


def lines(result, type_=None, item=None):
    return [x for x in result.lines if (type_ is None or x.type == type_) and (item is None or x.item == item)]


def amount(result, type_=None, item=None):
    return cents(sum(x.monthly for x in lines(result, type_, item)))


@pytest.mark.parametrize("source", ["dev", "prod", "all-on", "all-off"])
def test_totals_are_the_sums_of_the_rows(source):
    result = estimate(doc(source) if source in ("dev", "prod") else variant_doc(source))
    t = result.totals
    assert t.monthly == cents(sum(x.monthly for x in result.lines))
    assert t.monthly_at_max == cents(sum(x.monthly_at_max for x in result.lines))
    assert cents(t.fixed + t.variable) == t.monthly
    assert cents(sum(s.monthly for s in result.by_component().values())) == t.monthly
    assert cents(sum(s.monthly_at_max for s in result.by_resource().values())) == t.monthly_at_max
    document = to_json(result)
    assert document["totals"]["monthly"] == cents(sum(x["monthly"] for x in document["lines"]))
    assert document["totals"]["monthlyAtMax"] == cents(sum(c["monthlyAtMax"] for c in document["byComponent"]))


def test_one_shared_nat_in_dev_and_one_per_az_in_prod():
    dev, prod = estimate(variant_doc("with-endpoints")), estimate(doc("prod"))
    assert [x.monthly for x in lines(dev, NAT, "NAT gateway hours")] == [32.85]  # 730 h x $0.045
    assert [x.monthly for x in lines(prod, NAT, "NAT gateway hours")] == [32.85] * 3
    assert amount(dev, "aws:ec2/eip:Eip") == 3.65 and amount(prod, "aws:ec2/eip:Eip") == 10.95  # $0.005/h each
    # dev: Bedrock and logs use their endpoints, so NAT carries the 10% of requests to internet providers:
    # 1e6 x 0.1 x 28,000 B = 2.608 GB x $0.045; half of it comes from the other AZ, billed both ways at $0.01.
    internet_gb = 1e6 * 0.1 * 28_000 / GB
    assert amount(dev, NAT, "NAT data processed") == cents(internet_gb * 0.045) == 0.12
    assert amount(dev, NAT, "cross-AZ transfer to a shared NAT") == cents(internet_gb * 0.5 * 2 * 0.01) == 0.03
    assert lines(prod, NAT, "cross-AZ transfer to a shared NAT") == []
    assert len({x.quantity for x in lines(prod, NAT, "NAT data processed")}) == 1  # shared equally


def test_interface_endpoints_on_and_off():
    dev, prod, off = estimate(variant_doc("with-endpoints")), estimate(doc("prod")), estimate(doc("dev"))
    hours = lambda r: cents(sum(x.monthly for x in lines(r, ENDPOINT) if x.item.endswith("endpoint hours")))  # noqa: E731
    assert hours(dev) == 87.60   # 6 endpoints x 2 AZs x 730 h x $0.01
    assert hours(prod) == 175.20  # 8 endpoints x 3 AZs x 730 h x $0.01
    assert lines(off, ENDPOINT) == []  # dev's default now; the S3 gateway endpoint is free
    # Without endpoints, Bedrock (90% of requests) and the task logs go through the NAT gateway too:
    # 2.608 + 23.469 + (1.397 access log + 1.05 collector/EMF for 1 task) = 28.524 GB x $0.045.
    nat_gb = 1e6 * 28_000 / GB + 1e6 * 1_500 / GB + 1.05
    assert amount(off, NAT, "NAT data processed") == cents(nat_gb * 0.045) == 1.28
    assert 85 < dev.totals.monthly - off.totals.monthly < 87.60


def test_fargate_at_minimum_and_maximum_capacity_and_arm():
    dev = estimate(doc("dev"))  # 512 CPU units, 1024 MiB, 1 to 3 tasks, X86_64
    [vcpu] = lines(dev, item="Fargate vCPU")
    [memory] = lines(dev, item="Fargate memory")
    assert (vcpu.monthly, vcpu.monthly_at_max) == (cents(0.5 * 730 * 0.04048), cents(3 * 0.5 * 730 * 0.04048))
    assert (memory.monthly, memory.monthly_at_max) == (cents(1 * 730 * 0.004445), cents(3 * 730 * 0.004445))
    assert (vcpu.monthly, memory.monthly) == (14.78, 3.24)
    arm_doc = doc("dev")
    for row in arm_doc["resources"]:
        if row["type"] == "aws:ecs/taskDefinition:TaskDefinition":
            row["inputs"]["runtimePlatform"]["cpuArchitecture"] = "ARM64"
    arm = estimate(arm_doc)
    assert amount(arm, item="Fargate vCPU") == cents(0.5 * 730 * 0.03238) == 11.82
    assert arm.totals.monthly < dev.totals.monthly
    prod = estimate(doc("prod"))  # 1024 / 2048, 2 to 6 tasks
    assert amount(prod, item="Fargate vCPU") == cents(2 * 730 * 0.04048)
    assert lines(prod, item="Fargate vCPU")[0].monthly_at_max == cents(6 * 730 * 0.04048)


def test_only_capacity_driven_lines_differ_between_minimum_and_maximum():
    differing = {x.item for x in estimate(variant_doc("with-endpoints")).lines if x.monthly != x.monthly_at_max}
    assert differing <= {"Fargate vCPU", "Fargate memory", "Container Insights (enhanced) metrics",
                         "Container Insights events ingested", "Container Insights events stored",
                         "collector logs ingested", "collector logs stored", "EMF metric records ingested",
                         "EMF metric records stored", "logs endpoint data",
                         # every task's AppConfig Agent polls and receives on its own
                         "configuration requests", "configurations received"}
    assert {"Fargate vCPU", "Fargate memory"} <= differing


def test_waf_acl_rules_and_requests_and_waf_off():
    dev = estimate(doc("dev"))
    waf = "aws:wafv2/webAcl:WebAcl"
    assert [(x.item, x.monthly) for x in lines(dev, waf)] == [
        ("web ACL", 5.00), ("rules and rule groups", 4.00), ("inspected requests", 0.60)]
    assert lines(estimate(variant_doc("all-off")), waf) == []


def test_m2m_clients_and_token_requests():
    dev = estimate(doc("dev"))  # default client + 2 team clients, 60-minute tokens
    client = "aws:cognito/userPoolClient:UserPoolClient"
    assert [x.monthly for x in lines(dev, client, "M2M app client")] == [6.00] * 3
    # 730 h x 60 min / 60-minute tokens x 2 callers = 1,460 requests x $0.00225
    assert {x.quantity for x in lines(dev, client, "token requests")} == {1460}
    assert amount(dev, client, "token requests") == cents(3 * cents(1460 * 0.00225)) == 9.87
    assert amount(dev, "aws:cognito/userPool:UserPool") == 0.0


def test_log_storage_follows_retention():
    dev = estimate(doc("dev"))
    by_item = {x.item: x for x in lines(dev, "aws:cloudwatch/logGroup:LogGroup")}
    waf_gb = 1e6 * 2_000 / GB
    assert by_item["WAF logs ingested"].monthly == cents(waf_gb * 0.50)
    assert by_item["WAF logs stored"].monthly == cents(waf_gb * 12 * 0.03)  # 365 days = 12 months kept
    access_gb = 1e6 * 1_500 / GB
    assert by_item["gateway access logs stored"].quantity == pytest.approx(access_gb * 30 / (365 / 12))


def test_global_rate_limit_cache_on_and_off():
    cache = resource("aws:elasticache/serverlessCache:ServerlessCache", "rate-limit-cache", {"engine": "valkey"},
                     parent="urn:pulumi:dev::ai-gateway::ai-gateway:index:AiGateway$ai-gateway:ratelimit:GlobalRateLimit::rl")
    off = estimate(doc("dev"))
    on = estimate(with_resources(doc("dev"), cache))
    [stored] = lines(on, item="data stored")
    [ecpus] = lines(on, item="ECPUs")
    assert stored.monthly == cents(0.1 * 730 * 0.084) == 6.13  # the 100 MB Valkey minimum, all month
    assert ecpus.quantity == 2.0  # 1e6 requests x 2 ECPUs = 2 million
    assert cents(on.totals.monthly - off.totals.monthly) == cents(stored.monthly + ecpus.monthly)
    assert "ai-gateway:ratelimit:GlobalRateLimit" in on.by_component()
    busy = estimate(with_resources(doc("dev"), cache), Assumptions(requests_per_month=100_000_000))
    assert amount(busy, item="ECPUs") == cents(200 * 0.0023)
    redis = dict(cache, inputs={"engine": "redis"})
    assert amount(estimate(with_resources(doc("dev"), redis)), item="data stored") == cents(1 * 730 * 0.125)


def test_traffic_assumptions_drive_the_variable_lines_only():
    base = estimate(doc("dev"))
    double = estimate(doc("dev"), Assumptions(requests_per_month=2_000_000))
    assert amount(double, item="inspected requests") == 1.20
    assert double.totals.fixed == base.totals.fixed
    assert double.totals.variable > base.totals.variable


def test_guardrail_evaluations_per_text_unit():
    result = estimate(variant_doc("all-on"))  # content filters + five PII types
    guardrail = "aws:bedrock/guardrail:Guardrail"
    # 1,500 input tokens x 4 = 6,000 chars (6 units) + 500 x 4 = 2,000 chars (2 units) = 8 units per request
    units_k = 1e6 * 8 / 1000
    assert [(x.item, x.monthly) for x in lines(result, guardrail)] == [
        ("content filters", cents(units_k * 0.15)), ("sensitive-information filters", cents(units_k * 0.10))]


def test_existing_vpc_has_no_network_lines():
    result = estimate(variant_doc("all-off"))
    assert "ai-gateway:network:Network" not in result.by_component()
    assert lines(result, "aws:ec2/eip:Eip") == []
