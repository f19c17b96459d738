"""Container images pinned by digest (the bump workflow rewrites the agentgateway lines)."""

from __future__ import annotations

import re
from typing import Optional

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
MIRRORED_TAG = re.compile(r"^ecr:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
"""``ecr:<tag>``: the image with that tag in this stack's ECR repository (tags there are immutable)."""


def check_pinned_image(image: str) -> str:
    """``image`` when it is pinned by digest or a tag of the stack's mirror; ``ValueError`` otherwise."""
    if not (DIGEST_PINNED_IMAGE.match(image) or MIRRORED_TAG.match(image)):
        raise ValueError("must be pinned: repository@sha256:<64 hex>, or ecr:<tag> for a tag in this"
                         " stack's immutable ECR repository")
    return image


def mirrored_tag(image: str) -> Optional[str]:
    """The tag in the stack's repository when ``image`` is mirrored there (``ecr:<tag>``), else None."""
    return image[len("ecr:"):] if image.startswith("ecr:") else None
