"""Request and response bodies: pydantic v2, camelCase JSON, unknown fields refused."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from gateway_config.model import LIMIT_MAX, MODEL_NAME, TEAM_NAME, ProviderName

Model = Annotated[str, Field(pattern=MODEL_NAME)]
TeamName = Annotated[str, Field(pattern=TEAM_NAME, description="lower-case letters, digits and '-', at most 40")]
MONEY = re.compile(r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$")
"""A decimal string at least 0 with at most 6 fractional digits (what agentgateway's catalog takes)."""
Money = Annotated[str, Field(pattern=MONEY.pattern, description="decimal string, at most 6 decimals", examples=["3.5"])]
RateField = Literal["input", "output", "cacheRead", "cacheWrite", "reasoning", "inputAudio", "outputAudio"]


class Body(BaseModel):
    """Base of every body: camelCase aliases, unknown fields refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def json_dict(self) -> dict:
        """The camelCase JSON object of this body (unset optional fields left out)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class Limits(Body):
    """A team's own rate limits, each replacing its tier's (token limits need the stack's
    ``rateLimit.mode`` global; a change the gateway could not render is refused with 400)."""

    requests_per_minute: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None
    tokens_per_minute: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None
    tokens_per_day: Optional[Annotated[int, Field(ge=1, le=LIMIT_MAX)]] = None


class TeamCreate(Body):
    """``POST /teams``."""

    name: TeamName
    tier: TeamName = "standard"
    models: Optional[list[Model]] = Field(default=None, description="model allow-list; absent: the tier's")
    limits: Optional[Limits] = None


class TeamUpdate(Body):
    """``PATCH /teams/{team}``: each field given replaces the stored one (``models: []`` is refused)."""

    tier: Optional[TeamName] = None
    models: Optional[Annotated[list[Model], Field(min_length=1)]] = None
    clear_models: bool = Field(default=False, description="drop the team's own allow-list (back to the tier's)")
    limits: Optional[Limits] = None
    status: Optional[Literal["active", "suspended"]] = Field(default=None, description="suspend or resume")

    @model_validator(mode="after")
    def _something(self) -> "TeamUpdate":
        if self.models is not None and self.clear_models:
            raise ValueError("give models or clearModels, not both")
        if not self.model_fields_set:
            raise ValueError("nothing to update")
        return self


class Team(Body):
    """A team as the API shows it (never a secret)."""

    name: str
    client_ids: list[str]
    tier: str
    status: str
    models: Optional[list[str]] = None
    limits: Optional[Limits] = None
    created_at: str
    updated_at: str
    etag: str


class Usage(Body):
    """Counters of one team (or team and model) for one period."""

    period: str
    model: Optional[str] = None
    team: Optional[str] = None
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: str = "0"


class TeamDetail(Team):
    """``GET /teams/{team}``: the team with its month-to-date usage."""

    month_to_date: Usage


class TeamCreated(Team):
    """``POST /teams``: the team and its client secret, shown this once (null on an idempotent replay)."""

    client_secret: Optional[str]


class SecretRotate(Body):
    """``POST /teams/{team}/secret``: no body adds a client; ``retire`` deletes one of the team's clients."""

    retire: Optional[Annotated[str, Field(min_length=1, max_length=128)]] = None


class SecretRotated(Body):
    """The result of a rotation step."""

    team: str
    client_ids: list[str]
    client_id: Optional[str] = Field(default=None, description="the new client (absent when retiring)")
    client_secret: Optional[str] = Field(default=None, description="the new secret, shown this once")
    retired: Optional[str] = None
    etag: str


class TeamList(Body):
    """A page of teams."""

    items: list[Team]
    next_cursor: Optional[str] = None


class BudgetPut(Body):
    """``PUT /teams/{team}/budget``."""

    monthly_usd: Money
    monthly_tokens: Optional[Annotated[int, Field(ge=1)]] = None
    thresholds: Annotated[list[Annotated[int, Field(ge=1, le=100)]], Field(max_length=10)] = [50, 80, 100]
    action: Literal["alert", "block"] = "alert"

    @field_validator("thresholds")
    @classmethod
    def _sorted_unique(cls, value: list[int]) -> list[int]:
        return sorted(set(value))


class Budget(BudgetPut):
    """A team's budget."""

    team: str
    etag: str


class PricePut(Body):
    """``PUT /prices/{provider}/{model}``: USD per 1M tokens."""

    rates: Annotated[dict[RateField, Money], Field(min_length=1)]


class Price(Body):
    """One model's effective rates: the shipped table's, with the store's override laid over."""

    provider: str
    model: str
    rates: dict[str, str]
    source: Literal["stack", "override", "stack+override"]
    stack: Optional[dict[str, str]] = Field(default=None, description="the shipped table with the stack settings' overrides")
    override: Optional[dict[str, str]] = None
    etag: Optional[str] = Field(default=None, description="the override's ETag (absent without one)")


class PriceList(Body):
    """Every priced model (shipped and overrides), sorted by provider and model."""

    items: list[Price]


class RoutingPut(Body):
    """``PUT /routing``: the routing overrides as a whole (absent fields: the stack's)."""

    fallback_groups: Optional[Annotated[list[Annotated[list[ProviderName], Field(min_length=1)]], Field(min_length=1)]] = None
    model_aliases: Optional[dict[Model, Model]] = None
    team_providers: Optional[dict[TeamName, ProviderName]] = Field(
        default=None, description="per-team pinned provider: refused with 501 (agentgateway v1.4.1 cannot "
                                  "choose a backend by a JWT claim)")


class Routing(Body):
    """Routing overrides and what the stack enables."""

    fallback_groups: Optional[list[list[str]]] = None
    model_aliases: Optional[dict[str, str]] = None
    team_providers: Optional[dict[str, str]] = None
    enabled_providers: list[str]
    stack_fallback_groups: list[list[str]]
    etag: Optional[str] = None


class UsageList(Body):
    """``GET /usage``: counters per team (and model), per day or month."""

    granularity: Literal["day", "month"]
    start: str
    end: str
    items: list[Usage]


class ProfileStatus(Body):
    """One configuration profile: its newest hosted version and newest deployment."""

    profile_id: str
    latest_version: Optional[int] = None
    latest_sha256: Optional[str] = None
    deployment_number: Optional[int] = None
    deployed_version: Optional[str] = None
    deployment_state: Optional[str] = None


class ConfigStatus(Body):
    """``GET /config``."""

    application_id: str
    environment_id: str
    gateway: ProfileStatus
    catalog: ProfileStatus


class PriceChange(Body):
    """A price override a dry run lays over the store (``rates`` null: delete the override)."""

    provider: str
    model: Model
    rates: Optional[dict[RateField, Money]] = None


class TeamChange(TeamUpdate):
    """A team update a dry run applies to a stored team."""

    name: TeamName


class DryRun(Body):
    """``POST /config/dry-run``: a proposed change to render over the store (nothing is written)."""

    routing: Optional[RoutingPut] = None
    prices: list[PriceChange] = []
    teams: list[TeamChange] = []
    delete_teams: list[TeamName] = []


class DryRunResult(Body):
    """What the change would publish: per file, whether it changes, the new hash and a unified diff."""

    changed: bool
    sha256: dict[str, str]
    diff: dict[str, str]



class ErrorDetail(Body):
    """What went wrong: a stable code, a sentence, and details (e.g. the validation problems)."""

    code: str
    message: str
    details: dict = {}


class ErrorBody(Body):
    """Every error answer: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail
