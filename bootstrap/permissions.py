"""The reviewed table: what the CI roles may do for each resource type the gateway stacks contain.

Every Pulumi type token that a gateway stack registers (``build/<stack>/inventory.json`` with every
toggle on, see ``bootstrap/resource-types.json``) maps to the IAM actions the AWS provider calls to
create, read, update and delete it, as a list of :class:`Grant` rows:

- ``read=True`` rows are metadata reads (Describe/Get/List of configuration and tags). They are
  what the **preview role** gets, so they never include data reads such as secret values.
- The **deploy role** of one environment class gets every row, rendered for each stack it deploys
  (``bootstrap.documents.table_statements`` merges the renderings without widening them).

Each row names its resources as ARN templates and its scoping:

- by **name prefix** wherever the ARN carries the physical name the gateway gives the resource
  (``{prefix}`` = ``<project>-<stack>``, ``{path}`` = ``/<project>/<stack>``, ``{slashed}`` =
  ``<project>/<stack>``), which needs no condition;
- by **tag** where the ARN only carries an id (EC2, KMS keys, Cognito pools, certificates, ...):
  creating requires ``aws:RequestTag/project`` and ``aws:RequestTag/stack`` (the provider's
  default tags are sent with the create call), changing and deleting require the same
  ``aws:ResourceTag/...`` values;
- the deploy job's steps besides ``pulumi up`` (``bin/mirror-images``) are rows of
  :data:`OPERATIONS`, rendered for each deploy role like the table;
- ``Resource: "*"`` only for actions that have no resource-level permissions, listed in
  :data:`UNSCOPED_READS` / their own rows (checked against the Service Authorization Reference
  data by ``tests/bootstrap/test_permissions.py``).

Placeholders in ARN templates: ``{partition}``, ``{region}``, ``{account}``, ``{prefix}``,
``{path}``, ``{slashed}``, ``{project}``, ``{stack}``, ``{zones}`` (hosted zone ids, ``*`` when the
bootstrap does not restrict them). Changing this file changes what CI may do: review it like code
that grants production access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

# --- model --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A named condition block; rendered by ``bootstrap.documents.render_condition``.

    ``kind`` is one of ``resource-tags`` (aws:ResourceTag/project and /stack of the role's stacks),
    ``request-tags`` (aws:RequestTag/...), ``passed-to`` (iam:PassedToService in ``values``),
    ``service-linked`` (iam:AWSServiceName in ``values``), ``via`` (kms:ViaService of the
    services in ``values``, in this region) plus the resource tags, ``create-action``
    (ec2:CreateAction in ``values``).
    """

    kind: str
    values: tuple[str, ...] = ()


NONE: Condition | None = None
RESOURCE_TAGS = Condition("resource-tags")
REQUEST_TAGS = Condition("request-tags")


def passed_to(*services: str) -> Condition:
    """iam:PassRole only to these service principals."""
    return Condition("passed-to", tuple(sorted(services)))


def service_linked(*names: str) -> Condition:
    """iam:CreateServiceLinkedRole only for these services."""
    return Condition("service-linked", tuple(sorted(names)))


def via(*services: str) -> Condition:
    """Key use only through these services (kms:ViaService) and only on the role's stacks' keys."""
    return Condition("via", tuple(sorted(services)))


def create_action(*actions: str) -> Condition:
    """ec2:CreateTags only as part of these create calls (tag-on-create)."""
    return Condition("create-action", tuple(sorted(actions)))


@dataclass(frozen=True)
class Grant:
    """Some actions on some resources, under one condition."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: Condition | None = None
    read: bool = False
    """Metadata read: also granted to the preview role."""


@dataclass(frozen=True)
class TypeAccess:
    """Everything one resource type needs."""

    grants: tuple[Grant, ...]
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Input property -> name patterns the gateway's physical names must match (so the
    prefix-scoped grants actually cover what the stacks create; tested on the inventories)."""
    note: str = ""


def grant(actions: Iterable[str], resources: Iterable[str], condition: Condition | None = None,
          *, read: bool = False) -> Grant:
    """A :class:`Grant` from lists."""
    return Grant(tuple(actions), tuple(resources), condition, read)


def read(actions: Iterable[str], resources: Iterable[str] = ("*",), condition: Condition | None = None) -> Grant:
    """A metadata-read grant (preview role too)."""
    return grant(actions, resources, condition, read=True)


def arn(service: str, resource: str, *, region: str = "{region}", account: str = "{account}") -> str:
    """An ARN template."""
    return f"arn:{{partition}}:{service}:{region}:{account}:{resource}"


def ec2(kind: str) -> str:
    """Any EC2 resource of a kind in this account and region (scoped by tag conditions)."""
    return arn("ec2", f"{kind}/*")


def access(*grants: Grant, names: Mapping[str, tuple[str, ...]] | None = None, note: str = "") -> TypeAccess:
    """A table row."""
    return TypeAccess(tuple(grants), dict(names or {}), note)


# --- shared grants ------------------------------------------------------------------------------

ROLE_ARN = arn("iam", "role/{prefix}-*", region="")
LOG_GROUPS = (
    arn("logs", "log-group:{path}/*"),
    arn("logs", "log-group:aws-waf-logs-{prefix}"),
    arn("logs", "log-group:aws-waf-logs-{prefix}:*"),
    arn("logs", "log-group:/aws/ecs/containerinsights/{prefix}/*"),
    arn("logs", "log-group:/aws/lambda/{prefix}-*"),
    arn("logs", "log-group:/aws/vendedlogs/{prefix}-*"),
)
LOG_GROUP_NAMES = ("{path}/*", "aws-waf-logs-{prefix}", "/aws/ecs/containerinsights/{prefix}/*",
                   "/aws/lambda/{prefix}-*", "/aws/vendedlogs/{prefix}-*")
