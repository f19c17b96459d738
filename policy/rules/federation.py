"""Federated trust: roles assumable with web-identity (OIDC) or SAML tokens.

A federated principal accepts tokens from an identity provider that issues them to many parties:
GitHub signs a token for every workflow of every repository, a Cognito identity pool for every
user of every app. Only the trust policy's conditions tell the role's token from all others, so
an OIDC trust must pin the audience (``<issuer>:aud``) and the subject (``<issuer>:sub``, or
``amr`` for Cognito identity pools), SAML the audience (``SAML:aud``), with positive operators and
without match-everything values. For GitHub the subject must name one repository
(``repo:<owner>/<repo>:...``) and the audience must be ``sts.amazonaws.com``.
"""

from __future__ import annotations

import re
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from .documents import is_allow, principals, statements
from .meta import Severity, resource_policy
from .values import Pending, as_list, get, is_map, json_document

ROLE = "aws:iam/role:Role"
GITHUB = "token.actions.githubusercontent.com"
GITHUB_AUDIENCE = "sts.amazonaws.com"
COGNITO_IDENTITY = "cognito-identity.amazonaws.com"
POSITIVE_OPERATORS = re.compile(r"^(ForAnyValue:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$", re.IGNORECASE)
"""Operators that restrict a key to the listed values (ForAllValues passes on an empty claim set,
the Not... operators accept everything else)."""
GITHUB_SUBJECT = re.compile(r"^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:.+$")


def issuer(principal: str) -> tuple[str, str]:
    """(kind, issuer) of a federated principal: ``("saml", ...)`` or ``("oidc", "<host/path>")``."""
    if ":saml-provider/" in principal:
        return "saml", principal
    return "oidc", principal.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in principal else principal


def restricted_values(statement: Any, key: str) -> list[str] | None:
    """Values a positive condition operator allows for ``key`` (case-insensitive), or None."""
    condition = get(statement, "Condition")
    if not is_map(condition):
        return None
    found: list[str] | None = None
    for operator in condition:
        block = condition[operator]
        if not POSITIVE_OPERATORS.match(str(operator)) or not is_map(block):
            continue
        for name in block:
            if str(name).lower() == key.lower():
                found = (found or []) + [str(v) for v in as_list(block[name])]
    return found


def _match_all(value: str) -> bool:
    return value.strip("*?") == ""


def _check_claim(statement: Any, key: str, where: str, report: ReportViolation) -> list[str]:
    values = restricted_values(statement, key)
    if not values:
        report(f"{where} trusts a federated principal without a {key} condition (StringEquals/StringLike): "
               "tokens issued to anyone else would be accepted.", None)
        return []
    if any(_match_all(v) for v in values):
        report(f"{where} allows any {key} ({', '.join(values)}).", None)
    return values


def _check_trust(args: ResourceValidationArgs, report: ReportViolation) -> None:
    document = json_document(args.props.get("assumeRolePolicy"), "assumeRolePolicy")
    pending = Pending()
    for index, statement in enumerate(statements(document)):
        with pending.attempt():
            if not is_allow(statement):
                continue
            where = f"Trust statement {index}"
            for principal in principals(statement, "Federated"):
                kind, host = issuer(principal)
                if kind == "saml":
                    _check_claim(statement, "SAML:aud", where, report)
                    continue
                audiences = _check_claim(statement, f"{host}:aud", where, report)
                subject_key = f"{host}:amr" if host == COGNITO_IDENTITY else f"{host}:sub"
                subjects = _check_claim(statement, subject_key, where, report)
                if host != GITHUB:
                    continue
                if audiences and any(a != GITHUB_AUDIENCE for a in audiences):
                    report(f"{where} accepts GitHub tokens for audience {', '.join(audiences)}; "
                           f"configure-aws-credentials requests {GITHUB_AUDIENCE}.", None)
                loose = [s for s in subjects if not GITHUB_SUBJECT.match(s) or any(c in s.split(":")[1] for c in "*?")]
                if loose:
                    report(f"{where} trusts GitHub subjects that do not name one repository "
                           f"(repo:<owner>/<repo>:...): {', '.join(loose)}.", None)
    pending.settle()


federated_trust_conditioned = resource_policy(
    name="aws-iam-role-federated-trust-conditioned",
    description="Roles trusted by an OIDC or SAML provider pin the token's audience and subject "
                "(GitHub: one repository, audience sts.amazonaws.com).",
    severity=Severity.CRITICAL,
    remediation="Add StringEquals conditions on <issuer>:aud and <issuer>:sub, for GitHub "
                "token.actions.githubusercontent.com:aud = sts.amazonaws.com and :sub = "
                "repo:<owner>/<repo>:environment:<env> (deploy) or repo:<owner>/<repo>:pull_request (preview).",
    types={ROLE},
    validate=_check_trust,
    tags=["iam", "federation"],
)

POLICIES = [federated_trust_conditioned]
