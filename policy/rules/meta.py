"""Policy construction shared by the rule modules.

``resource_policy`` / ``stack_policy`` build the pulumi_policy objects with the metadata every
policy of this pack carries (id, description, severity, remediation, enforcement level, tags,
config schema) and record the resource types each applies to (``applies_to``, read by the docs
and tests). Nothing here creates resources or starts servers.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .values import InvalidDocument

__all__ = ["EnforcementLevel", "Severity", "lb_types", "resource_policy", "stack_policy"]

Validate = Callable[[Any, ReportViolation], None]


def lb_types(*resources: str) -> frozenset[str]:
    """Both tokens of each load-balancing resource: ``lb/listener:Listener`` gives
    ``aws:lb/listener:Listener`` and its alias module ``aws:alb/listener:Listener``."""
    return frozenset(f"aws:{module}/{resource}" for resource in resources for module in ("lb", "alb"))


def _config_schema(properties: Optional[Mapping[str, Mapping[str, Any]]]) -> Optional[PolicyConfigSchema]:
    return PolicyConfigSchema(properties={k: dict(v) for k, v in properties.items()}) if properties else None


def resource_policy(
    *,
    name: str,
    description: str,
    severity: Severity,
    remediation: str,
    types: Iterable[str],
    validate: Validate,
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config: Optional[Mapping[str, Mapping[str, Any]]] = None,
    tags: Optional[Sequence[str]] = None,
) -> ResourceValidationPolicy:
    """A resource policy that runs ``validate(args, report)`` only for the given types.

    ``config`` is the JSON schema of the policy's properties (with defaults), exactly as
    ``pulumi preview --policy-pack-config`` validates and fills them in.
    """
    applies_to = frozenset(types)

    def _validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.resource_type in applies_to:
            _reporting_invalid_documents(validate, args, report)

    return _policy(ResourceValidationPolicy, _validate, applies_to, name=name, description=description,
                   severity=severity, remediation=remediation, enforcement=enforcement, config=config, tags=tags)


def stack_policy(
    *,
    name: str,
    description: str,
    severity: Severity,
    remediation: str,
    types: Iterable[str],
    validate: Callable[[StackValidationArgs, ReportViolation], None],
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY,
    config: Optional[Mapping[str, Mapping[str, Any]]] = None,
    tags: Optional[Sequence[str]] = None,
) -> StackValidationPolicy:
    """A stack policy; ``types`` documents which resource types it correlates."""

    def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
        _reporting_invalid_documents(validate, args, report)

    return _policy(StackValidationPolicy, _validate, frozenset(types), name=name, description=description,
                   severity=severity, remediation=remediation, enforcement=enforcement, config=config, tags=tags)


def _reporting_invalid_documents(validate: Callable[[Any, ReportViolation], None], args: Any,
                                 report: ReportViolation) -> None:
    """Run a rule; a malformed embedded document (IAM JSON, container JSON) is itself a violation."""
    try:
        validate(args, report)
    except InvalidDocument as exc:
        report(str(exc), None)


def _policy(cls: Any, validate: Callable[[Any, ReportViolation], None], applies_to: frozenset[str], *,
            name: str, description: str, severity: Severity, remediation: str, enforcement: EnforcementLevel,
            config: Optional[Mapping[str, Mapping[str, Any]]], tags: Optional[Sequence[str]]) -> Any:
    policy = cls(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement,
        config_schema=_config_schema(config),
        severity=severity,
        remediation_steps=remediation,
        tags=list(tags) if tags else None,
    )
    policy.applies_to = applies_to  # read by docs and tests
    return policy
