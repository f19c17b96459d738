"""Container images pinned by digest (the bump workflow rewrites the agentgateway lines)."""

from __future__ import annotations

import re

AGENTGATEWAY_VERSION = "v1.4.1"
"""Release of the default agentgateway image; ``reference/agentgateway`` holds its schemas (a test
keeps the two equal)."""
AGENTGATEWAY_IMAGE = (
    "ghcr.io/agentgateway/agentgateway"
    "@sha256:efd79355b89094a8225a9db465d9a01dc656b377f0bab458761b935a13231d29"
)
"""agentgateway ``AGENTGATEWAY_VERSION``, pinned by digest (see docs/upgrading.md for the bump flow)."""

COLLECTOR_VERSION = "v0.47.0"
"""Release of the default ADOT collector image; ``reference/adot`` lists its components."""
COLLECTOR_IMAGE = (
    "public.ecr.aws/aws-observability/aws-otel-collector"
    "@sha256:40a7eb9bfa58871d5d6dbdfcb146bc9d7eb4f149b42bd653809cd5b980af0cc4"
)
"""AWS Distro for OpenTelemetry collector ``COLLECTOR_VERSION``, pinned by digest."""

DIGEST_PINNED_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}$")
