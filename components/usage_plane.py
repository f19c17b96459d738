"""Usage, budgets and chargeback wired together for one stack, each by its own toggle.

Usage (``usage.enabled``) uses the control-plane tables and key (:mod:`.control_store`, shared
with the admin API) and brings the aggregator; budgets and chargeback (which need usage) share the usage notices topic.
"""

from __future__ import annotations

from typing import Optional

import pulumi

from .budgets import Budgets
from .chargeback import Chargeback
from .context import StackContext
from .control_store import ControlStore
from .live_config import LiveConfig
from .monitoring import Monitoring
from .observability import Observability
from .usage import ControlPlaneData, UsageMetering
from .usage_notices import UsageNotices


class UsagePlane:
    """What exists of usage, budgets and chargeback (None for what is off); ``outputs`` for the stack."""

    def __init__(self, ctx: StackContext, observability: Observability, monitoring: Monitoring,
                 live_config: LiveConfig, store: Optional[ControlStore], opts: pulumi.ResourceOptions):
        s = ctx.settings
        self.notices: Optional[UsageNotices] = None
        self.usage: Optional[UsageMetering] = None
        self.budgets: Optional[Budgets] = None
        self.chargeback: Optional[Chargeback] = None
        self.outputs: dict[str, pulumi.Input[object]] = {}
        if not s.usage.enabled:
            return  # settings refuse budgets or chargeback without usage
        assert store is not None, "usage needs the control store"
        data = ControlPlaneData(
            control_table=store.control_table.name, control_table_arn=store.control_table.arn,
            usage_table=store.usage_table.name, usage_table_arn=store.usage_table.arn, key_arn=store.key.arn)
        if s.budgets.enabled or s.chargeback.enabled:
            self.notices = UsageNotices("usage-notices", ctx, key_arn=data.key_arn, opts=opts)
            self.outputs["usageNoticesTopic"] = self.notices.topic.arn
        publisher = live_config.publisher.function
        self.usage = UsageMetering(
            "usage", ctx, observability, data=data, alarm_topic_arns=monitoring.topic_arns,
            budget_topic_arn=self.notices.topic.arn if s.budgets.enabled and self.notices else None,
            publisher=publisher if s.budgets.enabled else None, opts=opts)
        self.outputs.update(self.usage.outputs)
        if s.budgets.enabled and self.notices:
            self.budgets = Budgets("budgets", ctx, observability, data=data, notices=self.notices,
                                   publisher=publisher, opts=opts)
            self.outputs.update(self.budgets.outputs)
        if s.chargeback.enabled and self.notices:
            self.chargeback = Chargeback("chargeback", ctx, observability, data=data, notices=self.notices, opts=opts)
            self.outputs.update(self.chargeback.outputs)
