"""Run the Pulumi program under mocks and record every registration (the offline engine).

Shared by the tests and ``make synth``. ``run_program`` resets the runtime, installs the mocks
and config, runs the program, waits for every registration and apply, and returns an
:class:`Inventory` of what the engine would have seen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Callable, Iterable, Mapping, Optional

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime import rpc, settings as runtime_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _sync_await
from pulumi.runtime.proto import source_pb2

from .fakes import ACCOUNT_ID, computed_attributes, resource_id

SECRET_PLACEHOLDER = "[secret]"
"""What a secret value becomes in every record the harness writes."""
UNKNOWN = rpc.UNKNOWN
"""How a value not yet known during a preview appears in inputs (as CrossGuard sees it)."""

_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_RESOURCE_SIG = rpc._special_resource_sig
_ASSET_SIGS = {rpc._special_asset_sig: "[asset]", rpc._special_archive_sig: "[archive]"}


class UnmockedInvokeError(Exception):
    """The program called a data source the harness does not fake; add it to ``GatewayMocks``."""


@dataclass
class Registration:
    """One resource registration as the engine received it."""

    urn: str
    type: str
    name: str
    parent: Optional[str]
    custom: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    protect: bool
    provider: str
    retain_on_delete: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The inventory row (the shape ARCHITECTURE.md specifies)."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "propertyDependencies": self.property_dependencies,
            "protect": self.protect,
        }


@dataclass
class Inventory:
    """Everything one program run registered, plus its stack outputs."""

    project: str
    stack: str
    resources: list[Registration]
    outputs: dict[str, Any]

    def of_type(self, type_: str) -> list[Registration]:
        """Registrations of one resource type, in registration order."""
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name_suffix: str = "") -> Registration:
        """The single registration of ``type_`` whose name ends with ``name_suffix``."""
        found = [r for r in self.of_type(type_) if r.name.endswith(name_suffix)]
        if len(found) != 1:
            raise AssertionError(f"expected one {type_} named *{name_suffix}, found {[r.name for r in found]}")
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        """The registration with this URN."""
        for r in self.resources:
            if r.urn == urn:
                return r
        raise KeyError(urn)

    def to_json(self) -> dict[str, Any]:
        """``inventory.json`` content."""
        return {
            "project": self.project,
            "stack": self.stack,
            # Registration order depends on when Outputs resolve; URN order is stable across runs.
            "resources": [r.record() for r in sorted(self.resources, key=lambda r: r.urn)],
            "outputs": self.outputs,
        }


def _plain(value: Any) -> Any:
    """Protobuf-JSON value -> inventory value: secrets redacted, references by URN, ints kept."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET_PLACEHOLDER if value.get("value") != UNKNOWN else UNKNOWN
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        if sig in _ASSET_SIGS:
            return _ASSET_SIGS[sig]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def struct_to_plain(struct: Any) -> dict[str, Any]:
    """A registration's serialized property struct as plain, redacted JSON-ready data."""
    return _plain(json_format.MessageToDict(struct)) if struct is not None else {}


class GatewayMocks(pulumi_mocks.Mocks):
    """Per-type fake attributes and the handful of data sources the program calls."""

    def __init__(self, region: str, preview: bool):
        self.region = region
        self.preview = preview

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[Optional[str], dict]:
        rid = resource_id(args.typ, args.name)
        computed = computed_attributes(args.typ, args.name, args.inputs, self.region, rid)
        if self.preview:
            # In a preview the engine knows only the inputs; everything AWS computes is unknown.
            computed = {k: pulumi.output.Unknown() for k in computed if k not in args.inputs}
            return "", {**args.inputs, **computed}
        return computed.pop("id"), {**args.inputs, **computed}

    def call(self, args: pulumi_mocks.MockCallArgs) -> dict:
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/synth", "id": ACCOUNT_ID,
                    "userId": "AIDASYNTH"}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
        if token == "aws:index/getRegion:getRegion":
            return {"region": self.region, "name": self.region, "id": self.region,
                    "endpoint": f"ec2.{self.region}.amazonaws.com", "description": self.region}
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{self.region}{s}" for s in "abc"]
            return {"names": names, "zoneIds": [f"use1-az{i}" for i in (1, 2, 4)], "id": self.region,
                    "groupNames": [self.region]}
        raise UnmockedInvokeError(f"unmocked invoke {token}: add it to tools/harness.py GatewayMocks.call")


class InventoryMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps what each RegisterResource request carried."""

    def __init__(self, mocks: GatewayMocks, targets: Optional[AbstractSet[tuple[str, str]]] = None):
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.targets = targets

    def _skipped_create(self, request) -> bool:
        """Whether a targeted update leaves this create out (providers are always included)."""
        return (self.targets is not None and bool(request.custom)
                and not request.type.startswith("pulumi:providers:")
                and (request.type, request.name) not in self.targets)

    def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if self._skipped_create(request):
            # The engine's answer for a create --target leaves out: no id, every output unknown.
            response = resource_pb2.RegisterResourceResponse(urn=response.urn, id="", unknown=True)
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs={} if request.type == "pulumi:pulumi:Stack" else struct_to_plain(request.object),
                # Sorted: the engine treats these as sets, and a stable order keeps inventories diffable.
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={k: sorted(set(v.urns)) for k, v in sorted(request.propertyDependencies.items())},
                protect=bool(request.protect),
                provider=request.provider,
                retain_on_delete=bool(request.retainOnDelete),
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
            )
        )
        return response


def _resolve_outputs(values: Mapping[str, Any]) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    for key, value in values.items():
        out = pulumi.Output.from_input(value)
        is_secret = _sync_await(out.is_secret())
        known = _sync_await(out.is_known())
        if is_secret:
            resolved[key] = SECRET_PLACEHOLDER
        elif not known:
            resolved[key] = UNKNOWN
        else:
            resolved[key] = json.loads(json.dumps(_sync_await(out.future()), default=str))
    return resolved


def run_program(
    program: Callable[[], Any],
    *,
    project: str = "ai-gateway",
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    secret_keys: Iterable[str] = (),
    preview: bool = False,
    targets: Optional[AbstractSet[tuple[str, str]]] = None,
) -> Inventory:
    """Run ``program`` under mocks with this stack's config and return what it registered.

    ``config`` maps full keys (``ai-gateway:edge``, ``aws:region``) to strings, as the CLI passes
    them (structured values as JSON text). ``targets`` (``(type, name)`` pairs) runs it as a
    targeted ``pulumi up`` of a new stack sees it: every other custom resource is a create the
    engine skips, answered with unknown outputs.
    """
    config = dict(config or {})
    runtime_settings.ROOT.set(None)
    region = config.get("aws:region", "us-east-1")
    mocks = GatewayMocks(region=region, preview=preview)
    monitor = InventoryMonitor(mocks, targets)
    pulumi_mocks.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config(config, secret_keys=list(secret_keys))
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test
    def _run() -> None:
        program()

    # The SDK walks the Python stack for every registration to tell the engine where the resource
    # was declared (source positions in `pulumi preview` output). The mocks record nothing of it,
    # and the walk is a tenth of a run; skip it here only (a real deployment keeps it).
    stack_trace = runtime_resource._get_stack_trace
    runtime_resource._get_stack_trace = source_pb2.StackTrace
    try:
        _run()
        root = runtime_settings.get_root_resource()
        outputs = _resolve_outputs(getattr(root, "outputs", {}) or {})
    finally:
        runtime_resource._get_stack_trace = stack_trace
        pulumi.runtime.set_all_config({}, secret_keys=[])
        runtime_settings.ROOT.set(None)
    return Inventory(project=project, stack=stack, resources=monitor.registrations, outputs=outputs)
