"""Admin API: a regional REST API (API Gateway v1) in front of the admin Lambda (docs/adr/0017).

- one API Gateway resource per path segment and one method per entry of
  ``functions/admin_api/routes.py``; every method but the public health check requires a Cognito
  access token of this stack's pool carrying the admin scope (``COGNITO_USER_POOLS`` authorizer
  with ``authorization_scopes``: any client of the pool holding the scope, no client-id list);
- Lambda proxy integrations, and the function's invoke permission scoped to this API's execution ARN;
- a deployment re-created whenever the methods change, a stage with X-Ray, JSON access logs to a
  KMS-encrypted log group and throttling on every method, associated with the stack's WAF web ACL;
- optionally the account-level CloudWatch Logs role of API Gateway (``controlPlane.manageApiGatewayAccount``).
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from functions.admin_api.permissions import CALLS
from functions.admin_api.routes import PUBLIC, ROUTES

from .auth import Auth
from .base import child_opts
from .context import StackContext
from .control_store import ControlStore
from .edge import Edge
from .live_config import LiveConfig
from .observability import Observability
from .python_function import PythonFunction
from .renderers import admin_api as shape
from .renderers.function_policies import statements_from_calls, table_key_statement
from .renderers.policy_documents import assume_role_policy

AUTHORIZER_TYPE = "COGNITO_USER_POOLS"
FUNCTION_TIMEOUT_SECONDS = 29
"""API Gateway's default integration timeout: a longer-running function would answer nobody."""


def admin_function_statements(values: list[object]) -> list[dict[str, object]]:
    """The admin function's statements from resolved ARNs: what ``CALLS`` declares, plus use of the
    tables' key through DynamoDB. ``values``: partition, account id, control and usage table ARNs,
    user pool ARN, publisher ARN, application, environment and two profile ids, table key ARN,
    region."""
    (partition, account, control, usage, pool, publisher, app, env, gateway_profile, catalog_profile,
     key, region) = values
    resources = shape.admin_resources(
        partition=partition, region=region, account_id=account, control_table_arn=control,
        usage_table_arn=usage, user_pool_arn=pool, publisher_arn=publisher, application_id=app,
        environment_id=env, profile_ids=[gateway_profile, catalog_profile])
    return [*statements_from_calls(CALLS, resources), table_key_statement(key_arn=key, region=region)]


