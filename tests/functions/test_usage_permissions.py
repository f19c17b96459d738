"""Each usage function's IAM grants (its permissions.CALLS) are exactly the calls its code makes.

The calls are recorded from the clients while the handlers run their whole repertoire against
moto (every branch that calls AWS, failures included); transactions count as their actions, as
IAM authorizes them. KMS use is implied by the encrypted resources: DynamoDB reads decrypt,
writes also encrypt and generate data keys, SNS and S3 SSE-KMS writes generate data keys.
"""

from __future__ import annotations

import pytest
from moto import mock_aws

from functions.budget_reset import handler as reset_handler, permissions as reset_permissions
from functions.chargeback import handler as chargeback, permissions as chargeback_permissions
from functions.usage_aggregator import handler as aggregator, permissions as aggregator_permissions

from .usage_world import CONTROL_TABLE, NOW, PUBLISHER, USAGE_TABLE, World, batch, request

BUCKET = "ai-gateway-test-reports"
DYNAMODB_READS = {"GetItem", "Scan", "Query"}
IMPLIED_KMS = {
    "dynamodb-read": ("kms:Decrypt",),
    "dynamodb-write": ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"),
    "sns:Publish": ("kms:Decrypt", "kms:GenerateDataKey"),
    "s3:PutObject": ("kms:GenerateDataKey",),
    "lambda:InvokeFunction": (),
}


def granted(world: World) -> dict[str, set[str]]:
    roles = {USAGE_TABLE: "usage_table", CONTROL_TABLE: "control_table", world.topic_arn: "budget_topic",
             PUBLISHER: "publisher", BUCKET: "reports_bucket"}
    used: dict[str, set[str]] = {}
    for service, operation, resource in world.log.calls:
        prefix = {"lambda": "lambda"}.get(service, service)
        action = f"{prefix}:{'InvokeFunction' if operation == 'Invoke' else operation}"
        used.setdefault(roles[resource], set()).add(action)
        kind = (f"dynamodb-{'read' if operation in DYNAMODB_READS else 'write'}" if service == "dynamodb" else action)
        used.setdefault("data_key", set()).update(IMPLIED_KMS[kind])
    return used


@pytest.fixture
def world(aws_credentials, monkeypatch):
    with mock_aws():
        w = World()
        for name, value in {"USAGE_TABLE": USAGE_TABLE, "METRICS_NAMESPACE": "AIGateway", "CONTROL_TABLE": CONTROL_TABLE,
                            "BUDGET_TOPIC_ARN": w.topic_arn, "PUBLISHER_FUNCTION": PUBLISHER,
                            "DEFAULT_THRESHOLDS": "50,100", "REPORTS_BUCKET": BUCKET,
                            "NOTICES_TOPIC_ARN": w.topic_arn}.items():
            monkeypatch.setenv(name, value)
        yield w


def _as_sets(calls: dict[str, tuple[str, ...]]) -> dict[str, set[str]]:
    return {role: set(actions) for role, actions in calls.items()}


@pytest.mark.parametrize("budgets", [False, True])
def test_aggregator_grants_are_its_calls(world, monkeypatch, budgets):
    monkeypatch.setenv("BUDGETS_ENABLED", "true" if budgets else "false")
    world.put_team("alpha")
    world.put_budget("alpha", usd="1", action="block")

    def run(event):
        return aggregator.handler(event, None, clients=world.clients, now=lambda: NOW)

    world.log.calls.clear()
    run(batch([request("alpha", cost="0.6"), request(None)]))
    if budgets:
        original = world.sns.publish  # an alert that cannot be sent deletes its marker
        monkeypatch.setattr(world.sns, "publish", lambda **kw: (_ for _ in ()).throw(RuntimeError("down")))
        world.expect_publish("budget", "budget-enforcer")
        with pytest.raises(RuntimeError):
            run(batch([request("alpha", cost="1")], start_id=10))
        monkeypatch.setattr(world.sns, "publish", original)
        run(batch([request("alpha", cost="1")], start_id=10))
    assert granted(world) == _as_sets(aggregator_permissions.calls(budgets))


def test_budget_reset_grants_are_its_calls(world):
    world.put_team("alpha", status="over-budget")
    world.log.calls.clear()
    world.expect_publish("budget-reset", "budget-reset")
    reset_handler.handler({}, None, clients=world.clients)
    assert granted(world) == _as_sets(reset_permissions.CALLS)


def test_chargeback_grants_are_its_calls(world):
    world.s3.create_bucket(Bucket=BUCKET)
    world.log.calls.clear()
    chargeback.handler({}, None, clients=world.clients, now=lambda: NOW)
    used = granted(world)
    used["notices_topic"] = used.pop("budget_topic")  # one topic serves both in this world
    assert used == _as_sets(chargeback_permissions.CALLS)
