"""Tiers and model prices: what the gateway's team rules and cost catalog start from."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import Field, field_validator

from .auth import MODEL_NAME
from .limits import DEFAULT_TIER_LIMITS, LimitSettings
from .model import SettingsModel

TIER_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"
DEFAULT_TIERS = ("sandbox", "standard", "high", "unlimited")


class TierSettings(SettingsModel):
    """What a tier grants the teams in it: models and default rate limits."""

    models: Optional[list[Annotated[str, Field(pattern=MODEL_NAME)]]] = None
    """Models the tier's teams may request (exact names as the client sends them). Default: every model."""
    limits: LimitSettings = LimitSettings()
    """The tier's rate limits {requestsPerMinute, tokensPerMinute, tokensPerDay}. Default for the
    shipped tiers: sandbox 20 rpm / 100k tokens a day, standard 100 / 500k, high 500 / 5M,
    unlimited 2000 / none; none for another tier."""


def _default_tiers() -> dict[str, TierSettings]:
    return {name: TierSettings() for name in DEFAULT_TIERS}


def tier_limits(name: str, tier: TierSettings) -> LimitSettings:
    """A tier's effective limits: its own when ``limits`` is given, else the shipped tier's defaults."""
    if "limits" in tier.model_fields_set or name not in DEFAULT_TIER_LIMITS:
        return tier.limits
    return DEFAULT_TIER_LIMITS[name]


Tiers = dict[Annotated[str, Field(pattern=TIER_NAME)], TierSettings]


def check_price_overrides(value: Any) -> Any:
    """``modelPrices`` as the shipped price table's module checks it (one line naming what is wrong)."""
    from gateway_config import prices

    prices.validate_overrides(value)
    return value


class PricingSettings(SettingsModel):
    """Model prices on top of the shipped table (``gateway_config/prices/model_prices.json``)."""

    overrides: dict[str, dict[str, dict[str, str]]] = {}
    """Catalog provider key (aws.bedrock, anthropic, openai, azure, gcp.gemini) -> model id -> rates
    in USD per 1M tokens as decimal strings (input, output, cacheRead, cacheWrite, ...); a field
    given replaces the shipped rate, the others are kept. Default none."""

    @field_validator("overrides")
    @classmethod
    def _valid(cls, v: dict[str, dict[str, dict[str, str]]]) -> dict[str, dict[str, dict[str, str]]]:
        return check_price_overrides(v)
