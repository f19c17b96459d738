"""A read-only view of ``inventory.json``: resources, their components, and lookups across them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Optional

TOP_LEVEL = "(stack)"
"""Component label of resources registered directly under the stack."""


@dataclass(frozen=True)
class Resource:
    """One registration of the inventory."""

    urn: str
    type: str
    name: str
    parent: Optional[str]
    custom: bool
    inputs: Mapping[str, Any]

    def get(self, *path: str, default: Any = None) -> Any:
        """A nested input (``res.get("runtimePlatform", "cpuArchitecture")``), or ``default``."""
        value: Any = self.inputs
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        return value


def urn_type(urn: str) -> str:
    """The resource type encoded in a URN (the last segment of its qualified type)."""
    parts = urn.split("::")
    return parts[2].split("$")[-1] if len(parts) >= 4 else urn


class StackInventory:
    """The resources of one synthesized stack."""

    def __init__(self, doc: Mapping[str, Any]):
        self.project: str = doc.get("project", "")
        self.stack: str = doc.get("stack", "")
        self.outputs: Mapping[str, Any] = doc.get("outputs") or {}
        self.resources: list[Resource] = [
            Resource(urn=r["urn"], type=r["type"], name=r["name"], parent=r.get("parent"),
                     custom=bool(r.get("custom", True)), inputs=r.get("inputs") or {})
            for r in doc.get("resources", [])
        ]

    @property
    def region(self) -> Optional[str]:
        """The stack's region: the ``region`` output, else the AWS provider's input."""
        region = self.outputs.get("region")
        if isinstance(region, str):
            return region
        for res in self.of_type("pulumi:providers:aws"):
            if isinstance(res.inputs.get("region"), str):
                return res.inputs["region"]
        return None

    def cloud_resources(self) -> Iterator[Resource]:
        """Registrations that are cloud resources (components are not)."""
        return (r for r in self.resources if r.custom)

    def of_type(self, type_: str) -> list[Resource]:
        """Resources of one type, in inventory order."""
        return [r for r in self.resources if r.type == type_]

    def component_of(self, res: Resource) -> str:
        """The type of the component a resource belongs to (``ai-gateway:network:Network``)."""
        if not res.parent:
            return TOP_LEVEL
        parent_type = urn_type(res.parent)
        return TOP_LEVEL if parent_type == "pulumi:pulumi:Stack" else parent_type
