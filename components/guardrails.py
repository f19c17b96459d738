"""Guardrail: a Bedrock guardrail the stack creates, and a published version that follows its settings."""

from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .renderers.agentgateway_config import bedrock_region
from .renderers.guardrail_policy import fingerprint, guardrail_config


class Guardrail(pulumi.ComponentResource):
    """Creates the guardrail (in the Bedrock region) and publishes a version of it.

    A change of the guardrail settings updates the guardrail's draft and replaces the version
    resource (its description carries the configuration's fingerprint), which publishes a new
    version; the task definition then references the new version number and the service rolls.
    Old versions are kept (``skip_destroy``) so a rolled-back task still finds its version.
    """

    def __init__(self, name: str, ctx: StackContext, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:guardrails:Guardrail", name, None, opts)
        g = ctx.settings.guardrails
        config = guardrail_config(g)
        digest = fingerprint(config)
        region = bedrock_region(ctx.settings, ctx.region)
        self.guardrail = aws.bedrock.Guardrail(
            f"{name}-guardrail",
            name=ctx.naming.physical("guardrail", max_length=50),
            description=f"Content policy of the {ctx.naming.prefix} LLM gateway ({g.action} mode)",
            region=region,
            opts=child_opts(self),
            **config,
        )
        self.version = aws.bedrock.GuardrailVersion(
            f"{name}-version",
            guardrail_arn=self.guardrail.guardrail_arn,
            description=f"{ctx.naming.prefix} guardrail configuration {digest}",
            region=region,
            skip_destroy=True,
            opts=pulumi.ResourceOptions.merge(
                child_opts(self), pulumi.ResourceOptions(replace_on_changes=["description"])
            ),
        )
        self.guardrail_id: pulumi.Output[str] = self.guardrail.guardrail_id
        self.guardrail_version: pulumi.Output[str] = self.version.version
        self.outputs: dict[str, pulumi.Input[object]] = {
            "guardrailId": self.guardrail_id,
            "guardrailVersion": self.guardrail_version,
        }
        self.register_outputs(self.outputs)