KEYS = arn("kms", "key/*")
PREFIXED = ("{prefix}-*",)
EXACT_OR_PREFIXED = ("{prefix}", "{prefix}-*")

EC2_TAGGED = tuple(ec2(kind) for kind in (
    "elastic-ip", "internet-gateway", "natgateway", "route-table", "security-group", "security-group-rule",
    "subnet", "vpc", "vpc-endpoint", "vpc-flow-log"))
"""The EC2 resource kinds the gateway creates (all tagged with the provider's default tags)."""
EC2_TAGGING = (
    grant(["ec2:CreateTags"], EC2_TAGGED, create_action(
        "AllocateAddress", "CreateFlowLogs", "CreateInternetGateway", "CreateNatGateway", "CreateRouteTable",
        "CreateSecurityGroup", "CreateSubnet", "CreateVpc", "CreateVpcEndpoint", "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress")),
    grant(["ec2:CreateTags", "ec2:DeleteTags"], EC2_TAGGED, RESOURCE_TAGS),
)
EC2_READS = read([
    "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", "ec2:DescribeAvailabilityZones",
    "ec2:DescribeFlowLogs", "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkInterfaces", "ec2:DescribePrefixLists", "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeTags",
    "ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs",
])
ELB_READS = read([
    "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
])
LOAD_BALANCERS = arn("elasticloadbalancing", "loadbalancer/app/{prefix}-*/*")
TARGET_GROUPS = arn("elasticloadbalancing", "targetgroup/{prefix}-*/*")
LISTENERS = arn("elasticloadbalancing", "listener/app/{prefix}-*/*")
CLUSTERS = (arn("ecs", "cluster/{prefix}"), arn("ecs", "cluster/{prefix}-*"))
SERVICES = (arn("ecs", "service/{prefix}/*"), arn("ecs", "service/{prefix}-*/*"))
TASK_DEFINITIONS = arn("ecs", "task-definition/{prefix}-*:*")
USER_POOLS = arn("cognito-idp", "userpool/*")
BUCKETS = arn("s3", "{prefix}-*", region="", account="")
WEB_ACLS = arn("wafv2", "regional/webacl/{prefix}-*/*")
SLR = arn("iam", "role/aws-service-role/*", region="")
API_GATEWAY = arn("apigateway", "/restapis/*", account="")
API_STAGES = arn("apigateway", "/restapis/*/stages/*", account="")
APPCONFIG = arn("appconfig", "application/*")

KMS_KEY_ADMIN = (
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
)

# --- the table ----------------------------------------------------------------------------------

