"""Subnet carving: disjoint, inside the VPC, private larger than public, stable across AZ counts."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, strategies as st

from components.renderers.subnets import MAX_AZS, cidr_slug, plan_subnets

PRIVATE_RANGES = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


@st.composite
def vpc_cidrs(draw) -> ipaddress.IPv4Network:
    """Any /16-/20 inside an RFC 1918 range (what settings accept)."""
    space = draw(st.sampled_from(PRIVATE_RANGES))
    prefix = draw(st.integers(min_value=max(16, space.prefixlen), max_value=20))
    count = 2 ** (prefix - space.prefixlen)
    index = draw(st.integers(min_value=0, max_value=count - 1))
    return ipaddress.IPv4Network((int(space.network_address) + index * 2 ** (32 - prefix), prefix))


def test_default_vpc_layout():
    plan = plan_subnets("10.0.0.0/16", 2)
    assert plan.private == ("10.0.0.0/18", "10.0.64.0/18")
    assert plan.public == ("10.0.192.0/20", "10.0.208.0/20")
    assert plan.az_count == 2


def test_smallest_vpc_still_has_room():
    plan = plan_subnets("10.1.0.0/20", 3)
    assert plan.private == ("10.1.0.0/22", "10.1.4.0/22", "10.1.8.0/22")
    assert plan.public == ("10.1.12.0/24", "10.1.13.0/24", "10.1.14.0/24")


@given(vpc=vpc_cidrs(), az_count=st.integers(min_value=2, max_value=3))
def test_subnets_are_disjoint_inside_the_vpc_and_sized(vpc, az_count):
    plan = plan_subnets(vpc, az_count)
    subnets = [ipaddress.IPv4Network(c) for c in plan.public + plan.private]
    assert len(plan.public) == len(plan.private) == az_count
    for net in subnets:
        assert net.subnet_of(vpc)
        assert net.prefixlen <= 28
    for a, b in itertools.combinations(subnets, 2):
        assert not a.overlaps(b), (a, b)
    assert all(ipaddress.IPv4Network(c).prefixlen == vpc.prefixlen + 2 for c in plan.private)
    assert all(ipaddress.IPv4Network(c).prefixlen == vpc.prefixlen + 4 for c in plan.public)


@given(vpc=vpc_cidrs())
def test_adding_an_az_moves_no_existing_subnet(vpc):
    two, three = plan_subnets(vpc, 2), plan_subnets(vpc, 3)
    assert three.private[:2] == two.private
    assert three.public[:2] == two.public


def test_accepts_network_objects_and_rejects_bad_inputs():
    assert plan_subnets(ipaddress.IPv4Network("10.20.0.0/16"), 2) == plan_subnets("10.20.0.0/16", 2)
    with pytest.raises(ValueError):
        plan_subnets("10.0.0.0/16", MAX_AZS + 1)
    with pytest.raises(ValueError):
        plan_subnets("10.0.0.0/16", 0)
    with pytest.raises(ValueError):
        plan_subnets("10.0.0.0/26", 2)  # public subnets would be /30
    with pytest.raises(ValueError):
        plan_subnets("10.0.0.1/16", 2)  # host bits set


def test_cidr_slug():
    assert cidr_slug("0.0.0.0/0") == "0-0-0-0-0"
    assert cidr_slug(ipaddress.IPv4Network("10.0.0.0/18")) == "10-0-0-0-18"
