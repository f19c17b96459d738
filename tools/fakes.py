"""Realistic computed attributes for mocked resources, so dependent inputs never vanish.

Under mocks nothing computes ``arn``, ``id`` or ``dnsName``; a missing attribute resolves to
``None`` and silently drops every input built from it. Each fake is derived from the resource's
type and name, so two runs of the same program produce the same inventory.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable

ACCOUNT_ID = "123456789012"


def _hex(seed: str, n: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def _alnum(seed: str, n: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def resource_id(type_: str, name: str) -> str:
    """A provider-style physical id for the resource."""
    prefix = _ID_PREFIXES.get(type_)
    if prefix:
        return f"{prefix}-{_hex(type_ + name, 17)}"
    return f"{name}-{_hex(type_ + name, 8)}"


_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}


def computed_attributes(type_: str, name: str, inputs: dict[str, Any], region: str, rid: str) -> dict[str, Any]:
    """Attributes AWS would compute for this resource (merged over its inputs)."""
    acct = ACCOUNT_ID
    physical = inputs.get("name") or name
    out: dict[str, Any] = {"id": rid}
    builder = _BUILDERS.get(type_)
    if builder is not None:
        out.update(builder(name, physical, inputs, region, acct, rid))
    else:
        service = type_.split(":")[1].split("/")[0]
        out["arn"] = f"arn:aws:{service}:{region}:{acct}:{type_.rsplit(':', 1)[1].lower()}/{physical}"
    if "name" not in inputs and type_ not in _NO_NAME:
        out["name"] = physical
    return out


_NO_NAME = {"aws:ec2/subnet:Subnet"}


def _lb(name, physical, inputs, region, acct, rid):
    suffix = f"app/{physical}/{_hex(name, 16)}"
    return {
        "arn": f"arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/{suffix}",
        "arnSuffix": suffix,
        "dnsName": f"{physical}-{_hex(name, 10)}.{region}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
    }


def _tg(name, physical, inputs, region, acct, rid):
    suffix = f"targetgroup/{physical}/{_hex(name, 16)}"
    return {"arn": f"arn:aws:elasticloadbalancing:{region}:{acct}:{suffix}", "arnSuffix": suffix}


def _listener(name, physical, inputs, region, acct, rid):
    return {"arn": f"arn:aws:elasticloadbalancing:{region}:{acct}:listener/app/{name}/{_hex(name, 16)}"}


def _user_pool(name, physical, inputs, region, acct, rid):
    pool_id = f"{region}_{_alnum(name, 9)}"
    return {
        "id": pool_id,
        "arn": f"arn:aws:cognito-idp:{region}:{acct}:userpool/{pool_id}",
        "endpoint": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
    }


def _pool_client(name, physical, inputs, region, acct, rid):
    return {"id": _alnum(name, 26), "clientSecret": f"fake-client-secret-{_hex(name, 20)}"}


def _kms_key(name, physical, inputs, region, acct, rid):
    key_id = f"{_hex(name, 8)}-{_hex(name + '1', 4)}-{_hex(name + '2', 4)}-{_hex(name + '3', 4)}-{_hex(name + '4', 12)}"
    return {"id": key_id, "keyId": key_id, "arn": f"arn:aws:kms:{region}:{acct}:key/{key_id}"}


def _log_group(name, physical, inputs, region, acct, rid):
    return {"id": physical, "arn": f"arn:aws:logs:{region}:{acct}:log-group:{physical}"}


def _role(name, physical, inputs, region, acct, rid):
    return {"id": physical, "arn": f"arn:aws:iam::{acct}:role/{physical}", "uniqueId": "AROA" + _hex(name, 16).upper()}


def _secret(name, physical, inputs, region, acct, rid):
    arn = f"arn:aws:secretsmanager:{region}:{acct}:secret:{physical}-{_alnum(name, 6)}"
    return {"id": arn, "arn": arn}


def _ecr(name, physical, inputs, region, acct, rid):
    return {
        "arn": f"arn:aws:ecr:{region}:{acct}:repository/{physical}",
        "repositoryUrl": f"{acct}.dkr.ecr.{region}.amazonaws.com/{physical}",
        "registryId": acct,
    }


def _bucket(name, physical, inputs, region, acct, rid):
    bucket = inputs.get("bucket") or f"{name}-{_hex(name, 7)}"
    return {"id": bucket, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}",
            "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com"}


def _vpc(name, physical, inputs, region, acct, rid):
    return {"arn": f"arn:aws:ec2:{region}:{acct}:vpc/{rid}", "defaultSecurityGroupId": f"sg-{_hex(name + 'dsg', 17)}",
            "mainRouteTableId": f"rtb-{_hex(name + 'main', 17)}"}


def _ec2(kind: str) -> Callable[..., dict[str, Any]]:
    return lambda name, physical, inputs, region, acct, rid: {"arn": f"arn:aws:ec2:{region}:{acct}:{kind}/{rid}"}


def _ecs_cluster(name, physical, inputs, region, acct, rid):
    return {"arn": f"arn:aws:ecs:{region}:{acct}:cluster/{physical}", "id": f"arn:aws:ecs:{region}:{acct}:cluster/{physical}"}


def _task_def(name, physical, inputs, region, acct, rid):
    family = inputs.get("family", name)
    return {"arn": f"arn:aws:ecs:{region}:{acct}:task-definition/{family}:1", "revision": 1,
            "arnWithoutRevision": f"arn:aws:ecs:{region}:{acct}:task-definition/{family}"}


def _ecs_service(name, physical, inputs, region, acct, rid):
    return {"id": f"arn:aws:ecs:{region}:{acct}:service/{physical}"}


def _waf(name, physical, inputs, region, acct, rid):
    return {"arn": f"arn:aws:wafv2:{region}:{acct}:regional/webacl/{physical}/{_hex(name, 8)}-{_hex(name, 4)}"}


def _certificate(name, physical, inputs, region, acct, rid):
    domain = inputs.get("domainName", "example.com")
    return {
        "arn": f"arn:aws:acm:{region}:{acct}:certificate/{_hex(name, 8)}-{_hex(name, 4)}-{_hex(name, 4)}-{_hex(name, 4)}-{_hex(name, 12)}",
        "domainValidationOptions": [{
            "domainName": domain,
            "resourceRecordName": f"_{_hex(name, 32)}.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{_hex(name + 'v', 32)}.acm-validations.aws.",
        }],
    }


def _record(name, physical, inputs, region, acct, rid):
    return {"fqdn": inputs.get("name", name)}


def _sns(name, physical, inputs, region, acct, rid):
    arn = f"arn:aws:sns:{region}:{acct}:{physical}"
    return {"id": arn, "arn": arn}


def _pool_domain(name, physical, inputs, region, acct, rid):
    return {"cloudfrontDistribution": f"{_alnum(name, 14)}.cloudfront.net"}


def _guardrail(name, physical, inputs, region, acct, rid):
    guardrail_id = _alnum(name, 12)
    arn = f"arn:aws:bedrock:{inputs.get('region', region)}:{acct}:guardrail/{guardrail_id}"
    return {"id": guardrail_id, "guardrailId": guardrail_id, "guardrailArn": arn, "version": "DRAFT"}


def _oidc_provider(name, physical, inputs, region, acct, rid):
    host = str(inputs.get("url", "https://oidc.example.com")).removeprefix("https://")
    arn = f"arn:aws:iam::{acct}:oidc-provider/{host}"
    return {"id": arn, "arn": arn}


def _iam_policy(name, physical, inputs, region, acct, rid):
    arn = f"arn:aws:iam::{acct}:policy/{physical}"
    return {"id": arn, "arn": arn}


def _guardrail_version(name, physical, inputs, region, acct, rid):
    return {"version": "1"}


def _appconfig_id(name: str) -> str:
    return _alnum("appconfig" + name, 7)


def _appconfig_application(name, physical, inputs, region, acct, rid):
    app = _appconfig_id(name)
    return {"id": app, "arn": f"arn:aws:appconfig:{region}:{acct}:application/{app}"}


def _appconfig_child(kind: str, id_key: str) -> Callable[..., dict[str, Any]]:
    def build(name, physical, inputs, region, acct, rid):
        # The provider's id is "<child id>:<application id>"; the child id has an output of its own.
        child = _appconfig_id(name)
        app = inputs.get("applicationId") or "unknown"
        return {"id": f"{child}:{app}", id_key: child,
                "arn": f"arn:aws:appconfig:{region}:{acct}:application/{app}/{kind}/{child}"}
    return build


def _appconfig_strategy(name, physical, inputs, region, acct, rid):
    strategy = _appconfig_id(name)
    return {"id": strategy, "arn": f"arn:aws:appconfig:{region}:{acct}:deploymentstrategy/{strategy}"}


def _lambda_function(name, physical, inputs, region, acct, rid):
    arn = f"arn:aws:lambda:{region}:{acct}:function:{physical}"
    return {"arn": arn, "qualifiedArn": f"{arn}:$LATEST", "version": "$LATEST",
            "invokeArn": f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"}


def _lambda_invocation(name, physical, inputs, region, acct, rid):
    return {"result": "{}"}


def _rest_api(name, physical, inputs, region, acct, rid):
    api = _alnum("restapi" + name, 10)
    return {"id": api, "rootResourceId": _alnum("root" + name, 10),
            "arn": f"arn:aws:apigateway:{region}::/restapis/{api}",
            "executionArn": f"arn:aws:execute-api:{region}:{acct}:{api}"}


def _api_child(name, physical, inputs, region, acct, rid):
    return {"id": _alnum("apigw" + name, 6)}


def _stage(name, physical, inputs, region, acct, rid):
    api = inputs.get("restApi") or "unknown"
    stage = inputs.get("stageName") or "unknown"
    return {"arn": f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}",
            "executionArn": f"arn:aws:execute-api:{region}:{acct}:{api}/{stage}",
            "invokeUrl": f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"}


def _table(name, physical, inputs, region, acct, rid):
    return {"id": physical, "arn": f"arn:aws:dynamodb:{region}:{acct}:table/{physical}"}

def _firehose(name, physical, inputs, region, acct, rid):
    arn = f"arn:aws:firehose:{region}:{acct}:deliverystream/{physical}"
    return {"id": arn, "arn": arn}


def _serverless_cache(name, physical, inputs, region, acct, rid):
    address = f"{physical}-{_alnum('cache' + name, 6)}.serverless.{''.join(p[0] for p in region.split('-')[:-1])}{region.split('-')[-1]}.cache.amazonaws.com"
    return {"arn": f"arn:aws:elasticache:{region}:{acct}:serverlesscache:{physical}",
            "endpoints": [{"address": address, "port": 6379}],
            "readerEndpoints": [{"address": address, "port": 6380}]}


_BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "aws:elasticache/serverlessCache:ServerlessCache": _serverless_cache,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _firehose,
    "aws:appconfig/application:Application": _appconfig_application,
    "aws:appconfig/environment:Environment": _appconfig_child("environment", "environmentId"),
    "aws:appconfig/configurationProfile:ConfigurationProfile": _appconfig_child("configurationprofile", "configurationProfileId"),
    "aws:appconfig/deploymentStrategy:DeploymentStrategy": _appconfig_strategy,
    "aws:lambda/function:Function": _lambda_function,
    "aws:lambda/invocation:Invocation": _lambda_invocation,
    "aws:bedrock/guardrail:Guardrail": _guardrail,
    "aws:bedrock/guardrailVersion:GuardrailVersion": _guardrail_version,
    "aws:lb/loadBalancer:LoadBalancer": _lb,
    "aws:lb/targetGroup:TargetGroup": _tg,
    "aws:lb/listener:Listener": _listener,
    "aws:cognito/userPool:UserPool": _user_pool,
    "aws:cognito/userPoolClient:UserPoolClient": _pool_client,
    "aws:cognito/userPoolDomain:UserPoolDomain": _pool_domain,
    "aws:kms/key:Key": _kms_key,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _role,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": _oidc_provider,
    "aws:iam/policy:Policy": _iam_policy,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ecr/repository:Repository": _ecr,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/subnet:Subnet": _ec2("subnet"),
    "aws:ec2/securityGroup:SecurityGroup": _ec2("security-group"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2("vpc-endpoint"),
    "aws:ecs/cluster:Cluster": _ecs_cluster,
    "aws:ecs/taskDefinition:TaskDefinition": _task_def,
    "aws:ecs/service:Service": _ecs_service,
    "aws:wafv2/webAcl:WebAcl": _waf,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:route53/record:Record": _record,
    "aws:sns/topic:Topic": _sns,
    "aws:apigateway/restApi:RestApi": _rest_api,
    "aws:apigateway/resource:Resource": _api_child,
    "aws:apigateway/authorizer:Authorizer": _api_child,
    "aws:apigateway/deployment:Deployment": _api_child,
    "aws:apigateway/stage:Stage": _stage,
    "aws:dynamodb/table:Table": _table,
}
