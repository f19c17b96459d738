"""Run the pack through pulumi_policy's own analyzer servicer: the code path the Pulumi CLI drives
over gRPC (Configure, Analyze per resource, AnalyzeStack once), minus the network.

The servicer class is private, so this only backs tests (pulumi-policy is pinned); it proves that
``policy.check.evaluate`` reports what the CLI would.
"""

from __future__ import annotations

from typing import Any, Mapping

from google.protobuf import struct_pb2
from pulumi.runtime import proto
from pulumi_policy.policy import EnforcementLevel, _PolicyAnalyzerServicer

from policy.check import resolve_config
from policy.rules import ALL_POLICIES, PACK_ENFORCEMENT, PACK_NAME

_LEVELS = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory", proto.REMEDIATE: "mandatory"}
_PROTO_LEVEL = {
    EnforcementLevel.ADVISORY: proto.ADVISORY, EnforcementLevel.MANDATORY: proto.MANDATORY,
    EnforcementLevel.REMEDIATE: proto.REMEDIATE, EnforcementLevel.DISABLED: proto.DISABLED,
}


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(value))
    return struct


def run_servicer(inventory: Mapping[str, Any], config: Mapping[str, Any]) -> set[tuple[str, str, str]]:
    """(policy, enforcement, urn) of every diagnostic the servicer produces."""
    servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", ALL_POLICIES, PACK_ENFORCEMENT)
    # The engine sends the reconciled config (defaults filled in) for every policy.
    request = proto.ConfigureAnalyzerRequest()
    for name, resolved in resolve_config(config).items():
        request.policyConfig[name].CopyFrom(proto.PolicyConfig(
            enforcementLevel=_PROTO_LEVEL[resolved.level], properties=_struct(resolved.properties)))
    servicer.Configure(request, None)

    found: set[tuple[str, str, str]] = set()
    rows = inventory["resources"]
    for row in rows:
        response = servicer.Analyze(proto.AnalyzeRequest(
            urn=row["urn"], type=row["type"], name=row["name"], properties=_struct(row.get("inputs") or {}),
            options=proto.AnalyzerResourceOptions(protect=bool(row.get("protect")))), None)
        # Resource diagnostics come back without a URN: the engine attaches the resource's.
        found |= {(d.policyName, _LEVELS[d.enforcementLevel], row["urn"]) for d in response.diagnostics}

    resources = [proto.AnalyzerResource(
        urn=row["urn"], type=row["type"], name=row["name"], properties=_struct(row.get("inputs") or {}),
        parent=row.get("parent") or "", dependencies=row.get("dependencies") or [],
        propertyDependencies={k: proto.AnalyzerPropertyDependencies(urns=v)
                              for k, v in (row.get("propertyDependencies") or {}).items()},
    ) for row in rows]
    response = servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None)
    found |= {(d.policyName, _LEVELS[d.enforcementLevel], d.urn) for d in response.diagnostics}
    return found
