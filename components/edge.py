"""Edge: ALB, listeners, target group, security groups, WAF, access logs, certificate.

Everything between a client and the gateway tasks:

- **Security groups** for the ALB and for the service, made together because their rules point at
  each other. The ALB admits 443 (and 80, which only redirects) from ``edge.ingressCidrs`` and
  may only talk to the service group on the traffic and readiness ports; the service admits only
  the ALB on those ports and may only leave on 443.
- **Load balancer**: internet-facing in the public subnets, or ``edge.internal`` in the private
  ones; invalid header fields dropped, idle timeout for long streams, deletion protection and
  access logs per environment.
- **Access logs** (``settings.access_logs``) to a private, TLS-only, SSE-S3, lifecycle-managed
  bucket that only ELB log delivery may write to.
- **Listeners**: HTTPS 443 with TLS 1.3 policy; when JWT validation is on, the default action is
  ``jwt-validation`` (issuer, JWKS, ``scope`` claim) and then forward. HTTP 80 only redirects (301)
  to HTTPS, except in the dev-only ``edge.allowPlainHttp`` mode, where it forwards and no HTTPS
  listener exists.
- **Certificate**: ``edge.certificateArn``, or a DNS-validated ACM certificate for
  ``edge.domainName`` in ``edge.hostedZoneId``, plus an alias record to the ALB.
- **Target group**: IP targets on 8787; health checked on agentgateway's readiness port 15021
  ``/healthz/ready`` (the image is distroless: no container health check; see ADR 0006).
- **WAFv2** (``settings.waf_enabled``): rules from :mod:`components.renderers.waf_rules`, logging to
  the ``aws-waf-logs-`` group with the ``authorization`` header redacted.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from .auth import JwtValidation
from .base import child_opts, tcp_port_rule
from .context import StackContext
from .network import Network
from .observability import Observability
from .renderers.bucket_policies import alb_access_log_bucket_policy
from .renderers.subnets import cidr_slug
from .renderers.waf_rules import WafMetricNames, waf_metric_names, waf_redacted_fields, waf_rules

TRAFFIC_PORT = 8787
"""agentgateway's HTTP listener (the ALB terminates TLS)."""
READINESS_PORT = 15021
"""agentgateway's readiness server."""
READINESS_PATH = "/healthz/ready"
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
ACCESS_LOG_PREFIX = "alb"
ABORT_INCOMPLETE_UPLOAD_DAYS = 1
NONCURRENT_VERSION_DAYS = 30
"""With a versioned log bucket: how long an overwritten or expired log object is kept."""
SCOPE_CLAIM_FORMAT = "space-separated-values"
"""Cognito puts all granted scopes in one space-separated ``scope`` string."""
NAME_MAX = 32
"""ALB and target group names are at most 32 characters."""


