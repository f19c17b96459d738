"""IAM: identity policies, trust policies, managed-policy attachments, static credentials, and
public principals in resource policies.

Identity-policy rules apply to identity policies only (role/user/group inline policies and
managed policies). Key, bucket, topic and secret policies are *resource* policies: there
``Resource: "*"`` means "this resource" and the account root legitimately gets ``kms:*``, so they
are only checked for public principals.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from .documents import (
    has_condition,
    is_allow,
    is_public_principal,
    is_wildcard_action,
    statements,
    strings,
)
from .graph import by_type
from .meta import Severity, resource_policy, stack_policy
from .values import (
    Pending,
    UnknownValueError,
    as_list,
    get,
    is_list,
    is_unknown,
    json_document,
    peek,
    present,
    text,
)

ROLE = "aws:iam/role:Role"
IDENTITY_POLICY_TYPES = frozenset({
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy", ROLE,
})
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT_TYPES = frozenset({
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
})
STATIC_CREDENTIAL_TYPES = frozenset({
    "aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
    "aws:iam/signingCertificate:SigningCertificate",
})
# Resource policies, and the property holding the document.
RESOURCE_POLICY_PROPS = {
    "aws:kms/key:Key": "policy", "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy", "aws:s3/bucket:Bucket": "policy",
    "aws:s3/bucketV2:BucketV2": "policy", "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy", "aws:secretsmanager/secret:Secret": "policy",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy", "aws:sqs/queue:Queue": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
}
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"

# Actions that do not support resource-level permissions (AWS Service Authorization Reference),
# so "Resource": "*" is the only way to grant them. Keep this list short and explained in
# docs/policy.md; anything else must name its resources.
WILDCARD_RESOURCE_ACTIONS = [
    "ecr:GetAuthorizationToken",          # task execution role: log in to ECR
    "xray:PutTraceSegments",              # ADOT collector: X-Ray exporter
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
    "cloudwatch:PutMetricData",           # only with a cloudwatch:namespace condition
    "cloudwatch:GetMetricData",           # dashboards / usage reads
    "cloudwatch:ListMetrics",
    "logs:DescribeLogGroups",             # ADOT log exporters look up their group
    "logs:GetQueryResults",               # control plane: Logs Insights results by query id
    "bedrock:ListFoundationModels",       # model discovery
    "pricing:GetProducts",                # control plane: price list refresh
]
CONDITION_REQUIRED = {"cloudwatch:putmetricdata": "cloudwatch:namespace"}

BROAD_MANAGED_POLICY = re.compile(
    r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?"
    r"(?:AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)$"
)


def identity_documents(args: ResourceValidationArgs) -> Iterator[tuple[str, Any]]:
    """(label, parsed document) for each identity policy the resource carries."""
    if args.resource_type == ROLE:
        for index, inline in enumerate(as_list(args.props.get("inlinePolicies"))):
            label = f"inlinePolicies.{index}.policy"
            yield label, json_document(get(inline, "policy"), label)
    else:
        yield "policy", json_document(args.props.get("policy"), "policy")


def _each_statement(args: ResourceValidationArgs, check) -> None:
    pending = Pending()
    for label, document in identity_documents(args):
        for index, statement in enumerate(statements(document)):
            with pending.attempt():
                check(statement, f"{label} statement {index}")
    pending.settle()


# --- aws-iam-policy-no-wildcard-action --------------------------------------------------------

def _check_wildcard_action(args: ResourceValidationArgs, report: ReportViolation) -> None:
    def check(statement: Any, where: str) -> None:
        if not is_allow(statement):
            return
        if get(statement, "NotAction") is not None:
            report(f"{where} allows NotAction, i.e. every action except a few.", None)
        wild = [a for a in strings(statement, "Action") if is_wildcard_action(a)]
        if wild:
            report(f"{where} allows wildcard action(s) {', '.join(wild)}.", None)

    _each_statement(args, check)


no_wildcard_action = resource_policy(
    name="aws-iam-policy-no-wildcard-action",
    description="Identity policies never allow '*' or 'service:*' actions (nor NotAction).",
    severity=Severity.HIGH,
    remediation="List the exact actions the code calls (see components/renderers/policy_documents.py).",
    types=IDENTITY_POLICY_TYPES,
    validate=_check_wildcard_action,
    tags=["iam", "least-privilege"],
)


# --- aws-iam-policy-wildcard-resource-allowlist -----------------------------------------------

def _check_wildcard_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
    allowed = {a.lower() for a in WILDCARD_RESOURCE_ACTIONS}
    allowed |= {str(a).lower() for a in as_list(args.get_config().get("additionalActions"))}

    def check(statement: Any, where: str) -> None:
        if not is_allow(statement):
            return
        actions = strings(statement, "Action")
        offending = []
        for action in actions:
            key = action.lower()
            needed = CONDITION_REQUIRED.get(key)
            if key not in allowed or (needed and not has_condition(statement, needed)):
                offending.append(action)
        if not offending:
            return
        if get(statement, "NotResource") is not None:
            report(f"{where} uses NotResource with {', '.join(offending)}.", None)
            return
        if "*" in strings(statement, "Resource"):
            report(f"{where} grants {', '.join(offending)} on Resource '*'; name the resources "
                   "(only actions without resource-level permissions may use '*').", None)

    _each_statement(args, check)


wildcard_resource_allowlist = resource_policy(
    name="aws-iam-policy-wildcard-resource-allowlist",
    description="Identity policies use Resource '*' only for an explicit list of actions that "
                "have no resource-level permissions.",
    severity=Severity.HIGH,
    remediation="Scope the statement to the ARNs the code uses (tables, secrets, log groups, "
                "model and inference-profile ARNs); cloudwatch:PutMetricData needs a "
                "cloudwatch:namespace condition.",
    types=IDENTITY_POLICY_TYPES,
    validate=_check_wildcard_resource,
    config={"additionalActions": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "Further actions allowed on Resource '*' (each must lack resource-level "
                       "permissions; justify it in docs/policy.md).",
    }},
    tags=["iam", "least-privilege"],
)


# --- aws-iam-policy-wildcard-only-action-scoped ----------------------------------------------

def _check_wildcard_only_scoped(args: ResourceValidationArgs, report: ReportViolation) -> None:
    wildcard_only = {a.lower() for a in WILDCARD_RESOURCE_ACTIONS}

    def check(statement: Any, where: str) -> None:
        if not is_allow(statement) or get(statement, "NotResource") is not None:
            return
        resources = strings(statement, "Resource")
        if not resources or "*" in resources:
            return
        scoped = [a for a in strings(statement, "Action") if a.lower() in wildcard_only]
        if scoped:
            report(f"{where} grants {', '.join(scoped)} on {', '.join(resources)}, but the action has no "
                   "resource-level permissions: the grant has no effect; give it a statement of its own "
                   "with Resource '*'.", None)

    _each_statement(args, check)


wildcard_only_action_scoped = resource_policy(
    name="aws-iam-policy-wildcard-only-action-scoped",
    description="An action without resource-level permissions is not granted on specific resources "
                "(where it silently grants nothing).",
    severity=Severity.LOW,
    remediation="Move the action to its own statement with Resource '*' (it must be on the "
                "wildcard allow-list), or drop it if nothing calls it.",
    types=IDENTITY_POLICY_TYPES,
    validate=_check_wildcard_only_scoped,
    tags=["iam", "correctness"],
)


# --- aws-iam-role-trust-restricted ------------------------------------------------------------

def _check_trust(args: ResourceValidationArgs, report: ReportViolation) -> None:
    document = json_document(args.props.get("assumeRolePolicy"), "assumeRolePolicy")
    pending = Pending()
    for index, statement in enumerate(statements(document)):
        with pending.attempt():
            if not is_allow(statement):
                continue
            if is_public_principal(get(statement, "Principal")) and not has_condition(statement):
                report(f"Trust statement {index} lets any AWS principal assume the role.", None)
            # Federated principals (GitHub OIDC, SAML) are held to their token conditions by
            # aws-iam-role-federated-trust-conditioned (federation.py).
    pending.settle()


role_trust_restricted = resource_policy(
    name="aws-iam-role-trust-restricted",
    description="Role trust policies name their principals (no '*' without conditions).",
    severity=Severity.CRITICAL,
    remediation="Trust a service principal (ecs-tasks.amazonaws.com, lambda.amazonaws.com) with "
                "an aws:SourceAccount condition, or an identity provider with the conditions of "
                "aws-iam-role-federated-trust-conditioned.",
    types={ROLE},
    validate=_check_trust,
    tags=["iam"],
)


# --- aws-iam-no-broad-managed-policy ----------------------------------------------------------

def _managed_arns(resource: PolicyResource) -> tuple[str, list[Any]]:
    """The attached ARNs, unknown ones as the sentinel (decided below from dependencies)."""
    if resource.resource_type == ROLE:
        arns = peek(resource.props, "managedPolicyArns")
        if is_unknown(arns):
            return "managedPolicyArns", [arns]
        return "managedPolicyArns", [peek(arns, i) for i in range(len(arns))] if is_list(arns) else []
    return "policyArn", [peek(resource.props, "policyArn")]


def _check_broad_managed(args: StackValidationArgs, report: ReportViolation) -> None:
    pending = Pending()
    for resource in by_type(args.resources, ATTACHMENT_TYPES | {ROLE}):
        with pending.attempt():
            prop, arns = _managed_arns(resource)
            for arn in arns:
                if is_unknown(arn):
                    deps = resource.property_dependencies.get(prop, [])
                    # A computed ARN that only comes from policies of this stack is a
                    # customer-managed policy, checked by the identity-policy rules.
                    if deps and all(d.resource_type == MANAGED_POLICY for d in deps):
                        continue
                    raise UnknownValueError(arn, [prop])
                if BROAD_MANAGED_POLICY.match(text(arn) or ""):
                    report(f"Attaches the AWS managed policy {arn}, which grants far more than the "
                           "gateway needs.", resource.urn)
    pending.settle()


no_broad_managed_policy = stack_policy(
    name="aws-iam-no-broad-managed-policy",
    description="No AdministratorAccess, PowerUserAccess, IAMFullAccess or *FullAccess AWS "
                "managed policy is attached.",
    severity=Severity.HIGH,
    remediation="Attach a customer-managed or inline policy with the exact actions and resources; "
                "narrow AWS managed policies such as AmazonECSTaskExecutionRolePolicy are fine.",
    types=ATTACHMENT_TYPES | {ROLE, MANAGED_POLICY},
    validate=_check_broad_managed,
    tags=["iam", "least-privilege"],
)


# --- aws-iam-no-static-credentials ------------------------------------------------------------

def _check_static_credentials(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = args.resource_type.rsplit(":", 1)[-1]
    report(f"The stack creates an IAM {kind}: long-lived credentials. Use roles (ECS task role, "
           "GitHub OIDC) instead.", None)


no_static_credentials = resource_policy(
    name="aws-iam-no-static-credentials",
    description="The stack creates no IAM users, access keys or other long-lived credentials.",
    severity=Severity.HIGH,
    remediation="Remove the IAM user/key; workloads use their role and CI uses "
                "aws-actions/configure-aws-credentials with OIDC.",
    types=STATIC_CREDENTIAL_TYPES,
    validate=_check_static_credentials,
    tags=["iam", "credentials"],
)


# --- aws-resource-policy-no-public-principal --------------------------------------------------

def _check_public_principal(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LAMBDA_PERMISSION:
        props = args.props
        if props.get("principal") == "*" and not (present(props, "sourceArn") or present(props, "sourceAccount")):
            report("The Lambda permission lets anyone invoke the function.", None)
        return
    prop = RESOURCE_POLICY_PROPS[args.resource_type]
    document = json_document(args.props.get(prop), prop)
    pending = Pending()
    for index, statement in enumerate(statements(document)):
        with pending.attempt():
            if is_allow(statement) and is_public_principal(get(statement, "Principal")) \
                    and not has_condition(statement):
                report(f"{prop} statement {index} allows Principal '*' without a condition.", None)
    pending.settle()


no_public_principal = resource_policy(
    name="aws-resource-policy-no-public-principal",
    description="Resource policies (KMS keys, buckets, topics, secrets, repositories, queues, "
                "Lambda permissions) grant nothing to '*' without a condition.",
    severity=Severity.CRITICAL,
    remediation="Name the principals (account root, service principals with aws:SourceAccount/"
                "aws:SourceArn conditions); Deny statements such as TLS-only may use '*'.",
    types=frozenset(RESOURCE_POLICY_PROPS) | {LAMBDA_PERMISSION},
    validate=_check_public_principal,
    tags=["iam", "exposure"],
)


POLICIES = [no_wildcard_action, wildcard_resource_allowlist, wildcard_only_action_scoped, role_trust_restricted,
            no_broad_managed_policy, no_static_credentials, no_public_principal]
