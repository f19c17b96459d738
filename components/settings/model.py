"""The strict base model every settings class derives from, and shared field checks."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)


def check_retention(days: Optional[int]) -> Optional[int]:
    """A retention value CloudWatch Logs accepts (or None for the default)."""
    if days is not None and days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(f"{days} is not a CloudWatch retention value ({', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))})")
    return days


def _ipv4_network(value: Any) -> Any:
    # Strict models take no string for an IPv4Network; a CIDR is written as one, so parse it here.
    if isinstance(value, str):
        try:
            return ipaddress.IPv4Network(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 network in CIDR notation (host bits unset)") from None
    return value


IPv4Cidr = Annotated[ipaddress.IPv4Network, BeforeValidator(_ipv4_network)]
"""An IPv4 network written as a CIDR string (``10.0.0.0/16``); nothing else is converted."""


class SettingsModel(BaseModel):
    """Strict base: camelCase keys, unknown keys rejected, no type coercion at all.

    ``strict=True``: a string is never read as a boolean or a number (``enabled: 'off'`` is an
    error, not ``false``), a number never as a string; JSON numbers may still fill float fields.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        strict=True,
        use_attribute_docstrings=True,
    )
