"""Gateway service: ECR, provider-key secrets, IAM, ECS cluster/task/service, autoscaling.

agentgateway, the AppConfig agent that delivers its config files, the check that holds it back
until a valid file is there, and the ADOT collector run as one Fargate task in the private
subnets, behind the Edge's target group (:mod:`components.renderers.task_definition`). Everything
the task needs at start (images, secrets, log groups) is granted to the execution role; everything
it calls while running (Bedrock, the AppConfig profiles, X-Ray, the EMF log group) to the task
role. Both documents come from :mod:`components.renderers.iam_policies`.

Provider API keys (docs/adr/0007): one Secrets Manager secret per enabled keyed provider,
encrypted with a stack CMK. When the key was given as secret config the program writes the
value (a Pulumi secret, never plain text); otherwise the program creates the secret without a
value and an operator writes it out of band, which no later ``pulumi up`` reverts. Until then
tasks cannot start (ECS cannot fetch the secret), which is loud on purpose.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws as aws

import gateway_config

from .base import child_opts
from .context import StackContext
from .edge import Edge
from .guardrails import Guardrail
from .live_config import LiveConfig
from .naming import service_names
from .network import Network
from .observability import Observability
from .renderers import agentgateway_config as agw
from .renderers import collector_config as otel
from .renderers import iam_policies as iam
from .renderers.function_policies import appconfig_agent_statements
from .renderers.policy_documents import service_key_policy
from .ratelimit import GlobalRateLimit
from .renderers.task_definition import GATEWAY, TaskRenderContext, agent_manifest, container_definitions_json, volumes
from .settings import KEYED_PROVIDERS

HEALTH_CHECK_GRACE_SECONDS = 60
"""Time after a task starts before failing ALB health checks count (agentgateway is ready in seconds)."""
SCALE_OUT_COOLDOWN_SECONDS = 60
SCALE_IN_COOLDOWN_SECONDS = 300


def ecr_lifecycle_policy(keep_images: int) -> dict[str, Any]:
    """Expire all but the newest ``keep_images`` images, tagged or not."""
    return {"rules": [{
        "rulePriority": 1,
        "description": f"Keep the newest {keep_images} images",
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_images},
        "action": {"type": "expire"},
    }]}


def keyed_providers(enabled: list[str]) -> list[str]:
    """Enabled providers that need an API key secret, in canonical order."""
    return [p for p in KEYED_PROVIDERS if p in enabled]


class GatewayService(pulumi.ComponentResource):
    """agentgateway + ADOT collector on Fargate in the private subnets.

    Attributes: ``repository``, ``ecr_key``, ``secrets_key``, ``secrets`` (provider -> secret),
    ``secret_versions`` (provider -> version, only for keys given as secret config),
    ``execution_role``, ``task_role``, ``cluster``, ``task_definition``, ``service``,
    ``scaling_target``, ``scaling_policies``, ``outputs``.
    """

    def __init__(self, name: str, ctx: StackContext, network: Network, edge: Edge,
                 observability: Observability, live_config: LiveConfig, api_keys: Mapping[str, Any],
                 opts: pulumi.ResourceOptions | None = None, guardrail: Optional[Guardrail] = None,
                 ratelimit: Optional[GlobalRateLimit] = None):
        super().__init__("ai-gateway:service:GatewayService", name, None, opts)
        s = ctx.settings
        naming = ctx.naming
        stateful = dict(stateful=True, prod=ctx.prod)
        key_window = 30 if ctx.prod else 7
        root_only_key_policy = pulumi.Output.all(ctx.partition, ctx.account_id).apply(
            lambda a: json.dumps(service_key_policy(a[0], a[1]))
        )
        cluster_name, service_name = service_names(naming)

        # --- image repository (for mirroring the upstream images into the account) -----------------
        self.ecr_key = aws.kms.Key(
            f"{name}-ecr-key",
            description=f"ECR image encryption for {naming.prefix}",
            enable_key_rotation=True,
            deletion_window_in_days=key_window,
            policy=root_only_key_policy,
            opts=child_opts(self, **stateful),
        )
        aws.kms.Alias(f"{name}-ecr-key-alias", name=f"alias/{naming.physical('ecr')}",
                      target_key_id=self.ecr_key.key_id, opts=child_opts(self))
        self.repository = aws.ecr.Repository(
            f"{name}-repository",
            name=naming.physical("images"),
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(
                encryption_type="KMS", kms_key=self.ecr_key.arn,
            )],
            opts=child_opts(self, **stateful),
        )
        aws.ecr.LifecyclePolicy(
            f"{name}-repository-lifecycle",
            repository=self.repository.name,
            policy=json.dumps(ecr_lifecycle_policy(s.service.ecr_keep_images)),
            opts=child_opts(self),
        )

        # --- provider API keys ----------------------------------------------------------------------------
        self.secrets_key = aws.kms.Key(
            f"{name}-secrets-key",
            description=f"Provider API keys of {naming.prefix} (usable only through Secrets Manager)",
            enable_key_rotation=True,
            deletion_window_in_days=key_window,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(
                lambda a: json.dumps(iam.secrets_key_policy(a[0], ctx.region, a[1]))
            ),
            opts=child_opts(self, **stateful),
        )
        aws.kms.Alias(f"{name}-secrets-key-alias", name=f"alias/{naming.physical('secrets')}",
                      target_key_id=self.secrets_key.key_id, opts=child_opts(self))
        self.secrets: dict[str, aws.secretsmanager.Secret] = {}
        self.secret_versions: dict[str, aws.secretsmanager.SecretVersion] = {}
        for provider in keyed_providers(s.providers.enabled()):
            secret = aws.secretsmanager.Secret(
                f"{name}-{provider}-api-key",
                name=naming.path(f"{provider}-api-key").lstrip("/"),
                description=f"{provider} API key for {naming.prefix} (injected into the gateway as "
                            f"{agw.api_key_env_var(provider)})",
                kms_key_id=self.secrets_key.arn,
                recovery_window_in_days=30 if ctx.prod else 7,
                opts=child_opts(self, **stateful),
            )
            self.secrets[provider] = secret
            if provider in api_keys:
                # Pulumi is the source of this value (secret config): a change of config updates it.
                self.secret_versions[provider] = aws.secretsmanager.SecretVersion(
                    f"{name}-{provider}-api-key-value",
                    secret_id=secret.id,
                    secret_string=pulumi.Output.secret(api_keys[provider]),
                    opts=child_opts(self),
                )
            # Otherwise no version: the value is written out of band (ADR 0007) and never touched here.

        # --- IAM ---------------------------------------------------------------------------------------------
        trust = ctx.account_id.apply(lambda acct: json.dumps(iam.ecs_tasks_trust_policy(acct)))
        self.execution_role = aws.iam.Role(
            f"{name}-execution-role",
            name=naming.physical("task-execution"),
            description="ECS agent for the gateway task: image pull, awslogs, provider-key secrets",
            assume_role_policy=trust,
            opts=child_opts(self),
        )
        secret_arns = [self.secrets[p].arn for p in self.secrets]
        execution_policy = aws.iam.RolePolicy(
            f"{name}-execution-policy",
            name="start-gateway-task",
            role=self.execution_role.id,
            policy=pulumi.Output.all(
                self.repository.arn,
                observability.gateway_log_group.arn,
                observability.collector_log_group.arn,
                self.secrets_key.arn,
                *secret_arns,
            ).apply(lambda a: json.dumps(iam.execution_role_policy(
                region=ctx.region, repository_arn=a[0], log_group_arns=[a[1], a[2]],
                secret_arns=list(a[4:]), secrets_key_arn=a[3],
            ))),
            opts=child_opts(self),
        )

        self.task_role = aws.iam.Role(
            f"{name}-task-role",
            name=naming.physical("task"),
            description="Gateway task: Bedrock invoke/guardrail, X-Ray traces, EMF metric logs",
            assume_role_policy=trust,
            opts=child_opts(self),
        )

        bedrock_region = agw.bedrock_region(s, ctx.region)
        guardrail_region = agw.guardrail_region(s, ctx.region)

        def collector_config(metrics_log_group: str) -> dict[str, Any]:
            return otel.render_collector_config(s, otel.CollectorRenderContext(
                region=ctx.region, metrics_log_group=metrics_log_group,
                service_name=service_name, cluster_name=cluster_name,
            ))

        def task_policy(a: list[Any]) -> str:
            partition, account_id, metrics_group, metrics_group_arn, guardrail_id, app_id, env_id, *profiles = a
            agent = appconfig_agent_statements(partition=partition, region=ctx.region, account_id=account_id,
                                               application_id=app_id, environment_id=env_id, profile_ids=profiles)
            doc = iam.task_role_policy(
                s, partition=partition, account_id=account_id, bedrock_region=bedrock_region,
                guardrail_region=guardrail_region, collector_config=collector_config(metrics_group),
                log_group_arns={metrics_group: metrics_group_arn}, guardrail_id=guardrail_id, extra=agent,
            )
            if doc is None:
                raise ValueError("the gateway task calls no AWS API; expected at least the collector's")
            return json.dumps(doc)

        task_policy_resource = aws.iam.RolePolicy(
            f"{name}-task-policy",
            name="gateway-task",
            role=self.task_role.id,
            policy=pulumi.Output.all(
                ctx.partition, ctx.account_id,
                observability.metrics_log_group.name, observability.metrics_log_group.arn,
                guardrail.guardrail_id if guardrail else None,
                live_config.application.id, live_config.environment.environment_id, *live_config.profile_ids,
            ).apply(task_policy),
            opts=child_opts(self),
        )

        # --- cluster ----------------------------------------------------------------------------------------
        # Container Insights writes its performance events to this fixed-name group; created here
        # first it is KMS-encrypted with our retention instead of an unencrypted AWS default.
        self.container_insights_log_group = aws.cloudwatch.LogGroup(
            f"{name}-container-insights",
            name=f"/aws/ecs/containerinsights/{cluster_name}/performance",
            retention_in_days=s.log_retention_days,
            kms_key_id=observability.logs_key.arn,
            opts=child_opts(self, **stateful),
        )
        self.cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=cluster_name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enhanced")],
            opts=child_opts(self, depends_on=[self.container_insights_log_group]),
        )
        capacity = aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity-providers",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE"],
            default_capacity_provider_strategies=[aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                capacity_provider="FARGATE", weight=1, base=0,
            )],
            opts=child_opts(self),
        )

        # --- task definition ----------------------------------------------------------------------------------
        key_env = {p: agw.api_key_env_var(p) for p in self.secrets}
        target = live_config.agent_target
        manifest = agent_manifest(target.application, target.environment, target.gateway_profile,
                                  target.catalog_profile)
        mirrored = s.live_config.mirrored_tag
        agent_image = (pulumi.Output.concat(self.repository.repository_url, ":", mirrored) if mirrored
                       else pulumi.Output.from_input(s.live_config.agent_image))

        rl_tag = s.rate_limit.mirrored_tag
        ratelimit_image = (pulumi.Output.concat(self.repository.repository_url, ":", rl_tag) if rl_tag
                           else pulumi.Output.from_input(s.rate_limit.image))
        cache_endpoint = ratelimit.endpoint if ratelimit is not None else pulumi.Output.from_input("")

        def render(a: list[Any]) -> str:
            secret_arn_by_provider, gateway_group, collector_group, metrics_group, image, documents, rl_image, cache = a
            return container_definitions_json(s, TaskRenderContext(
                region=ctx.region,
                collector_config_yaml=otel.to_yaml(collector_config(metrics_group)),
                gateway_log_group=gateway_group,
                collector_log_group=collector_group,
                secrets={key_env[p]: arn for p, arn in secret_arn_by_provider.items()},
                agent_image=image,
                agent_manifest=manifest,
                poll_interval_seconds=s.live_config.poll_interval_seconds,
                startup_fingerprint=gateway_config.startup_fingerprint(documents["base"]),
                ratelimit_image=rl_image if ratelimit is not None else None,
                ratelimit_cache=cache or None,
            ))

        self.container_definitions: pulumi.Output[str] = pulumi.Output.all(
            {p: secret.arn for p, secret in self.secrets.items()},
            observability.gateway_log_group.name,
            observability.collector_log_group.name,
            observability.metrics_log_group.name,
            agent_image,
            live_config.documents,
            ratelimit_image,
            cache_endpoint,
        ).apply(render)

        self.task_definition = aws.ecs.TaskDefinition(
            f"{name}-task",
            family=service_name,
            cpu=str(s.service.cpu),
            memory=str(s.service.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(
                operating_system_family="LINUX", cpu_architecture=s.service.architecture,
            ),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=v) for v in volumes(s)],
            container_definitions=self.container_definitions,
            # Keep superseded revisions registered so a circuit-breaker rollback can always use them.
            skip_destroy=True,
            opts=child_opts(self),
        )

        # --- service -----------------------------------------------------------------------------------------
        listeners = [lst for lst in (edge.https_listener, edge.http_listener) if lst is not None]
        self.service = aws.ecs.Service(
            f"{name}-service",
            name=service_name,
            cluster=self.cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=s.service.min_capacity,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider="FARGATE", weight=1),
            ],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=network.private_subnet_ids,
                security_groups=[edge.service_security_group_id],
                assign_public_ip=False,
            ),
            load_balancers=[aws.ecs.ServiceLoadBalancerArgs(
                target_group_arn=edge.target_group.arn, container_name=GATEWAY, container_port=agw.GATEWAY_PORT,
            )],
            health_check_grace_period_seconds=HEALTH_CHECK_GRACE_SECONDS,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            # A rollout that never becomes healthy (rolled back by the circuit breaker) fails `pulumi up`.
            wait_for_steady_state=True,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            enable_execute_command=False,
            opts=child_opts(
                self,
                # The target group must be attached to the ALB first; the roles must hold their
                # policies and Pulumi-written key values must exist before the first task starts
                # (the task definition names only the secret ARNs, which gives no such edge); and
                # the tasks' way out (NAT routes, VPC endpoints) must exist, or they start unable
                # to pull images, read secrets or fetch the JWKS, which nothing else orders.
                # And the first config must be published: the agent has nothing to fetch before.
                depends_on=[*listeners, capacity, execution_policy, task_policy_resource,
                            *self.secret_versions.values(), *network.egress, live_config.publish],
                # Autoscaling owns the task count after creation.
                ignore_changes=["desired_count"],
            ),
        )

        # --- autoscaling ------------------------------------------------------------------------------------
        self.scaling_target = aws.appautoscaling.Target(
            f"{name}-scaling-target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", self.cluster.name, "/", self.service.name),
            min_capacity=s.service.min_capacity,
            max_capacity=s.service.max_capacity,
            opts=child_opts(self),
        )

        scaling = aws.appautoscaling

        def tracking(role: str, metric: str, target: float, resource_label: pulumi.Input[str] | None = None):
            return scaling.Policy(
                f"{name}-scale-on-{role}",
                name=naming.physical(f"scale-on-{role}"),
                policy_type="TargetTrackingScaling",
                service_namespace=self.scaling_target.service_namespace,
                scalable_dimension=self.scaling_target.scalable_dimension,
                resource_id=self.scaling_target.resource_id,
                target_tracking_scaling_policy_configuration=scaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=target,
                    predefined_metric_specification=(
                        scaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                            predefined_metric_type=metric, resource_label=resource_label,
                        )
                    ),
                    scale_out_cooldown=SCALE_OUT_COOLDOWN_SECONDS,
                    scale_in_cooldown=SCALE_IN_COOLDOWN_SECONDS,
                ),
                opts=child_opts(self),
            )

        self.scaling_policies = [
            tracking("cpu", "ECSServiceAverageCPUUtilization", s.service.cpu_target_percent),
            tracking(
                "requests", "ALBRequestCountPerTarget", s.service.requests_per_target,
                pulumi.Output.concat(edge.load_balancer.arn_suffix, "/", edge.target_group.arn_suffix),
            ),
        ]

        self.outputs: dict[str, pulumi.Input[object]] = {
            "ecrRepositoryUrl": self.repository.repository_url,
            "clusterName": self.cluster.name,
            "serviceName": self.service.name,
            "providerSecretNames": {p: secret.name for p, secret in self.secrets.items()},
        }
        self.register_outputs(self.outputs)
