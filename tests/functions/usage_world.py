"""A usage world for the aggregator, budget and chargeback tests: access-log lines built from the
renderer's field names, subscription events, and moto tables, topic and a queue that reads the
topic; the publisher's Invoke through botocore's Stubber; every AWS call recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

import boto3
from botocore.stub import Stubber

from functions.shared import store
from functions.usage_aggregator import envelope
from gateway_config.render import LOG_FIELDS

REGION = "us-east-1"
USAGE_TABLE = "ai-gateway-test-usage"
CONTROL_TABLE = "ai-gateway-test-control"
PUBLISHER = "ai-gateway-test-publisher"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


def access_line(**fields: Any) -> str:
    """A JSON access-log line: ``fields`` by logical name (:data:`LOG_FIELDS`), plus the fields
    agentgateway always writes; a value of None leaves the field out."""
    line = {LOG_FIELDS["time"]: "2026-12-02T10:00:00.000Z", LOG_FIELDS["level"]: "info",
            LOG_FIELDS["scope"]: "request", LOG_FIELDS["method"]: "POST", LOG_FIELDS["path"]: "/v1/messages",
            LOG_FIELDS["status"]: 200, LOG_FIELDS["duration"]: "812ms", LOG_FIELDS["route"]: "default/llm"}
    for name, value in fields.items():
        key = LOG_FIELDS[name]
        if value is None:
            line.pop(key, None)
        else:
            line[key] = value
    return json.dumps(line)


def request(team: Optional[str], *, model: str = "claude-sonnet-4", input_tokens: Any = 100, output_tokens: Any = 50,
            cost: Any = 0.01, client: Optional[str] = None, **more: Any) -> str:
    """A counted request of ``team`` (None: a client no team owns)."""
    return access_line(team=team, client_id=client or f"client-{team or 'stranger'}", model=model,
                       provider="anthropic", input_tokens=input_tokens, output_tokens=output_tokens,
                       total_tokens=None, cost_usd=cost, **more)


def batch(messages: list[str], *, start_id: int = 1, when: datetime = NOW,
          message_type: str = envelope.DATA_MESSAGE) -> dict[str, Any]:
    """The subscription event CloudWatch Logs sends for ``messages`` (ids ``start_id``...)."""
    ms = int(when.timestamp() * 1000)
    return envelope.encode({
        "messageType": message_type, "owner": "123456789012", "logGroup": "/ai-gateway/test/gateway",
        "logStream": "gateway/agentgateway/task1", "subscriptionFilters": ["usage"],
        "logEvents": [{"id": f"{start_id + i:056d}", "timestamp": ms + i, "message": m}
                      for i, m in enumerate(messages)],
    })


@dataclass
class CallLog:
    """Every AWS operation the code made: (service, operation, resource name), transactions
    expanded into their actions."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def attach(self, client: Any) -> Any:
        client.meta.events.register("provide-client-params.*.*", self._record)
        return client

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        service = model.service_model.endpoint_prefix
        operation = model.name
        if operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                (kind, body), = action.items()
                self.calls.append(("dynamodb", {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                                                "ConditionCheck": "ConditionCheckItem"}[kind], body["TableName"]))
            return
        resource = (params.get("TableName") or params.get("TopicArn") or params.get("FunctionName")
                    or params.get("Bucket") or "")
        self.calls.append((service, operation, resource))


class World:
    """moto tables, topic and queue (inside ``mock_aws``), a stubbed Lambda client, a call log."""

    def __init__(self) -> None:
        self.log = CallLog()
        self.ddb = self.log.attach(boto3.client("dynamodb", region_name=REGION))
        self.sns = self.log.attach(boto3.client("sns", region_name=REGION))
        self.s3 = self.log.attach(boto3.client("s3", region_name=REGION))
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.lambda_client = self.log.attach(boto3.client("lambda", region_name=REGION))
        self.stubber = Stubber(self.lambda_client)
        self.stubber.activate()
        for table in (USAGE_TABLE, CONTROL_TABLE):
            self.ddb.create_table(
                TableName=table, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": store.PK, "KeyType": "HASH"}, {"AttributeName": store.SK, "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": store.PK, "AttributeType": "S"},
                                      {"AttributeName": store.SK, "AttributeType": "S"}])
        self.topic_arn = self.sns.create_topic(Name="ai-gateway-test-usage-notices")["TopicArn"]
        queue = self.sqs.create_queue(QueueName="notices")["QueueUrl"]
        self.queue_url = queue
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=queue_arn,
                           Attributes={"RawMessageDelivery": "false"})
        self.log.calls.clear()

    def clients(self, service: str) -> Any:
        return {"dynamodb": self.ddb, "sns": self.sns, "lambda": self.lambda_client, "s3": self.s3}[service]

    # --- control items ------------------------------------------------------------------------
    def put_team(self, name: str, *, status: str = "active", version: int = 1) -> None:
        self.ddb.put_item(TableName=CONTROL_TABLE, Item=_item({
            **store.team_key(name), "name": name, "clientIds": [f"client-{name}"], "tier": "standard",
            "status": status, "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z",
            store.VERSION: version}))

    def put_budget(self, team: str, *, usd: str, thresholds: Optional[list[int]] = None, action: str = "alert",
                   tokens: Optional[int] = None) -> None:
        item: dict[str, Any] = {**store.budget_key(team), "monthlyUsd": usd, "action": action, store.VERSION: 1}
        if thresholds is not None:
            item["thresholds"] = thresholds
        if tokens is not None:
            item["monthlyTokens"] = tokens
        self.ddb.put_item(TableName=CONTROL_TABLE, Item=_item(item, numbers=("monthlyUsd", "monthlyTokens")))

    def team(self, name: str) -> dict[str, Any]:
        from functions.shared.dynamo import from_item, to_item
        return from_item(self.ddb.get_item(TableName=CONTROL_TABLE, Key=to_item(store.team_key(name)))["Item"])

    def counters(self, team: str, period: str, model: Optional[str] = None) -> Optional[dict[str, Any]]:
        from functions.shared.dynamo import from_item, to_item
        item = self.ddb.get_item(TableName=USAGE_TABLE, Key=to_item(store.usage_key(team, period, model))).get("Item")
        return from_item(item)

    # --- what went out ------------------------------------------------------------------------
    def notices(self) -> list[dict[str, Any]]:
        """The topic's messages so far (drained from the queue)."""
        messages = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return messages
            for m in got:
                messages.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])

    def expect_publish(self, reason: str, actor: str) -> None:
        """The next Lambda call is the asynchronous store publish."""
        self.stubber.add_response(
            "invoke", {"StatusCode": 202},
            {"FunctionName": PUBLISHER, "InvocationType": "Event",
             "Payload": json.dumps({"source": "store", "reason": reason, "actor": actor}).encode()})

    def expect_publish_failure(self) -> None:
        self.stubber.add_client_error("invoke", service_error_code="TooManyRequestsException", http_status_code=429)


def _item(values: dict[str, Any], numbers: tuple[str, ...] = ()) -> dict[str, Any]:
    from decimal import Decimal

    from functions.shared.dynamo import to_item
    return to_item({k: Decimal(v) if k in numbers and isinstance(v, str) else v for k, v in values.items()})
