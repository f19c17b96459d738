"""DynamoDB attribute values <-> plain Python, without boto3 (the zips import it only for clients).

The functions use the low-level client (transactions and conditions need it) and write its wire
format themselves: strings, whole numbers and decimals (money is ``decimal.Decimal``, never a
float: floats are refused), booleans, None, lists and string-keyed maps. Numbers read back as
``int`` when whole, else ``Decimal``; :func:`plain` does the same for values built elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping


def to_attr(value: Any) -> dict[str, Any]:
    """One Python value as a DynamoDB AttributeValue."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, (int, Decimal)):
        return {"N": str(value)}
    if isinstance(value, (list, tuple)):
        return {"L": [to_attr(v) for v in value]}
    if isinstance(value, Mapping):
        return {"M": {str(k): to_attr(v) for k, v in value.items()}}
    raise TypeError(f"cannot store a {type(value).__name__} in DynamoDB (use Decimal for numbers)")


def from_attr(attr: Mapping[str, Any]) -> Any:
    """One DynamoDB AttributeValue as a Python value (numbers: ``int`` when whole, else ``Decimal``)."""
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
        return sorted(value)
    if kind == "NS":
        return sorted(Decimal(v) for v in value)
    raise TypeError(f"unsupported DynamoDB attribute type {kind}")


def to_item(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A Python mapping (an item or a key) as a DynamoDB item."""
    return {k: to_attr(v) for k, v in values.items()}


def from_item(item: Mapping[str, Mapping[str, Any]] | None) -> dict[str, Any] | None:
    """A DynamoDB item as a Python dict, or None for no item."""
    return None if item is None else {k: from_attr(v) for k, v in item.items()}


def plain(value: Any) -> Any:
    """``Decimal`` integers as ``int``, recursively (what JSON and the pydantic models want)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def error_code(error: BaseException) -> str:
    """The AWS error code of a botocore ``ClientError`` (empty for anything else)."""
    response = getattr(error, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))
