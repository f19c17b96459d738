"""What the budget jobs change on a team: its ``status`` (optimistically, version +1), and the
asynchronous publish that delivers the change to the gateways.

A team's status moves only by a conditional update from the status the caller expects, so two
jobs racing on one team change it once; the caller then asks the publisher to render the store
(``{"source": "store", "reason", "actor"}``, ``InvocationType=Event``: nothing waits for it).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional

from . import store
from .dynamo import error_code, from_item, to_attr, to_item

ACTIVE = "active"
OVER_BUDGET = "over-budget"
STATUS = "status"
UPDATED_AT = "updatedAt"


def iso_now(now: datetime) -> str:
    """``2026-12-02T00:10:33Z``: the timestamp format of the control items."""
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def change_status(ddb: Any, table: str, team: str, *, expected: str, new: str, now: datetime) -> Optional[int]:
    """Set ``team``'s status to ``new`` if it is ``expected`` now; the item's new version, or None
    when the team does not exist (a stack team) or its status is another one."""
    try:
        response = ddb.update_item(
            TableName=table,
            Key=to_item(store.team_key(team)),
            UpdateExpression="SET #s = :new, #u = :now ADD #v :one",
            ConditionExpression="attribute_exists(#pk) AND #s = :expected",
            ExpressionAttributeNames={"#s": STATUS, "#u": UPDATED_AT, "#v": store.VERSION, "#pk": store.PK},
            ExpressionAttributeValues={":new": to_attr(new), ":expected": to_attr(expected),
                                       ":now": to_attr(iso_now(now)), ":one": to_attr(1)},
            ReturnValues="UPDATED_NEW",
        )
    except Exception as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise
    return int(from_item(response["Attributes"])[store.VERSION])


def revert_status(ddb: Any, table: str, team: str, *, version: int, previous: str, now: datetime) -> bool:
    """Undo :func:`change_status` (the publish that should follow it could not be requested), only
    if nobody changed the team since (its version is still ``version``). Whether it was undone."""
    try:
        ddb.update_item(
            TableName=table,
            Key=to_item(store.team_key(team)),
            UpdateExpression="SET #s = :previous, #u = :now ADD #v :one",
            ConditionExpression="#v = :version",
            ExpressionAttributeNames={"#s": STATUS, "#u": UPDATED_AT, "#v": store.VERSION},
            ExpressionAttributeValues={":previous": to_attr(previous), ":version": to_attr(version),
                                       ":now": to_attr(iso_now(now)), ":one": to_attr(1)},
        )
    except Exception as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def publish_event(reason: str, actor: str) -> dict[str, str]:
    """The publisher's store-mode event."""
    return {"source": "store", "reason": reason, "actor": actor}


def request_publish(lambda_client: Any, function_name: str, *, reason: str, actor: str) -> None:
    """Ask the publisher, asynchronously, to render and deliver the store as it is now."""
    lambda_client.invoke(FunctionName=function_name, InvocationType="Event",
                         Payload=json.dumps(publish_event(reason, actor)).encode())
