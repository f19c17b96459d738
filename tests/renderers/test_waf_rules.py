"""WAF rule list: the four rules, their order and actions, body rules counted, metric names."""

from __future__ import annotations

import pytest

from components.renderers.waf_rules import (
    COMMON_RULE_SET,
    COMMON_RULE_SET_RULES,
    IP_REPUTATION,
    KNOWN_BAD_INPUTS,
    RATE_LIMIT,
    unknown_common_rules,
    waf_metric_names,
    waf_redacted_fields,
    waf_rules,
)
from components.settings import WAF_BODY_RULES_DEFAULT

PREFIX = "ai-gateway-prod"


def _by_name(rules):
    return {r["name"]: r for r in rules}


def test_four_rules_in_evaluation_order_with_unique_priorities():
    rules = waf_rules(PREFIX, 2000, WAF_BODY_RULES_DEFAULT)
    assert [r["name"] for r in rules] == [IP_REPUTATION, RATE_LIMIT, COMMON_RULE_SET, KNOWN_BAD_INPUTS]
    priorities = [r["priority"] for r in rules]
    assert priorities == sorted(priorities) and len(set(priorities)) == 4


def test_managed_groups_keep_their_block_actions():
    rules = _by_name(waf_rules(PREFIX, 2000, []))
    for name in (IP_REPUTATION, COMMON_RULE_SET, KNOWN_BAD_INPUTS):
        rule = rules[name]
        assert rule["override_action"] == {"none": {}}
        assert "action" not in rule
        assert rule["statement"]["managed_rule_group_statement"]["vendor_name"] == "AWS"
        assert rule["statement"]["managed_rule_group_statement"]["name"] == name
        assert "rule_action_overrides" not in rule["statement"]["managed_rule_group_statement"]


def test_rate_rule_blocks_per_ip_over_five_minutes():
    rule = _by_name(waf_rules(PREFIX, 1234, []))[RATE_LIMIT]
    assert rule["action"] == {"block": {}}
    assert "override_action" not in rule
    assert rule["statement"] == {"rate_based_statement": {"limit": 1234, "aggregate_key_type": "IP", "evaluation_window_sec": 300}}


def test_body_rules_of_the_common_set_are_counted_not_blocked():
    rule = _by_name(waf_rules(PREFIX, 2000, WAF_BODY_RULES_DEFAULT))[COMMON_RULE_SET]
    overrides = rule["statement"]["managed_rule_group_statement"]["rule_action_overrides"]
    assert [o["name"] for o in overrides] == list(WAF_BODY_RULES_DEFAULT)
    assert "SizeRestrictions_BODY" in WAF_BODY_RULES_DEFAULT
    assert all(o["action_to_use"] == {"count": {}} for o in overrides)


def test_duplicate_count_rules_are_dropped_in_order():
    rule = _by_name(waf_rules(PREFIX, 2000, ["GenericLFI_BODY", "SizeRestrictions_BODY", "GenericLFI_BODY"]))[COMMON_RULE_SET]
    names = [o["name"] for o in rule["statement"]["managed_rule_group_statement"]["rule_action_overrides"]]
    assert names == ["GenericLFI_BODY", "SizeRestrictions_BODY"]


def test_every_rule_publishes_prefixed_metrics_and_samples():
    metrics = waf_metric_names(PREFIX)
    assert metrics.web_acl == "ai-gateway-prod-waf"
    assert metrics.rules == {
        IP_REPUTATION: "ai-gateway-prod-ip-reputation",
        RATE_LIMIT: "ai-gateway-prod-rate-limit",
        COMMON_RULE_SET: "ai-gateway-prod-common-rules",
        KNOWN_BAD_INPUTS: "ai-gateway-prod-known-bad-inputs",
    }
    for rule in waf_rules(PREFIX, 2000, WAF_BODY_RULES_DEFAULT):
        assert rule["visibility_config"] == {
            "cloudwatch_metrics_enabled": True,
            "metric_name": metrics.rules[rule["name"]],
            "sampled_requests_enabled": True,
        }


def test_default_count_rules_are_real_common_rule_set_rules():
    assert unknown_common_rules(WAF_BODY_RULES_DEFAULT) == []
    assert unknown_common_rules(["SizeRestrictions_BODY", "SizeRestriction_BODY"]) == ["SizeRestriction_BODY"]
    assert len(COMMON_RULE_SET_RULES) == 22


def test_rate_limit_below_the_waf_minimum_is_rejected():
    with pytest.raises(ValueError):
        waf_rules(PREFIX, 9, [])


def test_logging_redacts_the_authorization_header():
    assert waf_redacted_fields() == [{"single_header": {"name": "authorization"}}]
