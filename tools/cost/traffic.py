"""Monthly volumes derived from the assumptions (requests, gigabytes, text units)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .assumptions import Assumptions

HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
GB = 2**30
"""AWS bills gigabytes of 2^30 bytes."""
TEXT_UNIT_CHARS = 1_000


@dataclass(frozen=True)
class Traffic:
    """A month of gateway traffic, spread evenly over its hours."""

    requests: float
    requests_per_second: float
    client_gb: float
    """Request and response bytes between clients and the load balancer."""
    response_gb: float
    bedrock_gb: float
    """Request and response bytes between the tasks and Bedrock."""
    internet_provider_gb: float
    """Request and response bytes between the tasks and internet providers."""
    internet_egress_gb: float
    """Request bytes the tasks send to internet providers (inbound responses are free)."""
    access_log_gb: float
    waf_log_gb: float
    flow_log_gb: float
    alb_log_gb: float
    text_units_per_request: int
    """Guardrail text units of one request's input plus its output."""

    @classmethod
    def from_assumptions(cls, a: Assumptions) -> "Traffic":
        """Derive the volumes of a month from the assumptions."""
        n = float(a.requests_per_month)
        both = a.request_bytes + a.response_bytes
        units = math.ceil(a.input_tokens * a.chars_per_token / TEXT_UNIT_CHARS) + math.ceil(
            a.output_tokens * a.chars_per_token / TEXT_UNIT_CHARS)
        return cls(
            requests=n,
            requests_per_second=n / SECONDS_PER_MONTH,
            client_gb=n * both / GB,
            response_gb=n * a.response_bytes / GB,
            bedrock_gb=n * a.bedrock_share * both / GB,
            internet_provider_gb=n * (1 - a.bedrock_share) * both / GB,
            internet_egress_gb=n * (1 - a.bedrock_share) * a.request_bytes / GB,
            access_log_gb=n * a.access_log_bytes_per_request / GB,
            waf_log_gb=n * a.waf_log_bytes_per_request / GB,
            flow_log_gb=n * a.flow_log_bytes_per_request / GB,
            alb_log_gb=n * a.alb_log_bytes_per_request / GB,
            text_units_per_request=units,
        )
