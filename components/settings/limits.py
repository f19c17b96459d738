"""Rate limits of tiers and teams (how they are counted: ``rateLimit``, :mod:`.llm`)."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import Field

from .model import SettingsModel

LIMIT_MAX = 1_000_000_000


class LimitSettings(SettingsModel):
    """Rate limits (``rateLimit.mode`` decides how they are counted; unset: no limit of that kind,
    or, on a team, its tier's)."""

    requests_per_minute: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None
    """Requests per minute."""
    tokens_per_minute: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None
    """LLM tokens (input + output) per minute; global mode only."""
    tokens_per_day: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None
    """LLM tokens (input + output) per UTC day; global mode only."""

    def as_document(self) -> dict[str, int]:
        """The limits that are set, camelCase (the renderer's ``Limits``)."""
        return {k: v for k, v in self.model_dump(by_alias=True).items() if v is not None}

    def token_keys(self) -> list[str]:
        """camelCase names of the token limits that are set."""
        return [k for k in ("tokensPerMinute", "tokensPerDay") if k in self.as_document()]


DEFAULT_TIER_LIMITS = {
    # The original system's tiers: requests per minute and tokens per day.
    "sandbox": LimitSettings(requests_per_minute=20, tokens_per_day=100_000),
    "standard": LimitSettings(requests_per_minute=100, tokens_per_day=500_000),
    "high": LimitSettings(requests_per_minute=500, tokens_per_day=5_000_000),
    "unlimited": LimitSettings(requests_per_minute=2000),
}
