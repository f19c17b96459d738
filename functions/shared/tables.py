"""The DynamoDB calls on one table, over an injected low-level client (boto3 only in :func:`dynamodb_client`).

One method per API call, plain dicts in and out (:mod:`functions.shared.dynamo`), no decisions.
Optimistic locking: :meth:`Table.put` takes the ``version`` the caller read (None: the item must
not exist) and raises :class:`StaleItem` when the stored item moved on.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

from . import store
from .dynamo import from_item, to_attr, to_item


class StaleItem(RuntimeError):
    """A conditional write failed: the item exists, is gone, or has another version than expected."""


def dynamodb_client() -> Any:
    """A boto3 DynamoDB client for the Lambda's region (boto3 imported here, from the runtime)."""
    import boto3

    return boto3.client("dynamodb")


def _condition_failed(error: BaseException) -> bool:
    response = getattr(error, "response", None)
    return isinstance(response, dict) and (response.get("Error") or {}).get("Code") == "ConditionalCheckFailedException"


class Table:
    """GetItem, PutItem, DeleteItem, Query and Scan on one table."""

    def __init__(self, client: Any, name: str) -> None:
        self._client = client
        self.name = name

    def get(self, key: Mapping[str, str]) -> Optional[dict[str, Any]]:
        """The item at ``key`` (strongly consistent), or None."""
        response = self._client.get_item(TableName=self.name, Key=to_item(key), ConsistentRead=True)
        item = response.get("Item")
        return from_item(item) if item else None

    def put(self, item: Mapping[str, Any], *, expected_version: Optional[int] = None, new: bool = False,
            unconditional: bool = False) -> None:
        """Write ``item``: new (must not exist), over ``expected_version``, or unconditionally."""
        params: dict[str, Any] = {"TableName": self.name, "Item": to_item(item)}
        if not unconditional:
            params.update(self._condition(new, expected_version))
        self._write(self._client.put_item, params)

    def delete(self, key: Mapping[str, str], *, expected_version: Optional[int] = None) -> None:
        """Delete the item at ``key`` (when it has ``expected_version``, if given; a missing item is fine without)."""
        params: dict[str, Any] = {"TableName": self.name, "Key": to_item(key)}
        if expected_version is not None:
            params.update(self._condition(False, expected_version))
        self._write(self._client.delete_item, params)

    def query(self, pk: str, *, sk_between: Optional[tuple[str, str]] = None, limit: Optional[int] = None,
              start: Optional[Mapping[str, str]] = None) -> tuple[list[dict[str, Any]], Optional[dict[str, str]]]:
        """One page of the partition ``pk`` (sort keys in ``sk_between`` inclusive): items and the next start key."""
        names = {"#pk": store.PK}
        values: dict[str, Any] = {":pk": to_attr(pk)}
        condition = "#pk = :pk"
        if sk_between is not None:
            names["#sk"] = store.SK
            values[":lo"], values[":hi"] = to_attr(sk_between[0]), to_attr(sk_between[1])
            condition += " AND #sk BETWEEN :lo AND :hi"
        params: dict[str, Any] = {"TableName": self.name, "KeyConditionExpression": condition,
                                  "ExpressionAttributeNames": names, "ExpressionAttributeValues": values,
                                  "ConsistentRead": True}
        return self._page(self._client.query, params, limit, start)

    def query_all(self, pk: str, *, sk_between: Optional[tuple[str, str]] = None) -> list[dict[str, Any]]:
        """Every item of the partition ``pk`` (all pages)."""
        items: list[dict[str, Any]] = []
        start = None
        while True:
            page, start = self.query(pk, sk_between=sk_between, start=start)
            items += page
            if start is None:
                return items

    def scan_sort_key(self, sk: str, *, limit: Optional[int] = None,
                      start: Optional[Mapping[str, str]] = None) -> tuple[list[dict[str, Any]], Optional[dict[str, str]]]:
        """One page of the items whose sort key is ``sk`` (teams: the table has no index, and holds few items)."""
        params: dict[str, Any] = {"TableName": self.name, "FilterExpression": "#sk = :sk",
                                  "ExpressionAttributeNames": {"#sk": store.SK},
                                  "ExpressionAttributeValues": {":sk": to_attr(sk)}, "ConsistentRead": True}
        return self._page(self._client.scan, params, limit, start)

    def scan_all(self, sk: str) -> Iterator[dict[str, Any]]:
        """Every item whose sort key is ``sk``."""
        start = None
        while True:
            page, start = self.scan_sort_key(sk, start=start)
            yield from page
            if start is None:
                return

    # --- helpers --------------------------------------------------------------------------

    @staticmethod
    def _condition(new: bool, expected_version: Optional[int]) -> dict[str, Any]:
        if new or expected_version is None:
            return {"ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": {"#pk": store.PK}}
        return {"ConditionExpression": "#v = :v", "ExpressionAttributeNames": {"#v": store.VERSION},
                "ExpressionAttributeValues": {":v": to_attr(expected_version)}}

    @staticmethod
    def _write(call: Any, params: dict[str, Any]) -> None:
        try:
            call(**params)
        except Exception as error:
            if _condition_failed(error):
                raise StaleItem(str(error)) from error
            raise

    def _page(self, call: Any, params: dict[str, Any], limit: Optional[int],
              start: Optional[Mapping[str, str]]) -> tuple[list[dict[str, Any]], Optional[dict[str, str]]]:
        if limit is not None:
            params["Limit"] = limit
        if start:
            params["ExclusiveStartKey"] = to_item(start)
        response = call(**params)
        last = response.get("LastEvaluatedKey")
        return [from_item(i) for i in response.get("Items", [])], (from_item(last) if last else None)
