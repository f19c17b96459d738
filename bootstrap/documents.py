"""Policy documents of the bootstrap as pure functions (no Pulumi): trust policies, the state
bucket and key policies, and the CI roles' permissions rendered from the table.

Statements reuse the gateway's builders (``components.renderers.policy_documents``), so both
programs write IAM JSON the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from components.naming import Naming
from components.renderers.policy_documents import Document, account_root, document, statement

from .permissions import OPERATIONS, TABLE, Condition, Grant

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_URL = f"https://{GITHUB_OIDC_HOST}"
STS_AUDIENCE = "sts.amazonaws.com"
MANAGED_POLICY_LIMIT = 6144
"""IAM's size limit of one managed policy, in characters without whitespace."""
MANAGED_POLICIES_PER_ROLE = 10
"""IAM's default quota of managed policies attached to one role."""
STATE_ROOT = ".pulumi"


# --- GitHub OIDC trust ----------------------------------------------------------------------------

def pull_request_subject(repository: str) -> str:
    """The ``sub`` claim of a job run for a pull request (no environment) of the repository."""
    return f"repo:{repository}:pull_request"


def environment_subject(repository: str, environment: str) -> str:
    """The ``sub`` claim of a job that references the GitHub environment."""
    return f"repo:{repository}:environment:{environment}"


def github_trust_policy(provider_arn: str, subject: str) -> Document:
    """Trust policy: only GitHub's OIDC tokens for the STS audience and exactly this subject
    (``StringEquals``, no wildcard: another repository, branch or environment never matches)."""
    return document({
        "Sid": "GitHubActions",
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GITHUB_OIDC_HOST}:aud": STS_AUDIENCE, f"{GITHUB_OIDC_HOST}:sub": subject}},
    })


# --- state bucket and key --------------------------------------------------------------------------