class Edge(pulumi.ComponentResource):
    """Everything between a client and the gateway tasks."""

    service_security_group_id: pulumi.Output[str]
    alb_security_group_id: pulumi.Output[str]
    target_group: aws.lb.TargetGroup
    load_balancer: aws.lb.LoadBalancer
    https_listener: Optional[aws.lb.Listener]
    http_listener: aws.lb.Listener
    web_acl: Optional[aws.wafv2.WebAcl]
    url: pulumi.Output[str]

    def __init__(self, name: str, ctx: StackContext, network: Network, observability: Observability,
                 jwt: Optional[JwtValidation], opts: pulumi.ResourceOptions | None = None):
        super().__init__("ai-gateway:edge:Edge", name, None, opts)
        s = ctx.settings
        edge = s.edge
        self.https = edge.has_certificate
        """Whether the ALB serves HTTPS (False only in the dev plain-HTTP mode)."""
        if jwt is not None and not self.https:
            # Settings reject auth.jwtValidation with edge.allowPlainHttp; never drop it silently.
            raise ValueError("JWT validation needs the HTTPS listener, which plain-HTTP mode does not create")

        self._security_groups(name, ctx, network)

        self.target_group = aws.lb.TargetGroup(
            f"{name}-tg",
            name=ctx.naming.physical("gateway", max_length=NAME_MAX),
            target_type="ip",
            protocol="HTTP",
            port=TRAFFIC_PORT,
            vpc_id=network.vpc_id,
            deregistration_delay=edge.deregistration_delay_seconds,
            # Streams differ wildly in length: send new requests to the least busy task.
            load_balancing_algorithm_type="least_outstanding_requests",
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                protocol="HTTP",
                port=str(READINESS_PORT),
                path=READINESS_PATH,
                matcher="200",
                interval=10,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            opts=child_opts(self),
        )

        self.access_log_bucket: Optional[aws.s3.Bucket] = None
        lb_depends: list[pulumi.Resource] = []
        access_logs: Optional[aws.lb.LoadBalancerAccessLogsArgs] = None
        if s.access_logs:
            self.access_log_bucket, lb_depends = self._access_log_bucket(name, ctx)
            access_logs = aws.lb.LoadBalancerAccessLogsArgs(
                bucket=self.access_log_bucket.bucket, prefix=ACCESS_LOG_PREFIX, enabled=True
            )

        self.load_balancer = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=ctx.naming.physical("alb", max_length=NAME_MAX),
            load_balancer_type="application",
            internal=edge.internal,
            subnets=network.private_subnet_ids if edge.internal else network.public_subnet_ids,
            security_groups=[self.alb_security_group_id],
            ip_address_type="ipv4",
            drop_invalid_header_fields=True,
            idle_timeout=edge.idle_timeout_seconds,
            enable_deletion_protection=s.deletion_protection,
            access_logs=access_logs,
            # ELB checks it can write to the bucket when access logs are turned on.
            opts=child_opts(self, depends_on=lb_depends or None),
        )

        self.certificate: Optional[aws.acm.Certificate] = None
        """The ACM certificate this stack created (None when given by ARN, or plain HTTP)."""
        certificate_arn = self._certificate(name, ctx) if self.https else None
        self._listeners(name, jwt, certificate_arn)
        self._alias_record(name, ctx)
        self._waf(name, ctx, observability)

        dns_name = self.load_balancer.dns_name
        if not self.https:
            self.url = pulumi.Output.concat("http://", dns_name)
        elif edge.domain_name:
            self.url = pulumi.Output.from_input(f"https://{edge.domain_name}")
        else:
            self.url = pulumi.Output.concat("https://", dns_name)

        self.outputs: dict[str, pulumi.Input[object]] = {
            "gatewayUrl": self.url,
            "albDnsName": dns_name,
        }
        if self.access_log_bucket is not None:
            self.outputs["albAccessLogBucket"] = self.access_log_bucket.bucket
        if self.web_acl is not None:
            self.outputs["webAclArn"] = self.web_acl.arn
        self.register_outputs(self.outputs)

    # Security groups ----------------------------------------------------------------------------
    def _security_groups(self, name: str, ctx: StackContext, network: Network) -> None:
        edge = ctx.settings.edge
        # Groups made by the provider lose AWS's default allow-all egress rule: each group below
        # has exactly the egress rules listed here and nothing else. Names are prefixes (AWS adds a
        # suffix): a change that replaces a group (description, VPC) creates the new one first,
        # which a fixed name would forbid.
        alb_sg = aws.ec2.SecurityGroup(
            f"{name}-alb-sg",
            name_prefix=f"{ctx.naming.physical('alb')}-",
            description="Gateway load balancer: clients in, gateway tasks out",
            vpc_id=network.vpc_id,
            tags={"Name": ctx.naming.physical("alb")},
            opts=child_opts(self),
        )
        service_sg = aws.ec2.SecurityGroup(
            f"{name}-service-sg",
            name_prefix=f"{ctx.naming.physical('service')}-",
            description="Gateway tasks: load balancer in, HTTPS out",
            vpc_id=network.vpc_id,
            tags={"Name": ctx.naming.physical("service")},
            opts=child_opts(self),
        )
        self.alb_security_group_id = alb_sg.id
        self.service_security_group_id = service_sg.id

        # Port 80 exists in both modes: it redirects to HTTPS, or (dev plain-HTTP mode) forwards.
        client_ports = [(443, "https"), (80, "http")] if edge.has_certificate else [(80, "http")]
        for cidr in (str(c) for c in edge.ingress_cidrs):
            for port, label in client_ports:
                tcp_port_rule(f"{name}-alb-{label}-from-{cidr_slug(cidr)}", direction="ingress",
                              security_group_id=alb_sg.id, port=port, cidr_ipv4=cidr,
                              description=f"{label.upper()} from {cidr}", parent=self)

        for port, label in ((TRAFFIC_PORT, "traffic"), (READINESS_PORT, "health")):
            tcp_port_rule(f"{name}-alb-to-service-{label}", direction="egress", security_group_id=alb_sg.id,
                          port=port, referenced_security_group_id=service_sg.id,
                          description=f"To gateway tasks: {label} port {port}", parent=self)
            tcp_port_rule(f"{name}-service-from-alb-{label}", direction="ingress", security_group_id=service_sg.id,
                          port=port, referenced_security_group_id=alb_sg.id,
                          description=f"From the load balancer: {label} port {port}", parent=self)

        # The only way out of a task: HTTPS to provider APIs, and to ECR, Secrets Manager, Logs,
        # STS ... (directly or through the VPC endpoints). DNS needs no rule: queries to the VPC
        # resolver (VPC base + 2 / 169.254.169.253) are not filtered by security groups; nor are
        # the task metadata and credentials endpoints Fargate serves on link-local addresses.
        tcp_port_rule(f"{name}-service-https-out", direction="egress", security_group_id=service_sg.id,
                      port=443, cidr_ipv4="0.0.0.0/0", description="HTTPS to provider APIs and AWS services",
                      parent=self)
        if network.endpoint_security_group_id is not None:
            # The interface endpoints answer the gateway tasks and nothing else in the VPC.
            tcp_port_rule(f"{name}-endpoints-from-service", direction="ingress",
                          security_group_id=network.endpoint_security_group_id, port=443,
                          referenced_security_group_id=service_sg.id,
                          description="HTTPS from the gateway tasks", parent=self)

    # Access logs --------------------------------------------------------------------------------
    def _access_log_bucket(self, name: str, ctx: StackContext) -> tuple[aws.s3.Bucket, list[pulumi.Resource]]:
        """The ALB access-log bucket and the resources the ALB must wait for."""
        stateful = child_opts(self, stateful=True, prod=ctx.prod)
        region = ctx.region
        # Globally unique and stable: <prefix>-alb-logs-<account>-<region>, at most 63 characters.
        base = ctx.naming.physical("alb-logs", max_length=63 - (12 + len(region) + 2))
        bucket_name = pulumi.Output.concat(base, "-", ctx.account_id, "-", region)
        bucket = aws.s3.Bucket(
            f"{name}-access-logs",
            bucket=bucket_name,
            # A dev stack can be destroyed with its logs; prod buckets are protected and kept.
            force_destroy=not ctx.prod,
            opts=stateful,
        )
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-access-logs-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child_opts(self),
        )
        public_access = aws.s3.BucketPublicAccessBlock(
            f"{name}-access-logs-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child_opts(self),
        )
        # ALB access logs support only SSE-S3 (AES256): ELB cannot write to a bucket whose default
        # encryption is SSE-KMS, whatever the key policy says. So no CMK here, unlike the log groups.
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-access-logs-encryption",
            bucket=bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256",
                ),
            )],
            opts=child_opts(self),
        )
        versioned = ctx.prod
        if versioned:
            # Prod: overwritten or deleted log objects stay recoverable for a while (tamper evidence).
            aws.s3.BucketVersioning(
                f"{name}-access-logs-versioning",
                bucket=bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=child_opts(self),
            )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-access-logs-lifecycle",
            bucket=bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-access-logs",
                status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                    days=ctx.settings.edge.access_log_expiration_days,
                ),
                noncurrent_version_expiration=(
                    aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=NONCURRENT_VERSION_DAYS)
                    if versioned else None
                ),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=ABORT_INCOMPLETE_UPLOAD_DAYS,
                ),
            )],
            opts=child_opts(self),
        )
        policy = aws.s3.BucketPolicy(
            f"{name}-access-logs-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(ctx.partition, ctx.account_id, bucket.bucket).apply(
                lambda a: json.dumps(alb_access_log_bucket_policy(a[0], region, a[1], a[2], ACCESS_LOG_PREFIX))
            ),
            # S3 rejects concurrent public-access-block and policy changes on one bucket.
            opts=child_opts(self, depends_on=[public_access]),
        )
        return bucket, [policy, ownership, encryption]

    # Certificate and DNS ------------------------------------------------------------------------
    def _certificate(self, name: str, ctx: StackContext) -> pulumi.Output[str]:
        """The HTTPS listener's certificate ARN: given, or created and DNS-validated."""
        edge = ctx.settings.edge
        if edge.certificate_arn:
            return pulumi.Output.from_input(edge.certificate_arn)
        if not (edge.domain_name and edge.hosted_zone_id):  # EdgeSettings guarantees one source
            raise ValueError("HTTPS needs edge.certificateArn or edge.domainName + edge.hostedZoneId")
        cert = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=edge.domain_name,
            validation_method="DNS",
            tags={"Name": edge.domain_name},
            opts=child_opts(self),
        )
        self.certificate = cert
        option = cert.domain_validation_options.apply(lambda opts: opts[0])
        record = aws.route53.Record(
            f"{name}-certificate-validation-record",
            zone_id=edge.hosted_zone_id,
            name=option.apply(lambda o: o.resource_record_name),
            type=option.apply(lambda o: o.resource_record_type),
            records=[option.apply(lambda o: o.resource_record_value)],
            ttl=300,
            # ACM reuses one validation CNAME per domain and account: a second stack for the same
            # domain (or a re-created certificate) must not fail on an existing record.
            allow_overwrite=True,
            opts=child_opts(self),
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate-validation",
            certificate_arn=cert.arn,
            validation_record_fqdns=[record.fqdn],
            opts=child_opts(self),
        )
        # The listener takes the ARN from the validation, so it waits until the certificate is issued.
        return validation.certificate_arn

    def _alias_record(self, name: str, ctx: StackContext) -> None:
        edge = ctx.settings.edge
        self.alias_record: Optional[aws.route53.Record] = None
        if not (edge.domain_name and edge.hosted_zone_id):
            return
        self.alias_record = aws.route53.Record(
            f"{name}-alias",
            zone_id=edge.hosted_zone_id,
            name=edge.domain_name,
            type="A",
            aliases=[aws.route53.RecordAliasArgs(
                name=self.load_balancer.dns_name,
                zone_id=self.load_balancer.zone_id,
                evaluate_target_health=True,
            )],
            opts=child_opts(self),
        )

    # Listeners ----------------------------------------------------------------------------------
    def _listeners(self, name: str, jwt: Optional[JwtValidation], certificate_arn: Optional[pulumi.Output[str]]) -> None:
        forward_order = 2 if jwt is not None else 1
        forward = aws.lb.ListenerDefaultActionArgs(
            type="forward", order=forward_order, target_group_arn=self.target_group.arn
        )
        self.https_listener = None
        if certificate_arn is None:
            # Dev-only plain HTTP (settings reject it elsewhere): port 80 forwards, no HTTPS.
            self.http_listener = aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", order=1, target_group_arn=self.target_group.arn)],
                opts=child_opts(self),
            )
            return

        actions: list[aws.lb.ListenerDefaultActionArgs] = []
        if jwt is not None:
            actions.append(aws.lb.ListenerDefaultActionArgs(
                type="jwt-validation",
                order=1,
                jwt_validation=aws.lb.ListenerDefaultActionJwtValidationArgs(
                    issuer=jwt.issuer,
                    jwks_endpoint=jwt.jwks_endpoint,
                    additional_claims=[aws.lb.ListenerDefaultActionJwtValidationAdditionalClaimArgs(
                        name="scope",
                        format=SCOPE_CLAIM_FORMAT,
                        values=[jwt.required_scope],
                    )],
                ),
            ))
        actions.append(forward)
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=actions,
            opts=child_opts(self),
        )
        self.http_listener = aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[aws.lb.ListenerDefaultActionArgs(
                type="redirect",
                order=1,
                redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                    protocol="HTTPS", port="443", status_code="HTTP_301",
                ),
            )],
            opts=child_opts(self),
        )

    # WAF ----------------------------------------------------------------------------------------
    def _waf(self, name: str, ctx: StackContext, observability: Observability) -> None:
        s = ctx.settings
        self.web_acl = None
        self.waf_metric_names: Optional[WafMetricNames] = None
        self.web_acl_metric_name: Optional[str] = None
        self.waf_rule_metric_names: dict[str, str] = {}
        if not s.waf_enabled:
            return
        log_group = observability.waf_log_group
        if log_group is None:  # Observability creates it exactly when the WAF is on.
            raise ValueError("the WAF is enabled but observability has no aws-waf-logs- log group")

        metrics = waf_metric_names(ctx.naming.prefix)
        self.waf_metric_names = metrics
        self.web_acl_metric_name = metrics.web_acl
        self.waf_rule_metric_names = dict(metrics.rules)
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-waf",
            name=ctx.naming.physical("waf", max_length=128),
            description=f"Gateway load balancer of {ctx.naming.prefix}",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rules=waf_rules(ctx.naming.prefix, s.waf.rate_limit_per_5_minutes, s.waf.count_only_rules),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True,
                metric_name=metrics.web_acl,
                sampled_requests_enabled=True,
            ),
            opts=child_opts(self),
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-waf-association",
            resource_arn=self.load_balancer.arn,
            web_acl_arn=self.web_acl.arn,
            opts=child_opts(self),
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-waf-logging",
            resource_arn=self.web_acl.arn,
            # WAF wants the log group ARN itself, not the ``:*`` stream form.
            log_destination_configs=[log_group.arn.apply(lambda arn: arn[:-2] if arn.endswith(":*") else arn)],
            # Bearer tokens must never reach the logs.
            redacted_fields=waf_redacted_fields(),
            opts=child_opts(self),
        )