class AdminApi(pulumi.ComponentResource):
    """The admin API of one stack: function, REST API, stage and what guards it.

    Attributes: ``function`` (PythonFunction), ``rest_api``, ``authorizer``, ``resources``
    (path -> Resource), ``methods`` (route -> Method), ``deployment``, ``stage``, ``log_group``,
    ``permission``, ``account`` (or None), ``outputs``.
    """

    def __init__(self, name: str, ctx: StackContext, *, auth: Auth, store: ControlStore, live_config: LiveConfig,
                 observability: Observability, edge: Edge, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:controlplane:AdminApi", name, None, opts)
        s = ctx.settings
        cp = s.control_plane
        naming = ctx.naming
        physical = naming.physical("admin-api")

        self.function = PythonFunction(
            f"{name}-function", ctx, source="admin_api", function_name="admin-api",
            description="Admin API: teams, budgets, prices, routing, usage and config status",
            logs_key=observability.logs_key,
            environment={
                "CONTROL_TABLE": store.control_table.name,
                "USAGE_TABLE": store.usage_table.name,
                "USER_POOL_ID": auth.user_pool.id,
                "INVOKE_SCOPE": auth.invoke_scope,
                "ADMIN_SCOPE": auth.admin_scope,
                "PUBLISHER_FUNCTION": live_config.publisher.function.name,
                "APPLICATION_ID": live_config.application.id,
                "ENVIRONMENT_ID": live_config.environment.environment_id,
                "GATEWAY_PROFILE_ID": live_config.gateway_profile.configuration_profile_id,
                "CATALOG_PROFILE_ID": live_config.catalog_profile.configuration_profile_id,
                "ACCESS_TOKEN_MINUTES": str(s.auth.access_token_minutes),
                # Team clients the API creates are named like the stack's own: <prefix>-team-<team>.
                "CLIENT_NAME_PREFIX": f"{naming.prefix}-team-",
                "POWERTOOLS_SERVICE_NAME": "admin-api",
            },
            statements=lambda v: admin_function_statements([*v, ctx.region]),
            statement_inputs=[ctx.partition, ctx.account_id, store.control_table.arn, store.usage_table.arn,
                              auth.user_pool.arn, live_config.publisher.function.arn, live_config.application.id,
                              live_config.environment.environment_id, *live_config.profile_ids, store.key.arn],
            timeout_seconds=FUNCTION_TIMEOUT_SECONDS, memory_mb=512, reserved_concurrency=cp.function_concurrency,
            opts=child_opts(self),
        )
        fn = self.function.function

        self.rest_api = aws.apigateway.RestApi(
            f"{name}-rest-api",
            name=physical,
            description=f"Admin API of {naming.prefix} (Cognito access tokens with the admin scope)",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(types="REGIONAL"),
            opts=child_opts(self),
        )
        self.authorizer = aws.apigateway.Authorizer(
            f"{name}-authorizer",
            name=naming.physical("admin-pool"),
            rest_api=self.rest_api.id,
            type=AUTHORIZER_TYPE,
            provider_arns=[auth.user_pool.arn],
            identity_source="method.request.header.Authorization",
            opts=child_opts(self),
        )

        self.resources: dict[str, aws.apigateway.Resource] = {}
        for node in shape.resource_paths(r.path for r in ROUTES):
            parent = (self.rest_api.root_resource_id if node.parent == shape.ROOT
                      else self.resources[node.parent].id)
            self.resources[node.path] = aws.apigateway.Resource(
                f"{name}-{shape.resource_name(node.path)}",
                rest_api=self.rest_api.id, parent_id=parent, path_part=node.part,
                opts=child_opts(self),
            )

        self.methods: dict[tuple[str, str], aws.apigateway.Method] = {}
        integrations: list[aws.apigateway.Integration] = []
        for route in ROUTES:
            label = f"{name}-{shape.method_name(route.method, route.path)}"
            resource_id = (self.rest_api.root_resource_id if route.path == shape.ROOT
                           else self.resources[route.path].id)
            public = route in PUBLIC
            method = aws.apigateway.Method(
                label,
                rest_api=self.rest_api.id,
                resource_id=resource_id,
                http_method=route.method,
                authorization="NONE" if public else AUTHORIZER_TYPE,
                authorizer_id=None if public else self.authorizer.id,
                authorization_scopes=None if public else [auth.admin_scope],
                opts=child_opts(self),
            )
            self.methods[(route.method, route.path)] = method
            integrations.append(aws.apigateway.Integration(
                f"{label}-integration",
                rest_api=self.rest_api.id,
                resource_id=resource_id,
                http_method=method.http_method,
                type="AWS_PROXY",
                integration_http_method="POST",  # Lambda is always invoked with POST
                uri=fn.invoke_arn,
                opts=child_opts(self),
            ))

        self.deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=self.rest_api.id,
            description="Admin API methods (a new deployment whenever they change)",
            triggers={"methods": auth.admin_scope.apply(lambda scope: shape.deployment_fingerprint(
                [tuple(r) for r in ROUTES], [tuple(r) for r in PUBLIC], scope))},
            opts=child_opts(self, depends_on=[*self.methods.values(), *integrations]),
        )

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            name=naming.path("admin-api-access"),
            retention_in_days=s.log_retention_days,
            kms_key_id=observability.logs_key.arn,
            opts=child_opts(self, stateful=True, prod=ctx.prod),
        )
        self.account = self._account(name, ctx) if cp.manage_api_gateway_account else None
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=self.rest_api.id,
            deployment=self.deployment.id,
            stage_name=cp.stage_name,
            description="Admin API",
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                # The log group ARN itself, not the ``:*`` stream form.
                destination_arn=self.log_group.arn.apply(lambda arn: arn[:-2] if arn.endswith(":*") else arn),
                format=shape.ACCESS_LOG_FORMAT,
            ),
            opts=child_opts(self, depends_on=[self.account] if self.account else None),
        )
        aws.apigateway.MethodSettings(
            f"{name}-throttling",
            rest_api=self.rest_api.id,
            stage_name=self.stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                throttling_rate_limit=float(cp.throttle_rate_per_second),
                throttling_burst_limit=cp.throttle_burst,
                metrics_enabled=True,
                # Execution logs would go to a group API Gateway creates (unencrypted, never expiring)
                # and data tracing would log tokens: the JSON access log is the record.
                logging_level="OFF",
                data_trace_enabled=False,
            ),
            opts=child_opts(self),
        )
        if edge.web_acl is not None:
            aws.wafv2.WebAclAssociation(
                f"{name}-waf-association",
                resource_arn=self.stage.arn,
                web_acl_arn=edge.web_acl.arn,
                opts=child_opts(self),
            )

        self.permission = aws.lambda_.Permission(
            f"{name}-invoke-permission",
            action="lambda:InvokeFunction",
            function=fn.name,
            principal="apigateway.amazonaws.com",
            source_arn=self.rest_api.execution_arn.apply(lambda arn: shape.invoke_source_arn(arn, cp.stage_name)),
            opts=child_opts(self),
        )

        self.outputs: dict[str, pulumi.Input[object]] = {"adminApiUrl": self.stage.invoke_url}
        self.register_outputs(self.outputs)

    def _account(self, name: str, ctx: StackContext) -> aws.apigateway.Account:
        """API Gateway's CloudWatch Logs role of this account and region (one per region), allowed to
        write this project's access log groups (every stack of the project in the region shares it)."""
        role = aws.iam.Role(
            f"{name}-cloudwatch-role",
            name=ctx.naming.physical("apigateway-cloudwatch"),
            description="API Gateway writes stage access logs of this account and region",
            # The trust AWS documents for this role; no source-account condition, since API Gateway's
            # account-level logging is not documented to present one.
            assume_role_policy=json.dumps(assume_role_policy("apigateway.amazonaws.com")),
            opts=child_opts(self),
        )
        policy = aws.iam.RolePolicy(
            f"{name}-cloudwatch-role-policy",
            name="write-access-logs",
            role=role.id,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id).apply(lambda a: json.dumps(
                shape.api_gateway_logging_policy(partition=a[0], region=ctx.region, account_id=a[1],
                                                 path_prefix=ctx.naming.path().rsplit("/", 1)[0]))),
            opts=child_opts(self),
        )
        return aws.apigateway.Account(
            f"{name}-account",
            cloudwatch_role_arn=role.arn,
            opts=child_opts(self, depends_on=[policy]),
        )
