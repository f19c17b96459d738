"""The settings reference table (README) generated from the model."""

from __future__ import annotations

import json
import types
import typing
from typing import Any, Optional

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from .stack import StackSettings

REQUIRED = "required"
"""Default column of a field that has no default (inside an optional block: required when the block is set)."""


def settings_reference() -> list[tuple[str, str, str]]:
    """(key, default, description) for every leaf setting, for the README reference table.

    A block that is off unless given (``network.existing``) has a row of its own and then one row
    per field, so every key a user can write is documented.
    """
    rows: list[tuple[str, str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = f"{prefix}{field.alias or to_camel(name)}"
            doc = (field.description or "").strip()
            sub = _submodel(field.annotation)
            if sub is not None:  # a block that is always there: its fields are the settings
                walk(sub, key + ".")
                continue
            optional_block = _optional_submodel(field.annotation)
            if field.is_required():
                default = REQUIRED
            else:
                value = field.get_default(call_default_factory=True)
                default = json.dumps(_plain(value), default=str)
            rows.append((key, default, doc))
            if optional_block is not None:
                walk(optional_block, key + ".")

    walk(StackSettings, "")
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, mode="json")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _submodel(ann: Any) -> Optional[type[BaseModel]]:
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _optional_submodel(ann: Any) -> Optional[type[BaseModel]]:
    """``Model`` of an ``Optional[Model]`` annotation."""
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(ann) if _submodel(a) is not None]
        if len(models) == 1 and type(None) in typing.get_args(ann):
            return models[0]
    return None
