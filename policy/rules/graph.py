"""Correlating resources in stack policies.

Stack policies see every resource with its parent, dependencies and per-property dependencies
(``PolicyResource`` objects). Resources are tied together through property-dependency URNs
(``WebAclAssociation.resourceArn`` -> the load balancer, ``FlowLog.vpcId`` -> the VPC): ARNs and
ids are unknown in a preview of new resources, URNs never are.
"""

from __future__ import annotations

from typing import Iterable

from pulumi_policy import PolicyResource

__all__ = ["by_type", "dependents", "property_depends_on"]


def by_type(resources: Iterable[PolicyResource], types: Iterable[str]) -> list[PolicyResource]:
    """The resources whose type is one of ``types``, in stack order."""
    wanted = frozenset(types)
    return [r for r in resources if r.resource_type in wanted]


def property_depends_on(resource: PolicyResource, prop: str, target: PolicyResource) -> bool:
    """Whether ``resource.<prop>`` was computed from ``target`` (its URN is in the property's
    dependencies). This is how stack policies correlate resources: ARNs and IDs are unknown in
    a preview of new resources, URNs never are."""
    return any(dep.urn == target.urn for dep in resource.property_dependencies.get(prop, []))


def dependents(resources: Iterable[PolicyResource], types: Iterable[str], prop: str,
               target: PolicyResource) -> list[PolicyResource]:
    """Resources of ``types`` whose ``prop`` depends on ``target``."""
    return [r for r in by_type(resources, types) if property_depends_on(r, prop, target)]
