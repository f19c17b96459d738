"""The pinned price table: every figure sourced and dated, unverified ones flagged and shown."""

from __future__ import annotations

import json

import pytest

from tests.cost.fragments import doc
from tools.cost import estimate
from tools.cost.prices import PRICES_DIR, PriceTableError, load_prices, parse_table
from tools.cost.render import render_table


def test_every_figure_has_a_source_kind_and_flag():
    for path in PRICES_DIR.glob("*.json"):
        raw = json.loads(path.read_text())
        table = parse_table(raw)  # raises on a missing field
        assert table.region == path.stem
        assert table.read == "2026-12-01"
        assert table.prices, path.name
        for key, price in table.prices.items():
            assert price.source.startswith("https://"), key
            assert price.kind in ("aws", "secondary"), key


def test_a_figure_without_a_source_is_rejected():
    with pytest.raises(PriceTableError, match="lacks source"):
        parse_table({"region": "x", "read": "2026-12-01",
                     "prices": {"a.b": {"price": 1, "unit": "u", "kind": "aws", "verified": True, "note": ""}}})


def test_missing_region_table_is_a_clear_error():
    with pytest.raises(PriceTableError, match="no price table for eu-north-9"):
        load_prices("eu-north-9")


def test_unverified_prices_used_by_a_stack_are_marked_in_the_table():
    result = estimate(doc("prod"))
    text = render_table(result)
    assert result.unverified() == ["container_insights.enhanced_metric_month", "firehose.format_conversion_gb"]
    assert "@ $0.07*" in text and "unverified prices" in text


def test_fargate_arm_is_cheaper_than_x86():
    table = load_prices("us-east-1")
    assert table.value("fargate.arm.vcpu_hour") < table.value("fargate.x86.vcpu_hour")
    assert table.value("fargate.arm.gb_hour") < table.value("fargate.x86.gb_hour")
