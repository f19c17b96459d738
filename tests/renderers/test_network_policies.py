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


def test_permissions_write_the_one_group_and_look_groups_up_on_star():
    write, lookup = flow_logs_permissions(GROUP)["Statement"]
    assert write["Effect"] == lookup["Effect"] == "Allow"
    assert sorted(write["Action"]) == sorted(FLOW_LOGS_ACTIONS)
    assert set(FLOW_LOGS_ACTIONS) == {"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}
    assert write["Resource"] == [GROUP, f"{GROUP}:*"]
    # DescribeLogGroups supports no resource-level permission: on the group ARN it granted nothing.
    assert (lookup["Action"], lookup["Resource"]) == ("logs:DescribeLogGroups", "*")


def test_stream_form_of_the_group_arn_is_normalised():
    assert flow_logs_permissions(GROUP + ":*") == flow_logs_permissions(GROUP)
