"""IAM and KMS policy documents as pure functions (plain dicts; callers ``json.dumps`` them).

Every grant here is what the code (or the AWS service acting for it) calls, scoped to the
resources this stack owns. Tests assert the exact statements.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

Document = dict[str, Any]


def document(*statements: dict[str, Any]) -> Document:
    """An IAM policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | str,
    *,
    principal: dict[str, Any] | None = None,
    condition: dict[str, Any] | None = None,
    effect: str = "Allow",
) -> dict[str, Any]:
    """One statement; ``resources`` may be a single ARN or a list."""
    st: dict[str, Any] = {"Sid": sid, "Effect": effect}
    if principal is not None:
        st["Principal"] = principal
    st["Action"] = list(actions) if len(actions) > 1 else actions[0]
    st["Resource"] = resources if isinstance(resources, str) else sorted(set(resources))
    if condition:
        st["Condition"] = condition
    return st


def account_root(partition: str, account_id: str) -> dict[str, str]:
    """Principal of the account itself (lets IAM policies in the account grant key use)."""
    return {"AWS": f"arn:{partition}:iam::{account_id}:root"}


def logs_key_policy(partition: str, region: str, account_id: str) -> Document:
    """Key policy of the logs CMK: account administration, plus CloudWatch Logs of this region
    using it only for this account's log groups (encryption-context condition)."""
    return document(
        statement("AccountAdministration", ["kms:*"], "*", principal=account_root(partition, account_id)),
        statement(
            "CloudWatchLogsOfThisRegion",
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "*",
            principal={"Service": f"logs.{region}.amazonaws.com"},
            condition={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"}},
        ),
    )


def service_key_policy(
    partition: str,
    account_id: str,
    *,
    service_principals: Iterable[str] = (),
    actions: Sequence[str] = ("kms:Decrypt", "kms:GenerateDataKey*"),
    source_account_condition: bool = True,
) -> Document:
    """Key policy of a CMK used by AWS services on the account's behalf (SNS, S3 logs, ...)."""
    statements = [statement("AccountAdministration", ["kms:*"], "*", principal=account_root(partition, account_id))]
    principals = sorted(service_principals)
    if principals:
        statements.append(
            statement(
                "ServicesOfThisAccount",
                list(actions),
                "*",
                principal={"Service": principals if len(principals) > 1 else principals[0]},
                condition={"StringEquals": {"aws:SourceAccount": account_id}} if source_account_condition else None,
            )
        )
    return document(*statements)


def assume_role_policy(service: str, *, source_account: str | None = None) -> Document:
    """Trust policy letting one AWS service assume a role (optionally only for this account)."""
    trust: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if source_account:
        trust["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return document(trust)
