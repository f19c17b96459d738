"""AiGateway: the whole stack, wired in dependency order."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .admin_api import AdminApi
from .audit_log import AuditLog, AuditSource
from .auth import Auth
from .context import StackContext
from .control_store import ControlStore
from .edge import Edge
from .gateway_service import GatewayService
from .guardrails import Guardrail
from .gateway_service import keyed_providers
from .image_scanning import ImageScanning
from .live_config import LiveConfig, gateway_documents
from .monitoring import Monitoring
from .network import Network
from .naming import Naming
from .observability import Observability
from .ratelimit import GlobalRateLimit
from .renderers.agentgateway_config import api_key_env_var
from .renderers.audit_tables import ADMIN_FILTER_PATTERN, ADMIN_TABLE
from .settings import LoadedSettings
from .sso import Sso, pre_token_trigger
from .usage_plane import UsagePlane


class AiGateway(pulumi.ComponentResource):
    """Builds every part of the gateway for one stack under an explicit, tagged AWS provider."""

    def __init__(self, name: str, loaded: LoadedSettings, opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:index:AiGateway", name, None, opts)
        settings = loaded.settings
        naming = Naming(pulumi.get_project(), pulumi.get_stack())

        self.provider = aws.Provider(
            f"{name}-aws",
            region=loaded.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=naming.tags(settings.environment, settings.tags)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        invoke_opts = pulumi.InvokeOutputOptions(provider=self.provider, parent=self)
        ctx = StackContext(
            settings=settings,
            naming=naming,
            region=loaded.region,
            account_id=aws.get_caller_identity_output(opts=invoke_opts).account_id,
            partition=aws.get_partition_output(opts=invoke_opts).partition,
        )
        child = pulumi.ResourceOptions(parent=self, providers={"aws": self.provider})

        self.observability = Observability("observability", ctx, opts=child)
        self.network = Network("network", ctx, self.observability, opts=child)
        self.pre_token = pre_token_trigger(ctx, self.observability, opts=child) if settings.sso.enabled else None
        self.auth = Auth("auth", ctx, opts=child,
                         pre_token_arn=self.pre_token.function.arn if self.pre_token else None)
        self.sso = Sso("sso", ctx, self.auth, self.pre_token, opts=child) if self.pre_token else None
        self.edge = Edge("edge", ctx, self.network, self.observability, self.auth.jwt, opts=child)
        self.guardrail = Guardrail("guardrail", ctx, opts=child) if settings.guardrails.managed else None
        self.monitoring = Monitoring("monitoring", ctx, self.observability, self.edge, opts=child)
        key_env = {p: api_key_env_var(p) for p in keyed_providers(settings.providers.enabled())}
        jwt = self.auth.jwt
        self.documents = gateway_documents(
            ctx, jwt_issuer=jwt.issuer if jwt else None, jwks_url=jwt.jwks_endpoint if jwt else None,
            team_client_ids={team: client.id for team, client in self.auth.team_clients.items()},
            default_client_id=self.auth.default_client.id,
            user_client_ids=[self.sso.client_id] if self.sso else [],
            guardrail_id=self.guardrail.guardrail_id if self.guardrail else None,
            guardrail_version=self.guardrail.guardrail_version if self.guardrail else None,
            key_env=key_env,
        )
        """The renderer's base and overlay for this deploy (what the first publish renders)."""
        self.control_store = (ControlStore("control-store", ctx, opts=child)
                              if settings.control_plane_enabled or settings.usage.enabled else None)
        self.live_config = LiveConfig("live-config", ctx, self.observability, documents=self.documents,
                                      provided_env=list(key_env.values()),
                                      rollback_alarms=self.monitoring.rollback_alarms, store=self.control_store,
                                      opts=child)
        self.admin_api = (
            AdminApi("admin-api", ctx, auth=self.auth, store=self.control_store, live_config=self.live_config,
                     observability=self.observability, edge=self.edge, opts=child)
            if settings.control_plane_enabled else None
        )
        self.ratelimit = (GlobalRateLimit("ratelimit", ctx, self.network, self.edge, opts=child)
                          if settings.ratelimit_sidecar else None)
        self.service = GatewayService(
            "service", ctx, self.network, self.edge, self.observability, self.live_config, loaded.api_keys,
            opts=child, guardrail=self.guardrail, ratelimit=self.ratelimit,
        )
        self.usage = UsagePlane(ctx, self.observability, self.monitoring, self.live_config, self.control_store,
                                 opts=child)
        self.image_scanning = ImageScanning("scanning", ctx, opts=child) if settings.inspector.manage else None
        self.audit = AuditLog("audit", ctx, self.observability, opts=child) if settings.audit.enabled else None
        if self.audit and self.admin_api:
            # The admin function prints one JSON audit line per mutation: those lines are the admin-changes table.
            self.audit.subscribe(AuditSource("admin", self.admin_api.function.log_group.name, ADMIN_FILTER_PATTERN,
                                             ADMIN_TABLE))

        self.outputs: dict[str, pulumi.Input[object]] = {
            "environment": settings.environment,
            "region": loaded.region,
            "gatewayLogGroup": self.observability.gateway_log_group.name,
            **self.edge.outputs,
            **self.auth.outputs,
            **(self.sso.outputs if self.sso else {}),
            **self.service.outputs,
            **self.live_config.outputs,
            **self.monitoring.outputs,
            **self.usage.outputs,
            **(self.guardrail.outputs if self.guardrail else {}),
            **(self.image_scanning.outputs if self.image_scanning else {}),
            **(self.control_store.outputs if self.control_store else {}),
            **(self.admin_api.outputs if self.admin_api else {}),
            **(self.audit.outputs if self.audit else {}),
            **(self.ratelimit.outputs if self.ratelimit else {}),
            "rateLimitMode": settings.rate_limit_mode,
        }
        self.register_outputs(self.outputs)
