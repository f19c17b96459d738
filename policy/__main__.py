"""Entry point of the CrossGuard pack: ``pulumi preview --policy-pack policy``.

The CLI runs this directory as a script (``python -m pulumi.policy <engine> .`` from the pack
directory), so ``rules`` is imported as a top-level package. Constructing ``PolicyPack`` starts
the analyzer gRPC server, prints its port and blocks forever: nothing else may construct it, and
nothing may import this module (the offline checker uses ``policy.rules`` directly).
"""

from pulumi_policy import PolicyPack

from rules import ALL_POLICIES, PACK_ENFORCEMENT, PACK_NAME

if __name__ == "__main__":
    PolicyPack(
        name=PACK_NAME,
        policies=ALL_POLICIES,
        enforcement_level=PACK_ENFORCEMENT,
        description="Security rules for the ai-gateway stacks: TLS 1.3 and JWT validation at the "
                    "load balancer, WAF, private tasks, encryption at rest, least-privilege IAM.",
        provider="aws",
        tags=["aws", "security", "ai-gateway"],
    )
