"""IAM documents of the gateway service: trust, execution role, task role, secrets key.

Pure functions over plain strings (the component resolves ARNs first). Each grant is what a
caller in the task actually invokes, on the resources this stack owns:

- **execution role** (the ECS agent, before the containers start): pull from this stack's ECR
  repository, create streams and put events in the gateway and collector log groups (awslogs
  driver), read this stack's provider-key secrets and decrypt them through Secrets Manager only.
- **task role** (the running containers): agentgateway calls Bedrock (``InvokeModel*`` on the
  configured models and inference profiles, ``CountTokens`` on the pinned model when Bedrock is
  the one counting, ``ApplyGuardrail`` on the configured guardrail); the AppConfig agent reads
  this stack's two profiles (``components.renderers.function_policies.appconfig_agent_statements``);
  the ADOT collector calls what its exporters call, derived from the rendered collector config
  (:func:`collector_statements`), nothing else.

Wildcard resources are used only where the action has no resource-level permissions
(``ecr:GetAuthorizationToken``, X-Ray trace upload); no action is a wildcard. No AWS managed
policy is attached anywhere (``AmazonECSTaskExecutionRolePolicy`` grants ECR and Logs on ``*``).

Log-stream resources are written ``<log group ARN>:*``. That matches the stream ARNs
(``...:log-group:<name>:log-stream:<stream>``) used by ``PutLogEvents`` and also the legacy
``...:log-group:<name>:*`` form against which ``CreateLogStream`` is authorized; the narrower
``:log-stream:*`` pattern does not match the latter, and the awslogs driver calls
``CreateLogStream`` at every container start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

from components.renderers.agentgateway_config import bedrock_counts_tokens
from components.settings import BEDROCK_GEO_PREFIXES, StackSettings

from .policy_documents import Document, account_root, assume_role_policy, document, statement

ECS_TASKS = "ecs-tasks.amazonaws.com"

ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
BEDROCK_INVOKE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
BEDROCK_COUNT_ACTIONS = ("bedrock:CountTokens",)
"""What agentgateway calls for ``/v1/messages/count_tokens`` on a Bedrock Claude model (docs/adr/0010)."""

KEY_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:Delete*", "kms:Describe*", "kms:Disable*", "kms:Enable*",
    "kms:Get*", "kms:List*", "kms:Put*", "kms:Revoke*", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion",
    "kms:TagResource", "kms:UntagResource", "kms:Update*",
)
"""Key administration for the account (no cryptographic operation, no grant creation)."""
SECRETS_KEY_CRYPTO_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*")
"""What Secrets Manager does with the key on a caller's behalf (create, put and get secret values)."""

_GEO_PROFILE = re.compile(r"^(?P<geo>[a-z]+)\.(?P<model>[a-z0-9-]+\.[a-z0-9][a-z0-9.:-]*)$")
_APP_PROFILE_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:application-inference-profile/[a-z0-9]+$")
_BEDROCK_SHAPED = re.compile(r"^[a-z0-9-]+\.[a-z0-9][a-z0-9.-]*:\d+$")
"""A model alias target that is a Bedrock model id: ``<vendor>.<model>:<n>``, optionally geo-prefixed."""
_GUARDRAIL_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail/[a-z0-9]{12}$")


# --- trust ------------------------------------------------------------------------------------


def ecs_tasks_trust_policy(account_id: str) -> Document:
    """Trust of both task roles: ECS tasks of this account only (confused-deputy guard)."""
    return assume_role_policy(ECS_TASKS, source_account=account_id)


# --- secrets key --------------------------------------------------------------------------------


def secrets_key_policy(partition: str, region: str, account_id: str) -> Document:
    """Key policy of the provider-key CMK.

    The account administers the key, and principals of the account (when their IAM policy also
    allows it) may use it for cryptography only through Secrets Manager of this region. Nobody
    can call ``kms:Decrypt`` on it directly, so reading a key always goes through
    ``secretsmanager:GetSecretValue`` (which is logged and scoped per secret).
    """
    root = account_root(partition, account_id)
    return document(
        statement("AccountAdministration", list(KEY_ADMIN_ACTIONS), "*", principal=root),
        statement(
            "UseThroughSecretsManagerOfThisRegion",
            list(SECRETS_KEY_CRYPTO_ACTIONS),
            "*",
            principal=root,
            condition={"StringEquals": {
                "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                "kms:CallerAccount": account_id,
            }},
        ),
    )



