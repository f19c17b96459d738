"""The monthly chargeback: the numbers of the CSV and summary, and what goes to S3 and SNS."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from moto import mock_aws

from functions.chargeback import handler as chargeback, report
from functions.usage_aggregator import handler as aggregator

from .usage_world import USAGE_TABLE, World, batch, request

BUCKET = "ai-gateway-test-reports"
NOVEMBER = datetime(2026, 11, 15, 12, tzinfo=timezone.utc)
OCTOBER = datetime(2026, 10, 10, 12, tzinfo=timezone.utc)
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 2, tzinfo=timezone.utc)


@pytest.fixture
def world(aws_credentials, monkeypatch):
    for name, value in {"USAGE_TABLE": USAGE_TABLE, "METRICS_NAMESPACE": "AIGateway", "BUDGETS_ENABLED": "false",
                        "REPORTS_BUCKET": BUCKET}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        w = World()
        w.s3.create_bucket(Bucket=BUCKET)
        monkeypatch.setenv("NOTICES_TOPIC_ARN", w.topic_arn)
        yield w


def count(world, messages, when, start_id):
    aggregator.handler(batch(messages, when=when, start_id=start_id), None, clients=world.clients, now=lambda: when)


def test_the_report_has_each_teams_totals_models_and_change_from_the_month_before(world):
    count(world, [request("alpha", cost="2.50", model="m1"), request("alpha", cost="1.50", model="m2", input_tokens=10),
                  request("beta", cost="1", model="m1")], NOVEMBER, 1)
    count(world, [request("alpha", cost="2", model="m1"), request("gamma", cost="3", model="m1")], OCTOBER, 100)
    result = chargeback.handler({}, None, clients=world.clients, now=lambda: FIRST_OF_DECEMBER)
    assert result["month"] == "2026-11" and result["teams"] == ["alpha", "beta", "gamma"]

    body = world.s3.get_object(Bucket=BUCKET, Key="chargeback/2026-11/chargeback.csv")["Body"].read().decode()
    rows = {(r["team"], r["model"]): r for r in csv.DictReader(io.StringIO(body))}
    alpha = rows[("alpha", report.ALL_MODELS)]
    assert (alpha["requests"], alpha["inputTokens"], alpha["outputTokens"]) == ("2", "110", "100")
    assert (alpha["costUsd"], alpha["previousCostUsd"], alpha["changeUsd"], alpha["changePercent"]) == \
        ("4.000000", "2.000000", "2.000000", "100.0")
    assert rows[("alpha", "m2")]["changePercent"] == ""  # nothing the month before
    assert rows[("beta", report.ALL_MODELS)]["previousCostUsd"] == "0.000000"
    gamma = rows[("gamma", report.ALL_MODELS)]
    assert (gamma["costUsd"], gamma["changeUsd"], gamma["changePercent"]) == ("0.000000", "-3.000000", "-100.0")
    assert list(rows) == [("alpha", "(all)"), ("alpha", "m1"), ("alpha", "m2"), ("beta", "(all)"), ("beta", "m1"),
                          ("gamma", "(all)")]

    summary = world.s3.get_object(Bucket=BUCKET, Key="chargeback/2026-11/summary.md")["Body"].read().decode()
    assert summary.startswith("# Chargeback 2026-11\n")
    assert "Total spend: 5.00 USD (+0.00 USD, +0.0 % from 2026-10)." in summary
    assert "| alpha | 2 | 110 | 100 | 4.00 | +2.00 | +100.0 % |" in summary
    assert "| beta | 1 | 100 | 50 | 1.00 | +1.00 | new |" in summary
    notice, = world.notices()
    assert notice["Subject"] == "Chargeback report 2026-11"
    assert f"s3://{BUCKET}/chargeback/2026-11/chargeback.csv" in notice["Message"]
    assert notice["MessageAttributes"]["kind"]["Value"] == "chargeback-report"


def test_a_month_can_be_reported_again_and_nothing_else_is_accepted():
    assert chargeback.report_month({"month": "2026-01"}, FIRST_OF_DECEMBER) == "2026-01"
    assert chargeback.report_month({}, datetime(2027, 1, 1, tzinfo=timezone.utc)) == "2026-12"
    for bad in ({"month": "2026-13"}, {"month": 202601}, {"team": "alpha"}):
        with pytest.raises(chargeback.BadRequest):
            chargeback.report_month(bad, FIRST_OF_DECEMBER)


def test_a_month_without_usage_still_reports():
    assert report.rows("2026-11", {}, {}) == []
    text = report.summary_markdown("2026-11", {}, {})
    assert "Total spend: 0.00 USD" in text and "(no usage)" in text
    assert report.csv_text([]).strip() == ",".join(report.CSV_COLUMNS)


def test_month_totals_read_only_that_months_items():
    items = [{"pk": "TEAM#a", "sk": "MONTH#2026-11", "costUsd": Decimal("1.5"), "requests": 3},
             {"pk": "TEAM#a", "sk": "MONTH#2026-11#MODEL#m", "costUsd": Decimal("1.5"), "requests": 3},
             {"pk": "TEAM#a", "sk": "DAY#2026-11-02", "costUsd": Decimal("9")},
             {"pk": "TEAM#a", "sk": "MONTH#2026-10", "costUsd": Decimal("7")},
             {"pk": "EVENT#1", "sk": "EVENT"}]
    totals = report.month_totals(items, "2026-11")
    assert list(totals) == ["a"] and totals["a"].total["costUsd"] == Decimal("1.5")
    assert list(totals["a"].models) == ["m"]
