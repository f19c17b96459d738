"""A control-plane Lambda with everything a function of this stack always has.

- code: the deterministic zip of ``functions/<name>`` (:mod:`components.lambda_code`), Python 3.13
  on arm64, ``source_code_hash`` from the zip's sha256 so only a real change redeploys it;
- its own log group (``/aws/lambda/<function name>``), KMS-encrypted with the logs key, with the
  stack's retention, and JSON logs routed there (never an implicit, unencrypted, never-expiring group);
- X-Ray active tracing; environment variables hold ids and names only, never a secret, so the
  AWS managed key encrypts them (a stack CMK would cost $1 a month and protect nothing more);
  reserved concurrency (a bound, and for the publisher a serialization);
- a role only Lambda of this account can assume, allowed its log streams, trace upload and the
  statements its code needs (passed in, from pure functions).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from .base import child_opts
from .context import StackContext
from .lambda_code import ARCHITECTURE, RUNTIME, function_zip
from .renderers.function_policies import function_role_policy, lambda_trust_policy


class PythonFunction(pulumi.ComponentResource):
    """One Lambda function, its role, policy and log group.

    ``source`` is the folder under ``functions/``; ``function_name`` (default ``source``) the name
    after the stack prefix, for a second function from the same code. ``statements`` maps the
    resolved values of ``statement_inputs`` (a list of Outputs) to the
    extra IAM statements of the function's code.
    """

    def __init__(self, name: str, ctx: StackContext, *, source: str, description: str,
                 logs_key: aws.kms.Key, function_name: Optional[str] = None,
                 environment: Mapping[str, pulumi.Input[str]],
                 statements: Callable[[list[Any]], Sequence[dict[str, Any]]] = lambda _: [],
                 statement_inputs: Sequence[pulumi.Input[Any]] = (),
                 timeout_seconds: int = 60, memory_mb: int = 256, reserved_concurrency: int = 1,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("ai-gateway:functions:PythonFunction", name, None, opts)
        function_name = ctx.naming.physical(function_name or source)
        code = function_zip(source, ctx.naming.stack)

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=ctx.settings.log_retention_days,
            kms_key_id=logs_key.arn,
            opts=child_opts(self, stateful=True, prod=ctx.prod),
        )
        self.role = aws.iam.Role(
            f"{name}-role",
            name=function_name,
            description=f"Lambda {function_name}: {description}",
            assume_role_policy=ctx.account_id.apply(lambda acct: json.dumps(lambda_trust_policy(acct))),
            opts=child_opts(self),
        )

        def policy(values: list[Any]) -> str:
            log_group_arn, *rest = values
            return json.dumps(function_role_policy(log_group_arn=log_group_arn, extra=statements(rest)))

        self.role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            name="function",
            role=self.role.id,
            policy=pulumi.Output.all(self.log_group.arn, *statement_inputs).apply(policy),
            opts=child_opts(self),
        )
        self.function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            description=description,
            role=self.role.arn,
            runtime=RUNTIME,
            architectures=[ARCHITECTURE],
            handler=code.handler,
            code=pulumi.FileArchive(str(code.path)),
            source_code_hash=code.sha256_base64,
            timeout=timeout_seconds,
            memory_size=memory_mb,
            reserved_concurrent_executions=reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(environment)),
            # Ids and names only (never a secret): the AWS managed key encrypts them at rest.
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=self.log_group.name,
                application_log_level="INFO", system_log_level="WARN",
            ),
            # Its policy and log group must exist before the first invocation.
            opts=child_opts(self, depends_on=[self.role_policy, self.log_group]),
        )
        self.register_outputs({"functionName": self.function.name, "functionArn": self.function.arn})
