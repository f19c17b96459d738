"""The usage notices topic: budget alerts and chargeback announcements, encrypted with the
control-plane key; email subscriptions filtered by the message's ``kind`` attribute, so budget
alert recipients and report recipients are separate lists on one topic."""

from __future__ import annotations

import json
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext

BUDGET_ALERT = "budget-alert"
CHARGEBACK_REPORT = "chargeback-report"
KINDS = (BUDGET_ALERT, CHARGEBACK_REPORT)
"""Values of the ``kind`` message attribute the functions set."""


def kind_filter_policy(kind: str) -> str:
    """The subscription filter policy that delivers only messages of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    return json.dumps({"kind": [kind]})


class UsageNotices(pulumi.ComponentResource):
    """``<prefix>-usage-notices`` and its email subscriptions."""

    def __init__(self, name: str, ctx: StackContext, *, key_arn: pulumi.Input[str],
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:usage:UsageNotices", name, None, opts)
        self._name = name
        self.topic = aws.sns.Topic(f"{name}-topic", name=ctx.naming.physical("usage-notices"),
                                   kms_master_key_id=key_arn, opts=child_opts(self))
        self.register_outputs({"topicArn": self.topic.arn})

    def subscribe(self, kind: str, emails: Sequence[str]) -> list[aws.sns.TopicSubscription]:
        """Email subscriptions (each confirmed by its recipient) to the notices of ``kind``."""
        return [aws.sns.TopicSubscription(
            f"{self._name}-{kind}-{i}", topic=self.topic.arn, protocol="email", endpoint=email,
            filter_policy=kind_filter_policy(kind), filter_policy_scope="MessageAttributes",
            opts=child_opts(self)) for i, email in enumerate(emails)]
