"""EventBridge Scheduler invoking one Lambda function on a cron expression.

Each schedule has a role only Scheduler of this account can assume, allowed to invoke that one
function; the schedule runs in UTC with no flexible window and retries a failed invocation.
The group is named after the stack (the deploy role may manage schedules only in its groups).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.function_policies import scheduler_invoke_policy, scheduler_trust_policy

RETRY_ATTEMPTS = 3
MAX_EVENT_AGE_SECONDS = 3600


def schedule_group(parent: pulumi.Resource, name: str, ctx: StackContext, role: str) -> aws.scheduler.ScheduleGroup:
    """``<prefix>-<role>``: the group of a component's schedules."""
    return aws.scheduler.ScheduleGroup(name, name=ctx.naming.physical(role), opts=child_opts(parent))


def invoke_on_schedule(parent: pulumi.Resource, name: str, ctx: StackContext, *, group: aws.scheduler.ScheduleGroup,
                       function: aws.lambda_.Function, expression: str, description: str,
                       role: str) -> aws.scheduler.Schedule:
    """A schedule in ``group`` that invokes ``function`` at ``expression`` (``cron(...)``, UTC)."""
    physical = ctx.naming.physical(f"{role}-schedule")
    scheduler_role = aws.iam.Role(
        f"{name}-role", name=physical, description=f"EventBridge Scheduler: {description}",
        assume_role_policy=ctx.account_id.apply(lambda a: json.dumps(scheduler_trust_policy(a))),
        opts=child_opts(parent),
    )
    policy = aws.iam.RolePolicy(
        f"{name}-policy", name="invoke", role=scheduler_role.id,
        policy=function.arn.apply(lambda arn: json.dumps(scheduler_invoke_policy(arn))),
        opts=child_opts(parent),
    )
    return aws.scheduler.Schedule(
        name,
        name=ctx.naming.physical(role),
        group_name=group.name,
        description=description,
        schedule_expression=expression,
        schedule_expression_timezone="UTC",
        flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
        target=aws.scheduler.ScheduleTargetArgs(
            arn=function.arn, role_arn=scheduler_role.arn, input=json.dumps({}),
            retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                maximum_retry_attempts=RETRY_ATTEMPTS, maximum_event_age_in_seconds=MAX_EVENT_AGE_SECONDS),
        ),
        opts=child_opts(parent, depends_on=[policy]),
    )
