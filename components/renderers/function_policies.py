"""IAM documents of the control-plane Lambdas, as pure functions over plain ARNs.

Every function role gets what running a function needs (its own log group's streams, X-Ray trace
upload) plus the statements of what its code calls
(:func:`appconfig_publisher_statements`); the trust is Lambda of this account only.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .iam_policies import LOG_WRITE_ACTIONS, log_stream_resources
from .policy_documents import Document, assume_role_policy, document, statement

LAMBDA = "lambda.amazonaws.com"
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")


def lambda_trust_policy(account_id: str) -> Document:
    """Trust of a function role: Lambda acting for this account only."""
    return assume_role_policy(LAMBDA, source_account=account_id)


def function_role_policy(*, log_group_arn: str, extra: Sequence[dict[str, Any]] = ()) -> Document:
    """A function role: write its log group, send traces, plus ``extra``."""
    return document(
        statement("WriteOwnLogs", list(LOG_WRITE_ACTIONS), log_stream_resources([log_group_arn])),
        # X-Ray trace upload has no resource-level permissions: Resource must be "*".
        statement("ActiveTracing", list(XRAY_ACTIONS), "*"),
        *extra,
    )


def appconfig_publisher_statements(*, partition: str, region: str, account_id: str, application_id: str,
                                   environment_id: str, profile_ids: Sequence[str],
                                   strategy_ids: Sequence[str]) -> list[dict[str, Any]]:
    """What the publisher calls on AppConfig, on this stack's application, environment, profiles and
    strategies only (ARN forms from the AppConfig service authorization reference)."""
    app = f"arn:{partition}:appconfig:{region}:{account_id}:application/{application_id}"
    profiles = [f"{app}/configurationprofile/{p}" for p in profile_ids]
    environment = f"{app}/environment/{environment_id}"
    strategies = [f"arn:{partition}:appconfig:{region}:{account_id}:deploymentstrategy/{s}" for s in strategy_ids]
    return [
        statement("HostedVersionsOfThisStacksProfiles",
                  ["appconfig:CreateHostedConfigurationVersion", "appconfig:GetHostedConfigurationVersion",
                   "appconfig:ListHostedConfigurationVersions"], profiles),
        statement("DeployToThisStacksEnvironment", ["appconfig:StartDeployment"],
                  [environment, *profiles, *strategies]),
        statement("FollowDeployments", ["appconfig:GetDeployment", "appconfig:ListDeployments"],
                  [environment, f"{environment}/deployment/*"]),
    ]


def appconfig_agent_statements(*, partition: str, region: str, account_id: str, application_id: str,
                               environment_id: str, profile_ids: Sequence[str]) -> list[dict[str, Any]]:
    """What the AppConfig Agent in the gateway task calls: a session and the latest version of this
    stack's two profiles in its environment, nothing else."""
    app = f"arn:{partition}:appconfig:{region}:{account_id}:application/{application_id}"
    configurations = [f"{app}/environment/{environment_id}/configuration/{p}" for p in profile_ids]
    return [statement("ReadLiveConfiguration",
                      ["appconfig:GetLatestConfiguration", "appconfig:StartConfigurationSession"], configurations)]


def appconfig_monitor_trust_policy(account_id: str) -> Document:
    """Trust of the role AppConfig uses to read the rollback alarms."""
    return assume_role_policy("appconfig.amazonaws.com", source_account=account_id)


def appconfig_monitor_policy(alarm_arns: Sequence[str]) -> Document:
    """AppConfig reading the state of the alarms that roll a deployment back."""
    # cloudwatch:DescribeAlarms supports resource-level permissions on alarm ARNs.
    return document(statement("ReadRollbackAlarms", ["cloudwatch:DescribeAlarms"], list(alarm_arns)))


def statements_from_calls(calls: Mapping[str, Sequence[str]],
                          resources: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """One statement per resource role of a function's declared calls (``functions/<name>/permissions.py``
    ``CALLS``: role -> actions), on that role's ARNs (``resources``: role -> ARNs).

    A role without ARNs, or ARNs for a role the code does not call, is an error: never a statement
    with an empty resource list, never a grant nobody uses.
    """
    missing = sorted(role for role in calls if not resources.get(role))
    unused = sorted(set(resources) - set(calls))
    if missing or unused:
        raise ValueError(f"resource roles without ARNs: {missing}; ARNs for roles the code does not call: {unused}")
    return [statement(_sid(role), sorted(set(actions)), sorted(set(resources[role])))
            for role, actions in sorted(calls.items())]


def _sid(role: str) -> str:
    return "Call" + "".join(part[:1].upper() + part[1:] for part in role.split("_"))


TABLE_KEY_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


def table_key_statement(*, key_arn: str, region: str) -> dict[str, Any]:
    """Use of the tables' CMK, which DynamoDB needs from a caller of a customer-managed-key table;
    only through DynamoDB of this region."""
    return statement("UseTableKeyThroughDynamoDB", list(TABLE_KEY_ACTIONS), [key_arn],
                     condition={"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}})


def publisher_store_statements(calls: Mapping[str, Sequence[str]], *, control_table_arn: str, key_arn: str,
                               region: str) -> list[dict[str, Any]]:
    """The publisher's grants on the control table: its declared ``calls``
    (``functions/publisher/permissions.py``) and the table key's use through DynamoDB."""
    return [*statements_from_calls(calls, {"controlTable": [control_table_arn]}),
            table_key_statement(key_arn=key_arn, region=region)]


def scheduler_trust_policy(account_id: str) -> Document:
    """Trust of a schedule's role: EventBridge Scheduler acting for this account only."""
    return assume_role_policy("scheduler.amazonaws.com", source_account=account_id)


def scheduler_invoke_policy(function_arn: str) -> Document:
    """A schedule's role: invoke its one function, nothing else."""
    return document(statement("InvokeItsFunction", ["lambda:InvokeFunction"], [function_arn]))
