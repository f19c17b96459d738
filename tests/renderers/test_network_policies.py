"""Flow-log delivery role: confused-deputy-safe trust, writes to one log group only."""

from __future__ import annotations

from components.renderers.network_policies import FLOW_LOGS_ACTIONS, flow_logs_permissions, flow_logs_trust_policy

GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/ai-gateway/prod/vpc-flow-logs"


def test_trust_is_vpc_flow_logs_of_this_account_and_region_only():
    (trust,) = flow_logs_trust_policy("aws", "us-east-1", "123456789012")["Statement"]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Action"] == "sts:AssumeRole"
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*"},
    }


def test_permissions_are_the_four_log_actions_on_the_one_group():
    (st,) = flow_logs_permissions(GROUP)["Statement"]
    assert st["Effect"] == "Allow"
    assert sorted(st["Action"]) == sorted(FLOW_LOGS_ACTIONS)
    assert set(FLOW_LOGS_ACTIONS) == {"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"}
    assert st["Resource"] == [GROUP, f"{GROUP}:*"]
    assert "*" not in st["Resource"]


def test_stream_form_of_the_group_arn_is_normalised():
    assert flow_logs_permissions(GROUP + ":*") == flow_logs_permissions(GROUP)
