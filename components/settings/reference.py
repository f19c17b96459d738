"""The settings reference table (README) generated from the model."""

from __future__ import annotations

import json
from typing import Any, Optional

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from .network import ExistingVpc
from .stack import StackSettings


def settings_reference() -> list[tuple[str, str, str]]:
    """(key, default, description) for every leaf setting, for the README reference table."""
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = f"{prefix}{field.alias or to_camel(name)}"
            ann = field.annotation
            sub = _submodel(ann)
            if sub is not None and sub is not ExistingVpc:
                walk(sub, key + ".")
                continue
            default = None if field.is_required() else field.default
            if isinstance(default, BaseModel):
                default = default.model_dump(by_alias=True, mode="json")
            rows.append((key, json.dumps(default, default=str), (field.description or "").strip()))

    walk(StackSettings, "")
    return rows


def _submodel(ann: Any) -> Optional[type[BaseModel]]:
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
