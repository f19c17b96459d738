"""Image scanning: Amazon Inspector enhanced scanning of the account's ECR images.

Only with ``inspector.manage`` (account-wide, one managing stack per account and region):

- ``aws.inspector2.Enabler`` turns Inspector on for ECR in this account;
- ``aws.ecr.RegistryScanningConfiguration`` switches the registry to ``ENHANCED`` scanning with one
  rule for every repository (``*``): the registry's rules decide what is scanned, and a repository
  no rule matches is not scanned at all, so a narrower filter would switch scanning off for the
  account's other repositories. Frequency: ``settings.inspector_scan_frequency`` (continuous in
  prod, on push elsewhere).

Both are kept when the stack is destroyed (``retain_on_delete``): deleting the enabler disables
Inspector for every resource type of the account, which a stack's teardown must not do.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .context import StackContext


class ImageScanning(pulumi.ComponentResource):
    """Inspector enhanced ECR scanning for the account (created only when the stack manages it)."""

    def __init__(self, name: str, ctx: StackContext, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:scanning:ImageScanning", name, None, opts)
        keep = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        self.frequency = ctx.settings.inspector_scan_frequency
        self.enabler = aws.inspector2.Enabler(
            f"{name}-inspector",
            account_ids=[ctx.account_id],
            resource_types=["ECR"],
            opts=keep,
        )
        self.registry_scanning = aws.ecr.RegistryScanningConfiguration(
            f"{name}-registry",
            scan_type="ENHANCED",
            rules=[aws.ecr.RegistryScanningConfigurationRuleArgs(
                scan_frequency=self.frequency,
                repository_filters=[aws.ecr.RegistryScanningConfigurationRuleRepositoryFilterArgs(
                    filter="*", filter_type="WILDCARD",
                )],
            )],
            opts=pulumi.ResourceOptions.merge(keep, pulumi.ResourceOptions(depends_on=[self.enabler])),
        )
        self.outputs: dict[str, pulumi.Input[object]] = {"imageScanning": f"inspector-enhanced ({self.frequency})"}
        self.register_outputs(self.outputs)
