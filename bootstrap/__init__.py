"""The bootstrap program: per-account prerequisites of the gateway stacks.

State backend (S3 bucket and KMS key), the GitHub OIDC provider and the CI roles, with deploy
permissions derived from the resource types the gateway stacks contain (``permissions.py``).
It is its own Pulumi project (``bootstrap/Pulumi.yaml``), run once per account with local
credentials; see docs/adr/ and README "First-time setup".
"""
