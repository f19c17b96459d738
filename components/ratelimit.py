"""Global rate limits: the counters' store the rate-limit sidecars share (docs/adr/0015).

ElastiCache Serverless for Valkey in the private subnets, encrypted at rest with its own CMK and in
transit (a serverless cache takes only TLS connections), in a security group whose one rule lets
in the gateway tasks' group (where the envoyproxy/ratelimit sidecar runs) on the cache's port,
and whose tasks get the matching egress rule. The sidecars themselves are containers of the
gateway task (:mod:`components.renderers.task_definition`).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from .base import child_opts, tcp_port_rule
from .context import StackContext
from .edge import Edge
from .network import Network
from .renderers.policy_documents import service_key_policy

VALKEY_MAJOR_VERSION = "8"
CACHE_PORT = 6379
"""A serverless cache's endpoint port (its reader endpoint, 6380, is not used: counters are written)."""


class GlobalRateLimit(pulumi.ComponentResource):
    """The Valkey cache of global rate limits. Attributes: ``key``, ``security_group``, ``cache``,
    ``endpoint`` (``host:port`` for the sidecars), ``outputs``."""

    def __init__(self, name: str, ctx: StackContext, network: Network, edge: Edge,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:ratelimit:GlobalRateLimit", name, None, opts)
        naming, rl = ctx.naming, ctx.settings.rate_limit
        stateful = dict(stateful=True, prod=ctx.prod)
        self.key = aws.kms.Key(
            f"{name}-cache-key",
            description=f"Rate-limit counters (ElastiCache) for {naming.prefix}",
            enable_key_rotation=True,
            deletion_window_in_days=30 if ctx.prod else 7,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(service_key_policy(a[0], a[1]))),
            opts=child_opts(self, **stateful),
        )
        aws.kms.Alias(f"{name}-cache-key-alias", name=f"alias/{naming.physical('ratelimit')}",
                      target_key_id=self.key.key_id, opts=child_opts(self))
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-cache-sg",
            name_prefix=f"{naming.physical('ratelimit-cache')}-",
            description="Rate-limit cache: the gateway tasks' rate-limit sidecars in, nothing out",
            vpc_id=network.vpc_id,
            tags={"Name": naming.physical("ratelimit-cache")},
            opts=child_opts(self),
        )
        tcp_port_rule(f"{name}-cache-from-service", direction="ingress", security_group_id=self.security_group.id,
                      port=CACHE_PORT, referenced_security_group_id=edge.service_security_group_id,
                      description="Valkey (TLS) from the gateway tasks' rate-limit sidecar", parent=self)
        tcp_port_rule(f"{name}-service-to-cache", direction="egress", security_group_id=edge.service_security_group_id,
                      port=CACHE_PORT, referenced_security_group_id=self.security_group.id,
                      description="Valkey (TLS) to the rate-limit cache", parent=self)
        limits = rl.cache
        self.cache = aws.elasticache.ServerlessCache(
            f"{name}-cache",
            name=naming.physical("ratelimit"),
            description="Per-team rate-limit counters (envoyproxy/ratelimit)",
            engine="valkey",
            major_engine_version=VALKEY_MAJOR_VERSION,
            kms_key_id=self.key.arn,
            security_group_ids=[self.security_group.id],
            subnet_ids=network.private_subnet_ids,
            snapshot_retention_limit=limits.snapshot_retention_days,
            cache_usage_limits=aws.elasticache.ServerlessCacheCacheUsageLimitsArgs(
                data_storage=aws.elasticache.ServerlessCacheCacheUsageLimitsDataStorageArgs(
                    maximum=limits.max_data_storage_gb, unit="GB"),
                ecpu_per_seconds=[aws.elasticache.ServerlessCacheCacheUsageLimitsEcpuPerSecondArgs(
                    maximum=limits.max_ecpu_per_second)],
            ),
            opts=child_opts(self),
        )
        self.endpoint: pulumi.Output[str] = self.cache.endpoints.apply(
            lambda e: f"{e[0].address}:{e[0].port}" if e else f"unknown:{CACHE_PORT}")
        self.outputs = {"rateLimitCacheEndpoint": self.endpoint}
        self.register_outputs(self.outputs)
