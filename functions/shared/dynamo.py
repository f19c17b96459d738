"""DynamoDB's typed attribute values for the low-level client, without importing boto3.

The functions use the low-level client (transactions and conditions need it) and write its wire
format themselves: strings, whole numbers and decimals (money is ``decimal.Decimal``, never a
float), string lists and maps. Reading turns numbers back into ``int`` or ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping


def to_attr(value: Any) -> dict[str, Any]:
    """One Python value as a DynamoDB attribute value."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, Decimal)):
        return {"N": str(value)}
    if isinstance(value, (list, tuple)):
        return {"L": [to_attr(v) for v in value]}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_attr(v) for k, v in value.items()}}
    if value is None:
        return {"NULL": True}
    raise TypeError(f"no DynamoDB form for {type(value).__name__}")


def to_item(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A whole item (or key) in the wire format."""
    return {name: to_attr(v) for name, v in values.items()}


def from_attr(attr: Mapping[str, Any]) -> Any:
    """One DynamoDB attribute value as Python (numbers: ``int`` when whole, else ``Decimal``)."""
    (kind, value), = attr.items()
    if kind == "S":
        return value
    if kind == "N":
        return int(value) if value.lstrip("-").isdigit() else Decimal(value)
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "L":
        return [from_attr(v) for v in value]
    if kind == "M":
        return {k: from_attr(v) for k, v in value.items()}
    if kind == "SS":
        return list(value)
    if kind == "NS":
        return [Decimal(v) for v in value]
    raise TypeError(f"unsupported DynamoDB attribute type {kind}")


def from_item(item: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A whole item as Python, or None for no item."""
    return None if item is None else {name: from_attr(v) for name, v in item.items()}


def error_code(error: BaseException) -> str:
    """The AWS error code of a botocore ``ClientError`` (empty for anything else)."""
    response = getattr(error, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))
