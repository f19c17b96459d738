"""Tiers and model prices: what the gateway's team rules and cost catalog start from."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import Field, field_validator

from .auth import MODEL_NAME
from .model import SettingsModel

TIER_NAME = r"^[a-z0-9][a-z0-9-]{0,39}$"
DEFAULT_TIERS = ("sandbox", "standard", "high", "unlimited")


class TierSettings(SettingsModel):
    """What a tier grants the teams in it (rate limits per tier come with per-team limits)."""

    models: Optional[list[Annotated[str, Field(pattern=MODEL_NAME)]]] = None
    """Models the tier's teams may request (exact names as the client sends them). Default: every model."""


def _default_tiers() -> dict[str, TierSettings]:
    return {name: TierSettings() for name in DEFAULT_TIERS}


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
