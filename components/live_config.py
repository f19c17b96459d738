"""Live configuration: the gateway config and model catalog reach running tasks through AWS AppConfig.

Per stack (docs/adr/0013):

- an AppConfig application, one environment (``live``) whose monitors are the config-sync and 5xx
  alarms (read through a role only AppConfig can assume), and two hosted freeform profiles: the
  gateway config and the model catalog (apart, because every reload of the main config refills all
  local rate-limit buckets, and prices change more often than routes);
- two deployment strategies: ``immediate`` (no duration, no bake: the predefined AllAtOnce bakes ten
  minutes and blocks the next deployment) and ``guarded`` (no duration, then ``bakeMinutes`` of
  alarm watching with automatic rollback);
- a validator Lambda per profile (one zip), called on every deployment: the same checks as the
  tests (the official schema is far beyond AppConfig's 32 KB draft-04 inline validator);
- a publisher Lambda that renders base + overlay, validates, creates a hosted version only when
  the content hash changed, and deploys it, one deployment at a time;
- ``aws.lambda_.Invocation`` of the publisher with this deploy's base and the settings' overlay:
  re-invoked whenever either changes, so a ``pulumi up`` publishes what it changed, and the ECS
  service waits for it (a task never starts before there is a config to fetch).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
import pulumi_aws as aws

from functions.publisher.permissions import CALLS as PUBLISHER_CALLS

from .base import child_opts
from .context import StackContext
from .control_store import ControlStore
from .observability import Observability
from .python_function import PythonFunction
from .renderers.function_policies import (
    appconfig_monitor_policy,
    appconfig_monitor_trust_policy,
    appconfig_publisher_statements,
    publisher_store_statements,
)

ENVIRONMENT_NAME = "live"
GATEWAY_PROFILE = "gateway"
CATALOG_PROFILE = "catalog"
PUBLISHER_TIMEOUT_SECONDS = 900
"""Lambda's maximum: long enough to wait out a previous deployment's bake (``bakeMinutes`` is at
most 10) and then deploy."""


@dataclass(frozen=True)
class AgentTarget:
    """What the AppConfig Agent in the task reads: names for its manifest, ids for its IAM grants."""

    application: str
    environment: str
    gateway_profile: str
    catalog_profile: str


class LiveConfig(pulumi.ComponentResource):
    """AppConfig delivery of the gateway's config files, and the Lambdas that validate and publish them.

    ``documents`` is ``{"base", "overlay"}``, the renderer's two documents (:func:`gateway_documents`);
    ``provided_env`` the env var names the gateway task provides; ``rollback_alarms`` the alarms
    a guarded deployment watches; ``store`` the control-plane tables, when the control plane is on
    (the publisher then saves the stack documents there and renders the store's overlay too).
    """

    def __init__(self, name: str, ctx: StackContext, observability: Observability, *,
                 documents: pulumi.Output[dict[str, Any]], provided_env: Sequence[str],
                 rollback_alarms: Sequence[aws.cloudwatch.MetricAlarm],
                 store: Optional[ControlStore] = None,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:liveconfig:LiveConfig", name, None, opts)
        s = ctx.settings
        naming = ctx.naming
        self.agent_target = AgentTarget(
            application=naming.physical("gateway-config"), environment=ENVIRONMENT_NAME,
            gateway_profile=GATEWAY_PROFILE, catalog_profile=CATALOG_PROFILE,
        )

        self.application = aws.appconfig.Application(
            f"{name}-application", name=self.agent_target.application,
            description=f"Live agentgateway configuration of {naming.prefix}", opts=child_opts(self))

        monitor_role = aws.iam.Role(
            f"{name}-monitor-role",
            name=naming.physical("appconfig-monitor"),
            description="AppConfig reads the alarms that roll a gateway config deployment back",
            assume_role_policy=ctx.account_id.apply(lambda a: json.dumps(appconfig_monitor_trust_policy(a))),
            opts=child_opts(self),
        )
        monitor_policy = aws.iam.RolePolicy(
            f"{name}-monitor-policy", name="read-rollback-alarms", role=monitor_role.id,
            policy=pulumi.Output.all(*[a.arn for a in rollback_alarms]).apply(
                lambda arns: json.dumps(appconfig_monitor_policy(arns))),
            opts=child_opts(self),
        )
        self.environment = aws.appconfig.Environment(
            f"{name}-environment",
            application_id=self.application.id,
            name=ENVIRONMENT_NAME,
            description="Every gateway task of the stack",
            monitors=[aws.appconfig.EnvironmentMonitorArgs(alarm_arn=a.arn, alarm_role_arn=monitor_role.arn)
                      for a in rollback_alarms],
            opts=child_opts(self, depends_on=[monitor_policy]),
        )

        self.immediate = aws.appconfig.DeploymentStrategy(
            f"{name}-immediate",
            name=naming.physical("immediate"),
            description="Every task on its next poll; no bake, so the next change can follow at once",
            deployment_duration_in_minutes=0, growth_factor=100, growth_type="LINEAR",
            final_bake_time_in_minutes=0, replicate_to="NONE",
            opts=child_opts(self),
        )
        self.guarded = aws.appconfig.DeploymentStrategy(
            f"{name}-guarded",
            name=naming.physical("guarded"),
            description=f"Every task on its next poll, then {s.live_config.bake_minutes} min of alarm watching"
                        " with rollback",
            deployment_duration_in_minutes=0, growth_factor=100, growth_type="LINEAR",
            final_bake_time_in_minutes=s.live_config.bake_minutes, replicate_to="NONE",
            opts=child_opts(self),
        )

        provided = ",".join(sorted(provided_env))
        self.validators: dict[str, PythonFunction] = {}

        def profile(role: str) -> aws.appconfig.ConfigurationProfile:
            # One validator per profile: the profile names it by ARN, so it cannot be told the profile's
            # id; it is told which file it checks.
            validator = PythonFunction(
                f"{name}-{role}-validator", ctx, source="validator", function_name=f"{role}-validator",
                description=f"AppConfig validator of the {role} profile",
                logs_key=observability.logs_key,
                environment={"VALIDATES": role, "APPLICATION_ID": self.application.id, "PROVIDED_ENV": provided,
                             "POWERTOOLS_SERVICE_NAME": f"{role}-validator"},
                timeout_seconds=15, memory_mb=512, reserved_concurrency=2,
                opts=child_opts(self),
            )
            self.validators[role] = validator
            permission = aws.lambda_.Permission(
                f"{name}-{role}-validator-permission",
                action="lambda:InvokeFunction",
                function=validator.function.name,
                principal="appconfig.amazonaws.com",
                # No SourceArn: which ARN AppConfig presents is undocumented; the function itself
                # refuses an event of any other application.
                source_account=ctx.account_id,
                opts=child_opts(self),
            )
            return aws.appconfig.ConfigurationProfile(
                f"{name}-{role}-profile",
                application_id=self.application.id,
                name=role,
                description=f"agentgateway {role} file (JSON), validated by {naming.physical(role + '-validator')}",
                location_uri="hosted",
                type="AWS.Freeform",
                validators=[aws.appconfig.ConfigurationProfileValidatorArgs(
                    type="LAMBDA", content=validator.function.arn)],
                opts=child_opts(self, depends_on=[permission]),
            )

        self.gateway_profile = profile(GATEWAY_PROFILE)
        self.catalog_profile = profile(CATALOG_PROFILE)
        profile_ids = [self.gateway_profile.configuration_profile_id, self.catalog_profile.configuration_profile_id]
        strategy_ids = [self.immediate.id, self.guarded.id]

        self.publisher = PythonFunction(
            f"{name}-publisher", ctx, source="publisher",
            description="Renders, validates and deploys the gateway config and model catalog",
            logs_key=observability.logs_key,
            environment={
                "APPLICATION_ID": self.application.id,
                "ENVIRONMENT_ID": self.environment.environment_id,
                "GATEWAY_PROFILE_ID": self.gateway_profile.configuration_profile_id,
                "CATALOG_PROFILE_ID": self.catalog_profile.configuration_profile_id,
                "IMMEDIATE_STRATEGY_ID": self.immediate.id,
                "GUARDED_STRATEGY_ID": self.guarded.id,
                "DEFAULT_STRATEGY": s.config_deployment_strategy,
                "PROVIDED_ENV": provided,
                "POWERTOOLS_SERVICE_NAME": "config-publisher",
                **({"CONTROL_TABLE": store.control_table.name} if store else {}),
            },
            statements=lambda v: [
                *appconfig_publisher_statements(
                    partition=v[0], region=ctx.region, account_id=v[1], application_id=v[2], environment_id=v[3],
                    profile_ids=v[4:6], strategy_ids=v[6:8]),
                *(publisher_store_statements(PUBLISHER_CALLS, control_table_arn=v[8], key_arn=v[9], region=ctx.region)
                  if store else []),
            ],
            statement_inputs=[ctx.partition, ctx.account_id, self.application.id, self.environment.environment_id,
                              *profile_ids, *strategy_ids,
                              *([store.control_table.arn, store.key.arn] if store else [])],
            # One publish at a time: AppConfig allows one deployment per environment.
            timeout_seconds=PUBLISHER_TIMEOUT_SECONDS, memory_mb=512, reserved_concurrency=1,
            opts=child_opts(self),
        )

        self.publish = aws.lambda_.Invocation(
            f"{name}-publish",
            function_name=self.publisher.function.name,
            input=documents.apply(lambda d: json.dumps({**d, "strategy": s.config_deployment_strategy},
                                                       sort_keys=True)),
            # A new base, overlay or publisher code publishes again (the publisher skips what is unchanged).
            triggers={"code": self.publisher.function.source_code_hash},
            opts=child_opts(self, depends_on=[self.environment, self.gateway_profile, self.catalog_profile,
                                              self.immediate, self.guarded, self.publisher.function]),
        )

        self.profile_ids = profile_ids
        self.documents = documents
        self.outputs: dict[str, pulumi.Input[object]] = {
            "configApplicationId": self.application.id,
            "configEnvironmentId": self.environment.environment_id,
            "configPublisherFunction": self.publisher.function.name,
        }
        self.register_outputs(self.outputs)


def gateway_documents(ctx: StackContext, *, jwt_issuer: Optional[pulumi.Input[str]],
                      jwks_url: Optional[pulumi.Input[str]], team_client_ids: pulumi.Input[dict[str, str]],
                      default_client_id: Optional[pulumi.Input[str]], guardrail_id: Optional[pulumi.Input[str]],
                      guardrail_version: Optional[pulumi.Input[str]],
                      key_env: dict[str, str],
                      user_client_ids: pulumi.Input[list[str]] = ()) -> pulumi.Output[dict[str, Any]]:
    """``{"base": ..., "overlay": ...}``: the renderer's two documents as JSON-ready dicts, once the
    deploy-time values (issuer, client ids, guardrail) are known.

    ``team_client_ids`` is team -> client id (``auth.teamClients``); ``key_env`` provider -> the env
    var the task injects its API key as; ``user_client_ids`` the people's (SSO) app clients.
    """
    from .renderers import agentgateway_config as agw

    def build(values: list[Any]) -> dict[str, Any]:
        issuer, jwks, team_ids, default_id, g_id, g_version, people = values
        render_ctx = agw.GatewayRenderContext(
            region=ctx.region, jwt_issuer=issuer, jwks_url=jwks, provider_key_env=key_env,
            team_client_ids={client: team for team, client in (team_ids or {}).items()},
            default_client_id=default_id, guardrail_id=g_id, guardrail_version=g_version,
            user_client_ids=tuple(people or ()),
        )
        dump = dict(mode="json", by_alias=True, exclude_none=True)
        return {"base": agw.gateway_base(ctx.settings, render_ctx).model_dump(**dump),
                "overlay": agw.settings_overlay(ctx.settings, render_ctx).model_dump(**dump)}

    return pulumi.Output.all(jwt_issuer, jwks_url, team_client_ids, default_client_id, guardrail_id,
                             guardrail_version, list(user_client_ids)).apply(build)
