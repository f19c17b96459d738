"""Stack settings: one validated pydantic model tree for everything a stack file can set.

This is the only package that reads Pulumi config. Keys live in the ``ai-gateway:`` namespace and
are camelCase in the stack file (``ai-gateway:edge: {idleTimeoutSeconds: 900}``). Every field has
a safe default; ``environment`` (dev, staging, prod) decides defaults and how strict validation is.

Invalid settings raise :class:`SettingsError`, whose message is one line naming the key and the
problem. ``__main__`` turns it into ``pulumi.RunError`` (no traceback in ``pulumi up``) and the
offline synth prints it and exits 2.

Modules, one concern each: ``errors`` (the one-line error), ``model`` (the strict base class),
``images`` (digest pins), ``network``, ``edge`` (ALB, TLS, WAF), ``auth``, ``service``,
``providers``, ``llm`` (routing, caching, guardrails, rate limits), ``observability``,
``inspector`` (account-wide image scanning), ``control_plane`` (the admin API and its tables), ``sso`` (people's sign-in), ``environments`` (what dev, staging and prod decide), ``stack``
(the whole tree and its cross-checks), ``loader`` (config -> settings), ``reference`` (the README
table).
"""

from .auth import AuthSettings, TeamClient, TeamScope
from .control_plane import ControlPlaneSettings
from .edge import WAF_BODY_RULES_DEFAULT, EdgeSettings, WafSettings
from .errors import NAMESPACE, SettingsError
from .images import AGENTGATEWAY_IMAGE, AGENTGATEWAY_VERSION, COLLECTOR_IMAGE, COLLECTOR_VERSION, DIGEST_PINNED_IMAGE
from .inspector import InspectorSettings
from .llm import PII_ENTITIES, GuardrailsSettings, PromptCachingSettings, RateLimitSettings, RoutingSettings
from .loader import REGION_PATTERN, LoadedSettings, load_from_pulumi, parse_settings
from .model import CLOUDWATCH_RETENTION_DAYS
from .network import INTERFACE_ENDPOINT_SERVICES, ExistingVpc, NetworkSettings
from .observability import AlarmSettings, ObservabilitySettings
from .providers import (
    BEDROCK_GEO_PREFIXES, KEYED_PROVIDERS, PROVIDER_NAMES, SECRET_KEYS, AnthropicSettings, AzureSettings,
    BedrockSettings, KeyedProviderSettings, ProviderName, ProvidersSettings,
)
from .reference import settings_reference
from .service import FARGATE_MEMORY_BY_CPU, ServiceSettings
from .stack import StackSettings

__all__ = [
    "AGENTGATEWAY_IMAGE", "AGENTGATEWAY_VERSION", "BEDROCK_GEO_PREFIXES", "CLOUDWATCH_RETENTION_DAYS", "COLLECTOR_IMAGE",
    "COLLECTOR_VERSION",
    "DIGEST_PINNED_IMAGE", "FARGATE_MEMORY_BY_CPU", "INTERFACE_ENDPOINT_SERVICES", "KEYED_PROVIDERS", "NAMESPACE",
    "PII_ENTITIES", "PROVIDER_NAMES", "REGION_PATTERN", "SECRET_KEYS", "WAF_BODY_RULES_DEFAULT",
    "AlarmSettings", "AnthropicSettings", "AuthSettings", "AzureSettings", "BedrockSettings", "ControlPlaneSettings",
    "EdgeSettings",
    "ExistingVpc", "GuardrailsSettings", "InspectorSettings", "KeyedProviderSettings", "LoadedSettings", "NetworkSettings",
    "ObservabilitySettings", "PromptCachingSettings", "ProviderName", "ProvidersSettings", "RateLimitSettings",
    "RoutingSettings", "ServiceSettings", "SettingsError", "StackSettings", "TeamClient", "TeamScope", "WafSettings",
    "load_from_pulumi", "parse_settings", "settings_reference",
]