TABLES_KEY_CRYPTO_ACTIONS = ("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                             "kms:ReEncrypt*")
"""What DynamoDB does with a table's key for the account's principals (create the table's grant,
read and write items)."""


def tables_key_policy(partition: str, region: str, account_id: str,
                      services: Sequence[str] = ("dynamodb",)) -> Document:
    """Key policy of the control plane's CMK: administered by the account, usable for cryptography
    only through ``services`` of this region (DynamoDB for the tables; SNS and S3 too when the usage
    notices topic and the chargeback reports use it), and only by principals whose IAM policy also
    allows it, so nobody decrypts control-plane data outside those services."""
    root = account_root(partition, account_id)
    via = [f"{service}.{region}.amazonaws.com" for service in services]
    return document(
        statement("AccountAdministration", list(KEY_ADMIN_ACTIONS), "*", principal=root),
        statement(
            "UseThroughDynamoDBOfThisRegion" if list(services) == ["dynamodb"] else "UseThroughItsServicesOfThisRegion",
            list(TABLES_KEY_CRYPTO_ACTIONS),
            "*",
            principal=root,
            condition={"StringEquals": {
                "kms:ViaService": via[0] if len(via) == 1 else via,
                "kms:CallerAccount": account_id,
            }},
        ),
    )

# --- execution role -------------------------------------------------------------------------------


def log_stream_resources(log_group_arns: Iterable[str]) -> list[str]:
    """Stream-level resources of log groups (see the module docstring for the ``:*`` form)."""
    return [f"{arn}:*" for arn in log_group_arns]


def execution_role_policy(
    *,
    region: str,
    repository_arn: str,
    log_group_arns: Sequence[str],
    secret_arns: Sequence[str],
    secrets_key_arn: Optional[str],
) -> Document:
    """What the ECS agent needs to start the task: image pull, awslogs, secrets injection."""
    statements = [
        # GetAuthorizationToken has no resource-level permissions: Resource must be "*".
        statement("EcrAuthorizationToken", ["ecr:GetAuthorizationToken"], "*"),
        # The default images come from ghcr.io / ECR Public (no IAM); this covers images mirrored
        # into the stack's own repository, and nothing else in the registry.
        statement("PullFromThisStacksRepository", list(ECR_PULL_ACTIONS), [repository_arn]),
        statement("WriteContainerLogs", list(LOG_WRITE_ACTIONS), log_stream_resources(log_group_arns)),
    ]
    if secret_arns:
        if not secrets_key_arn:
            raise ValueError("secret_arns given without the key that encrypts them")
        statements += [
            statement("ReadProviderKeySecrets", ["secretsmanager:GetSecretValue"], list(secret_arns)),
            statement(
                "DecryptProviderKeysThroughSecretsManager",
                ["kms:Decrypt"],
                [secrets_key_arn],
                condition={"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
            ),
        ]
    return document(*statements)


# --- Bedrock ----------------------------------------------------------------------------------------


def is_bedrock_model_id(model: str) -> bool:
    """Whether a model alias target names a Bedrock model (so the task role must be able to call it).

    Bedrock ids are ``<vendor>.<model>:<version>`` (``anthropic.claude-...-v1:0``,
    ``openai.gpt-oss-120b-1:0``), optionally with a cross-region geo prefix, or an application
    inference profile ARN. Other providers' names (``gpt-4.1``, ``claude-sonnet-4-20250514``,
    ``gemini-2.5-pro``) have no ``:<version>`` suffix. A Bedrock id without a version suffix
    (older Titan ids) must be listed in ``providers.bedrock.allowedModels``.
    """
    if _APP_PROFILE_ARN.match(model):
        return True
    geo = _GEO_PROFILE.match(model)
    if geo and geo.group("geo") in BEDROCK_GEO_PREFIXES:
        model = geo.group("model")
    return bool(_BEDROCK_SHAPED.match(model))


def bedrock_model_ids(settings: StackSettings) -> list[str]:
    """Model ids the task role may invoke: the pinned model, ``allowedModels`` and Bedrock alias targets.

    Empty when Bedrock is disabled. Order: as configured, without repeats.
    """
    bedrock = settings.providers.bedrock
    if not bedrock.enabled:
        return []
    candidates = [bedrock.model, *bedrock.allowed_models]
    candidates += [t for t in settings.routing.model_aliases.values() if is_bedrock_model_id(t)]
    return list(dict.fromkeys(candidates))


@dataclass(frozen=True)
class BedrockGrants:
    """Resources of the Bedrock invoke statements."""

    direct: tuple[str, ...]
    """Invoked as named: inference profiles, application inference profiles, single-region models."""
    through_profiles: tuple[str, ...]
    """Foundation models in the regions the profiles route to (usable only through a profile)."""
    profiles: tuple[str, ...]
    """Profile ARNs (system and application) the routed foundation models are conditioned on."""


def _geo_region_pattern(prefix: str) -> str:
    if prefix == "":
        return "*"  # global profiles route to any commercial region
    return f"{prefix}*" if prefix.endswith("-") else prefix


def bedrock_grants(model_ids: Iterable[str], *, partition: str, region: str, account_id: str) -> BedrockGrants:
    """ARNs for invoking ``model_ids`` from ``region`` (the Bedrock region).

    - ``us.anthropic.claude-...`` (cross-region inference profile): the profile in ``region``, and
      the foundation model ``anthropic.claude-...`` in every region of the geography
      (``arn:...:bedrock:us-*::foundation-model/...``; ``global.`` profiles: any region), the
      latter only when invoked through one of the profiles (``bedrock:InferenceProfileArn``).
    - ``anthropic.claude-...`` (foundation model): that model in ``region``.
    - an application inference profile ARN: that ARN. The model or profile it wraps must be
      listed too (``allowedModels``), which grants its own ARNs as above.
    """
    direct: list[str] = []
    routed: list[str] = []
    profiles: list[str] = []
    for model in model_ids:
        if _APP_PROFILE_ARN.match(model):
            direct.append(model)
            profiles.append(model)
            continue
        geo = _GEO_PROFILE.match(model)
        if geo and geo.group("geo") in BEDROCK_GEO_PREFIXES:
            profile = f"arn:{partition}:bedrock:{region}:{account_id}:inference-profile/{model}"
            direct.append(profile)
            profiles.append(profile)
            for prefix in BEDROCK_GEO_PREFIXES[geo.group("geo")]:
                region_glob = _geo_region_pattern(prefix)
                routed.append(f"arn:{partition}:bedrock:{region_glob}::foundation-model/{geo.group('model')}")
            continue
        direct.append(f"arn:{partition}:bedrock:{region}::foundation-model/{model}")
    unique = lambda xs: tuple(dict.fromkeys(xs))  # noqa: E731
    return BedrockGrants(direct=unique(direct), through_profiles=unique(routed), profiles=unique(profiles))


def guardrail_arn(identifier: str, *, partition: str, region: str, account_id: str) -> str:
    """ARN of a guardrail given by id (in ``region``) or by ARN (kept as is)."""
    if _GUARDRAIL_ARN.match(identifier):
        return identifier
    return f"arn:{partition}:bedrock:{region}:{account_id}:guardrail/{identifier}"


def bedrock_statements(
    settings: StackSettings, *, partition: str, bedrock_region: str, guardrail_region: Optional[str], account_id: str,
    guardrail_id: Optional[str] = None,
) -> list[dict[str, Any]]:
    """Task-role statements for Bedrock (none when Bedrock is disabled and guardrails are off)."""
    statements: list[dict[str, Any]] = []
    grants = bedrock_grants(bedrock_model_ids(settings), partition=partition, region=bedrock_region, account_id=account_id)
    if grants.direct:
        statements.append(statement("InvokeConfiguredModels", list(BEDROCK_INVOKE_ACTIONS), list(grants.direct)))
    if grants.through_profiles:
        statements.append(statement(
            "InvokeFoundationModelsThroughInferenceProfiles",
            list(BEDROCK_INVOKE_ACTIONS),
            list(grants.through_profiles),
            condition={"StringEquals": {"bedrock:InferenceProfileArn": sorted(grants.profiles)}},
        ))
    pinned = settings.providers.bedrock.model
    if settings.providers.bedrock.enabled and bedrock_counts_tokens(pinned):
        # count_tokens goes to Bedrock only for a foundation-model id (else it is rerouted), and
        # the provider is pinned, so the pinned model is the only one ever counted.
        counted = bedrock_grants([pinned], partition=partition, region=bedrock_region, account_id=account_id)
        statements.append(statement("CountTokensOfThePinnedModel", list(BEDROCK_COUNT_ACTIONS), list(counted.direct)))
    if settings.guardrails.enabled:
        # The created guardrail's id (guardrail_id), or the existing one from settings.
        identifier = guardrail_id if settings.guardrails.managed else settings.guardrails.identifier
        if not (identifier and guardrail_region):
            raise ValueError("guardrails are enabled without an identifier and region")
        arn = guardrail_arn(identifier, partition=partition, region=guardrail_region,
                            account_id=account_id)
        statements.append(statement("ApplyConfiguredGuardrail", ["bedrock:ApplyGuardrail"], [arn]))
    return statements


# --- collector -----------------------------------------------------------------------------------------

XRAY_EXPORTER_ACTIONS = ("xray:PutTraceSegments",)
XRAY_TELEMETRY_ACTIONS = ("xray:PutTelemetryRecords",)
XRAY_SAMPLING_ACTIONS = ("xray:GetSamplingRules", "xray:GetSamplingTargets")
_LOG_EXPORTERS = ("awsemf", "awscloudwatchlogs")


def _component_type(component_id: str) -> str:
    return component_id.split("/", 1)[0]


def collector_statements(collector_config: Mapping[str, Any], log_group_arns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Task-role statements for exactly the AWS calls the rendered collector config makes.

    - ``awsxray`` exporter: ``xray:PutTraceSegments`` (+ ``PutTelemetryRecords`` when its
      ``telemetry`` is enabled). X-Ray has no resource-level permissions: Resource ``*``.
    - ``awsemf`` / ``awscloudwatchlogs`` exporters: ``logs:CreateLogStream`` and
      ``logs:PutLogEvents`` on their ``log_group_name``, which must be a group the program created
      (``log_group_arns``: name -> ARN). No ``logs:CreateLogGroup``: the exporters call it only
      when the group is missing, and an unencrypted, never-expiring group must not appear.
      No ``cloudwatch:PutMetricData``: awsemf writes EMF log events, CloudWatch makes the metrics.
    - ``awsproxy`` extension: ``xray:GetSamplingRules`` / ``GetSamplingTargets``. Nothing in the
      task uses X-Ray centralized sampling today (agentgateway samples by ratio), so these are
      not granted unless the extension is configured.

    Only components referenced by ``service`` count. An ``aws*`` exporter or extension without a
    mapping here raises ``ValueError``, so a new exporter cannot ship without its grant.
    """
    service = collector_config.get("service", {})
    exporters_cfg = collector_config.get("exporters", {})
    used_exporters = sorted({e for p in service.get("pipelines", {}).values() for e in p.get("exporters", [])})
    used_extensions = sorted(service.get("extensions", []))
    xray: list[str] = []
    log_groups: list[str] = []
    for exporter in used_exporters:
        kind = _component_type(exporter)
        cfg = exporters_cfg.get(exporter) or {}
        if kind == "awsxray":
            xray += XRAY_EXPORTER_ACTIONS
            if (cfg.get("telemetry") or {}).get("enabled"):
                xray += XRAY_TELEMETRY_ACTIONS
        elif kind in _LOG_EXPORTERS:
            group = cfg.get("log_group_name")
            if group not in log_group_arns:
                raise ValueError(
                    f"collector exporter {exporter} writes to log group {group!r}, which the stack does not create"
                )
            log_groups.append(log_group_arns[group])
        elif kind.startswith("aws"):
            raise ValueError(f"collector exporter {exporter} has no IAM mapping in iam_policies.collector_statements")
    for extension in used_extensions:
        kind = _component_type(extension)
        if kind == "awsproxy":
            xray += XRAY_SAMPLING_ACTIONS
        elif kind.startswith("aws") or kind == "sigv4auth":
            raise ValueError(f"collector extension {extension} has no IAM mapping in iam_policies.collector_statements")
    statements: list[dict[str, Any]] = []
    if xray:
        # X-Ray trace and sampling APIs support no resource-level permissions: Resource must be "*".
        statements.append(statement("XRayTraces", sorted(set(xray)), "*"))
    if log_groups:
        statements.append(
            statement("CollectorWritesMetricLogs", list(LOG_WRITE_ACTIONS), log_stream_resources(log_groups))
        )
    return statements


# --- task role --------------------------------------------------------------------------------------------


def task_role_policy(
    settings: StackSettings,
    *,
    partition: str,
    account_id: str,
    bedrock_region: str,
    guardrail_region: Optional[str],
    collector_config: Mapping[str, Any],
    log_group_arns: Mapping[str, str],
    guardrail_id: Optional[str] = None,
    extra: Sequence[dict[str, Any]] = (),
) -> Optional[Document]:
    """What the running containers call; ``None`` when they call nothing on AWS.

    ``guardrail_id`` is the id of the guardrail the stack created, when it created one; ``extra``
    are the statements of the other sidecars (the AppConfig agent's reads).
    """
    statements = bedrock_statements(
        settings, partition=partition, bedrock_region=bedrock_region, guardrail_region=guardrail_region,
        account_id=account_id, guardrail_id=guardrail_id,
    )
    statements += collector_statements(collector_config, log_group_arns)
    statements += list(extra)
    return document(*statements) if statements else None


def actions_of(doc: Document) -> list[str]:
    """Every action in a document (for checks and tests)."""
    out: list[str] = []
    for st in doc["Statement"]:
        actions = st["Action"]
        out += [actions] if isinstance(actions, str) else list(actions)
    return out
