"""IAM documents of the network component (VPC flow logs), as pure functions. No Pulumi."""

from __future__ import annotations

from .policy_documents import Document, document, statement

FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com"
FLOW_LOGS_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams")
"""What flow-log delivery does on its log group and streams."""
FLOW_LOGS_LOOKUP_ACTIONS = ("logs:DescribeLogGroups",)
"""Listed by AWS for the flow-log role; it has no resource-level permissions, so only ``*`` grants it."""


def flow_logs_trust_policy(partition: str, region: str, account_id: str) -> Document:
    """Trust of the flow-log delivery role: only VPC Flow Logs acting for this account's flow logs
    in this Region (confused-deputy guard on ``aws:SourceAccount`` and ``aws:SourceArn``)."""
    return document({
        "Effect": "Allow",
        "Principal": {"Service": FLOW_LOGS_SERVICE},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:ec2:{region}:{account_id}:vpc-flow-log/*"},
        },
    })


def flow_logs_permissions(log_group_arn: str) -> Document:
    """What the delivery role may do: write streams of the one flow-log group, and look groups up.

    ``log_group_arn`` is the group ARN without ``:*``; streams live under ``<group arn>:*``.
    ``logs:DescribeLogGroups`` gets a ``*`` statement of its own: on a log-group ARN it would grant
    nothing (the action supports no resource-level permission).
    """
    group = log_group_arn[:-2] if log_group_arn.endswith(":*") else log_group_arn
    return document(
        statement("WriteFlowLogs", list(FLOW_LOGS_ACTIONS), [group, f"{group}:*"]),
        statement("LookUpLogGroups", list(FLOW_LOGS_LOOKUP_ACTIONS), "*"),
    )