TABLE: dict[str, TypeAccess] = {
    # --- certificates and DNS ---
    "aws:acm/certificate:Certificate": access(
        grant(["acm:RequestCertificate"], ["*"], REQUEST_TAGS),
        grant(["acm:AddTagsToCertificate", "acm:DeleteCertificate", "acm:RemoveTagsFromCertificate",
               "acm:UpdateCertificateOptions"], [arn("acm", "certificate/*")], RESOURCE_TAGS),
        read(["acm:DescribeCertificate", "acm:ListTagsForCertificate"], [arn("acm", "certificate/*")], RESOURCE_TAGS),
        note="Certificates are addressed by id: tag-scoped.",
    ),
    "aws:acm/certificateValidation:CertificateValidation": access(
        read(["acm:DescribeCertificate"], [arn("acm", "certificate/*")], RESOURCE_TAGS),
        note="No AWS resource: waits until the certificate is issued.",
    ),
    "aws:route53/record:Record": access(
        grant(["route53:ChangeResourceRecordSets"], [arn("route53", "hostedzone/{zones}", region="", account="")]),
        read(["route53:GetHostedZone", "route53:ListResourceRecordSets"],
             [arn("route53", "hostedzone/{zones}", region="", account="")]),
        read(["route53:GetChange"], [arn("route53", "change/*", region="", account="")]),
        read(["route53:ListHostedZones"]),
        note="Records carry no tags: limited to the hosted zones given to the bootstrap (permissions.hostedZoneIds).",
    ),
    # --- autoscaling ---
    "aws:appautoscaling/target:Target": access(
        grant(["application-autoscaling:RegisterScalableTarget"], [arn("application-autoscaling", "scalable-target/*")],
              REQUEST_TAGS),
        grant(["application-autoscaling:DeregisterScalableTarget", "application-autoscaling:RegisterScalableTarget",
               "application-autoscaling:TagResource", "application-autoscaling:UntagResource"],
              [arn("application-autoscaling", "scalable-target/*")], RESOURCE_TAGS),
        read(["application-autoscaling:ListTagsForResource"], [arn("application-autoscaling", "scalable-target/*")],
             RESOURCE_TAGS),
        read(["application-autoscaling:DescribeScalableTargets"]),
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("ecs.application-autoscaling.amazonaws.com")),
        grant(["ecs:DescribeServices", "ecs:UpdateService"], SERVICES),
        grant(["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm"],
              [arn("cloudwatch", "alarm:TargetTracking-service/{prefix}/*")]),
        note="Registering an ECS service also lets Application Auto Scaling (its service-linked role) scale it.",
    ),
    "aws:appautoscaling/policy:Policy": access(
        grant(["application-autoscaling:DeleteScalingPolicy", "application-autoscaling:PutScalingPolicy"],
              [arn("application-autoscaling", "scalable-target/*")], RESOURCE_TAGS),
        read(["application-autoscaling:DescribeScalingPolicies"]),
        note="Target-tracking policies create their alarms through the service-linked role.",
    ),
    # --- Bedrock ---
    "aws:bedrock/guardrail:Guardrail": access(
        grant(["bedrock:CreateGuardrail"], ["*"], REQUEST_TAGS),
        grant(["bedrock:DeleteGuardrail", "bedrock:TagResource", "bedrock:UntagResource", "bedrock:UpdateGuardrail"],
              [arn("bedrock", "guardrail/*", region="*")], RESOURCE_TAGS),
        read(["bedrock:GetGuardrail", "bedrock:ListTagsForResource"], [arn("bedrock", "guardrail/*", region="*")],
             RESOURCE_TAGS),
        grant(["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [KEYS], via("bedrock")),
        note="The guardrail may live in the Bedrock region (any region of the account).",
    ),
    "aws:bedrock/guardrailVersion:GuardrailVersion": access(
        grant(["bedrock:CreateGuardrailVersion", "bedrock:DeleteGuardrail"],
              [arn("bedrock", "guardrail/*", region="*")], RESOURCE_TAGS),
        read(["bedrock:GetGuardrail"], [arn("bedrock", "guardrail/*", region="*")], RESOURCE_TAGS),
    ),
    # --- CloudWatch ---
    "aws:cloudwatch/dashboard:Dashboard": access(
        grant(["cloudwatch:DeleteDashboards", "cloudwatch:PutDashboard"], [arn("cloudwatch", "dashboard/{prefix}-*", region="")]),
        read(["cloudwatch:GetDashboard"], [arn("cloudwatch", "dashboard/{prefix}-*", region="")]),
        names={"dashboardName": PREFIXED},
    ),
    "aws:cloudwatch/logGroup:LogGroup": access(
        grant(["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy",
               "logs:DisassociateKmsKey", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource"],
              LOG_GROUPS),
        read(["logs:ListTagsForResource", "logs:ListTagsLogGroup"], LOG_GROUPS),
        read(["logs:DescribeLogGroups"]),
        names={"name": LOG_GROUP_NAMES},
        note="Names: /<project>/<stack>/..., aws-waf-logs-<prefix> (WAF requires the prefix), "
             "/aws/ecs/containerinsights/<cluster>/performance (named by ECS).",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": access(
        grant(["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource",
               "cloudwatch:UntagResource"], [arn("cloudwatch", "alarm:{prefix}-*")]),
        read(["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], [arn("cloudwatch", "alarm:{prefix}-*")]),
        names={"name": PREFIXED},
    ),
    "aws:cloudwatch/queryDefinition:QueryDefinition": access(
        grant(["logs:DeleteQueryDefinition", "logs:PutQueryDefinition"], ["*"]),
        read(["logs:DescribeQueryDefinitions"]),
        names={"name": ("{prefix}/*",)},
        note="Query definitions have no resource-level permissions.",
    ),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": access(
        grant(["logs:DeleteMetricFilter", "logs:PutMetricFilter"], LOG_GROUPS),
        read(["logs:DescribeMetricFilters"], LOG_GROUPS),
    ),
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": access(
        grant(["logs:DeleteSubscriptionFilter", "logs:PutSubscriptionFilter"], LOG_GROUPS),
        grant(["logs:PutSubscriptionFilter"], [arn("logs", "destination:{prefix}-*")]),
        read(["logs:DescribeSubscriptionFilters"], LOG_GROUPS),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("logs.amazonaws.com")),
        grant(["firehose:DescribeDeliveryStream"], [arn("firehose", "deliverystream/{prefix}-*")]),
    ),
    # --- Cognito ---
    "aws:cognito/userPool:UserPool": access(
        grant(["cognito-idp:CreateUserPool"], ["*"], REQUEST_TAGS),
        grant(["cognito-idp:AddCustomAttributes", "cognito-idp:DeleteUserPool", "cognito-idp:SetUserPoolMfaConfig",
               "cognito-idp:TagResource", "cognito-idp:UntagResource", "cognito-idp:UpdateUserPool"], [USER_POOLS],
              RESOURCE_TAGS),
        read(["cognito-idp:DescribeUserPool", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource"],
             [USER_POOLS], RESOURCE_TAGS),
        names={"name": PREFIXED},
        note="Pools are addressed by id: tag-scoped.",
    ),
    "aws:cognito/userPoolClient:UserPoolClient": access(
        grant(["cognito-idp:CreateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:UpdateUserPoolClient"],
              [USER_POOLS], RESOURCE_TAGS),
        read(["cognito-idp:DescribeUserPoolClient"], [USER_POOLS], RESOURCE_TAGS),
        names={"name": PREFIXED},
        note="DescribeUserPoolClient returns the client secret: deploy role only would be stricter, but the "
             "provider reads it on every refresh; the preview role gets it only on this stack's tagged pools.",
    ),
    "aws:cognito/resourceServer:ResourceServer": access(
        grant(["cognito-idp:CreateResourceServer", "cognito-idp:DeleteResourceServer", "cognito-idp:UpdateResourceServer"],
              [USER_POOLS], RESOURCE_TAGS),
        read(["cognito-idp:DescribeResourceServer"], [USER_POOLS], RESOURCE_TAGS),
        names={"name": PREFIXED},
    ),
    "aws:cognito/userPoolDomain:UserPoolDomain": access(
        grant(["cognito-idp:CreateUserPoolDomain", "cognito-idp:DeleteUserPoolDomain", "cognito-idp:UpdateUserPoolDomain"],
              [USER_POOLS], RESOURCE_TAGS),
        read(["cognito-idp:DescribeUserPoolDomain"]),
        names={"domain": PREFIXED},
    ),
    "aws:cognito/identityProvider:IdentityProvider": access(
        grant(["cognito-idp:CreateIdentityProvider", "cognito-idp:DeleteIdentityProvider",
               "cognito-idp:UpdateIdentityProvider"], [USER_POOLS], RESOURCE_TAGS),
        read(["cognito-idp:DescribeIdentityProvider"], [USER_POOLS], RESOURCE_TAGS),
    ),
    "aws:cognito/managedLoginBranding:ManagedLoginBranding": access(
        grant(["cognito-idp:CreateManagedLoginBranding", "cognito-idp:DeleteManagedLoginBranding",
               "cognito-idp:UpdateManagedLoginBranding"], [USER_POOLS], RESOURCE_TAGS),
        read(["cognito-idp:DescribeManagedLoginBranding", "cognito-idp:DescribeManagedLoginBrandingByClient"],
             [USER_POOLS], RESOURCE_TAGS),
        note="The people's client's managed-login style (sso): Cognito's own defaults.",
    ),
    # --- EC2 / VPC ---
    "aws:ec2/vpc:Vpc": access(
        grant(["ec2:CreateVpc"], [ec2("vpc")], REQUEST_TAGS),
        grant(["ec2:DeleteVpc", "ec2:ModifyVpcAttribute"], [ec2("vpc")], RESOURCE_TAGS),
        read(["ec2:DescribeVpcAttribute"], [ec2("vpc")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/subnet:Subnet": access(
        grant(["ec2:CreateSubnet"], [ec2("subnet")], REQUEST_TAGS),
        grant(["ec2:CreateSubnet"], [ec2("vpc")], RESOURCE_TAGS),
        grant(["ec2:DeleteSubnet", "ec2:ModifySubnetAttribute"], [ec2("subnet")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": access(
        grant(["ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"], [ec2("security-group")],
              RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
        note="Adopting the default group revokes its rules and tags it (the VPC's tags do not carry over): "
             "the tag-on-adopt call is CreateTags on a group not yet tagged, allowed for groups of this stack's VPC "
             "only through the create-action grant; see docs/adr (tagging the default group).",
    ),
    "aws:ec2/securityGroup:SecurityGroup": access(
        grant(["ec2:CreateSecurityGroup"], [ec2("security-group")], REQUEST_TAGS),
        grant(["ec2:CreateSecurityGroup"], [ec2("vpc")], RESOURCE_TAGS),
        grant(["ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup",
               "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress"], [ec2("security-group")],
              RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
        names={"namePrefix": PREFIXED},
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": access(
        grant(["ec2:AuthorizeSecurityGroupIngress"], [ec2("security-group-rule")], REQUEST_TAGS),
        grant(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
               "ec2:UpdateSecurityGroupRuleDescriptionsIngress"], [ec2("security-group")], RESOURCE_TAGS),
        grant(["ec2:ModifySecurityGroupRules"], [ec2("security-group"), ec2("security-group-rule")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": access(
        grant(["ec2:AuthorizeSecurityGroupEgress"], [ec2("security-group-rule")], REQUEST_TAGS),
        grant(["ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress",
               "ec2:UpdateSecurityGroupRuleDescriptionsEgress"], [ec2("security-group")], RESOURCE_TAGS),
        grant(["ec2:ModifySecurityGroupRules"], [ec2("security-group"), ec2("security-group-rule")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/internetGateway:InternetGateway": access(
        grant(["ec2:CreateInternetGateway"], [ec2("internet-gateway")], REQUEST_TAGS),
        grant(["ec2:AttachInternetGateway", "ec2:DeleteInternetGateway", "ec2:DetachInternetGateway"],
              [ec2("internet-gateway"), ec2("vpc")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/eip:Eip": access(
        grant(["ec2:AllocateAddress"], [ec2("elastic-ip")], REQUEST_TAGS),
        grant(["ec2:DisassociateAddress", "ec2:ReleaseAddress"], [ec2("elastic-ip")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/natGateway:NatGateway": access(
        grant(["ec2:CreateNatGateway"], [ec2("natgateway")], REQUEST_TAGS),
        grant(["ec2:CreateNatGateway"], [ec2("elastic-ip"), ec2("subnet"), ec2("vpc")], RESOURCE_TAGS),
        grant(["ec2:DeleteNatGateway"], [ec2("natgateway")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/routeTable:RouteTable": access(
        grant(["ec2:CreateRouteTable"], [ec2("route-table")], REQUEST_TAGS),
        grant(["ec2:CreateRouteTable"], [ec2("vpc")], RESOURCE_TAGS),
        grant(["ec2:DeleteRouteTable"], [ec2("route-table")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
    ),
    "aws:ec2/route:Route": access(
        grant(["ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute"], [ec2("route-table")], RESOURCE_TAGS),
        EC2_READS,
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": access(
        grant(["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"],
              [ec2("route-table"), ec2("subnet")], RESOURCE_TAGS),
        EC2_READS,
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": access(
        grant(["ec2:CreateVpcEndpoint"], [ec2("vpc-endpoint")], REQUEST_TAGS),
        grant(["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"],
              [ec2("route-table"), ec2("security-group"), ec2("subnet"), ec2("vpc")], RESOURCE_TAGS),
        grant(["ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"], [ec2("vpc-endpoint")], RESOURCE_TAGS),
        EC2_READS, *EC2_TAGGING,
        note="Interface endpoints with private DNS also need route53:AssociateVPCWithHostedZone on the "
             "AWS-owned private zone; AWS performs that with the endpoint service's own permissions.",
    ),
    "aws:ec2/flowLog:FlowLog": access(
        grant(["ec2:CreateFlowLogs"], [ec2("vpc-flow-log")], REQUEST_TAGS),
        grant(["ec2:CreateFlowLogs"], [ec2("vpc"), ec2("subnet")], RESOURCE_TAGS),
        grant(["ec2:DeleteFlowLogs"], [ec2("vpc-flow-log")], RESOURCE_TAGS),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("vpc-flow-logs.amazonaws.com")),
        grant(["logs:CreateLogDelivery", "logs:DeleteLogDelivery"], ["*"]),
        EC2_READS, *EC2_TAGGING,
    ),
    # --- ECR ---
    "aws:ecr/repository:Repository": access(
        grant(["ecr:CreateRepository", "ecr:DeleteRepository", "ecr:PutImageScanningConfiguration",
               "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource"],
              [arn("ecr", "repository/{prefix}-*")]),
        read(["ecr:DescribeRepositories", "ecr:GetRepositoryPolicy", "ecr:ListTagsForResource"],
             [arn("ecr", "repository/{prefix}-*")]),
        grant(["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:RetireGrant"],
              [KEYS], via("ecr")),
        names={"name": PREFIXED},
        note="A KMS-encrypted repository needs CreateGrant on its key (through ECR only).",
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": access(
        grant(["ecr:DeleteLifecyclePolicy", "ecr:PutLifecyclePolicy"], [arn("ecr", "repository/{prefix}-*")]),
        read(["ecr:GetLifecyclePolicy"], [arn("ecr", "repository/{prefix}-*")]),
        names={"repository": PREFIXED},
    ),
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": access(
        # Registry-wide settings: the actions have no resource type, so only "*" grants them.
        grant(["ecr:PutRegistryScanningConfiguration"], ["*"]),
        read(["ecr:GetRegistryScanningConfiguration"]),
        note="account-wide (inspector.manage): only the one managing stack's role needs it in practice",
    ),
    # --- ECS ---
    "aws:ecs/cluster:Cluster": access(
        grant(["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:TagResource", "ecs:UntagResource", "ecs:UpdateCluster",
               "ecs:UpdateClusterSettings"], CLUSTERS),
        read(["ecs:DescribeClusters", "ecs:ListTagsForResource"], CLUSTERS),
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("ecs.amazonaws.com")),
        names={"name": EXACT_OR_PREFIXED},
    ),
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": access(
        grant(["ecs:PutClusterCapacityProviders"], CLUSTERS),
        read(["ecs:DescribeClusters"], CLUSTERS),
    ),
    "aws:ecs/taskDefinition:TaskDefinition": access(
        grant(["ecs:RegisterTaskDefinition"], [TASK_DEFINITIONS], REQUEST_TAGS),
        grant(["ecs:DeleteTaskDefinitions", "ecs:TagResource", "ecs:UntagResource"], [TASK_DEFINITIONS]),
        grant(["ecs:DeregisterTaskDefinition"], ["*"]),
        read(["ecs:DescribeTaskDefinition"]),
        read(["ecs:ListTagsForResource"], [TASK_DEFINITIONS]),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("ecs-tasks.amazonaws.com")),
        names={"family": PREFIXED},
    ),
    "aws:ecs/service:Service": access(
        grant(["ecs:CreateService", "ecs:DeleteService", "ecs:TagResource", "ecs:UntagResource", "ecs:UpdateService"],
              SERVICES),
        read(["ecs:DescribeServices", "ecs:ListTagsForResource"], SERVICES),
        grant(["ecs:DescribeTasks"], [arn("ecs", "task/{prefix}/*"), arn("ecs", "task/{prefix}-*/*")]),
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("ecs.amazonaws.com")),
        names={"name": PREFIXED},
    ),
    # --- IAM ---
    "aws:iam/role:Role": access(
        grant(["iam:CreateRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
               "iam:UpdateRole", "iam:UpdateRoleDescription"], [ROLE_ARN]),
        read(["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies",
              "iam:ListRoleTags"], [ROLE_ARN]),
        names={"name": PREFIXED},
        note="Only roles named <project>-<stack>-*; no AttachRolePolicy (the stacks use inline policies only).",
    ),
    "aws:iam/rolePolicy:RolePolicy": access(
        grant(["iam:DeleteRolePolicy", "iam:PutRolePolicy"], [ROLE_ARN]),
        read(["iam:GetRolePolicy"], [ROLE_ARN]),
    ),
    # --- KMS ---
    "aws:kms/key:Key": access(
        grant(["kms:CreateKey"], ["*"], REQUEST_TAGS),
        grant(["kms:DisableKeyRotation", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion",
               "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription"], [KEYS], RESOURCE_TAGS),
        read(KMS_KEY_ADMIN, [KEYS], RESOURCE_TAGS),
        read(["kms:ListAliases"]),
        note="Keys are addressed by id: tag-scoped; no Decrypt for the preview role.",
    ),
    "aws:kms/alias:Alias": access(
        grant(["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], [arn("kms", "alias/{prefix}-*")]),
        grant(["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], [KEYS], RESOURCE_TAGS),
        read(["kms:ListAliases"]),
        names={"name": ("alias/{prefix}-*",)},
    ),
    # --- load balancing ---
    "aws:lb/loadBalancer:LoadBalancer": access(
        grant(["elasticloadbalancing:AddTags", "elasticloadbalancing:CreateLoadBalancer",
               "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
               "elasticloadbalancing:RemoveTags", "elasticloadbalancing:SetIpAddressType",
               "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets"], [LOAD_BALANCERS]),
        ELB_READS,
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("elasticloadbalancing.amazonaws.com")),
        names={"name": PREFIXED},
    ),
    "aws:lb/targetGroup:TargetGroup": access(
        grant(["elasticloadbalancing:AddTags", "elasticloadbalancing:CreateTargetGroup",
               "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
               "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RemoveTags"], [TARGET_GROUPS]),
        ELB_READS,
        names={"name": PREFIXED},
    ),
    "aws:lb/listener:Listener": access(
        grant(["elasticloadbalancing:CreateListener"], [LOAD_BALANCERS]),
        grant(["elasticloadbalancing:AddTags", "elasticloadbalancing:DeleteListener",
               "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
               "elasticloadbalancing:RemoveTags"], [LISTENERS]),
        ELB_READS,
        read(["acm:DescribeCertificate"], [arn("acm", "certificate/*")], RESOURCE_TAGS),
    ),
    # --- S3 (ALB access logs, audit log) ---
    "aws:s3/bucket:Bucket": access(
        grant(["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucketTagging"], [BUCKETS]),
        # Creating a bucket with Object Lock enabled (the audit bucket in prod) also needs these two.
        grant(["s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"], [BUCKETS]),
        read(["s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation",
              "s3:GetBucketLogging", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketPolicy",
              "s3:GetBucketRequestPayment", "s3:GetBucketTagging", "s3:GetBucketVersioning", "s3:GetBucketWebsite",
              "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration"],
             [BUCKETS]),
        grant(["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
              [BUCKETS, arn("s3", "{prefix}-*/*", region="", account="")]),
        names={"bucket": PREFIXED},
        note="Object deletes only so that a destroy with forceDestroy can empty the bucket.",
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": access(
        grant(["s3:PutLifecycleConfiguration"], [BUCKETS]),
        read(["s3:GetLifecycleConfiguration"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": access(
        grant(["s3:PutBucketObjectLockConfiguration"], [BUCKETS]),
        read(["s3:GetBucketObjectLockConfiguration"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": access(
        grant(["s3:PutBucketOwnershipControls"], [BUCKETS]),
        read(["s3:GetBucketOwnershipControls"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketPolicy:BucketPolicy": access(
        grant(["s3:DeleteBucketPolicy", "s3:PutBucketPolicy"], [BUCKETS]),
        read(["s3:GetBucketPolicy"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": access(
        grant(["s3:PutBucketPublicAccessBlock"], [BUCKETS]),
        read(["s3:GetBucketPublicAccessBlock"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": access(
        grant(["s3:PutEncryptionConfiguration"], [BUCKETS]),
        read(["s3:GetEncryptionConfiguration"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    "aws:s3/bucketVersioning:BucketVersioning": access(
        grant(["s3:PutBucketVersioning"], [BUCKETS]),
        read(["s3:GetBucketVersioning"], [BUCKETS]),
        names={"bucket": PREFIXED},
    ),
    # --- Secrets Manager ---
    "aws:secretsmanager/secret:Secret": access(
        grant(["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:TagResource",
               "secretsmanager:UntagResource", "secretsmanager:UpdateSecret"], [arn("secretsmanager", "secret:{slashed}/*")]),
        read(["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
             [arn("secretsmanager", "secret:{slashed}/*")]),
        read(["secretsmanager:ListSecrets"]),
        names={"name": ("{slashed}/*",)},
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": access(
        grant(["secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds", "secretsmanager:PutSecretValue",
               "secretsmanager:UpdateSecretVersionStage"], [arn("secretsmanager", "secret:{slashed}/*")]),
        grant(["kms:Decrypt", "kms:GenerateDataKey"], [KEYS], via("secretsmanager")),
        note="Reading a value is deploy-only: the preview role never reads secret values.",
    ),
    # --- SNS ---
    "aws:sns/topic:Topic": access(
        grant(["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"],
              [arn("sns", "{prefix}-*")]),
        read(["sns:GetTopicAttributes", "sns:ListTagsForResource"], [arn("sns", "{prefix}-*")]),
        names={"name": PREFIXED},
    ),
    "aws:sns/topicSubscription:TopicSubscription": access(
        grant(["sns:SetSubscriptionAttributes", "sns:Subscribe", "sns:Unsubscribe"], [arn("sns", "{prefix}-*")]),
        read(["sns:GetSubscriptionAttributes"], [arn("sns", "{prefix}-*")]),
    ),
    # --- WAF ---
    "aws:wafv2/webAcl:WebAcl": access(
        grant(["wafv2:CreateWebACL", "wafv2:DeleteWebACL", "wafv2:TagResource", "wafv2:UntagResource",
               "wafv2:UpdateWebACL"], [WEB_ACLS]),
        grant(["wafv2:CreateWebACL", "wafv2:UpdateWebACL"], [arn("wafv2", "regional/managedruleset/*/*", account="*")]),
        read(["wafv2:GetWebACL", "wafv2:ListTagsForResource"], [WEB_ACLS]),
        read(["wafv2:ListWebACLs"]),
        names={"name": PREFIXED},
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": access(
        grant(["wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"], [WEB_ACLS, LOAD_BALANCERS, API_STAGES]),
        read(["wafv2:GetWebACLForResource"], [WEB_ACLS, LOAD_BALANCERS, API_STAGES]),
        grant(["elasticloadbalancing:SetWebAcl"], ["*"]),
        grant(["apigateway:SetWebACL"], [API_STAGES]),
        note="The load balancer and the admin API's stage are associated with the stack's web ACL.",
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": access(
        grant(["wafv2:DeleteLoggingConfiguration", "wafv2:PutLoggingConfiguration"], [WEB_ACLS]),
        read(["wafv2:GetLoggingConfiguration"], [WEB_ACLS]),
        grant(["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:PutResourcePolicy"], ["*"]),
        read(["logs:DescribeResourcePolicies", "logs:DescribeLogGroups"]),
        note="WAF logging to CloudWatch Logs writes the log-delivery resource policy of the account.",
    ),
    # --- functions and live configuration -----------------------------------------------------------
    "aws:lambda/function:Function": access(
        grant(["lambda:CreateFunction"], [arn("lambda", "function:{prefix}-*")], REQUEST_TAGS),
        grant(["lambda:DeleteFunction", "lambda:DeleteFunctionConcurrency", "lambda:PutFunctionConcurrency",
               "lambda:TagResource", "lambda:UntagResource", "lambda:UpdateFunctionCode",
               "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion"], [arn("lambda", "function:{prefix}-*")]),
        read(["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency",
              "lambda:GetFunctionConfiguration", "lambda:ListTags", "lambda:ListVersionsByFunction",
              "lambda:GetRuntimeManagementConfig"], [arn("lambda", "function:{prefix}-*")]),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("lambda.amazonaws.com")),
        grant(["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"], [KEYS], via("lambda")),
        names={"name": PREFIXED},
    ),
    "aws:lambda/permission:Permission": access(
        grant(["lambda:AddPermission", "lambda:RemovePermission"], [arn("lambda", "function:{prefix}-*")]),
        read(["lambda:GetPolicy"], [arn("lambda", "function:{prefix}-*")]),
    ),
    "aws:lambda/invocation:Invocation": access(
        grant(["lambda:InvokeFunction"], [arn("lambda", "function:{prefix}-*")]),
        note="Runs a stack's own function once per change (e.g. seeding tables).",
    ),
    "aws:appconfig/application:Application": access(
        grant(["appconfig:CreateApplication"], ["*"], REQUEST_TAGS),
        grant(["appconfig:DeleteApplication", "appconfig:TagResource", "appconfig:UntagResource",
               "appconfig:UpdateApplication"], [APPCONFIG], RESOURCE_TAGS),
        read(["appconfig:GetApplication", "appconfig:ListTagsForResource"], [APPCONFIG], RESOURCE_TAGS),
        names={"name": PREFIXED},
    ),
    "aws:appconfig/environment:Environment": access(
        grant(["appconfig:CreateEnvironment"], [APPCONFIG, arn("appconfig", "application/*/environment/*")],
              RESOURCE_TAGS),
        grant(["appconfig:DeleteEnvironment", "appconfig:UpdateEnvironment", "appconfig:TagResource",
               "appconfig:UntagResource"], [arn("appconfig", "application/*/environment/*")], RESOURCE_TAGS),
        read(["appconfig:GetEnvironment"], [arn("appconfig", "application/*/environment/*")], RESOURCE_TAGS),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("appconfig.amazonaws.com")),
        note="Environment monitors name an alarm and the stack's role AppConfig assumes to read it.",
    ),
    "aws:appconfig/configurationProfile:ConfigurationProfile": access(
        grant(["appconfig:CreateConfigurationProfile"], [APPCONFIG], RESOURCE_TAGS),
        grant(["appconfig:DeleteConfigurationProfile", "appconfig:UpdateConfigurationProfile", "appconfig:TagResource",
               "appconfig:UntagResource"], [arn("appconfig", "application/*/configurationprofile/*")], RESOURCE_TAGS),
        read(["appconfig:GetConfigurationProfile"], [arn("appconfig", "application/*/configurationprofile/*")],
             RESOURCE_TAGS),
    ),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": access(
        grant(["appconfig:CreateDeploymentStrategy"], ["*"], REQUEST_TAGS),
        grant(["appconfig:DeleteDeploymentStrategy", "appconfig:UpdateDeploymentStrategy", "appconfig:TagResource",
               "appconfig:UntagResource"], [arn("appconfig", "deploymentstrategy/*")], RESOURCE_TAGS),
        read(["appconfig:GetDeploymentStrategy"], [arn("appconfig", "deploymentstrategy/*")], RESOURCE_TAGS),
    ),
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": access(
        grant(["appconfig:CreateHostedConfigurationVersion", "appconfig:DeleteHostedConfigurationVersion"],
              [arn("appconfig", "application/*/configurationprofile/*")]),
        read(["appconfig:GetHostedConfigurationVersion"], [arn("appconfig", "application/*/configurationprofile/*")]),
        note="Hosted versions carry no tags: scoped to profile ARNs (ids); the profile itself is tag-scoped.",
    ),
    "aws:appconfig/deployment:Deployment": access(
        grant(["appconfig:StartDeployment", "appconfig:StopDeployment"],
              [arn("appconfig", "application/*/environment/*"), arn("appconfig", "application/*/configurationprofile/*"),
               arn("appconfig", "deploymentstrategy/*"), arn("appconfig", "application/*/environment/*/deployment/*")],
              RESOURCE_TAGS),
        read(["appconfig:GetDeployment"], [arn("appconfig", "application/*/environment/*/deployment/*")], RESOURCE_TAGS),
    ),
    "aws:inspector2/enabler:Enabler": access(
        grant(["inspector2:Disable", "inspector2:Enable"], ["*"]),
        read(["inspector2:BatchGetAccountStatus"]),
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("inspector2.amazonaws.com")),
        note="Account-level switch (ECR scanning); no resource-level permissions exist.",
    ),
    "aws:dynamodb/table:Table": access(
        grant(["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:TagResource", "dynamodb:UntagResource",
               "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive"],
              [arn("dynamodb", "table/{prefix}-*")]),
        read(["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive",
              "dynamodb:ListTagsOfResource"], [arn("dynamodb", "table/{prefix}-*")]),
        grant(["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], [KEYS],
              via("dynamodb")),
        names={"name": PREFIXED},
    ),
    "aws:apigateway/restApi:RestApi": access(
        grant(["apigateway:POST"], [arn("apigateway", "/restapis", account="")], REQUEST_TAGS),
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:PUT"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
        names={"name": PREFIXED},
        note="API Gateway v1 actions are HTTP verbs on resource paths; everything under a tagged REST API.",
    ),
    "aws:apigateway/resource:Resource": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/method:Method": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:PUT"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/integration:Integration": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:PUT"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/authorizer:Authorizer": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/deployment:Deployment": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/stage:Stage": access(
        grant(["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"], [API_GATEWAY],
              RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/methodSettings:MethodSettings": access(
        grant(["apigateway:PATCH"], [API_GATEWAY], RESOURCE_TAGS),
        read(["apigateway:GET"], [API_GATEWAY], RESOURCE_TAGS),
    ),
    "aws:apigateway/account:Account": access(
        grant(["apigateway:PATCH"], [arn("apigateway", "/account", account="")]),
        read(["apigateway:GET"], [arn("apigateway", "/account", account="")]),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("apigateway.amazonaws.com")),
        note="Region-wide setting: the CloudWatch role API Gateway logs with.",
    ),
    "aws:elasticache/serverlessCache:ServerlessCache": access(
        grant(["elasticache:AddTagsToResource", "elasticache:CreateServerlessCache", "elasticache:DeleteServerlessCache",
               "elasticache:ModifyServerlessCache", "elasticache:RemoveTagsFromResource"],
              [arn("elasticache", "serverlesscache:{prefix}-*")]),
        read(["elasticache:DescribeServerlessCaches", "elasticache:ListTagsForResource"],
             [arn("elasticache", "serverlesscache:{prefix}-*")]),
        grant(["iam:CreateServiceLinkedRole"], [SLR], service_linked("elasticache.amazonaws.com")),
        # The cache's CMK: ElastiCache creates a grant on it in the caller's name.
        grant(["kms:CreateGrant", "kms:DescribeKey"], [KEYS], via("elasticache")),
        grant(["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], ["*"]),
        names={"name": PREFIXED},
    ),
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": access(
        grant(["firehose:CreateDeliveryStream", "firehose:DeleteDeliveryStream", "firehose:StartDeliveryStreamEncryption",
               "firehose:StopDeliveryStreamEncryption", "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream",
               "firehose:UpdateDestination"], [arn("firehose", "deliverystream/{prefix}-*")]),
        read(["firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream"],
             [arn("firehose", "deliverystream/{prefix}-*")]),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("firehose.amazonaws.com")),
        grant(["kms:CreateGrant", "kms:DescribeKey"], [KEYS], RESOURCE_TAGS),
        names={"name": PREFIXED},
        note="A stream encrypted with a customer-managed key: Firehose creates its KMS grant as the caller.",
    ),
    "aws:glue/catalogDatabase:CatalogDatabase": access(
        grant(["glue:CreateDatabase", "glue:DeleteDatabase", "glue:TagResource", "glue:UntagResource",
               "glue:UpdateDatabase"], [arn("glue", "catalog"), arn("glue", "database/{underscored}*")]),
        read(["glue:GetDatabase", "glue:GetTags"], [arn("glue", "catalog"), arn("glue", "database/{underscored}*")]),
        names={"name": ("{underscored}*",)},
        note="Glue and Athena names allow no hyphens: <project>_<stack>_... .",
    ),
    "aws:glue/catalogTable:CatalogTable": access(
        grant(["glue:CreateTable", "glue:DeleteTable", "glue:UpdateTable"],
              [arn("glue", "catalog"), arn("glue", "database/{underscored}*"), arn("glue", "table/{underscored}*/*")]),
        read(["glue:GetTable", "glue:GetTableVersions"],
             [arn("glue", "catalog"), arn("glue", "database/{underscored}*"), arn("glue", "table/{underscored}*/*")]),
    ),
    "aws:athena/workgroup:Workgroup": access(
        grant(["athena:CreateWorkGroup", "athena:DeleteWorkGroup", "athena:TagResource", "athena:UntagResource",
               "athena:UpdateWorkGroup"], [arn("athena", "workgroup/{prefix}-*")]),
        read(["athena:GetWorkGroup", "athena:ListTagsForResource"], [arn("athena", "workgroup/{prefix}-*")]),
        names={"name": PREFIXED},
    ),
    "aws:athena/namedQuery:NamedQuery": access(
        grant(["athena:CreateNamedQuery", "athena:DeleteNamedQuery"], [arn("athena", "workgroup/{prefix}-*")]),
        read(["athena:GetNamedQuery"], [arn("athena", "workgroup/{prefix}-*")]),
    ),
    "aws:scheduler/scheduleGroup:ScheduleGroup": access(
        grant(["scheduler:CreateScheduleGroup", "scheduler:DeleteScheduleGroup", "scheduler:TagResource",
               "scheduler:UntagResource"], [arn("scheduler", "schedule-group/{prefix}-*")]),
        read(["scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"],
             [arn("scheduler", "schedule-group/{prefix}-*")]),
        names={"name": PREFIXED},
    ),
    "aws:scheduler/schedule:Schedule": access(
        grant(["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:UpdateSchedule"],
              [arn("scheduler", "schedule/{prefix}-*/*")]),
        read(["scheduler:GetSchedule"], [arn("scheduler", "schedule/{prefix}-*/*")]),
        grant(["iam:PassRole"], [ROLE_ARN], passed_to("scheduler.amazonaws.com")),
        names={"groupName": PREFIXED},
    ),
}

# --- what the deploy job does besides `pulumi up` ---------------------------------------------------

OPERATIONS: dict[str, TypeAccess] = {
    "mirror-images": access(
        grant(["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
               "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
              [arn("ecr", "repository/{prefix}-*")]),
        # The registry login token has no resource-level permissions: only "*" grants it.
        grant(["ecr:GetAuthorizationToken"], ["*"]),
        note="bin/mirror-images (docs/mirror-images.md): look up, push and read back the stack's mirrored images. "
             "ECR encrypts the pushed layers under the grant it made on the repository's key when the "
             "repository was created (the aws:ecr/repository:Repository row grants that, through ECR only).",
    ),
}
"""Steps of the deploy job that are no resource type: every deploy role gets them for its own
stacks, whatever types it is granted; the preview role never does."""

NOT_AWS_RESOURCES = ("pulumi:providers:", "pulumi:pulumi:Stack")
"""Type prefixes that are no AWS resource (provider instances, the stack); components
(``custom: false``) are skipped as well: they are only grouping in the state."""

PLANNED_TYPES = frozenset({
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion", "aws:appconfig/deployment:Deployment",
})
"""Types the control plane will bring: in the table now, granted only with
``permissions.resourceTypes: all`` until a stack contains them."""


def is_aws_resource(type_: str, custom: bool = True) -> bool:
    """Whether an inventory row is an AWS resource the table must cover."""
    return custom and not type_.startswith(NOT_AWS_RESOURCES)
