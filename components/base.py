"""Shared component plumbing: child options and the stateful-resource rule."""

from __future__ import annotations

from typing import Optional, Sequence

import pulumi


def child_opts(
    parent: pulumi.Resource,
    *,
    stateful: bool = False,
    prod: bool = False,
    depends_on: Optional[Sequence[pulumi.Resource]] = None,
    ignore_changes: Optional[list[str]] = None,
    delete_before_replace: Optional[bool] = None,
) -> pulumi.ResourceOptions:
    """Options for a component's child. Stateful children are protected in prod.

    ``protect`` makes ``pulumi destroy`` (or a replacing change) of a prod user pool, key, secret or
    log group fail loudly instead of losing data; it is lifted deliberately with
    ``pulumi state unprotect``.
    """
    return pulumi.ResourceOptions(
        parent=parent,
        protect=bool(stateful and prod),
        depends_on=list(depends_on) if depends_on else None,
        ignore_changes=ignore_changes,
        delete_before_replace=delete_before_replace,
    )


def tcp_port_rule(
    resource_name: str,
    *,
    direction: str,
    security_group_id: pulumi.Input[str],
    port: int,
    description: str,
    parent: pulumi.Resource,
    cidr_ipv4: Optional[str] = None,
    referenced_security_group_id: Optional[pulumi.Input[str]] = None,
) -> pulumi.CustomResource:
    """One single-port TCP security-group rule (``direction`` ``ingress`` or ``egress``) whose peer
    is a CIDR or another security group. Rules are separate resources, never inline, so each one
    is visible to the policy pack and can change without replacing its group."""
    import pulumi_aws as aws

    rule_class = {"ingress": aws.vpc.SecurityGroupIngressRule, "egress": aws.vpc.SecurityGroupEgressRule}[direction]
    return rule_class(
        resource_name,
        security_group_id=security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        cidr_ipv4=cidr_ipv4,
        referenced_security_group_id=referenced_security_group_id,
        description=description,
        opts=child_opts(parent),
    )
