"""The strict base model every settings class derives from, and shared field checks."""

from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)


def check_retention(days: Optional[int]) -> Optional[int]:
    if days is not None and days not in CLOUDWATCH_RETENTION_DAYS:
        raise ValueError(f"{days} is not a CloudWatch retention value ({', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))})")
    return days


class SettingsModel(BaseModel):
    """Strict base: camelCase keys, unknown keys rejected, no silent coercion of strings to bools."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        strict=False,
        use_attribute_docstrings=True,
    )
