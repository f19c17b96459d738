"""Edge component: ALB, listeners, JWT, target group, security groups, WAF, access logs, certificate."""

from __future__ import annotations

import json
import runpy

import pulumi
import pytest

import components.gateway as gateway_module
from components.auth import Auth, JwtValidation
from components.renderers.waf_rules import COMMON_RULE_SET, waf_metric_names
from components.settings import WAF_BODY_RULES_DEFAULT
from tests.support import ENTRY, baseline, run_stack, stack_values
from tools.harness import UNKNOWN, run_program

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TG = "aws:lb/targetGroup:TargetGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
RECORD = "aws:route53/record:Record"
CERT = "aws:acm/certificate:Certificate"
CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL1"
JWKS = f"{ISSUER}/.well-known/jwks.json"
SCOPE = "https://gateway.internal/invoke"


def _edge_settings(stack: str = "dev", **changes):
    values, _ = stack_values(stack)
    return {**json.loads(values["ai-gateway:edge"]), **changes}


def _listener(inv, suffix):
    return inv.one(LISTENER, suffix)


def _sg(inv, role):
    return inv.one(SG, f"edge-{role}-sg")


def _rules_of(inv, type_, sg):
    return [r for r in inv.of_type(type_) if r.property_dependencies["securityGroupId"] == [sg.urn]]


@pytest.fixture
def with_jwt(monkeypatch):
    """Make Auth hand the edge a fixed JwtValidation (independent of the auth component's progress)."""

    class AuthWithJwt(Auth):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.jwt = JwtValidation(
                issuer=pulumi.Output.from_input(ISSUER),
                jwks_endpoint=pulumi.Output.from_input(JWKS),
                required_scope=pulumi.Output.from_input(SCOPE),
            )

    monkeypatch.setattr(gateway_module, "Auth", AuthWithJwt)


def _run_capture(stack, overrides=None, preview=False):
    box: dict = {}
    values, secret_keys = stack_values(stack, overrides)
    inv = run_program(lambda: box.update(runpy.run_path(ENTRY, run_name="__main__")),
                      project="ai-gateway", stack=stack, config=values, secret_keys=secret_keys, preview=preview)
    return inv, box["gateway"]


# Load balancer ----------------------------------------------------------------------------------
def test_alb_attributes_per_environment():
    dev, prod = baseline("dev").one(LB), baseline("prod").one(LB)
    for alb, stack in ((dev, "dev"), (prod, "prod")):
        assert alb.inputs["name"] == f"ai-gateway-{stack}-alb"
        assert alb.inputs["loadBalancerType"] == "application"
        assert alb.inputs["internal"] is False
        assert alb.inputs["dropInvalidHeaderFields"] is True
        assert alb.inputs["idleTimeout"] == 900
        assert len(alb.inputs["name"]) <= 32
    assert dev.inputs["enableDeletionProtection"] is False and "accessLogs" not in dev.inputs
    assert prod.inputs["enableDeletionProtection"] is True
    assert prod.inputs["accessLogs"] == {"enabled": True, "bucket": "ai-gateway-prod-alb-logs-123456789012-us-east-1", "prefix": "alb"}


def test_alb_sits_in_public_subnets_behind_its_security_group():
    inv = baseline("prod")
    alb = inv.one(LB)
    public = sorted(s.urn for s in inv.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "public")
    assert sorted(alb.property_dependencies["subnets"]) == public
    assert alb.property_dependencies["securityGroups"] == [_sg(inv, "alb").urn]


INGRESS_CIDRS = ["203.0.113.0/24", "198.51.100.0/24"]


def _edge_variant():
    """An internal ALB with its own certificate, a domain, ingress CIDRs and access logs: one run for
    the tests of each of those settings (each checks only its own)."""
    return run_stack("dev", {"edge": _edge_settings(internal=True, certificateArn=CERT_ARN, ingressCidrs=INGRESS_CIDRS,
                                                    accessLogs=True, accessLogExpirationDays=7)})


def test_internal_alb_uses_private_subnets():
    inv = _edge_variant()
    alb = inv.one(LB)
    private = sorted(s.urn for s in inv.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "private")
    assert alb.inputs["internal"] is True
    assert sorted(alb.property_dependencies["subnets"]) == private


