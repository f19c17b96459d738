"""The rules of the ai-gateway CrossGuard pack, grouped by domain.

This package is imported as ``rules`` by the pack entry point (the Pulumi CLI runs
``policy/__main__.py`` with the pack directory on ``sys.path``) and as ``policy.rules`` by the
offline checker, so modules here only use relative imports. Importing it has no side effects:
only ``policy/__main__.py`` constructs the ``PolicyPack`` (which starts a server and blocks).
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, Policy

from . import alb, apigateway, audit, cognito, ecs, federation, iam, live_config, network, ratelimit, serverless, storage, waf

PACK_NAME = "ai-gateway-security"
PACK_ENFORCEMENT = EnforcementLevel.MANDATORY
"""Pack-wide default; individual policies and the per-stack config files override it."""

ALL_POLICIES: list[Policy] = [
    *alb.POLICIES,
    *waf.POLICIES,
    *network.POLICIES,
    *ecs.POLICIES,
    *storage.POLICIES,
    *cognito.POLICIES,
    *iam.POLICIES,
    *federation.POLICIES,
    *serverless.POLICIES,
    *apigateway.POLICIES,
    *live_config.POLICIES,
    *audit.POLICIES,
    *ratelimit.POLICIES,
]

POLICIES_BY_NAME: dict[str, Policy] = {p.name: p for p in ALL_POLICIES}

__all__ = ["ALL_POLICIES", "PACK_ENFORCEMENT", "PACK_NAME", "POLICIES_BY_NAME"]
