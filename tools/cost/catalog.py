"""Every resource type an inventory can hold: priced (a pricer) or free (with the reason)."""

from __future__ import annotations

from typing import Optional

from .pricers import PRICERS, Pricer

FREE: dict[str, str] = {
    "pulumi:providers:aws": "a Pulumi provider, not a cloud resource",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "a wait for validation, not a resource",
    "aws:appautoscaling/policy:Policy": "scaling policies are free",
    "aws:appautoscaling/target:Target": "free; its min/max capacity prices the ECS service",
    "aws:cloudwatch/queryDefinition:QueryDefinition": "saved queries are free (running one bills the data scanned)",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "a metric filter is free; the metric it publishes is a custom metric (in custom-metric-series)",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": "free; delivery is priced on its destination",
    "aws:cognito/resourceServer:ResourceServer": "free",
    "aws:cognito/userPoolDomain:UserPoolDomain": "free (token requests are priced on the clients)",
    "aws:cognito/managedLoginBranding:ManagedLoginBranding": "free (managed login is part of the feature plan, priced per user on the pool)",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups are free",
    "aws:ec2/flowLog:FlowLog": "free; its records are priced on the destination log group",
    "aws:ec2/internetGateway:InternetGateway": "free; egress is priced where it leaves (NAT, load balancer)",
    "aws:ec2/route:Route": "routes are free",
    "aws:ec2/routeTable:RouteTable": "route tables are free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/securityGroup:SecurityGroup": "security groups are free",
    "aws:ec2/subnet:Subnet": "subnets are free",
    "aws:ec2/vpc:Vpc": "VPCs are free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security group rules are free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules are free",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "free",
    "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration": "free; the scans are priced on the Inspector enabler",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "free",
    "aws:ecs/taskDefinition:TaskDefinition": "free; its size prices the ECS service that runs it",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:kms/alias:Alias": "aliases are free",
    "aws:lb/listener:Listener": "free; traffic is priced on the load balancer",
    "aws:lb/targetGroup:TargetGroup": "free",
    "aws:route53/record:Record": "free to create; alias queries to a load balancer are not charged (the zone is not this stack's)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "free; its expiry prices the bucket's storage",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free",
    "aws:s3/bucketPolicy:BucketPolicy": "free",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "free (SSE-S3; with SSE-KMS and a bucket key, KMS requests are a few a month)",
    "aws:s3/bucketVersioning:BucketVersioning": "free (log objects are never overwritten)",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "free; locked objects are priced as storage",
    "aws:secretsmanager/secretVersion:SecretVersion": "free; the secret is priced",
    "aws:sns/topic:Topic": "free to keep; a few alarm notifications a month cost fractions of a cent",
    "aws:sns/topicSubscription:TopicSubscription": "free",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "free",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": "free; the records are priced on the log group",
    "aws:bedrock/guardrailVersion:GuardrailVersion": "free; evaluations are priced on the guardrail",
    "aws:lambda/permission:Permission": "free",
    "aws:lambda/invocation:Invocation": "one invocation per deployment: negligible",
    "aws:appconfig/application:Application": "free",
    "aws:appconfig/configurationProfile:ConfigurationProfile": "free; requests are priced on the environment",
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": "free",
    "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": "the hosted configuration store is free",
    "aws:appconfig/deployment:Deployment": "free; delivered versions are priced on the environment",
    "aws:apigateway/deployment:Deployment": "free",
    "aws:apigateway/method:Method": "free; requests are priced on the REST API",
    "aws:apigateway/integration:Integration": "free",
    "aws:apigateway/resource:Resource": "free",
    "aws:apigateway/authorizer:Authorizer": "free (a Cognito authorizer needs no Lambda)",
    "aws:apigateway/account:Account": "account settings are free",
    "aws:apigateway/methodSettings:MethodSettings": "free (throttling and metrics settings; execution logging stays off)",
    "aws:glue/catalogDatabase:CatalogDatabase": "free within the first million Data Catalog objects",
    "aws:glue/catalogTable:CatalogTable": "free within the first million Data Catalog objects",
    "aws:athena/namedQuery:NamedQuery": "saved queries are free",
    "aws:scheduler/scheduleGroup:ScheduleGroup": "schedule groups are free; invocations are priced on the schedules",
}
"""Resource type -> why it costs nothing by itself."""


def pricer_for(type_: str) -> Optional[Pricer]:
    """The pricer of a type, None for a free type; ``KeyError`` for a type the catalog lacks."""
    if type_ in PRICERS:
        return PRICERS[type_]
    if type_ in FREE:
        return None
    raise KeyError(type_)


def unpriced(types: set[str]) -> list[str]:
    """The types neither priced nor explicitly free, sorted."""
    return sorted(t for t in types if t not in PRICERS and t not in FREE)