def test_alb_waits_for_the_access_log_bucket_policy():
    inv = baseline("prod")
    alb = inv.one(LB)
    assert inv.one("aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy").urn in alb.dependencies
    assert alb.property_dependencies["accessLogs"] == [inv.one("aws:s3/bucket:Bucket", "edge-access-logs").urn]


# Access-log bucket ------------------------------------------------------------------------------
def test_access_log_bucket_is_private_encrypted_expiring_and_tls_only():
    inv = baseline("prod")
    bucket = inv.one("aws:s3/bucket:Bucket", "edge-access-logs")
    assert bucket.inputs["bucket"] == "ai-gateway-prod-alb-logs-123456789012-us-east-1"
    assert bucket.protect is True and bucket.inputs["forceDestroy"] is False
    urn = bucket.urn

    pab = inv.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-access-logs-public-access")
    assert pab.property_dependencies["bucket"] == [urn]
    for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert pab.inputs[flag] is True

    sse = inv.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                  "edge-access-logs-encryption")
    assert sse.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]  # SSE-S3 only

    ownership = inv.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "edge-access-logs-ownership")
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}

    (rule,) = inv.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "edge-access-logs-lifecycle").inputs["rules"]
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["expiration"] == {"days": 400}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 1}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 30}

    versioning = inv.one("aws:s3/bucketVersioning:BucketVersioning", "edge-access-logs-versioning")
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}

    policy = inv.one("aws:s3/bucketPolicy:BucketPolicy", "edge-access-logs-policy")
    assert pab.urn in policy.dependencies
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["ElbLogDeliveryService"]["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}
    assert statements["ElbLogDeliveryService"]["Resource"] == (
        "arn:aws:s3:::ai-gateway-prod-alb-logs-123456789012-us-east-1/alb/AWSLogs/123456789012/*"
    )


def test_access_logs_in_dev_when_asked_follow_expiration_setting_and_skip_versioning():
    inv = _edge_variant()
    bucket = inv.one("aws:s3/bucket:Bucket", "edge-access-logs")
    assert bucket.protect is False and bucket.inputs["forceDestroy"] is True
    (rule,) = inv.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "edge-access-logs-lifecycle").inputs["rules"]
    assert rule["expiration"] == {"days": 7} and "noncurrentVersionExpiration" not in rule
    assert not [v for v in inv.of_type("aws:s3/bucketVersioning:BucketVersioning") if v.name.startswith("edge-")]
    assert inv.one(LB).inputs["accessLogs"]["enabled"] is True