def state_bucket_policy(bucket_arn: str) -> Document:
    """TLS only, and objects only with SSE-KMS (the default encryption sets it)."""
    everything = [bucket_arn, f"{bucket_arn}/*"]
    return document(
        statement("DenyInsecureTransport", ["s3:*"], everything, principal="*", effect="Deny",
                  condition={"Bool": {"aws:SecureTransport": "false"}}),
        statement("DenyUnencryptedUploads", ["s3:PutObject"], [f"{bucket_arn}/*"], principal="*", effect="Deny",
                  condition={"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}}),
    )


def state_key_policy(partition: str, account_id: str) -> Document:
    """Key policy: the account administers the key; IAM policies (the CI roles) grant its use."""
    return document(statement("AccountAdministration", ["kms:*"], "*", principal=account_root(partition, account_id)))


@dataclass(frozen=True)
class StateAccess:
    """Where the CI roles find the Pulumi state and the secrets key (None for Pulumi Cloud)."""

    bucket_arn: str
    key_arn: str
    project: str


def state_statements(state: StateAccess, stacks: Sequence[str], *, write: bool) -> list[dict[str, Any]]:
    """The DIY backend's objects for the stacks: ``.pulumi/stacks/<project>/<stack>.json[.gz]``,
    ``history``, ``backups``, ``journal`` under ``<project>/<stack>/`` and locks under
    ``locks/organization/<project>/<stack>/``; plus the key for state encryption (through S3) and
    for the stack secrets (``awskms://``). The preview role reads, never writes or locks."""
    bucket, project = state.bucket_arn, state.project
    objects: list[str] = []
    for stack in stacks:
        objects += [f"{bucket}/{STATE_ROOT}/stacks/{project}/{stack}.*"]
        objects += [f"{bucket}/{STATE_ROOT}/{kind}/{project}/{stack}/*" for kind in ("history", "backups", "journal")]
        objects += [f"{bucket}/{STATE_ROOT}/locks/organization/{project}/{stack}/*"]
    meta = [f"{bucket}/{STATE_ROOT}/meta.yaml", f"{bucket}/{STATE_ROOT}/Pulumi.yaml"]
    statements = [
        statement("StateList", ["s3:ListBucket"], [bucket]),
        statement("StateRead", ["s3:GetObject"], objects + meta),
        statement("SecretsDecrypt", ["kms:Decrypt", "kms:DescribeKey"], [state.key_arn]),
    ]
    if write:
        statements += [
            statement("StateWrite", ["s3:DeleteObject", "s3:PutObject"], objects),
            statement("SecretsEncrypt", ["kms:Encrypt", "kms:GenerateDataKey"], [state.key_arn]),
        ]
    return statements


# --- the table, rendered -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """What a table row's placeholders mean for one gateway stack."""

    naming: Naming
    region: str
    hosted_zone_ids: tuple[str, ...] = ()

    def values(self, partition: str, account_id: str) -> dict[str, str]:
        """Placeholder values."""
        return {
            "partition": partition, "region": self.region, "account": account_id,
            "prefix": self.naming.prefix, "path": self.naming.path(), "slashed": self.naming.path()[1:],
            "underscored": self.naming.prefix.replace("-", "_"),
            "project": self.naming.project, "stack": self.naming.stack,
        }


def render_condition(condition: Condition | None, scopes: Sequence[Scope]) -> dict[str, Any] | None:
    """The IAM condition block of a table condition, for stacks of one project in one region.

    Tag conditions list the ``stack`` tag of every scope: ``StringEquals`` with several values
    matches any of them, so a grant the stacks share on the same resources stays one statement."""
    if condition is None:
        return None
    tags = _tags(scopes)
    kind, values = condition.kind, list(condition.values)
    if kind == "resource-tags":
        return {"StringEquals": {f"aws:ResourceTag/{k}": v for k, v in tags.items()}}
    if kind == "request-tags":
        return {"StringEquals": {f"aws:RequestTag/{k}": v for k, v in tags.items()}}
    if kind == "passed-to":
        return {"StringEquals": {"iam:PassedToService": _one_or_list(values)}}
    if kind == "service-linked":
        return {"StringEquals": {"iam:AWSServiceName": _one_or_list(values)}}
    if kind == "via":
        services = [f"{s}.{_shared(scopes, lambda sc: sc.region)}.amazonaws.com" for s in values]
        return {"StringEquals": {"kms:ViaService": _one_or_list(services),
                                 **{f"aws:ResourceTag/{k}": v for k, v in tags.items()}}}
    if kind == "create-action":
        return {"StringEquals": {"ec2:CreateAction": _one_or_list(values)}}
    raise ValueError(f"unknown condition kind {kind!r}")


def _tags(scopes: Sequence[Scope]) -> dict[str, str | list[str]]:
    """The ``project`` and ``stack`` tag values a tag condition requires."""
    return {"project": _shared(scopes, lambda sc: sc.naming.project),
            "stack": _one_or_list(sorted({sc.naming.stack for sc in scopes}))}


def _shared(scopes: Sequence[Scope], attribute: Callable[[Scope], str]) -> str:
    # Listing two projects (or regions) next to two stacks would also allow the crossed pairs.
    found = {attribute(sc) for sc in scopes}
    if len(found) != 1:
        raise ValueError(f"one condition cannot cover {sorted(found)}: the scopes must share them")
    return found.pop()


def _one_or_list(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


def table_grants(types: Iterable[str], *, reads_only: bool = False) -> list[Grant]:
    """The table rows of these types (read rows only for the preview role)."""
    grants: list[Grant] = []
    for type_ in sorted(set(types)):
        for row in TABLE[type_].grants:
            if row.read or not reads_only:
                grants.append(row)
    return grants


def operation_grants() -> list[Grant]:
    """The deploy job's own steps (``OPERATIONS``, e.g. the image mirror): deploy roles only."""
    return [row for name in sorted(OPERATIONS) for row in OPERATIONS[name].grants]


def _resources(row: Grant, scopes: Sequence[Scope], values: Sequence[Mapping[str, str]]) -> list[str]:
    rendered: set[str] = set()
    for scope, vals in zip(scopes, values):
        for template in row.resources:
            zones = scope.hosted_zone_ids or ("*",)
            for zone in zones:
                rendered.add(template.format_map({**vals, "zones": zone}))
    return sorted(rendered)


def table_statements(grants: Sequence[Grant], scopes: Sequence[Scope], partition: str, account_id: str,
                     sid: str) -> list[dict[str, Any]]:
    """Statements for the grants in each scope, merged without widening anything.

    A row renders once for the scopes it names the same resources for (ids, scoped by tags: the
    condition lists those stacks' tags) and once per scope otherwise (each stack's prefix, with
    that stack's tags only). Then rows with the same condition and the same resources become one
    statement (union of actions), and statements with the same condition and the same actions
    one statement (union of resources). No step lets an action reach a resource, or a tag value,
    that one stack's rendering did not grant it on.
    """
    by_resources: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    conditions: dict[str, dict[str, Any] | None] = {}
    for row in grants:
        for resources, group in _by_resources(row, scopes, partition, account_id):
            condition = render_condition(row.condition, group)
            ckey = json.dumps(condition, sort_keys=True)
            conditions[ckey] = condition
            by_resources.setdefault((ckey, resources), set()).update(row.actions)
    by_actions: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for (ckey, resources), actions in by_resources.items():
        by_actions.setdefault((ckey, tuple(sorted(actions))), set()).update(resources)
    statements = []
    for index, ((ckey, actions), resources) in enumerate(sorted(by_actions.items(), key=lambda kv: (kv[0][1], kv[0][0]))):
        res: str | list[str] = "*" if resources == {"*"} else sorted(resources)
        statements.append(statement(f"{sid}{index:03d}", list(actions), res, condition=conditions[ckey]))
    return statements


def _by_resources(row: Grant, scopes: Sequence[Scope], partition: str,
                  account_id: str) -> list[tuple[tuple[str, ...], list[Scope]]]:
    """The row's rendered resources with the scopes that render them alike (same project and
    region too, so one condition can name them all)."""
    groups: dict[tuple[tuple[str, ...], str, str], list[Scope]] = {}
    for scope in scopes:
        resources = tuple(_resources(row, [scope], [scope.values(partition, account_id)]))
        groups.setdefault((resources, scope.naming.project, scope.region), []).append(scope)
    return [(key[0], group) for key, group in groups.items()]


def size(doc: Mapping[str, Any]) -> int:
    """A policy's size as IAM counts it (no whitespace)."""
    return len(json.dumps(doc, separators=(",", ":")))


class StatementTooLarge(ValueError):
    """One statement alone exceeds a managed policy's size limit (too many stacks in one role)."""


def pack(statements: Sequence[dict[str, Any]], limit: int = MANAGED_POLICY_LIMIT) -> list[Document]:
    """Statements into as few documents as fit ``limit`` each (first fit, in order)."""
    documents: list[Document] = []
    for st in statements:
        for doc in documents:
            if size({**doc, "Statement": [*doc["Statement"], st]}) <= limit:
                doc["Statement"].append(st)
                break
        else:
            single = document(st)
            if size(single) > limit:
                raise StatementTooLarge(f"statement {st.get('Sid')} alone is larger than {limit} characters")
            documents.append(single)
    return documents


WORST_CASE_PARTITION = "x" * 12
"""Partition placeholder longer than any real one: documents packed with it never grow past the
limit when rendered with the real partition, so the number of policies is known before deploy."""
SAMPLE_ACCOUNT = "000000000000"


def deploy_documents(types: Iterable[str], scopes: Sequence[Scope], partition: str, account_id: str,
                     state: StateAccess | None) -> list[Document]:
    """The permissions of one environment class's deploy role, for its stacks (``scopes``): the
    table rows of ``types``, the deploy job's own steps and the state, split into managed-policy
    documents.

    The split is computed with a worst-case partition, so it is the same whatever account and
    partition the documents are finally rendered for (see :func:`document_count`)."""
    return _documents([*table_grants(types), *operation_grants()], scopes, partition, account_id, "Deploy",
                      state_statements(state, [s.naming.stack for s in scopes], write=True) if state else [])


def preview_documents(types: Iterable[str], scopes: Sequence[Scope], partition: str, account_id: str,
                      state: StateAccess | None) -> list[Document]:
    """The preview role's permissions: metadata reads of every stack, state and secrets read."""
    return _documents(table_grants(types, reads_only=True), scopes, partition, account_id, "Read",
                      state_statements(state, [s.naming.stack for s in scopes], write=False) if state else [])


def _documents(grants: Sequence[Grant], scopes: Sequence[Scope], partition: str, account_id: str, sid: str,
               extra: Sequence[dict[str, Any]]) -> list[Document]:
    def statements_for(part: str, acct: str, extra_statements: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        return [*extra_statements, *table_statements(grants, scopes, part, acct, sid)]

    planned = pack(statements_for(WORST_CASE_PARTITION, SAMPLE_ACCOUNT,
                                  [_repartition(s, partition, WORST_CASE_PARTITION) for s in extra]))
    layout = [[st["Sid"] for st in doc["Statement"]] for doc in planned]
    final = {st["Sid"]: st for st in statements_for(partition, account_id, extra)}
    return [document(*(final[sid_] for sid_ in sids)) for sids in layout]


def _repartition(st: dict[str, Any], partition: str, placeholder: str) -> dict[str, Any]:
    return json.loads(json.dumps(st).replace(f"arn:{partition}:", f"arn:{placeholder}:"))


def document_count(documents_for: Any) -> int:
    """How many managed policies a role needs (rendered once with sample values)."""
    return len(documents_for(WORST_CASE_PARTITION, SAMPLE_ACCOUNT))


def actions_by_service(documents: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Allowed actions of some documents grouped by service prefix (for the synth report)."""
    grouped: dict[str, set[str]] = {}
    for doc in documents:
        for st in doc["Statement"]:
            if st.get("Effect") != "Allow":
                continue
            for action in [st["Action"]] if isinstance(st["Action"], str) else st["Action"]:
                service, _, name = action.partition(":")
                grouped.setdefault(service, set()).add(name)
    return {service: sorted(names) for service, names in sorted(grouped.items())}


def unscoped_actions(types: Iterable[str]) -> list[str]:
    """Actions the CI roles get on ``Resource: "*"`` (those without resource-level permissions):
    what ``policy/config/bootstrap.json`` must allow the pack's wildcard-resource rule."""
    scope = Scope(Naming("project", "stack"), "us-east-1")
    found: set[str] = set()
    for st in table_statements([*table_grants(types), *operation_grants()], [scope], "aws", SAMPLE_ACCOUNT, "S"):
        if st["Resource"] == "*":
            found |= {st["Action"]} if isinstance(st["Action"], str) else set(st["Action"])
    return sorted(found)
