"""The admin API's REST API shape, as pure data from ``functions/admin_api/routes.py``.

- :func:`resource_paths`: one API Gateway resource per path segment, parents first;
- :func:`resource_name` / :func:`method_name`: stable Pulumi names per path and method;
- :func:`deployment_fingerprint`: what re-creates the deployment (a deployment is a snapshot of the
  methods: without a new one, a changed route never reaches the stage);
- :data:`ACCESS_LOG_FORMAT`: the stage's JSON access log line (never a header, never a body);
- :func:`admin_resources`: which ARNs each resource role of the function's ``CALLS`` means;
- :func:`api_gateway_logging_policy`: the account-level logging role's inline policy.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Iterable, NamedTuple, Optional, Sequence

from .iam_policies import LOG_WRITE_ACTIONS
from .policy_documents import Document, document, statement

ROOT = "/"


class ResourcePath(NamedTuple):
    """One API Gateway resource: its full path, its parent's path and its own segment."""

    path: str
    parent: str
    part: str


def resource_paths(paths: Iterable[str]) -> list[ResourcePath]:
    """Every resource the paths need (each prefix of each path), parents before children."""
    seen: dict[str, ResourcePath] = {}
    for path in paths:
        if not path.startswith("/") or "//" in path or (path != ROOT and path.endswith("/")):
            raise ValueError(f"{path!r} is not an API path (/segment/...)")
        parent = ROOT
        for part in [p for p in path.split("/") if p]:
            full = f"{parent.rstrip('/')}/{part}"
            seen.setdefault(full, ResourcePath(full, parent, part))
            parent = full
    return sorted(seen.values(), key=lambda r: (r.path.count("/"), r.path))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "root"


def resource_name(path: str) -> str:
    """Pulumi name part of a resource path (``/teams/{team}`` -> ``teams-team``)."""
    return _slug(path)


def method_name(method: str, path: str) -> str:
    """Pulumi name part of a method (``GET /teams/{team}`` -> ``get-teams-team``)."""
    return f"{method.lower()}-{_slug(path)}"


def deployment_fingerprint(routes: Sequence[tuple[str, str]], public: Iterable[tuple[str, str]],
                           scope: str) -> str:
    """A hash of everything the stage serves from a deployment: the methods, which are public, the
    scope they require."""
    document = {"routes": sorted([list(r) for r in routes]), "public": sorted([list(r) for r in public]),
                "scope": scope}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


ACCESS_LOG_FIELDS: dict[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "time": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "method": "$context.httpMethod",
    "resource": "$context.resourcePath",
    "path": "$context.path",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationStatus": "$context.integrationStatus",
    "clientId": "$context.authorizer.claims.client_id",
    "username": "$context.authorizer.claims.username",  # a person signed in through SSO (empty for machines)
    "authorizerError": "$context.authorizer.error",
    "error": "$context.error.message",
    "wafStatus": "$context.wafResponseCode",
    "traceId": "$context.xrayTraceId",
}
"""Who called (the token's client id and, for a person, user name; never the token), what and how it went."""

ACCESS_LOG_FORMAT = json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))
"""One JSON object per request (API Gateway substitutes the ``$context`` variables)."""


def admin_resources(*, partition: str, region: str, account_id: str, control_table_arn: str,
                    usage_table_arn: str, user_pool_arn: str, publisher_arn: str, application_id: str,
                    environment_id: str, profile_ids: Sequence[str]) -> dict[str, list[str]]:
    """Resource role (``functions/admin_api/permissions.py``) -> the ARNs of this stack it means.

    ``appconfig``: the environment and its deployments (config status), the two profiles and their
    hosted versions (the published content), ARN forms of the AppConfig authorization reference.
    """
    app = f"arn:{partition}:appconfig:{region}:{account_id}:application/{application_id}"
    environment = f"{app}/environment/{environment_id}"
    profiles = [f"{app}/configurationprofile/{p}" for p in profile_ids]
    return {
        "controlTable": [control_table_arn],
        "usageTable": [usage_table_arn],
        "userPool": [user_pool_arn],
        "publisher": [publisher_arn],
        "appconfig": [environment, f"{environment}/deployment/*", *profiles,
                      *[f"{p}/hostedconfigurationversion/*" for p in profiles]],
    }


def stage_arn(partition: str, region: str, rest_api_id: str, stage: str) -> str:
    """The stage's ARN (what a WAF web ACL is associated with)."""
    return f"arn:{partition}:apigateway:{region}::/restapis/{rest_api_id}/stages/{stage}"


def invoke_source_arn(execution_arn: str, stage: Optional[str] = None) -> str:
    """The ``source_arn`` of the function's permission: any method of this API (in ``stage``, or any)."""
    return f"{execution_arn}/{stage or '*'}/*/*"



def api_gateway_logging_policy(*, partition: str, region: str, account_id: str, path_prefix: str) -> Document:
    """What API Gateway's account-level CloudWatch role may do: write the access logs of this
    project's stages (log groups under ``path_prefix``, e.g. ``/ai-gateway``), nothing else.

    An inline policy rather than AWS's AmazonAPIGatewayPushToCloudWatchLogs (every log group of the
    account, and an AttachRolePolicy grant for the deploy role); execution logging, which would
    need groups API Gateway creates itself, stays off.
    """
    groups = f"arn:{partition}:logs:{region}:{account_id}:log-group:{path_prefix}/*"
    return document(
        statement("WriteAccessLogsOfThisProject", [*LOG_WRITE_ACTIONS, "logs:DescribeLogStreams"],
                  [groups, f"{groups}:*"]),
        # DescribeLogGroups has no resource-level permissions.
        statement("FindLogGroups", ["logs:DescribeLogGroups"], "*"),
    )