# Listeners --------------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_https_listener_uses_tls13_policy_and_the_validated_certificate(stack):
    inv = baseline(stack)
    https = _listener(inv, "https")
    assert (https.inputs["port"], https.inputs["protocol"]) == (443, "HTTPS")
    assert https.inputs["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https.property_dependencies["certificateArn"] == [inv.one(CERT_VALIDATION).urn]
    assert https.property_dependencies["loadBalancerArn"] == [inv.one(LB).urn]
    actions = sorted(https.inputs["defaultActions"], key=lambda a: a["order"])
    assert actions[-1]["type"] == "forward"
    assert actions[-1]["targetGroupArn"].startswith("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ai-gateway-")
    assert inv.one(TG).urn in https.property_dependencies["defaultActions"]
    assert {a["type"] for a in actions} <= {"jwt-validation", "forward"}
    if len(actions) == 2:
        assert actions[0]["type"] == "jwt-validation"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_http_listener_only_redirects_to_https(stack):
    http = _listener(baseline(stack), "http")
    assert (http.inputs["port"], http.inputs["protocol"]) == (80, "HTTP")
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "order": 1, "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]


def test_jwt_validation_comes_first_then_forward():
    inv = baseline("prod")
    https = _listener(inv, "https")
    jwt, forward = sorted(https.inputs["defaultActions"], key=lambda a: a["order"])
    assert (jwt["type"], jwt["order"], forward["type"], forward["order"]) == ("jwt-validation", 1, "forward", 2)
    issuer = inv.outputs["issuer"]
    assert issuer.startswith("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_")
    assert jwt["jwtValidation"] == {
        "issuer": issuer,
        "jwksEndpoint": f"{issuer}/.well-known/jwks.json",
        "additionalClaims": [{"name": "scope", "format": "space-separated-values", "values": [inv.outputs["invokeScope"]]}],
    }
    assert forward["targetGroupArn"].startswith("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/")
    assert inv.one(TG).urn in https.property_dependencies["defaultActions"]
    assert inv.one("aws:cognito/userPool:UserPool").urn in https.property_dependencies["defaultActions"]


def test_without_jwt_the_https_listener_only_forwards():
    inv = run_stack("dev", {"auth": {"jwtValidation": False}, "sso": None})
    (forward,) = _listener(inv, "https").inputs["defaultActions"]
    assert (forward["type"], forward["order"]) == ("forward", 1)


def test_plain_http_mode_forwards_on_80_and_has_no_https():
    inv, gw = _run_capture("dev", {"edge": {"allowPlainHttp": True}, "auth": {"jwtValidation": False}, "sso": None})
    assert [listener.name for listener in inv.of_type(LISTENER)] == ["edge-http"]
    (forward,) = _listener(inv, "http").inputs["defaultActions"]
    assert forward["type"] == "forward"
    assert not inv.of_type(CERT) and not inv.of_type(RECORD)
    assert gw.edge.https_listener is None
    assert inv.outputs["gatewayUrl"] == f"http://{inv.outputs['albDnsName']}"
    ports = {r.inputs["fromPort"] for r in _rules_of(inv, INGRESS, _sg(inv, "alb"))}
    assert ports == {80}


# Certificate and DNS ----------------------------------------------------------------------------
def test_dns_validated_certificate_and_alias_record():
    inv = baseline("prod")
    cert = inv.one(CERT)
    assert cert.inputs["domainName"] == "gateway.example.com" and cert.inputs["validationMethod"] == "DNS"
    validation_record = inv.one(RECORD, "certificate-validation-record")
    assert validation_record.inputs["zoneId"] == "Z0123456789PRODEXAMPLE"
    assert validation_record.inputs["type"] == "CNAME"
    assert validation_record.inputs["name"].endswith(".gateway.example.com.")
    assert validation_record.inputs["records"][0].endswith(".acm-validations.aws.")
    assert validation_record.property_dependencies["name"] == [cert.urn]
    validation = inv.one(CERT_VALIDATION)
    assert validation.property_dependencies["certificateArn"] == [cert.urn]
    assert validation.property_dependencies["validationRecordFqdns"] == [validation_record.urn]
    alias = inv.one(RECORD, "alias")
    assert (alias.inputs["name"], alias.inputs["type"], alias.inputs["zoneId"]) == ("gateway.example.com", "A", "Z0123456789PRODEXAMPLE")
    (target,) = alias.inputs["aliases"]
    assert target["evaluateTargetHealth"] is True
    assert alias.property_dependencies["aliases"] == [inv.one(LB).urn]
    assert inv.outputs["gatewayUrl"] == "https://gateway.example.com"
    assert inv.outputs["albDnsName"].endswith(".us-east-1.elb.amazonaws.com")


def test_given_certificate_arn_creates_no_certificate_or_dns():
    inv = run_stack("dev", {"edge": {"certificateArn": CERT_ARN}})
    assert not inv.of_type(CERT) and not inv.of_type(CERT_VALIDATION) and not inv.of_type(RECORD)
    assert _listener(inv, "https").inputs["certificateArn"] == CERT_ARN
    assert inv.outputs["gatewayUrl"] == f"https://{inv.outputs['albDnsName']}"


def test_certificate_arn_with_domain_and_zone_keeps_the_alias():
    inv = _edge_variant()
    assert not inv.of_type(CERT)
    assert [r.name for r in inv.of_type(RECORD)] == ["edge-alias"]
    assert inv.outputs["gatewayUrl"] == "https://gateway.dev.example.com"


# Target group -----------------------------------------------------------------------------------
@pytest.mark.parametrize("stack,delay", [("dev", 120), ("prod", 300)])
def test_target_group_checks_the_readiness_port(stack, delay):
    inv = baseline(stack)
    tg = inv.one(TG)
    assert (tg.inputs["targetType"], tg.inputs["protocol"], tg.inputs["port"]) == ("ip", "HTTP", 8787)
    assert tg.inputs["deregistrationDelay"] == delay
    assert tg.property_dependencies["vpcId"] == [inv.one("aws:ec2/vpc:Vpc").urn]
    assert len(tg.inputs["name"]) <= 32
    hc = tg.inputs["healthCheck"]
    assert (hc["port"], hc["path"], hc["matcher"], hc["protocol"]) == ("15021", "/healthz/ready", "200", "HTTP")
    assert hc["enabled"] is True and hc["timeout"] < hc["interval"]
    assert 2 <= hc["healthyThreshold"] <= 5 and 2 <= hc["unhealthyThreshold"] <= 5


def test_ports_match_the_rendered_agentgateway_config():
    config = pytest.importorskip("components.renderers.agentgateway_config")
    from components import edge

    assert edge.TRAFFIC_PORT == config.GATEWAY_PORT
    assert config.READINESS_ADDR.endswith(f":{edge.READINESS_PORT}")
    assert edge.READINESS_PATH == config.READINESS_PATH


# Security groups --------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_security_group_rules_are_minimal(stack):
    inv = baseline(stack)
    alb, service = _sg(inv, "alb"), _sg(inv, "service")
    for group, role in ((alb, "alb"), (service, "service")):
        assert "ingress" not in group.inputs and "egress" not in group.inputs
        assert group.inputs["namePrefix"] == f"ai-gateway-{stack}-{role}-"
        assert group.property_dependencies["vpcId"] == [inv.one("aws:ec2/vpc:Vpc").urn]

    alb_in = _rules_of(inv, INGRESS, alb)
    assert sorted((r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrIpv4"]) for r in alb_in) == [
        (80, 80, "0.0.0.0/0"), (443, 443, "0.0.0.0/0"),
    ]
    alb_out = _rules_of(inv, EGRESS, alb)
    assert sorted(r.inputs["fromPort"] for r in alb_out) == [8787, 15021]
    for r in alb_out:
        assert r.property_dependencies["referencedSecurityGroupId"] == [service.urn]
        assert "cidrIpv4" not in r.inputs and r.inputs["toPort"] == r.inputs["fromPort"]

    service_in = _rules_of(inv, INGRESS, service)
    assert sorted(r.inputs["fromPort"] for r in service_in) == [8787, 15021]
    for r in service_in:
        assert r.property_dependencies["referencedSecurityGroupId"] == [alb.urn]
        assert "cidrIpv4" not in r.inputs
    service_out = {r.inputs["fromPort"]: r for r in _rules_of(inv, EGRESS, service)}
    https = service_out.pop(443)
    assert (https.inputs["toPort"], https.inputs["cidrIpv4"]) == (443, "0.0.0.0/0")
    if stack == "prod":  # global rate limits: the sidecar reaches the Valkey cache's group, nothing else
        (cache,) = service_out.values()
        assert cache.inputs["fromPort"] == cache.inputs["toPort"] == 6379 and "cidrIpv4" not in cache.inputs
        assert cache.property_dependencies["referencedSecurityGroupId"] == [
            inv.one("aws:ec2/securityGroup:SecurityGroup", "ratelimit-cache-sg").urn]
    else:
        assert service_out == {}

    # Nothing but the ALB's 80/443 is open to the world.
    for r in inv.of_type(INGRESS):
        if r.inputs.get("cidrIpv4") == "0.0.0.0/0":
            assert r.property_dependencies["securityGroupId"] == [alb.urn] and r.inputs["fromPort"] in (80, 443)
        assert r.inputs["ipProtocol"] == "tcp"
    for r in inv.of_type(EGRESS):
        assert r.inputs["ipProtocol"] == "tcp"


def test_ingress_cidrs_get_a_rule_per_cidr_and_port():
    cidrs = INGRESS_CIDRS
    inv = _edge_variant()
    rules = _rules_of(inv, INGRESS, _sg(inv, "alb"))
    assert sorted((r.inputs["cidrIpv4"], r.inputs["fromPort"]) for r in rules) == sorted(
        (c, p) for c in cidrs for p in (80, 443)
    )


# WAF --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stack,limit", [("dev", 1000), ("prod", 2000)])
def test_web_acl_rules_and_body_overrides(stack, limit):
    inv = baseline(stack)
    acl = inv.one(WEB_ACL)
    assert acl.inputs["scope"] == "REGIONAL" and acl.inputs["defaultAction"] == {"allow": {}}
    assert acl.inputs["visibilityConfig"]["metricName"] == f"ai-gateway-{stack}-waf"
    rules = {r["name"]: r for r in acl.inputs["rules"]}
    assert set(rules) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList",
                          "AWSManagedRulesKnownBadInputsRuleSet", "RateLimitPerIP"}
    rate = rules["RateLimitPerIP"]
    assert rate["statement"]["rateBasedStatement"]["limit"] == limit
    assert rate["statement"]["rateBasedStatement"]["aggregateKeyType"] == "IP"
    assert rate["action"] == {"block": {}}
    overrides = rules[COMMON_RULE_SET]["statement"]["managedRuleGroupStatement"]["ruleActionOverrides"]
    assert {o["name"] for o in overrides} == set(WAF_BODY_RULES_DEFAULT)
    assert all(o["actionToUse"] == {"count": {}} for o in overrides)
    for r in acl.inputs["rules"]:
        assert r["visibilityConfig"]["cloudwatchMetricsEnabled"] is True
        assert r["visibilityConfig"]["metricName"].startswith(f"ai-gateway-{stack}-")


def test_count_only_rules_come_from_settings():
    inv = run_stack("dev", {"waf": {"enabled": True, "countOnlyRules": ["SizeRestrictions_BODY"]}})
    rules = {r["name"]: r for r in inv.one(WEB_ACL).inputs["rules"]}
    overrides = rules[COMMON_RULE_SET]["statement"]["managedRuleGroupStatement"]["ruleActionOverrides"]
    assert overrides == [{"name": "SizeRestrictions_BODY", "actionToUse": {"count": {}}}]


def test_web_acl_is_associated_and_logs_without_the_authorization_header():
    inv = baseline("prod")
    acl, alb = inv.one(WEB_ACL), inv.one(LB)
    assoc = inv.one("aws:wafv2/webAclAssociation:WebAclAssociation", "edge-waf-association")
    assert assoc.property_dependencies["resourceArn"] == [alb.urn]
    assert assoc.property_dependencies["webAclArn"] == [acl.urn]
    logging = inv.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    group = inv.one("aws:cloudwatch/logGroup:LogGroup", "observability-waf")
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert logging.inputs["logDestinationConfigs"] == [f"arn:aws:logs:us-east-1:123456789012:log-group:{group.inputs['name']}"]
    assert logging.property_dependencies["logDestinationConfigs"] == [group.urn]
    assert logging.property_dependencies["resourceArn"] == [acl.urn]
    assert logging.inputs["redactedFields"] == [{"singleHeader": {"name": "authorization"}}]


def test_waf_off_creates_no_web_acl():
    inv, gw = _run_capture("dev", {"waf": {"enabled": False}})
    assert not [r for r in inv.resources if r.type.startswith("aws:wafv2/")]
    assert gw.edge.web_acl is None and gw.edge.web_acl_metric_name is None
    assert "webAclArn" not in inv.outputs


# Public attributes, outputs, preview ------------------------------------------------------------
def test_public_attributes_and_outputs():
    inv, gw = _run_capture("prod")
    edge = gw.edge
    assert edge.https_listener is not None and edge.http_listener is not None
    assert edge.web_acl is not None and edge.access_log_bucket is not None
    metrics = waf_metric_names("ai-gateway-prod")
    assert edge.web_acl_metric_name == metrics.web_acl
    assert edge.waf_rule_metric_names == metrics.rules
    for attr in ("service_security_group_id", "alb_security_group_id", "url"):
        assert isinstance(getattr(edge, attr), pulumi.Output)
    assert {"gatewayUrl", "albDnsName"} <= set(edge.outputs)
    assert {"gatewayUrl", "albDnsName"} <= set(inv.outputs)


def test_jwt_without_https_is_refused(with_jwt):
    # The settings refuse this combination; the edge refuses it too, should Auth ever hand it a JWT.
    with pytest.raises(Exception, match="JWT validation needs the HTTPS listener"):
        run_stack("dev", {"edge": {"allowPlainHttp": True}, "auth": {"jwtValidation": False}, "sso": None}, fresh=True)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_mode_builds_the_edge(stack):
    inv = baseline(stack, preview=True)
    https = _listener(inv, "https")
    assert https.inputs["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https.inputs["certificateArn"] == UNKNOWN
    assert inv.one(RECORD, "certificate-validation-record").inputs["name"] == UNKNOWN
    assert inv.one(TG).inputs["healthCheck"]["port"] == "15021"
    assert inv.outputs["gatewayUrl"] == f"https://gateway.{'dev.' if stack == 'dev' else ''}example.com"
