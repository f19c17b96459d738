"""Provider settings: the five LLM providers."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Optional

from pydantic import Field, field_validator, model_validator

from .errors import FieldProblem
from .model import SettingsModel

ProviderName = Literal["bedrock", "anthropic", "openai", "azure", "google"]
PROVIDER_NAMES: tuple[str, ...] = ("bedrock", "anthropic", "openai", "azure", "google")
KEYED_PROVIDERS: tuple[str, ...] = ("anthropic", "openai", "azure", "google")
"""Providers that authenticate with an API key held in Secrets Manager (Bedrock uses the task role)."""
SECRET_KEYS = {f"{p}ApiKey": p for p in KEYED_PROVIDERS}
"""Top-level secret config keys (``pulumi config set --secret anthropicApiKey ...``) -> provider."""
BEDROCK_GEO_PREFIXES = {"us": ("us-",), "eu": ("eu-",), "apac": ("ap-",), "jp": ("ap-northeast-1", "ap-northeast-3"),
                        "au": ("ap-southeast-2", "ap-southeast-4"), "ca": ("ca-",), "global": ("",)}


class BedrockSettings(SettingsModel):
    """Amazon Bedrock, called with the task role (no key)."""

    enabled: bool = True
    """Serve Bedrock. Default true."""
    region: Optional[Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]] = None
    """Bedrock region. Default: the stack's region."""
    model: str = "us.anthropic.claude-sonnet-4-20250514-v1:0"
    """Model or inference-profile id the Bedrock provider is pinned to."""
    allowed_models: list[str] = []
    """More model / inference-profile ids the task role may invoke (for example alias targets)."""

    @field_validator("model", "allowed_models")
    @classmethod
    def _model_ids(cls, v: Any) -> Any:
        for m in [v] if isinstance(v, str) else v:
            if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?|arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile/[a-z0-9]+", m):
                raise ValueError(f"{m!r} is not a Bedrock model, inference profile or application inference profile ARN")
        return v


class KeyedProviderSettings(SettingsModel):
    """A provider reached with an API key from Secrets Manager."""

    enabled: bool = False
    """Serve this provider."""
    model: Optional[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/-]+$")]] = None
    """Model the provider is pinned to. Default: the model the client asks for."""


class AnthropicSettings(KeyedProviderSettings):
    """Anthropic API (key in Secrets Manager)."""

    enabled: bool = True
    """Serve Anthropic. Default true."""
    model: Optional[Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:/-]+$")]] = "claude-sonnet-4-20250514"
    """Model the provider is pinned to. Default claude-sonnet-4-20250514."""


class AzureSettings(KeyedProviderSettings):
    """Azure OpenAI (key in Secrets Manager)."""

    resource_name: Optional[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]] = None
    """Azure OpenAI resource name (``<name>.openai.azure.com``). Required when enabled."""
    api_version: Optional[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}(-preview)?$|^v1$")]] = None
    """Azure OpenAI API version. Default: agentgateway's default."""

    @model_validator(mode="after")
    def _resource(self) -> "AzureSettings":
        if self.enabled and not self.resource_name:
            raise FieldProblem("resourceName", "is required when azure is enabled")
        if self.enabled and not self.model:
            raise FieldProblem("model", "is required when azure is enabled (the deployment name)")
        return self


class ProvidersSettings(SettingsModel):
    """The five LLM providers; only enabled ones are rendered, get secrets and IAM."""

    bedrock: BedrockSettings = BedrockSettings()
    """Amazon Bedrock (task-role credentials). Enabled by default."""
    anthropic: AnthropicSettings = AnthropicSettings()
    """Anthropic. Enabled by default."""
    openai: KeyedProviderSettings = KeyedProviderSettings()
    """OpenAI. Disabled by default."""
    azure: AzureSettings = AzureSettings()
    """Azure OpenAI. Disabled by default."""
    google: KeyedProviderSettings = KeyedProviderSettings()
    """Google Gemini API. Disabled by default."""

    def enabled(self) -> list[str]:
        """Names of the enabled providers, in canonical order."""
        return [p for p in PROVIDER_NAMES if getattr(self, p).enabled]
